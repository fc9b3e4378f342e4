"""Passwords (argon2 through pwdlib) and bearer tokens (JWT, HS256, with expiry)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from api.errors import UnauthorizedError

_HASHER = PasswordHash((Argon2Hasher(),))
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _HASHER.verify(password, password_hash)


# Verifying against this when the user does not exist keeps the answer time the same, so
# timing does not tell which user names exist.
DUMMY_HASH = hash_password("not-a-real-password")


def create_token(user_id: int, role: str, secret: str, minutes: int) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "role": role,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


@lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> tuple[int, int]:
    """The user id and expiry (Unix time) of a token that is valid now.

    Cached: a client sends the same token with each call, and checking its signature and
    claims is a tenth of a millisecond of every request's CPU. Of a valid token only the
    expiry can turn, and `read_token` checks it on every call; a token that fails raises,
    and is not cached.
    """
    claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp"]})
    return int(claims["sub"]), int(claims["exp"])


def read_token(token: str, secret: str) -> int:
    """The user id in a valid, unexpired token."""
    try:
        user_id, expires = _verified(token, secret)
    except jwt.ExpiredSignatureError as error:
        raise UnauthorizedError("The token has expired; log in again.") from error
    except (jwt.InvalidTokenError, KeyError, ValueError) as error:
        raise UnauthorizedError("The token is not valid.") from error
    if expires <= time.time():  # as PyJWT decides it, with no leeway
        raise UnauthorizedError("The token has expired; log in again.")
    return user_id
