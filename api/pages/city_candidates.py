"""The partner city's candidates (the service of `GET /candidates`): the published labour
assignments for its postings, reduced to what hiring needs — never gender, ethnicity,
household poverty status or home village (the `CandidateOut` view leaves them out).

Confirming a hire (a start date) and rejecting (a reason) call the same functions as
`POST /candidates/{id}/confirm|reject`. A bad date or an empty reason is shown beside its
field (422); a hire the state refuses (the posting full or closed, the worker hired
elsewhere, already answered) is explained in Chinese on the candidate (409).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.assignments import hiring, queries, views
from api.assignments.schemas import CandidateOut, ConfirmIn, RejectIn
from api.assignments.service import load_for_answer
from api.common import RowId, order_by, paginate
from api.database.models import Assignment, Role
from api.deps import SessionDep
from api.errors import ConflictError
from api.pages import city_text
from api.pages.flash import flash
from api.pages.render import day_label, redirect, render
from api.pages.session import PagePrincipal, page_router
from api.policy import Principal, require_role
from matching.errors import InvalidInputError

router = page_router(prefix="/app/city")
LIST = "/app/city/candidates"
PER_PAGE = 20
# The states as a hiring city says them.
STATES = {"published": "待确认", "accepted": "已录用", "declined": "未录用", "locked": "已锁定"}
PostingCode = Annotated[str, Query(pattern=r"^[A-Za-z0-9_-]{0,32}$")]
StateKey = Annotated[str, Query(max_length=16)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
Back = Annotated[str, Form(max_length=300)]


@dataclass(frozen=True)
class Card:
    """One candidate as the page shows them, with what a refused answer left."""

    item: CandidateOut
    errors: dict[str, str] = field(default_factory=dict)
    conflict: str | None = None
    start_date: str = ""
    reason: str = ""

    @property
    def state_label(self) -> str:
        return STATES.get(self.item.state, self.item.state_label)


def _list_page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    *,
    posting_id: str = "",
    state: str = "",
    page: int = 1,
    status_code: int = 200,
    one: Card | None = None,
) -> HTMLResponse:
    """The candidates (of one posting, in one state); `one` replaces (or, when it is not on
    this page, leads) the list: a candidate whose answer was refused, with why."""
    if state and state not in STATES:
        raise InvalidInputError("state: 状态筛选有误。", item="state")
    query = queries.candidates(
        session, principal, posting_id=posting_id or None, state=state or None
    )
    query = order_by(query, Assignment, None, queries.PEOPLE_SORTS)
    rows, total = paginate(session, query, PER_PAGE, (page - 1) * PER_PAGE)
    cards = [Card(item) for item in views.candidate_views(session, principal, rows)]
    if one is not None:
        replaced = [one if c.item.assignment_id == one.item.assignment_id else c for c in cards]
        cards = replaced if one in replaced else [one, *cards]
    counts = queries.candidate_counts(session, principal)
    chosen = {"posting_id": posting_id, "state": state}
    query_text = urlencode({k: v for k, v in chosen.items() if v})
    context = {
        "cards": cards,
        "total": total,
        "page": page,
        "pages": max(1, ceil(total / PER_PAGE)),
        "chosen": chosen,
        "query": query_text,
        "back": LIST + (f"?{query_text}" if query_text else ""),
        "counts": counts,
        "posting": next((c for c in counts if c.posting_id == posting_id), None),
        "waiting": sum(c.waiting for c in counts),
        "states": list(STATES.items()),
    }
    return render(request, "city/candidates.html", context, status_code)


@router.get("/candidates")
def candidates(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    posting_id: PostingCode = "",
    state: StateKey = "",
    page: PageNumber = 1,
) -> HTMLResponse:
    require_role(principal, Role.CITY)
    return _list_page(request, session, principal, posting_id=posting_id, state=state, page=page)


def _back(target: str, assignment_id: int) -> str:
    """Where the answer was given from (the candidates list, with its filters)."""
    safe = target.startswith(LIST) and "//" not in target and "\\" not in target
    return f"{target if safe else LIST}#candidate-{assignment_id}"


def _refused(
    request: Request,
    session: SessionDep,
    principal: Principal,
    assignment_id: int,
    status_code: int,
    error: ConflictError | None = None,
    **shown: Any,
) -> HTMLResponse:
    """The candidate's posting's list again, the candidate showing why nothing changed. The
    candidate is looked up as the service does (404 when not the caller's)."""
    row = load_for_answer(session, principal, assignment_id, "labour")
    item = views.candidate_views(session, principal, [row])[0]
    conflict = conflict_message(error, item) if error is not None else None
    card = Card(item, conflict=conflict, **shown)
    return _list_page(
        request,
        session,
        principal,
        posting_id=item.posting_id,
        status_code=status_code,
        one=card,
    )


def conflict_message(error: ConflictError, item: CandidateOut) -> str:
    if isinstance(error, hiring.PostingFullError):
        return (
            f"岗位 {item.posting_id}（{item.posting_title_zh}）的招聘人数已满，不能再录用。"
            "如需多招，请先修改岗位的招聘人数。"
        )
    if isinstance(error, hiring.PostingClosedError):
        return f"岗位 {item.posting_id}（{item.posting_title_zh}）已关闭，不能再录用。"
    if isinstance(error, hiring.HiredElsewhereError):
        return f"{item.display_name} 已被其他岗位录用（每人只能接受一个岗位），不能再录用。"
    return f"{item.display_name} 已经答复过，不能再次答复。"


@router.post("/candidates/{assignment_id}/confirm")
def confirm(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    assignment_id: RowId,
    start_date: Annotated[str, Form(max_length=32)] = "",
    back: Back = LIST,
) -> Response:
    require_role(principal, Role.CITY)
    try:
        data = ConfirmIn.model_validate({"start_date": start_date.strip()})
    except ValidationError:
        errors = {"start_date": city_text.rule("start_date")}
        return _refused(
            request, session, principal, assignment_id, 422, errors=errors, start_date=start_date
        )
    try:
        row = hiring.confirm(session, principal, assignment_id, data.start_date)
    except ConflictError as error:
        return _refused(
            request, session, principal, assignment_id, 409, error, start_date=start_date
        )
    item = views.candidate_views(session, principal, [row])[0]
    response = redirect(request, _back(back, assignment_id))
    flash(
        request,
        response,
        f"已确认录用 {item.display_name}（{item.posting_title_zh}），"
        f"上岗日期 {day_label(data.start_date)}。县级协调员已收到通知。",
    )
    return response


@router.post("/candidates/{assignment_id}/reject")
def reject(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    assignment_id: RowId,
    reason: Annotated[str, Form(max_length=5000)] = "",
    back: Back = LIST,
) -> Response:
    require_role(principal, Role.CITY)
    try:
        data = RejectIn(reason=reason)
    except ValidationError:
        errors = {"reason": city_text.rule("reason")}
        return _refused(
            request, session, principal, assignment_id, 422, errors=errors, reason=reason
        )
    try:
        row = hiring.reject(session, principal, assignment_id, data.reason)
    except ConflictError as error:
        return _refused(request, session, principal, assignment_id, 409, error, reason=reason)
    item = views.candidate_views(session, principal, [row])[0]
    response = redirect(request, _back(back, assignment_id))
    flash(request, response, f"已标记 {item.display_name} 未录用。县级协调员已收到通知。")
    return response
