"""CSRF tokens: an HMAC, under the secret key, of what ties the browser to its login.

Logged in, that is the session cookie (the login's JWT); before logging in, a random
value in a cookie of its own (`bangfu_pre`), set by the login page. A forged form from
another site cannot read either cookie (HttpOnly), so it cannot know the token. Every
unsafe page request must carry it: the form field `csrf_token`, or the header
`X-CSRF-Token` (htmx sends it from `hx-headers` on <body>).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request

from api.errors import ForbiddenError

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SESSION_COOKIE = "bangfu_session"
PRE_LOGIN_COOKIE = "bangfu_pre"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfError(ForbiddenError):
    """A state-changing page request without the right token (403)."""


def token_for(secret: str, binding: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{binding}".encode(), hashlib.sha256).hexdigest()


def new_binding() -> str:
    return secrets.token_urlsafe(24)


def binding_of(request: Request) -> str | None:
    """What this request's token is bound to: set on `request.state` by a page that has
    just made one, else the session cookie, else the pre-login cookie."""
    made: str | None = getattr(request.state, "csrf_binding", None)
    return made or request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRE_LOGIN_COOKIE)


def request_token(request: Request) -> str:
    """The token to put into this request's page (empty without a binding)."""
    binding = binding_of(request)
    if binding is None:
        return ""
    return token_for(request.app.state.settings.secret_key, binding)


async def require_csrf(request: Request) -> None:
    """A router dependency of every page router: unsafe methods need the right token."""
    if request.method in SAFE_METHODS:
        return
    binding = binding_of(request)
    sent = request.headers.get(HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    expected = token_for(request.app.state.settings.secret_key, binding or "")
    if binding is None or sent is None or not hmac.compare_digest(sent, expected):
        raise CsrfError("表单已失效（安全校验未通过），请刷新页面后重试。")
