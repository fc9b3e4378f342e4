"""The partner city's pages (postings, uploads, candidates and hires)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.database.models import PartnerCity, Role
from api.deps import SessionDep
from api.pages.render import render
from api.pages.session import PagePrincipal, page_router
from api.policy import require_role

router = page_router(prefix="/app/city")


@router.get("/")
def postings(request: Request, principal: PagePrincipal, session: SessionDep) -> HTMLResponse:
    require_role(principal, Role.CITY)
    city = session.get(PartnerCity, principal.city_code)
    return render(request, "city/index.html", {"city": city})
