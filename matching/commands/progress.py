"""Progress on standard error, and Ctrl-C as a request to stop.

Runs shorter than a second show nothing. On a terminal one status line is redrawn in
place (phase, elapsed seconds and, during a solve, the best objective and bound); when
standard error is a file or a pipe, a new phase is one line, at most one every few seconds
(the engine's own phases, such as polishing passes, can follow each other quickly), so a
log holds no spam.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType, TracebackType
from typing import TextIO

from matching.control import CancelToken, Progress

SHOW_AFTER_S = 1.0
REDRAW_EVERY_S = 0.25
LOG_EVERY_S = 5.0


class StatusLine:
    """A progress listener that draws on standard error from a ticker thread."""

    def __init__(self, stream: TextIO | None = None, *, log_every_s: float = LOG_EVERY_S) -> None:
        self._stream = stream or sys.stderr
        self._log_every_s = log_every_s
        self._logged_at = -log_every_s
        self._tty = self._stream.isatty()
        self._started = time.perf_counter()
        self._latest: Progress | None = None
        self._printed_phase: str | None = None
        self._drawn = False
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True)

    def __call__(self, progress: Progress) -> None:
        with self._lock:
            self._latest = progress

    def __enter__(self) -> StatusLine:
        self._ticker.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._done.set()
        self._ticker.join()
        if self._drawn:
            self._stream.write("\r\x1b[2K")
            self._stream.flush()

    def _tick(self) -> None:
        while not self._done.wait(REDRAW_EVERY_S):
            elapsed = time.perf_counter() - self._started
            with self._lock:
                latest = self._latest
            if latest is None or elapsed < SHOW_AFTER_S:
                continue
            if self._tty:
                self._stream.write("\r\x1b[2K" + describe(latest, elapsed))
                self._drawn = True
            elif (
                latest.phase != self._printed_phase
                and elapsed - self._logged_at >= self._log_every_s
            ):
                self._stream.write(describe(latest, elapsed, solve=False) + "\n")
                self._printed_phase = latest.phase
                self._logged_at = elapsed
            self._stream.flush()


def describe(progress: Progress, elapsed: float, *, solve: bool = True) -> str:
    """`[  12.3 s] experts: lead stage  best 4019.46  bound 4021.07`"""
    text = f"[{elapsed:7.1f} s] {progress.phase}"
    if solve and progress.objective is not None:
        text += f"  best {progress.objective:.6g}"
    if solve and progress.bound is not None:
        text += f"  bound {progress.bound:.6g}"
    return text


@contextmanager
def cancel_on_interrupt(token: CancelToken) -> Iterator[CancelToken]:
    """Ctrl-C cancels `token` (the run stops at its next safe point); a second Ctrl-C
    interrupts at once."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield token
    finally:
        signal.signal(signal.SIGINT, previous)
