"""Flash messages: one-time notices carried across a redirect in a signed cookie.

`flash(response, "已谢绝…")` on the redirect; the next rendered page shows the messages
and clears the cookie. The cookie is signed (HMAC under the secret key), so only the
server writes what a page shows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Literal

from fastapi import Request, Response

COOKIE = "bangfu_flash"
Kind = Literal["ok", "info", "error"]


@dataclass(frozen=True)
class Message:
    kind: Kind
    text: str


def _sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), f"flash:{payload}".encode(), hashlib.sha256).hexdigest()


def flash(request: Request, response: Response, text: str, kind: Kind = "ok") -> None:
    """Add a message for the next page this browser renders."""
    messages = [*getattr(request.state, "flashed", []), Message(kind, text)]
    request.state.flashed = messages
    raw = json.dumps([[m.kind, m.text] for m in messages], ensure_ascii=False)
    payload = base64.urlsafe_b64encode(raw.encode()).decode()
    signature = _sign(request.app.state.settings.secret_key, payload)
    response.set_cookie(
        COOKIE, f"{payload}.{signature}", httponly=True, samesite="lax", path="/app"
    )


def pending(request: Request) -> list[Message]:
    """The messages waiting in this request's cookie; none if it was tampered with."""
    value = request.cookies.get(COOKIE, "")
    payload, _, signature = value.partition(".")
    expected = _sign(request.app.state.settings.secret_key, payload)
    if not payload or not hmac.compare_digest(signature, expected):
        return []
    try:
        items = json.loads(base64.urlsafe_b64decode(payload.encode()))
        return [Message(kind, str(text)) for kind, text in items]
    except (ValueError, TypeError):
        return []


def clear(request: Request, response: Response) -> None:
    if COOKIE in request.cookies:
        response.delete_cookie(COOKIE, path="/app")
