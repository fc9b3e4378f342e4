"""Logging in and out, and the home page that sends each role to its main page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import service as auth_service
from api.auth.ratelimit import LoginLimiter
from api.deps import SessionDep, SettingsDep
from api.errors import RateLimitedError, UnauthorizedError
from api.pages.csrf import PRE_LOGIN_COOKIE, binding_of, new_binding
from api.pages.errors import safe_next
from api.pages.flash import flash
from api.pages.nav import main_page
from api.pages.render import redirect, render
from api.pages.session import PagePrincipal, clear_login, page_router, public_router, set_login
from api.security import create_token

public = public_router()
router = page_router()

WRONG_PASSWORD = "用户名或密码错误。"


def _login_form(
    request: Request,
    *,
    next_url: str | None,
    username: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    made = None
    if binding_of(request) is None:
        # First visit: the form's CSRF token needs something to be bound to.
        made = request.state.csrf_binding = new_binding()
    response = render(
        request,
        "login.html",
        {"next": safe_next(next_url), "username": username, "errors": errors or {}},
        status_code,
        headers,
    )
    if made:
        response.set_cookie(PRE_LOGIN_COOKIE, made, httponly=True, samesite="lax", path="/app")
    return response


@public.get("/app/login")
def login_page(
    request: Request, next_url: Annotated[str | None, Query(alias="next", max_length=2000)] = None
) -> HTMLResponse:
    return _login_form(request, next_url=next_url)


@public.post("/app/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next_url: Annotated[str | None, Form(alias="next", max_length=2000)] = None,
) -> Response:
    """The same check as `POST /auth/token` (its rate limit, its password check); the
    token goes into the login cookie instead of the answer."""
    username = username.strip()
    errors = {
        field: message
        for field, message, missing in (
            ("username", "请填写用户名。", not username),
            ("password", "请填写密码。", not password),
        )
        if missing
    }
    if errors:
        return _login_form(
            request, next_url=next_url, username=username, errors=errors, status_code=422
        )
    limiter: LoginLimiter = request.app.state.login_limiter
    try:
        limiter.hit(username, request.client.host if request.client else "unknown")
        user = auth_service.authenticate(session, username, password)
    except RateLimitedError as error:
        message = f"登录尝试过多，请 {error.retry_after} 秒后再试。"
        return _login_form(
            request,
            next_url=next_url,
            username=username,
            errors={"form": message},
            status_code=429,
            headers={"Retry-After": str(error.retry_after)},
        )
    except UnauthorizedError:
        return _login_form(
            request,
            next_url=next_url,
            username=username,
            errors={"form": WRONG_PASSWORD},
            status_code=401,
        )
    token = create_token(user.id, user.role, settings.secret_key, settings.token_minutes)
    response = RedirectResponse(safe_next(next_url) or "/app/", status_code=303)
    set_login(response, token, settings)
    return response


@router.get("/app/")
def home(principal: PagePrincipal) -> RedirectResponse:
    """Each role's main page: an expert's assignments, a coordinator's county, …"""
    return RedirectResponse(main_page(principal), status_code=303)


@router.post("/app/logout")
def logout(request: Request) -> Response:
    response = redirect(request, "/app/login")
    clear_login(response)
    flash(request, response, "您已退出登录。", "info")
    return response


def root() -> RedirectResponse:
    """`/`: the pages (the API's documentation stays at /docs)."""
    return RedirectResponse("/app/", status_code=307)
