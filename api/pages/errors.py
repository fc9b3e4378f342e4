"""The pages' side of the one error handler (`api/errors.py`): an HTML page in Chinese
with the same status as the API would answer, or, not logged in, a redirect to the login.

A part of a page fetched by htmx gets a short alert instead of a whole page, placed into
the page's `#alerts` area (HX-Retarget), so the user sees why nothing changed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from api.errors import ErrorAnswer, UnauthorizedError
from api.pages import flash
from api.pages.csrf import CsrfError
from api.pages.render import is_htmx, render
from api.pages.session import EXPIRED, LoginRequiredError, clear_login

PREFIX = "/app"
LOGIN = "/app/login"

# (title, explanation) per status, for people; the API's messages are for programs.
TEXTS: dict[int, tuple[str, str]] = {
    400: ("请求有误", "这个请求无法处理，请返回上一页重试。"),
    403: ("无权访问", "您的账号无权查看或进行这项操作。"),
    404: ("找不到页面", "您要找的内容不存在，或不在您的权限范围内。"),
    405: ("不支持的操作", "这个地址不支持这种操作。"),
    409: ("状态已变化", "这项内容的状态已经变化，请刷新页面后再试。"),
    422: ("提交的内容有误", "请检查地址或填写的内容后重试。"),
    429: ("操作过于频繁", "请稍等片刻再试。"),
    500: (
        "服务器出错了",
        "服务器出错了，这次操作没有保存。请稍后再试；问题持续时请联系省级帮扶办。",
    ),
    503: ("服务器繁忙", "服务器繁忙，这次操作没有进行。请稍后再试。"),
}


def _texts(status: int) -> tuple[str, str]:
    return TEXTS.get(status) or TEXTS[500 if status >= 500 else 400]


def safe_next(target: str | None) -> str | None:
    """A page of this site to go back to after logging in; None for anything else (an
    absolute URL, `//host`, a path outside /app), so the login cannot send people away."""
    if not target or not target.startswith(PREFIX) or target.startswith(LOGIN):
        return None
    if "\\" in target or "//" in target or any(c in target for c in "\r\n"):
        return None
    return target


def login_url(next_path: str | None) -> str:
    target = safe_next(next_path)
    return f"{LOGIN}?{urlencode({'next': target})}" if target else LOGIN


class HtmlErrors:
    """Implements `api.errors.PageErrors` for the requests under /app."""

    def handles(self, request: Request) -> bool:
        path = request.url.path
        return path == PREFIX or path.startswith(PREFIX + "/")

    def render(self, request: Request, answer: ErrorAnswer) -> Response:
        if isinstance(answer.error, UnauthorizedError):
            return self._to_login(request, answer.error)
        title, text = _texts(answer.status)
        detail = str(answer.error) if isinstance(answer.error, CsrfError) else None
        headers = {k: v for k, v in answer.headers.items() if k != "WWW-Authenticate"}
        context = {"status": answer.status, "title": title, "text": text, "detail": detail}
        if is_htmx(request):
            headers |= {"HX-Retarget": "#alerts", "HX-Reswap": "innerHTML"}
            return render(request, "_error_alert.html", context, answer.status, headers)
        return render(request, "error.html", context, answer.status, headers)

    def _to_login(self, request: Request, error: UnauthorizedError) -> Response:
        came_from = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            came_from = request.headers.get("HX-Current-URL") or request.headers.get("Referer", "")
            came_from = came_from.split(str(request.base_url).rstrip("/"), 1)[-1]
        target = login_url(came_from)
        if is_htmx(request):
            response: Response = Response(status_code=401, headers={"HX-Redirect": target})
        else:
            response = RedirectResponse(target, status_code=303)
        if not (isinstance(error, LoginRequiredError) and not error.expired):
            flash.flash(request, response, EXPIRED, "info")
            clear_login(response)
        return response
