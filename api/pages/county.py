"""The county coordinator's pages: the dashboard here; the needs, the workers and the map
in `county_needs`, `county_workers` and `county_map`.

The dashboard's figures come from the reports domain (`api.reports.county`), which
counts only what `api.policy` lets the coordinator see: their county.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.database.models import Role
from api.deps import SessionDep
from api.pages.render import render
from api.pages.session import PagePrincipal, page_router
from api.policy import require_role
from api.reports.county import county_overview

router = page_router(prefix="/app/county")


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


@router.get("/")
def dashboard(request: Request, principal: PagePrincipal, session: SessionDep) -> HTMLResponse:
    require_role(principal, Role.COUNTY)
    overview = county_overview(session, principal)
    return render(request, "county/index.html", {"o": overview, "percent": percent})
