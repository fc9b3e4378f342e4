"""Work spread over the machine's cores in threads, with results in input order.

numpy, scipy and OR-Tools release the interpreter lock inside their large operations, so
threads give a second core real work on block-wise computations (scoring or pricing a
block of workers × postings) without copying the blocks into other processes. Results
come back in the order of the inputs whatever the threads' timing, so a computation
that joins them in that order stays deterministic.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from matching.errors import InvalidInputError

T = TypeVar("T")
R = TypeVar("R")


def worker_threads() -> int:
    """Threads for block-wise work: the cores this process may use, at most 4 (measured on
    2 cores only; the blocks' memory traffic limits what more could gain), or
    BANGFU_THREADS when set."""
    setting = os.environ.get("BANGFU_THREADS", "").strip()
    if setting:
        if not setting.isdigit() or int(setting) < 1:
            raise InvalidInputError(
                f"BANGFU_THREADS must be a whole number of at least 1, not {setting!r}.",
                item="BANGFU_THREADS",
            )
        return int(setting)
    return max(1, min(4, len(os.sched_getaffinity(0))))


def in_threads(function: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """`[function(item) for item in items]`, computed in `worker_threads()` threads."""
    threads = worker_threads()
    if threads == 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(function, items))


def in_order(function: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """`function(item)` for each item, in order, computed ahead in `worker_threads()`
    threads while `items` is drawn in this thread; at most two per thread wait, so the
    results in memory stay few when each is large."""
    threads = worker_threads()
    if threads == 1:
        yield from map(function, items)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) >= 2 * threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
