"""Concurrency limits of one application, created lazily in its own event loop.

anyio's limiters and semaphores belong to the event loop that first waits on them; a
module-level one would be shared by every application in the process (tests run many,
each in a loop of its own) and could hang. Each application keeps its own in its state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
from fastapi import Request

# Threads that end requests' transactions (commit or rollback), apart from the routes'.
ENDING_THREADS = 8

T = TypeVar("T")


def _of_app(request: Request, name: str, make: Callable[[], T]) -> T:
    state = request.app.state
    value: T | None = getattr(state, name, None)
    if value is None:
        value = make()
        setattr(state, name, value)
    return value


def ending_limiter(request: Request) -> anyio.CapacityLimiter:
    return _of_app(request, "ending_limiter", lambda: anyio.CapacityLimiter(ENDING_THREADS))
