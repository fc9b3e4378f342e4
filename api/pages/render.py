"""Rendering: the Jinja2 environment, its filters, and `render(request, "x.html", ctx)`.

Every page gets, besides its own context: `principal` and `user_label` (None before
logging in), `nav` (the role's navigation), `csrf_token` (for forms; htmx sends it as a
header from <body>), `messages` (flash messages, shown once), and `is_htmx`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.pages import flash
from api.pages.csrf import request_token
from api.pages.nav import nav_for

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
STATIC = HERE / "static"
# Times are stored in UTC and shown in China Standard Time (no daylight saving).
CHINA = timezone(timedelta(hours=8), "CST")
QUARTERS = {"1": "第一季度", "2": "第二季度", "3": "第三季度", "4": "第四季度"}


def period_label(period: str | None) -> str:
    """`2026Q1` → `2026年第一季度`; anything else as it is."""
    if not period:
        return "—"
    year, _, quarter = period.partition("Q")
    if year.isdigit() and quarter in QUARTERS:
        return f"{year}年{QUARTERS[quarter]}"
    return period


def day_label(moment: datetime | date | None) -> str:
    """A date as `2026年1月5日`, an instant first turned to China time."""
    if moment is None:
        return "—"
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        moment = aware.astimezone(CHINA).date()
    return f"{moment.year}年{moment.month}月{moment.day}日"


def time_label(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    local = aware.astimezone(CHINA)
    return f"{day_label(local.date())} {local:%H:%M}"


TEMPLATES.env.filters["period"] = period_label
TEMPLATES.env.filters["day"] = day_label
TEMPLATES.env.filters["time"] = time_label


def is_htmx(request: Request) -> bool:
    """An htmx request for a part of a page (a boosted one wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and "HX-Boosted" not in request.headers


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    principal = getattr(request.state, "principal", None)
    shown = {
        "principal": principal,
        "user_label": getattr(request.state, "user_label", None),
        "nav": nav_for(principal, request.url.path),
        "csrf_token": request_token(request),
        "messages": [*flash.pending(request), *getattr(request.state, "flashed", [])],
        "is_htmx": is_htmx(request),
        **(context or {}),
    }
    response = TEMPLATES.TemplateResponse(
        request, name, shown, status_code=status_code, headers=dict(headers or {})
    )
    flash.clear(request, response)
    return response


def redirect(request: Request, url: str) -> Response:
    """After a POST: 303 to `url`; an htmx request is told to load it (HX-Redirect)."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
