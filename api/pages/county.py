"""The county coordinator's pages (the dashboard; needs, workers, matches, the map)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.database.models import County, Role
from api.deps import SessionDep
from api.pages.render import render
from api.pages.session import PagePrincipal, page_router
from api.policy import require_role

router = page_router(prefix="/app/county")


@router.get("/")
def dashboard(request: Request, principal: PagePrincipal, session: SessionDep) -> HTMLResponse:
    require_role(principal, Role.COUNTY)
    county = session.get(County, principal.county_code)
    return render(request, "county/index.html", {"county": county})
