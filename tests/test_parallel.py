"""Block-wise work in threads: results in input order, the thread count from the cores."""

from __future__ import annotations

import os
import threading
import time

import pytest

from matching.errors import InvalidInputError
from matching.parallel import in_order, in_threads, worker_threads


def test_thread_count_follows_the_cores_or_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BANGFU_THREADS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    assert worker_threads() == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(16)))
    assert worker_threads() == 4
    monkeypatch.setenv("BANGFU_THREADS", "1")
    assert worker_threads() == 1


def test_results_come_in_input_order_whatever_finishes_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Early items sleep longest, so threads finish them last; the order still holds, and
    more than one thread did the work."""
    monkeypatch.setenv("BANGFU_THREADS", "3")
    seen: set[int] = set()

    def slow_square(x: int) -> int:
        time.sleep(0.02 * (10 - x))
        seen.add(threading.get_ident())
        return x * x

    assert in_threads(slow_square, range(10)) == [x * x for x in range(10)]
    assert list(in_order(slow_square, iter(range(10)))) == [x * x for x in range(10)]
    assert len(seen) > 1


def test_an_error_in_a_thread_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANGFU_THREADS", "2")

    def fails_on_three(x: int) -> int:
        if x == 3:
            raise ValueError("row 3")
        return x

    with pytest.raises(ValueError, match="row 3"):
        list(in_order(fails_on_three, range(6)))


@pytest.mark.parametrize("setting", ["0", "two", "-1", "1.5"])
def test_a_bad_thread_setting_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    monkeypatch.setenv("BANGFU_THREADS", setting)
    with pytest.raises(InvalidInputError, match="BANGFU_THREADS"):
        worker_threads()
