"""The service's errors: subclasses of `matching.errors.BangfuError`, one hierarchy.

`install_error_handlers` maps every one of them, in one place, to a JSON body
`{"error": {"code": …, "message": …, "details": […]}}` with a stable code for programs and
a human message. Bad input is 422 and names the field or row; a solver bug is 500. The web
pages' requests get the same status as an HTML page in Chinese (`api/pages/errors.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from matching.errors import BangfuError, Cancelled, InvalidInputError, SolverError

log = logging.getLogger(__name__)


class NotFoundError(BangfuError):
    """Missing, or outside the caller's scope and not theirs to know of (404)."""


class ForbiddenError(BangfuError):
    """Visible to the caller, but not theirs to change (403)."""


class ConflictError(BangfuError):
    """The request clashes with the current state (409): publish twice, a run not done…"""


class UnauthorizedError(BangfuError):
    """No valid credentials (401)."""


class RateLimitedError(BangfuError):
    """Too many attempts (429); `retry_after` seconds until the next one may succeed."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnavailableError(BangfuError):
    """A service Bangfu depends on (the shared rate-limit store) cannot be reached (503);
    nothing was done; `retry_after` seconds until trying again makes sense."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RowsInvalidError(InvalidInputError):
    """A file with bad rows: every bad row and field, so one answer lists them all."""

    def __init__(self, message: str, problems: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.problems = problems


# (class, HTTP status, stable code), most specific first.
_STATUS: tuple[tuple[type[BangfuError], int, str], ...] = (
    (RowsInvalidError, 422, "invalid_rows"),
    (InvalidInputError, 422, "invalid_input"),
    (NotFoundError, 404, "not_found"),
    (ForbiddenError, 403, "forbidden"),
    (ConflictError, 409, "conflict"),
    (UnauthorizedError, 401, "unauthorized"),
    (RateLimitedError, 429, "rate_limited"),
    (UnavailableError, 503, "unavailable"),
    (Cancelled, 409, "cancelled"),
    (SolverError, 500, "solver_error"),
)


def error_body(
    code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


@dataclass(frozen=True)
class ErrorAnswer:
    """What the one handler answers for an error, before it is put into JSON or a page."""

    status: int
    code: str
    message: str
    details: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    error: BaseException | None = None


class PageErrors(Protocol):
    """How the web pages show an error: `handles` picks the page requests (under /app),
    `render` answers them with an HTML page of the same status."""

    def handles(self, request: Request) -> bool: ...

    def render(self, request: Request, answer: ErrorAnswer) -> Response: ...


def _bangfu_answer(error: BangfuError) -> ErrorAnswer:
    status, code = next(
        ((s, c) for cls, s, c in _STATUS if isinstance(error, cls)), (500, "internal_error")
    )
    if status >= 500:
        log.exception("server error", exc_info=error)
    details: list[dict[str, Any]] = []
    if isinstance(error, RowsInvalidError):
        details = error.problems
    elif isinstance(error, InvalidInputError) and error.item is not None:
        details = [{"field": error.item}]
    headers = {}
    if isinstance(error, UnauthorizedError):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, RateLimitedError | UnavailableError):
        headers["Retry-After"] = str(error.retry_after)
    return ErrorAnswer(status, code, str(error), details, headers, error)


def _validation_answer(error: RequestValidationError) -> ErrorAnswer:
    details = [
        {
            "field": ".".join(str(part) for part in item["loc"]),
            "message": item["msg"],
            "type": item["type"],
        }
        for item in error.errors()
    ]
    message = "; ".join(f"{d['field']}: {d['message']}" for d in details) or "invalid request"
    return ErrorAnswer(422, "invalid_input", message, details, error=error)


def _http_answer(error: StarletteHTTPException) -> ErrorAnswer:
    code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    return ErrorAnswer(
        error.status_code,
        code.get(error.status_code, "http_error"),
        str(error.detail),
        headers=dict(getattr(error, "headers", None) or {}),
        error=error,
    )


def _data_answer(error: DataError) -> ErrorAnswer:
    # PostgreSQL refuses some values pydantic lets through (a NUL character in text, a
    # number beyond its column type): bad input, never a 500.
    message = "A value sent cannot be stored (a NUL character, or a number out of range)."
    return ErrorAnswer(422, "invalid_input", message, error=error)


# Seconds a client should wait before trying again when the server is saturated.
BUSY_RETRY_AFTER = 5


def _busy_answer(error: PoolTimeoutError) -> ErrorAnswer:
    """Every database connection stayed busy past the pool's timeout: the server is
    saturated, nothing was done, and the same request can simply be sent again."""
    log.warning("database connection pool exhausted")
    return ErrorAnswer(
        503,
        "busy",
        "The server is busy; nothing was done. Try again shortly.",
        headers={"Retry-After": str(BUSY_RETRY_AFTER)},
        error=error,
    )


def _unexpected_answer(error: Exception) -> ErrorAnswer:
    # Logged by the server's error middleware, which also re-raises it after answering.
    return ErrorAnswer(500, "internal_error", "Internal server error.", error=error)


_ANSWERS: tuple[tuple[type[Exception], Callable[[Any], ErrorAnswer]], ...] = (
    (BangfuError, _bangfu_answer),
    (PoolTimeoutError, _busy_answer),
    (DataError, _data_answer),
    (RequestValidationError, _validation_answer),
    (StarletteHTTPException, _http_answer),
    (Exception, _unexpected_answer),
)


def install_error_handlers(app: FastAPI, pages: PageErrors | None = None) -> None:
    """The one error handler: JSON for the API; an HTML page for the web pages' requests."""

    async def on_error(request: Request, error: Exception) -> Response:
        answer = next(make(error) for cls, make in _ANSWERS if isinstance(error, cls))
        if pages is not None and pages.handles(request):
            return pages.render(request, answer)
        body = error_body(answer.code, answer.message, answer.details)
        return JSONResponse(body, answer.status, headers=answer.headers)

    for cls, _make in _ANSWERS:
        app.add_exception_handler(cls, on_error)
