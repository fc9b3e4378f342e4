"""Login attempts, limited per user name and per client address (moving window).

Counts live where `BANGFU_RATE_LIMIT_STORAGE` says (a `limits` storage URI): in the server
process by default (`memory://`, enough for the embedded set-up), or in Redis
(`redis://host:6379/0`) so that every server process and machine shares one count — with
`--workers N` in memory, an attacker gets N times the attempts.
"""

from __future__ import annotations

import logging

from limits import RateLimitItemPerSecond
from limits.errors import ConfigurationError, StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from api.errors import RateLimitedError, UnavailableError
from matching.errors import InvalidInputError

log = logging.getLogger(__name__)
# Seconds a client should wait when the shared store cannot be reached.
STORE_RETRY_AFTER = 5


class LoginLimiter:
    def __init__(self, attempts: int, window_seconds: int, storage: str = "memory://") -> None:
        try:
            store = storage_from_string(storage)
        except ConfigurationError as error:
            raise InvalidInputError(
                f"BANGFU_RATE_LIMIT_STORAGE {storage!r} is not usable: {error}",
                item="rate_limit_storage",
            ) from error
        self._item = RateLimitItemPerSecond(attempts, window_seconds)
        self._limiter = MovingWindowRateLimiter(store)
        self._window = window_seconds

    def hit(self, username: str, client: str) -> None:
        """Count one attempt; refuse it when either key has used up its window. A store that
        cannot be reached refuses the login (503) rather than let attempts go uncounted."""
        for key in (f"user:{username.casefold()}", f"client:{client}"):
            try:
                allowed = self._limiter.hit(self._item, "login", key)
            except (RedisError, StorageError, OSError) as error:
                log.warning("login rate-limit store unreachable: %s", error)
                raise UnavailableError(
                    "Logging in is not possible right now; try again shortly.",
                    retry_after=STORE_RETRY_AFTER,
                ) from error
            if not allowed:
                raise RateLimitedError(
                    "Too many login attempts; wait and try again.", retry_after=self._window
                )
