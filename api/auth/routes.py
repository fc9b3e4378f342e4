"""Log in (OAuth2 password flow), who am I, and the province office's account admin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from api.auth import service
from api.auth.ratelimit import LoginLimiter
from api.auth.schemas import TokenOut, UserCreate, UserOut, UserUpdate
from api.common import RowId
from api.database.models import ROLE_LABELS, Role, User
from api.deps import PrincipalDep, SessionDep, SettingsDep
from api.policy import require_role
from api.security import create_token

router = APIRouter(tags=["accounts"])


def user_out(user: User) -> UserOut:
    role = Role(user.role)
    return UserOut.model_validate(
        {
            **{c: getattr(user, c) for c in UserOut.model_fields if hasattr(user, c)},
            "role": role,
            "role_label": ROLE_LABELS[role],
        }
    )


@router.post("/auth/token", response_model=TokenOut, summary="Log in (OAuth2 password flow)")
def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> TokenOut:
    limiter: LoginLimiter = request.app.state.login_limiter
    limiter.hit(form.username, request.client.host if request.client else "unknown")
    user = service.authenticate(session, form.username, form.password)
    token = create_token(user.id, user.role, settings.secret_key, settings.token_minutes)
    return TokenOut(access_token=token, expires_in=settings.token_minutes * 60)


@router.get("/me", response_model=UserOut, summary="The logged-in account")
def me(principal: PrincipalDep, session: SessionDep) -> UserOut:
    user = session.get(User, principal.user_id)
    assert user is not None  # the principal was loaded from it in this request
    return user_out(user)


@router.get("/users", response_model=list[UserOut], summary="Accounts (province office)")
def list_users(
    principal: PrincipalDep,
    session: SessionDep,
    role: Role | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[UserOut]:
    require_role(principal, Role.PROVINCE)
    query = select(User).order_by(User.id).limit(limit).offset(offset)
    if role is not None:
        query = query.where(User.role == role.value)
    return [user_out(user) for user in session.scalars(query)]


@router.post("/users", response_model=UserOut, status_code=201, summary="Create an account")
def create_user(principal: PrincipalDep, session: SessionDep, data: UserCreate) -> UserOut:
    require_role(principal, Role.PROVINCE)
    return user_out(service.create_user(session, principal, data))


@router.patch("/users/{user_id}", response_model=UserOut, summary="Change or close an account")
def update_user(
    request: Request, principal: PrincipalDep, session: SessionDep, user_id: RowId, data: UserUpdate
) -> UserOut:
    require_role(principal, Role.PROVINCE)
    updated = user_out(service.update_user(session, principal, user_id, data))
    request.app.state.accounts.forget(user_id)
    return updated
