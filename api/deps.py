"""Request dependencies: the database session (one transaction per request) and the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session, sessionmaker

from api.account_cache import AccountCache
from api.concurrency import ending_limiter
from api.database.models import User
from api.errors import UnauthorizedError
from api.policy import Principal
from api.security import read_token
from api.settings import Settings

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _commit(session: Session) -> None:
    try:
        session.commit()
    finally:
        session.close()


def _roll_back(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on error.

    GET requests only read, and take their session from `read_sessions` (on PostgreSQL
    without a transaction of their own: see `reading_engine`).

    The commit or rollback runs in threads of its own (`ending_limiter`), never queued
    behind routes waiting in the server's thread pool.
    """
    reads_only = request.method in ("GET", "HEAD")
    factory: sessionmaker[Session] = (
        request.app.state.read_sessions if reads_only else request.app.state.sessions
    )
    ending = ending_limiter(request)
    session = factory()
    try:
        yield session
    except BaseException:
        await anyio.to_thread.run_sync(_roll_back, session, limiter=ending)
        raise
    await anyio.to_thread.run_sync(_commit, session, limiter=ending)


# Ended with the route ("function" scope), before the answer is sent: a client that reads
# right after a write (a page after its POST's redirect) sees it, and a failed commit is
# an error answer, never a success that was not kept.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def user_of_token(session: Session, token: str, secret: str) -> User:
    """The active account a token was issued to (the pages' cookie: they show its name)."""
    user = session.get(User, read_token(token, secret))
    if user is None or not user.active:
        raise UnauthorizedError("The account does not exist or is closed.")
    return user


async def get_principal(
    request: Request,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    if not token:
        raise UnauthorizedError("Not logged in: send a bearer token from /auth/token.")
    accounts: AccountCache = request.app.state.accounts
    return await accounts.principal(read_token(token, settings.secret_key))


PrincipalDep = Annotated[Principal, Depends(get_principal)]
