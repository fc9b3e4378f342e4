"""The expert's pages (built for a phone): my assignments; accept, or decline with a reason.

Accepting and declining call the same service functions as
`POST /me/assignments/{id}/accept|decline`: a decline stores the decision and queues the
re-match of the need, and the county's coordinators are told.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.assignments import queries, service, views
from api.assignments.labels import code_label
from api.assignments.schemas import DeclineIn, ExpertAssignmentOut
from api.common import RowId, order_by, paginate_rows
from api.database.models import Assignment, Role
from api.deps import SessionDep
from api.errors import ConflictError
from api.pages.flash import flash
from api.pages.render import is_htmx, redirect, render
from api.pages.session import PagePrincipal, page_router
from api.policy import Principal, require_role

router = page_router(prefix="/app/expert")
LIST = "/app/expert/assignments"
# More than any expert is given in a year; the page shows them all.
SHOWN = 500
REASON_MISSING = "请填写谢绝理由（不超过 1000 字）。"
ANSWERED = "这项任务已经答复过，不能再次答复。"


@dataclass(frozen=True)
class Card:
    """One assignment as the page shows it, with a form error when a decline was refused."""

    item: ExpertAssignmentOut
    distance_km: float | None = None
    matched_skills: list[str] = field(default_factory=list)
    error: str | None = None
    reason: str = ""
    notice: str | None = None


def _term(item: ExpertAssignmentOut, key: str) -> Any:
    terms = (item.explanation or {}).get("terms") or []
    return next(
        (t.get("value") for t in terms if isinstance(t, dict) and t.get("key") == key), None
    )


def card(item: ExpertAssignmentOut, **shown: Any) -> Card:
    distance = _term(item, "distance_km")
    skills = _term(item, "matched_skills") or []
    return Card(
        item,
        distance_km=float(distance) if isinstance(distance, int | float) else None,
        matched_skills=[code_label(str(code)) for code in skills],
        **shown,
    )


def _cards(session: SessionDep, principal: Principal) -> list[Card]:
    query = queries.expert_assignments(principal, state=None, period=None)
    rows, _total = paginate_rows(
        session, order_by(query, Assignment, None, queries.PEOPLE_SORTS), SHOWN, 0
    )
    items = views.expert_views_of(rows)
    # Those waiting for an answer first, then the rest, each newest first.
    items.sort(key=lambda a: (a.state != "published", -a.id))
    return [card(item) for item in items]


def _list_page(
    request: Request, session: SessionDep, principal: Principal, status_code: int = 200, **one: Any
) -> HTMLResponse:
    """The whole list; `one` replaces the card of one assignment (with its form error)."""
    cards = [
        one["card"] if "card" in one and c.item.id == one["card"].item.id else c
        for c in _cards(session, principal)
    ]
    waiting = sum(c.item.state == "published" for c in cards)
    context = {"cards": cards, "waiting": waiting}
    return render(request, "expert/assignments.html", context, status_code)


@router.get("/assignments")
def assignments(request: Request, principal: PagePrincipal, session: SessionDep) -> HTMLResponse:
    require_role(principal, Role.EXPERT)
    return _list_page(request, session, principal)


def _answered(
    request: Request, session: SessionDep, principal: Principal, row: Assignment, notice: str
) -> Response:
    """After an answer: the updated card for htmx, else back to the list with a notice."""
    if is_htmx(request):
        # The card, and the count at the top of the page (an out-of-band swap).
        shown = card(views.expert_views(session, [row])[0], notice=notice)
        cards = _cards(session, principal)
        waiting = sum(c.item.state == "published" for c in cards)
        context = {"card": shown, "total": len(cards), "waiting": waiting}
        return render(request, "expert/_answered.html", context)
    response = redirect(request, LIST)
    flash(request, response, notice)
    return response


def _already_answered(request: Request) -> Response:
    response = redirect(request, LIST)
    flash(request, response, ANSWERED, "error")
    return response


@router.post("/assignments/{assignment_id}/accept")
def accept(
    request: Request, principal: PagePrincipal, session: SessionDep, assignment_id: RowId
) -> Response:
    try:
        row = service.accept(session, principal, assignment_id)
    except ConflictError:
        return _already_answered(request)
    return _answered(request, session, principal, row, "已接受这项任务，谢谢！")


@router.post("/assignments/{assignment_id}/decline")
def decline(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    assignment_id: RowId,
    reason: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    try:
        data = DeclineIn(reason=reason)
    except ValidationError:
        return _refused(request, session, principal, assignment_id, reason)
    try:
        row, _run = service.decline(session, principal, assignment_id, data.reason)
    except ConflictError:
        return _already_answered(request)
    return _answered(request, session, principal, row, "已谢绝。县级协调员已收到通知，将重新匹配。")


def _refused(
    request: Request, session: SessionDep, principal: Principal, assignment_id: int, reason: str
) -> HTMLResponse:
    """A decline without a valid reason: the form again, the error beside the field (422).
    The assignment is looked up as the service would (404 when not the caller's)."""
    require_role(principal, Role.EXPERT)
    row = service.load_for_answer(session, principal, assignment_id, "experts")
    shown = card(views.expert_views(session, [row])[0], error=REASON_MISSING, reason=reason)
    if is_htmx(request):
        return render(request, "expert/_card.html", {"card": shown}, 422)
    return _list_page(request, session, principal, 422, card=shown)
