"""Request dependencies: the database session (one transaction per request) and the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Concatenate, ParamSpec, TypeVar

import anyio
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from api.account_cache import AccountCache
from api.concurrency import ending_limiter
from api.database.models import User
from api.errors import UnauthorizedError
from api.policy import Principal
from api.security import read_token
from api.settings import Settings

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


async def get_settings_dep(request: Request) -> Settings:
    # `async`: FastAPI runs a plain function dependency in the thread pool, a thread
    # switch for every request for one attribute read.
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
    without a transaction of their own: see `reading_engine`). Ending such a session
    sends nothing to the database (there is no transaction to end: PostgreSQL's reads run
    in autocommit, SQLite's driver begins none for a SELECT), so it ends right here, on the
    event loop, saving a thread switch per read.

    A writing request's commit or rollback runs in threads of its own (`ending_limiter`),
    never queued behind routes waiting in the server's thread pool.
    """
    if request.method in ("GET", "HEAD"):
        session = request.app.state.read_sessions()
        try:
            yield session
        except BaseException:
            _roll_back(session)
            raise
        _commit(session)
        return
    ending = ending_limiter(request)
    session = request.app.state.sessions()
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

P = ParamSpec("P")
T = TypeVar("T")


async def read_rows_in_thread(
    request: Request,
    work: Callable[Concatenate[Connection, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`work(connection, …)` on a connection of the reading engine, in one thread of the pool.

    For the most frequent reads, which run Core statements and build no ORM objects: a
    bare connection skips the session's own bookkeeping (its transaction, its end). Ending
    the connection sends nothing to the database: PostgreSQL's reads run in autocommit,
    and a SQLite read is rolled back, which changes nothing.
    """

    def run() -> T:
        with request.app.state.read_engine.connect() as connection:
            return work(connection, *args, **kwargs)

    return await anyio.to_thread.run_sync(run)


def user_of_token(session: Session, token: str, secret: str) -> User:
    """The active account a token was issued to (the pages' cookie: they show its name)."""
    user = session.get(User, read_token(token, secret))
    if user is None or not user.active:
        raise UnauthorizedError("The account does not exist or is closed.")
    return user


async def get_principal(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    if not token:
        raise UnauthorizedError("Not logged in: send a bearer token from /auth/token.")
    # The settings straight from the app (not `SettingsDep`): every request needs the
    # caller, and each dependency FastAPI resolves costs a request's CPU.
    settings: Settings = request.app.state.settings
    accounts: AccountCache = request.app.state.accounts
    return await accounts.principal(read_token(token, settings.secret_key))


PrincipalDep = Annotated[Principal, Depends(get_principal)]
