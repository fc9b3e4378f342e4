"""The service's errors: subclasses of `matching.errors.BangfuError`, one hierarchy.

`install_error_handlers` maps every one of them, in one place, to a JSON body
`{"error": {"code": …, "message": …, "details": […]}}` with a stable code for programs and
a human message. Bad input is 422 and names the field or row; a solver bug is 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
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
    (Cancelled, 409, "cancelled"),
    (SolverError, 500, "solver_error"),
)


def error_body(
    code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def _bangfu_response(error: BangfuError) -> JSONResponse:
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
    if isinstance(error, RateLimitedError):
        headers["Retry-After"] = str(error.retry_after)
    return JSONResponse(error_body(code, str(error), details), status, headers=headers)


def _validation_response(error: RequestValidationError) -> JSONResponse:
    details = [
        {
            "field": ".".join(str(part) for part in item["loc"]),
            "message": item["msg"],
            "type": item["type"],
        }
        for item in error.errors()
    ]
    message = "; ".join(f"{d['field']}: {d['message']}" for d in details) or "invalid request"
    return JSONResponse(error_body("invalid_input", message, details), 422)


def _http_response(error: StarletteHTTPException) -> JSONResponse:
    code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    return JSONResponse(
        error_body(code.get(error.status_code, "http_error"), str(error.detail)),
        error.status_code,
        headers=getattr(error, "headers", None),
    )


def _data_response() -> JSONResponse:
    # PostgreSQL refuses some values pydantic lets through (a NUL character in text, a
    # number beyond its column type): bad input, never a 500.
    message = "A value sent cannot be stored (a NUL character, or a number out of range)."
    return JSONResponse(error_body("invalid_input", message), 422)


# Seconds a client should wait before trying again when the server is saturated.
BUSY_RETRY_AFTER = 5


def _busy_response() -> JSONResponse:
    """Every database connection stayed busy past the pool's timeout: the server is
    saturated, nothing was done, and the same request can simply be sent again."""
    log.warning("database connection pool exhausted")
    return JSONResponse(
        error_body("busy", "The server is busy; nothing was done. Try again shortly."),
        503,
        headers={"Retry-After": str(BUSY_RETRY_AFTER)},
    )


def install_error_handlers(app: FastAPI) -> None:
    async def on_bangfu(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, BangfuError)
        return _bangfu_response(error)

    async def on_validation(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        return _validation_response(error)

    async def on_http(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        return _http_response(error)

    async def on_data(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, DataError)
        return _data_response()

    async def on_busy(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, PoolTimeoutError)
        return _busy_response()

    app.add_exception_handler(BangfuError, on_bangfu)
    app.add_exception_handler(PoolTimeoutError, on_busy)
    app.add_exception_handler(DataError, on_data)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
