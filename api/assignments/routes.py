"""Routes of the assignments domain (HTTP only: parse, call the service, shape the answer).

- coordinators and the province: `GET /assignments`;
- experts: `GET /me/assignments`, `POST /me/assignments/{id}/accept|decline`;
- partner cities (and the province): `GET /candidates`, `POST /candidates/{id}/confirm|reject`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from api.assignments import hiring, queries, service, views
from api.assignments.schemas import (
    AnyState,
    AssignmentOut,
    CandidateOut,
    ConfirmIn,
    DeclineIn,
    DeclineOut,
    ExpertAssignmentOut,
    Market,
    RejectIn,
    ShownState,
)
from api.common import Limit, Offset, Page, Sort, order_by, paginate
from api.database.models import Assignment, Role
from api.deps import PrincipalDep, SessionDep, read_rows_in_thread
from api.policy import require_role

router = APIRouter(tags=["assignments"])

# Ids as the tables hold them: a whole number that fits the column, a code of letters,
# digits, '_' and '-'.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
RunId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
Code = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,32}$")]


@router.get(
    "/assignments",
    response_model=Page[AssignmentOut],
    summary="Assignments of my county (coordinators) or anywhere (province)",
)
def list_assignments(
    principal: PrincipalDep,
    session: SessionDep,
    state: AnyState | None = None,
    market: Market | None = None,
    run_id: RunId = None,
    need_id: Code = None,
    expert_id: Code = None,
    worker_id: Code = None,
    posting_id: Code = None,
    county_code: Code = None,
    sort: Sort = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[AssignmentOut]:
    require_role(principal, Role.PROVINCE, Role.COUNTY)
    filters = queries.AssignmentFilters(
        state, market, run_id, need_id, expert_id, worker_id, posting_id, county_code
    )
    query = order_by(
        queries.coordinator_assignments(principal, filters),
        Assignment,
        sort,
        queries.COORDINATOR_SORTS,
    )
    rows, total = paginate(session, query, limit, offset)
    return Page(
        items=[views.assignment_out(r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.get(
    "/me/assignments",
    response_model=Page[ExpertAssignmentOut],
    summary="My assignments (experts): the need, the village, the days and why",
)
async def my_assignments(
    request: Request,
    principal: PrincipalDep,
    state: ShownState | None = None,
    period: Code = None,
    sort: Sort = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[ExpertAssignmentOut]:
    # The experts' most frequent call: `async`, its reading in one thread on a bare
    # connection (read_rows_in_thread).
    require_role(principal, Role.EXPERT)
    filters = queries.ExpertFilters(state=state, period=period, sort=sort)
    return await read_rows_in_thread(request, views.expert_page, principal, filters, limit, offset)


@router.post(
    "/me/assignments/{assignment_id}/accept",
    response_model=ExpertAssignmentOut,
    summary="Accept one of my published assignments",
)
def accept(
    principal: PrincipalDep, session: SessionDep, assignment_id: RowId
) -> ExpertAssignmentOut:
    row = service.accept(session, principal, assignment_id)
    return views.expert_views(session, [row])[0]


@router.post(
    "/me/assignments/{assignment_id}/decline",
    response_model=DeclineOut,
    summary="Decline one of my published assignments (a reason is required); queues a re-match",
)
def decline(
    principal: PrincipalDep, session: SessionDep, assignment_id: RowId, data: DeclineIn
) -> DeclineOut:
    row, run = service.decline(session, principal, assignment_id, data.reason)
    return DeclineOut(assignment=views.expert_views(session, [row])[0], rematch_run_id=run.id)


@router.get(
    "/candidates",
    response_model=Page[CandidateOut],
    summary="Candidates proposed for my postings (partner cities), reduced to what hiring needs",
)
def list_candidates(
    principal: PrincipalDep,
    session: SessionDep,
    posting_id: Code = None,
    state: ShownState | None = None,
    sort: Sort = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[CandidateOut]:
    require_role(principal, Role.CITY, Role.PROVINCE)
    query = queries.candidates(session, principal, posting_id=posting_id, state=state)
    query = order_by(query, Assignment, sort, queries.PEOPLE_SORTS)
    rows, total = paginate(session, query, limit, offset)
    items = views.candidate_views(session, principal, rows)
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.post(
    "/candidates/{assignment_id}/confirm",
    response_model=CandidateOut,
    summary="Confirm a hire: the candidate becomes a placement with a start date",
)
def confirm(
    principal: PrincipalDep, session: SessionDep, assignment_id: RowId, data: ConfirmIn
) -> CandidateOut:
    row = hiring.confirm(session, principal, assignment_id, data.start_date)
    return views.candidate_views(session, principal, [row])[0]


@router.post(
    "/candidates/{assignment_id}/reject",
    response_model=CandidateOut,
    summary="Reject a candidate (a reason is required)",
)
def reject(
    principal: PrincipalDep, session: SessionDep, assignment_id: RowId, data: RejectIn
) -> CandidateOut:
    row = hiring.reject(session, principal, assignment_id, data.reason)
    return views.candidate_views(session, principal, [row])[0]
