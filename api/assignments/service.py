"""Experts answer their assignments: accept, or decline with a reason.

A decline is also a decision (kind `decline`) that every later match respects, and it
queues a re-match of the need: a run over the need's county based on the declined
assignment's run, which the match-run worker executes from the previous plan plus the
decisions, so nothing else moves unless it must. The coordinator reviews and publishes it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.assignments.labels import state_label
from api.audit import notify, record, snapshot
from api.database import utc_now
from api.database.models import (
    Assignment,
    AssignmentState,
    Decision,
    MatchRun,
    Need,
    Role,
    RunState,
    Village,
)
from api.errors import ConflictError, NotFoundError
from api.notifications.service import coordinator_ids
from api.policy import Principal, require_role, visible


def load_for_answer(
    session: Session, principal: Principal, assignment_id: int, market: str
) -> Assignment:
    """The caller's assignment of `market`, locked for this transaction so two answers
    cannot both pass the state check; 404 when it is not theirs to see."""
    row = session.scalars(
        select(Assignment)
        .where(
            Assignment.id == assignment_id,
            Assignment.market == market,
            visible(principal, Assignment),
        )
        .with_for_update()
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"assignment {assignment_id} not found.")
    return row


def require_published(row: Assignment) -> None:
    if row.state != AssignmentState.PUBLISHED:
        raise ConflictError(
            f"Assignment {row.id} is {row.state} ({state_label(row.state)}): only a published"
            " assignment can be answered."
        )


def answer(row: Assignment, state: AssignmentState, reason: str | None) -> None:
    row.state = state.value
    row.reason = reason
    row.decided_at = utc_now()


def accept(session: Session, principal: Principal, assignment_id: int) -> Assignment:
    require_role(principal, Role.EXPERT)
    row = load_for_answer(session, principal, assignment_id, "experts")
    require_published(row)
    before = snapshot(row)
    answer(row, AssignmentState.ACCEPTED, None)
    session.flush()
    record(session, principal, "assignment", row.id, "accept", before, snapshot(row))
    return row


def decline(
    session: Session, principal: Principal, assignment_id: int, reason: str
) -> tuple[Assignment, MatchRun]:
    """Decline, store the decision, queue the re-match and tell the county's coordinators."""
    require_role(principal, Role.EXPERT)
    row = load_for_answer(session, principal, assignment_id, "experts")
    require_published(row)
    before = snapshot(row)
    answer(row, AssignmentState.DECLINED, reason)
    _store_decline(session, principal, row, reason)
    need, village = session.execute(
        select(Need, Village)
        .join(Village, Village.village_id == Need.village_id)
        .where(Need.need_id == row.need_id)
    ).one()
    run = queue_rematch(session, principal, row, village.county_code)
    session.flush()
    record(session, principal, "assignment", row.id, "decline", before, snapshot(row))
    _tell_coordinators(session, row, need, village, run)
    return row, run


def _store_decline(session: Session, principal: Principal, row: Assignment, reason: str) -> None:
    """One decline decision per (expert, need); declining the pair again updates its reason."""
    assert row.expert_id is not None and row.need_id is not None  # an experts assignment
    existing = session.scalars(
        select(Decision).where(
            Decision.expert_id == row.expert_id,
            Decision.need_id == row.need_id,
            Decision.kind == "decline",
        )
    ).one_or_none()
    if existing is not None:
        before = snapshot(existing)
        existing.reason = reason
        existing.user_id = principal.user_id
        session.flush()
        record(session, principal, "decision", existing.id, "update", before, snapshot(existing))
        return
    decision = Decision(
        expert_id=row.expert_id,
        need_id=row.need_id,
        kind="decline",
        reason=reason,
        user_id=principal.user_id,
    )
    session.add(decision)
    session.flush()
    record(session, principal, "decision", decision.id, "create", None, snapshot(decision))


def queue_rematch(
    session: Session, principal: Principal, row: Assignment, county_code: str
) -> MatchRun:
    """A queued re-match of the need over its county, based on the assignment's run.

    A re-match of the same need from the same plan that no worker has claimed yet is
    reused: it will read every decision when it runs, this decline included.
    """
    pending = session.scalars(
        select(MatchRun).where(
            MatchRun.based_on_run_id == row.run_id,
            MatchRun.rematch_need_id == row.need_id,
            MatchRun.state == RunState.QUEUED.value,
        )
    ).first()
    if pending is not None:
        return pending
    base = session.get(MatchRun, row.run_id)
    assert base is not None  # the foreign key guarantees it
    run = MatchRun(
        market="experts",
        scope_kind="county",
        scope_code=county_code,
        options=dict(base.options),
        based_on_run_id=base.id,
        rematch_need_id=row.need_id,
        state=RunState.QUEUED.value,
        requested_by=principal.user_id,
        progress={},
    )
    session.add(run)
    session.flush()
    record(session, principal, "match_run", run.id, "create", None, snapshot(run))
    return run


def _tell_coordinators(
    session: Session, row: Assignment, need: Need, village: Village, run: MatchRun
) -> None:
    notify(
        session,
        coordinator_ids(session, village.county_code),
        "declined",
        f"专家谢绝：{village.name_zh} 需求 {need.need_id}",
        f"专家 {row.expert_id} 谢绝了 {village.name_zh} 的需求 {need.need_id}，"
        f"理由：{row.reason}。已排队重新匹配（运行 {run.id}），完成后请审核并发布。",
        {
            "assignment_id": row.id,
            "expert_id": row.expert_id,
            "need_id": need.need_id,
            "rematch_run_id": run.id,
        },
    )
