"""Request dependencies: the database session (one transaction per request) and the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session, sessionmaker

from api.database.models import User
from api.errors import UnauthorizedError
from api.policy import Principal
from api.security import read_token
from api.settings import Settings

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on error."""
    factory: sessionmaker[Session] = request.app.state.sessions
    with factory() as session, session.begin():
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def get_principal(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    if not token:
        raise UnauthorizedError("Not logged in: send a bearer token from /auth/token.")
    user = session.get(User, read_token(token, settings.secret_key))
    if user is None or not user.active:
        raise UnauthorizedError("The account does not exist or is closed.")
    return Principal.of(user)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
