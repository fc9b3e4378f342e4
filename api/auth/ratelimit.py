"""Login attempts, limited per user name and per client address (moving window).

Counts live in the server process (the `limits` library's memory storage): enough for the
embedded set-up and for each process of a larger one.
"""

from __future__ import annotations

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from api.errors import RateLimitedError


class LoginLimiter:
    def __init__(self, attempts: int, window_seconds: int) -> None:
        self._item = RateLimitItemPerSecond(attempts, window_seconds)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._window = window_seconds

    def hit(self, username: str, client: str) -> None:
        """Count one attempt; refuse it when either key has used up its window."""
        for key in (f"user:{username.casefold()}", f"client:{client}"):
            if not self._limiter.hit(self._item, "login", key):
                raise RateLimitedError(
                    "Too many login attempts; wait and try again.", retry_after=self._window
                )
