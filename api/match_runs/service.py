"""Match runs: request, read, cancel, and list a run's proposals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.assignments.labels import state_label as assignment_state_label
from api.audit import record, snapshot
from api.common import order_by, paginate
from api.database import utc_now
from api.database.models import Assignment, MatchRun, Role, RunState
from api.errors import ConflictError
from api.match_runs import labels
from api.match_runs.schemas import (
    AssignmentOut,
    RunCreate,
    RunError,
    RunOut,
    RunProgress,
)
from api.match_runs.scope import scope_counties
from api.match_runs.task import config_for
from api.policy import Principal, check_run_scope, load_visible, require_role, visible

RUN_SORTS = ("id", "created_at", "state", "market", "scope_kind", "finished_at")
ASSIGNMENT_SORTS = ("id", "score", "expert_id", "need_id", "worker_id", "posting_id", "county_code")
RUN_ROLES = (Role.PROVINCE, Role.COUNTY)


def create_run(session: Session, principal: Principal, data: RunCreate) -> MatchRun:
    """Queue a run (a worker picks it up); the scope and options are checked first."""
    require_role(principal, *RUN_ROLES)
    check_run_scope(principal, data.scope_kind, data.scope_code)
    scope_counties(session, data.scope_kind, data.scope_code)
    options = data.options.model_dump(exclude_none=True)
    config_for(data.market, options)
    run = MatchRun(
        market=data.market,
        scope_kind=data.scope_kind,
        scope_code=data.scope_code,
        options=options,
        state=RunState.QUEUED,
        requested_by=principal.user_id,
        attempts=0,
        progress={},
        cancel_requested=False,
    )
    session.add(run)
    session.flush()
    record(session, principal, "match_run", run.id, "request", None, snapshot(run))
    return run


def get_run(session: Session, principal: Principal, run_id: int) -> MatchRun:
    require_role(principal, *RUN_ROLES)
    run: MatchRun = load_visible(session, principal, MatchRun, run_id)
    return run


def list_runs(
    session: Session,
    principal: Principal,
    *,
    filters: dict[str, Any],
    sort: str | None,
    limit: int,
    offset: int,
) -> tuple[list[MatchRun], int]:
    require_role(principal, *RUN_ROLES)
    query = select(MatchRun).where(visible(principal, MatchRun))
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(MatchRun, name) == value)
    return paginate(session, order_by(query, MatchRun, sort, RUN_SORTS), limit, offset)


def cancel_run(session: Session, principal: Principal, run_id: int) -> MatchRun:
    """Queued: cancelled at once. Running: the worker stops it at its next checkpoint."""
    run = get_run(session, principal, run_id)
    check_run_scope(principal, run.scope_kind, run.scope_code)
    before = snapshot(run)
    # Conditional, so a worker claiming the run at this moment cannot also start it.
    cancelled = session.execute(
        update(MatchRun)
        .where(MatchRun.id == run_id, MatchRun.state == RunState.QUEUED)
        .values(state=RunState.CANCELLED, cancel_requested=True, finished_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    session.refresh(run)
    if getattr(cancelled, "rowcount", 0) != 1:
        if run.state != RunState.RUNNING:
            raise ConflictError(
                f"Run {run_id} is {run.state} ({labels.run_state_label(run.state)}); "
                "only a queued or running run can be cancelled."
            )
        run.cancel_requested = True
        session.flush()
    record(session, principal, "match_run", run.id, "cancel", before, snapshot(run))
    return run


def list_assignments(
    session: Session,
    principal: Principal,
    run_id: int,
    *,
    filters: dict[str, Any],
    sort: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Assignment], int]:
    get_run(session, principal, run_id)
    query = select(Assignment).where(Assignment.run_id == run_id, visible(principal, Assignment))
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(Assignment, name) == value)
    return paginate(session, order_by(query, Assignment, sort, ASSIGNMENT_SORTS), limit, offset)


def run_out(run: MatchRun) -> RunOut:
    summary = run.summary or {}
    return RunOut(
        id=run.id,
        market=run.market,
        market_label=labels.MARKET_LABELS.get(run.market, run.market),
        scope_kind=run.scope_kind,
        scope_kind_label=labels.SCOPE_LABELS.get(run.scope_kind, run.scope_kind),
        scope_code=run.scope_code,
        options=dict(run.options or {}),
        based_on_run_id=run.based_on_run_id,
        rematch_need_id=run.rematch_need_id,
        state=run.state,
        state_label=labels.run_state_label(run.state),
        cancel_requested=run.cancel_requested,
        attempts=run.attempts,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        progress=RunProgress(**(run.progress or {})),
        status=run.status,
        status_label=labels.ENGINE_STATUS_LABELS.get(run.status) if run.status else None,
        objective=run.objective,
        bound=run.bound,
        gap=run.gap,
        summary=summary.get("figures"),
        solves=list(summary.get("solves", [])),
        warnings=list(summary.get("warnings", [])),
        infeasible_reasons=list(summary.get("infeasible_reasons", [])),
        error=RunError(**run.error) if run.error else None,
        published_at=run.published_at,
    )


def assignment_out(row: Assignment) -> AssignmentOut:
    return AssignmentOut(
        id=row.id,
        run_id=row.run_id,
        market=row.market,
        expert_id=row.expert_id,
        need_id=row.need_id,
        worker_id=row.worker_id,
        posting_id=row.posting_id,
        county_code=row.county_code,
        state=row.state,
        state_label=assignment_state_label(row.state),
        score=row.score,
        days=row.days,
        explanation=row.explanation,
        reason=row.reason,
        published_at=row.published_at,
    )
