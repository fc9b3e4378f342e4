"""The province office's pages (coverage, placements, run history, exports)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.database.models import Role
from api.pages.render import render
from api.pages.session import PagePrincipal, page_router
from api.policy import require_role

router = page_router(prefix="/app/province")


@router.get("/")
def overview(request: Request, principal: PagePrincipal) -> HTMLResponse:
    require_role(principal, Role.PROVINCE)
    return render(request, "province/index.html")
