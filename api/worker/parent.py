"""The embedded worker ends with the server that started it, even one killed outright.

`bangfu serve` stops its worker on a normal exit and on SIGTERM, but a server killed with
SIGKILL (or by the out-of-memory killer) runs no code at all, and its worker would go on
claiming runs with nobody serving their results. The server therefore names itself in the
worker's environment; the worker watches its parent and stops (handing its run back to the
queue) once that parent is gone — on Linux an orphan is re-parented, so its parent id
changes.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

PARENT_VARIABLE = "BANGFU_WORKER_PARENT_PID"
CHECK_SECONDS = 1.0

log = logging.getLogger(__name__)


def expected_parent() -> int | None:
    """The server's process id, when this worker was started by `bangfu serve`."""
    value = os.environ.get(PARENT_VARIABLE, "")
    return int(value) if value.isdigit() else None


def watch_parent(
    parent: int, stop: Callable[[], None], stopped: threading.Event, every: float = CHECK_SECONDS
) -> threading.Thread:
    """A daemon thread that calls `stop` once this process's parent is no longer `parent`;
    it ends when `stopped` is set."""

    def watch() -> None:
        while not stopped.wait(every):
            if os.getppid() != parent:
                log.warning("worker: the server (pid %d) is gone, stopping", parent)
                stop()
                return

    thread = threading.Thread(target=watch, name="bangfu-parent-watch", daemon=True)
    thread.start()
    return thread
