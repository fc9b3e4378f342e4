"""Progress and cancellation of a long computation.

A run (`matching.runs`) installs a `Control` for the duration of a match with
`controlled(...)`; the phases of the matchers and the engine's solvers call `report` to
say where they are and `checkpoint` at every point where stopping is safe. Nothing has
to thread a callback through every function in between, and code that runs outside a
`controlled` block pays nothing: the default control reports nowhere and never cancels.

Cancellation is cooperative: `CancelToken.cancel()` may be called from another thread
(a signal handler, a web request); the computation raises `Cancelled` at its next
checkpoint, before it has written anything.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from matching.errors import Cancelled


class CancelToken:
    """A flag another thread may raise; thread-safe."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


@dataclass(frozen=True)
class Progress:
    """Where a run is: its phase, seconds since the run began and, during a solve, the
    best objective and bound found so far."""

    phase: str
    elapsed_s: float
    objective: float | None = None
    bound: float | None = None


ProgressListener = Callable[[Progress], None]


@dataclass(frozen=True)
class Control:
    listener: ProgressListener | None = None
    token: CancelToken | None = None
    started: float = field(default_factory=time.perf_counter)


_IDLE = Control()
_CURRENT: ContextVar[Control | None] = ContextVar("bangfu_control", default=None)


def _current() -> Control:
    return _CURRENT.get() or _IDLE


@contextmanager
def controlled(
    listener: ProgressListener | None = None, token: CancelToken | None = None
) -> Iterator[Control]:
    """Install a listener and a cancel token for the code inside the block."""
    control = Control(listener, token)
    reset = _CURRENT.set(control)
    try:
        yield control
    finally:
        _CURRENT.reset(reset)


def cancel_token() -> CancelToken | None:
    """The running computation's cancel token, for work it hands to other threads."""
    return _current().token


def cancel_requested() -> bool:
    token = _current().token
    return token is not None and token.cancelled


def checkpoint() -> None:
    """Raise `Cancelled` if the run was asked to stop."""
    if cancel_requested():
        raise Cancelled("the run was cancelled")


def report(phase: str, objective: float | None = None, bound: float | None = None) -> None:
    """Tell the listener, if any, where the run is; then honour a pending cancel."""
    control = _current()
    if control.listener is not None:
        elapsed = time.perf_counter() - control.started
        control.listener(Progress(phase, elapsed, objective, bound))
    checkpoint()
