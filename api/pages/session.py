"""The login cookie and the page principal.

Logging in puts the same JWT the API hands out (`api/security.py`) into an HttpOnly,
SameSite=Lax cookie (Secure in production). `page_principal` reads it and yields the
same `Principal` the API's bearer token does, so `api/policy.py` decides exactly as for
the API. No cookie, an expired or a forged one: `LoginRequiredError`, which the error
handler turns into a redirect to the login page (with "登录已过期，请重新登录" when a
login was there but no longer holds).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from api.database.models import ROLE_LABELS
from api.deps import SessionDep, SettingsDep, user_of_token
from api.errors import UnauthorizedError
from api.pages.csrf import PRE_LOGIN_COOKIE, SESSION_COOKIE, require_csrf
from api.policy import Principal
from api.settings import Settings

EXPIRED = "登录已过期，请重新登录"


class LoginRequiredError(UnauthorizedError):
    """A page needs a login: none was sent (`expired` False), or it no longer holds."""

    def __init__(self, message: str, *, expired: bool) -> None:
        super().__init__(message)
        self.expired = expired


def set_login(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.token_minutes * 60,
        httponly=True,
        samesite="lax",
        secure=settings.environment == "production",
        path="/",
    )
    response.delete_cookie(PRE_LOGIN_COOKIE, path="/app")


def clear_login(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def page_principal(request: Request, session: SessionDep, settings: SettingsDep) -> Principal:
    """The caller of a page, from the login cookie; also kept on `request.state` for the
    layout (its name and role in the header, its navigation)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequiredError("Not logged in.", expired=False)
    try:
        user = user_of_token(session, token, settings.secret_key)
    except UnauthorizedError as error:
        raise LoginRequiredError(str(error), expired=True) from error
    principal = Principal.of(user)
    request.state.principal = principal
    request.state.user_label = f"{user.display_name_zh} · {ROLE_LABELS[principal.role]}"
    return principal


PagePrincipal = Annotated[Principal, Depends(page_principal)]


def page_router(**options: Any) -> APIRouter:
    """A router of pages for logged-in users: each of its routes needs the login cookie
    (else a redirect to the login page) and, for POST, the CSRF token."""
    return APIRouter(
        include_in_schema=False,
        default_response_class=HTMLResponse,
        dependencies=[Depends(page_principal), Depends(require_csrf)],
        **options,
    )


def public_router(**options: Any) -> APIRouter:
    """A router of pages open without a login (the login page); POST still needs CSRF."""
    return APIRouter(
        include_in_schema=False,
        default_response_class=HTMLResponse,
        dependencies=[Depends(require_csrf)],
        **options,
    )
