"""Routes of match runs and decisions (HTTP only: parse, call the service, shape the answer)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from api.common import Limit, Offset, Page, RowId, Sort
from api.deps import PrincipalDep, SessionDep
from api.match_runs import decisions, review, service
from api.match_runs.publish import publish_run
from api.match_runs.schemas import (
    AssignmentOut,
    DecisionCreate,
    DecisionOut,
    PublishOut,
    RunAccepted,
    RunCreate,
    RunOut,
    UncoveredNeedOut,
    UncoveredOut,
)
from api.policy import check_run_scope

router = APIRouter(tags=["match_runs"])
RunStateFilter = Literal["queued", "running", "succeeded", "failed", "cancelled"]
AssignmentStateFilter = Literal[
    "proposed", "published", "accepted", "declined", "locked", "superseded"
]


@router.post("/match-runs", status_code=status.HTTP_202_ACCEPTED, response_model=RunAccepted)
def request_run(body: RunCreate, session: SessionDep, principal: PrincipalDep) -> RunAccepted:
    """Queue a match; a worker runs it. Poll `GET /match-runs/{id}` for its progress."""
    run = service.create_run(session, principal, body)
    out = service.run_out(run)
    return RunAccepted(id=out.id, state=out.state, state_label=out.state_label)


@router.get("/match-runs", response_model=Page[RunOut])
def list_runs(
    session: SessionDep,
    principal: PrincipalDep,
    limit: Limit = 50,
    offset: Offset = 0,
    sort: Sort = "-id",
    state: RunStateFilter | None = None,
    market: Literal["experts", "labour"] | None = None,
    scope_kind: Literal["county", "prefecture", "province"] | None = None,
    scope_code: str | None = None,
) -> Page[RunOut]:
    filters = {"state": state, "market": market, "scope_kind": scope_kind, "scope_code": scope_code}
    rows, total = service.list_runs(
        session, principal, filters=filters, sort=sort, limit=limit, offset=offset
    )
    return Page(items=[service.run_out(r) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/match-runs/{run_id}", response_model=RunOut)
def get_run(run_id: RowId, session: SessionDep, principal: PrincipalDep) -> RunOut:
    return service.run_out(service.get_run(session, principal, run_id))


@router.post("/match-runs/{run_id}/cancel", response_model=RunOut)
def cancel_run(run_id: RowId, session: SessionDep, principal: PrincipalDep) -> RunOut:
    """Queued: cancelled at once. Running: `cancel_requested`, stopped at the next checkpoint."""
    return service.run_out(service.cancel_run(session, principal, run_id))


@router.get("/match-runs/{run_id}/assignments", response_model=Page[AssignmentOut])
def list_assignments(
    run_id: RowId,
    session: SessionDep,
    principal: PrincipalDep,
    limit: Limit = 100,
    offset: Offset = 0,
    sort: Sort = None,
    state: AssignmentStateFilter | None = None,
    county_code: str | None = None,
    expert_id: str | None = None,
    need_id: str | None = None,
    worker_id: str | None = None,
    posting_id: str | None = None,
) -> Page[AssignmentOut]:
    """The run's proposals, each with why it was chosen (Chinese labels, stable keys)."""
    filters = {
        "state": state,
        "county_code": county_code,
        "expert_id": expert_id,
        "need_id": need_id,
        "worker_id": worker_id,
        "posting_id": posting_id,
    }
    rows, total = service.list_assignments(
        session, principal, run_id, filters=filters, sort=sort, limit=limit, offset=offset
    )
    items = [service.assignment_out(r) for r in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/match-runs/{run_id}/uncovered", response_model=UncoveredOut)
def list_uncovered(
    run_id: RowId,
    session: SessionDep,
    principal: PrincipalDep,
    deep_poverty: bool = False,
) -> UncoveredOut:
    """The needs of the caller's scope an experts run left without an expert, each with the
    matcher's reason (`deep_poverty=true`: deep-poverty villages only)."""
    run = service.get_run(session, principal, run_id)
    found = review.uncovered_needs(session, principal, run, deep_poverty_only=deep_poverty)
    items = [
        UncoveredNeedOut(
            need_id=u.need.need_id,
            village_id=u.village.village_id,
            village_name_zh=u.village.name_zh,
            county_code=u.village.county_code,
            deep_poverty=u.village.deep_poverty,
            urgency=u.need.urgency,
            explanation=u.explanation,
        )
        for u in found.needs
    ]
    return UncoveredOut(run_id=run.id, recorded=found.recorded, items=items)


@router.post("/match-runs/{run_id}/publish", response_model=PublishOut)
def publish(run_id: RowId, session: SessionDep, principal: PrincipalDep) -> PublishOut:
    """Make the run's proposals the plan in force (one transaction; locks kept)."""
    run = service.get_run(session, principal, run_id)
    check_run_scope(principal, run.scope_kind, run.scope_code)
    done = publish_run(session, principal, run)
    return PublishOut(
        run_id=done.run_id,
        published=done.published,
        superseded=done.superseded,
        kept=done.kept,
        notified=done.notified,
    )


@router.post("/decisions", status_code=status.HTTP_201_CREATED, response_model=DecisionOut)
def create_decision(
    body: DecisionCreate, session: SessionDep, principal: PrincipalDep
) -> DecisionOut:
    """Lock (keep through every run) or forbid an (expert, need) pair of one's county."""
    return decisions.decision_out(decisions.create_decision(session, principal, body))


@router.get("/decisions", response_model=Page[DecisionOut])
def list_decisions(
    session: SessionDep,
    principal: PrincipalDep,
    limit: Limit = 100,
    offset: Offset = 0,
    sort: Sort = None,
    kind: Literal["lock", "forbid", "decline"] | None = None,
    expert_id: str | None = None,
    need_id: Annotated[str | None, Query()] = None,
) -> Page[DecisionOut]:
    filters = {"kind": kind, "expert_id": expert_id, "need_id": need_id}
    rows, total = decisions.list_decisions(
        session, principal, filters=filters, sort=sort, limit=limit, offset=offset
    )
    return Page(
        items=[decisions.decision_out(d) for d in rows], total=total, limit=limit, offset=offset
    )


@router.delete("/decisions/{decision_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_decision(decision_id: RowId, session: SessionDep, principal: PrincipalDep) -> None:
    decisions.delete_decision(session, principal, decision_id)
