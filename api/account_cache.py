"""The callers' accounts as principals, read from the database at most every few seconds.

Every authenticated request needs the caller's role and scope, and that the account is
still open. Reading the account row on every request cost a database round trip and a
thread switch on every call, the largest part of a small read such as
`GET /me/assignments`; a per-process cache of a few seconds (`account_cache_seconds`)
removes it. The process that changes an account forgets it at once (`forget`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import anyio
from sqlalchemy.orm import Session, sessionmaker

from api.database.models import User
from api.errors import UnauthorizedError
from api.policy import Principal


def _read_principal(sessions: sessionmaker[Session], user_id: int) -> Principal | None:
    with sessions() as session:
        user = session.get(User, user_id)
        return Principal.of(user) if user is not None and user.active else None


@dataclass
class AccountCache:
    """Open accounts' principals by user id, each kept for `seconds` (read and filled on the
    event loop; `forget` may be called from a route's thread)."""

    sessions: sessionmaker[Session]
    seconds: float
    _entries: dict[int, tuple[float, Principal]] = field(default_factory=dict)

    async def principal(self, user_id: int) -> Principal:
        now = time.monotonic()
        entry = self._entries.get(user_id)
        if entry is not None and now - entry[0] < self.seconds:
            return entry[1]
        found = await anyio.to_thread.run_sync(_read_principal, self.sessions, user_id)
        if found is None:
            self._entries.pop(user_id, None)
            raise UnauthorizedError("The account does not exist or is closed.")
        if self.seconds > 0:
            self._drop_stale(now)
            self._entries[user_id] = (now, found)
        return found

    def forget(self, user_id: int) -> None:
        self._entries.pop(user_id, None)

    def _drop_stale(self, now: float) -> None:
        # Bounded by the accounts active within `seconds`; swept on each miss.
        # A copy: `forget` may run in a route's thread meanwhile.
        entries = list(self._entries.items())
        stale = [key for key, (read, _p) in entries if now - read >= self.seconds]
        for key in stale:
            self._entries.pop(key, None)
