"""Publishing a run: its proposals become the plan in force, in one transaction.

In the run's scope and market, the plan in force until now is superseded, except the
pairs kept: those locked (in the plan, or by a coordinator's lock) and those already
accepted. A proposal naming a kept pair is not published twice: the kept row stays the
record of that pair. The people whose plan changed are notified, and every change is
audited. Everything happens in the caller's transaction: if any step fails, nothing of
it is stored and the previous plan stays exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from api.audit import notify, record
from api.database import utc_now
from api.database.models import (
    Assignment,
    AssignmentState,
    Decision,
    MatchRun,
    Posting,
    Role,
    RunState,
    User,
)
from api.errors import ConflictError
from api.match_runs.scope import KEPT, in_force, scope_counties
from api.policy import Principal

CHUNK = 2_000
KEPT_REASON = "与现行安排相同（已锁定或已接受），沿用原记录"


@dataclass(frozen=True)
class Published:
    run_id: int
    published: int
    superseded: int
    kept: int
    notified: int


def _pair(row: Assignment) -> tuple[str, str]:
    if row.market == "experts":
        return (str(row.expert_id), str(row.need_id))
    return (str(row.worker_id), str(row.posting_id))


def _set_state(session: Session, ids: Sequence[int], **values: Any) -> None:
    for start in range(0, len(ids), CHUNK):
        session.execute(
            update(Assignment)
            .where(Assignment.id.in_(ids[start : start + CHUNK]))
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def _claim_publication(session: Session, run: MatchRun, now: datetime) -> None:
    """Mark the run published, once: a conditional update, so a second publish is 409."""
    if run.state != RunState.SUCCEEDED:
        raise ConflictError(f"Run {run.id} is {run.state}: only a succeeded run can be published.")
    if run.status == "infeasible":
        raise ConflictError(f"Run {run.id} found no feasible plan: there is nothing to publish.")
    marked = session.execute(
        update(MatchRun)
        .where(
            MatchRun.id == run.id,
            MatchRun.state == RunState.SUCCEEDED,
            MatchRun.published_at.is_(None),
        )
        .values(published_at=now)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(marked, CursorResult)
    if marked.rowcount != 1:
        raise ConflictError(f"Run {run.id} is already published.")


def _locked_pairs(session: Session, market: str, counties: list[str]) -> set[tuple[str, str]]:
    if market != "experts":
        return set()
    query = select(Decision.expert_id, Decision.need_id).where(
        Decision.kind == "lock",
        Decision.need_id.in_(select(Assignment.need_id).where(in_force("experts", counties))),
    )
    return {(str(e), str(n)) for e, n in session.execute(query)}


def publish_run(session: Session, principal: Principal, run: MatchRun) -> Published:
    now = utc_now()
    _claim_publication(session, run, now)
    counties = scope_counties(session, run.scope_kind, run.scope_code)
    old = list(session.scalars(select(Assignment).where(in_force(run.market, counties))))
    locks = _locked_pairs(session, run.market, counties)
    kept = [r for r in old if r.state in KEPT or _pair(r) in locks]
    superseded = [r for r in old if r not in kept]
    kept_pairs = {_pair(r) for r in kept}
    proposed = list(
        session.scalars(
            select(Assignment).where(
                Assignment.run_id == run.id, Assignment.state == AssignmentState.PROPOSED
            )
        )
    )
    duplicates = [r for r in proposed if _pair(r) in kept_pairs]
    published = [r for r in proposed if _pair(r) not in kept_pairs]

    newly_locked = [r.id for r in kept if r.state == AssignmentState.PUBLISHED]
    _set_state(session, newly_locked, state=AssignmentState.LOCKED)
    _set_state(session, [r.id for r in superseded], state=AssignmentState.SUPERSEDED)
    _set_state(
        session, [r.id for r in duplicates], state=AssignmentState.SUPERSEDED, reason=KEPT_REASON
    )
    _set_state(
        session, [r.id for r in published], state=AssignmentState.PUBLISHED, published_at=now
    )
    _audit(session, principal, run, superseded, newly_locked, published, duplicates)
    notified = _notify(session, run, old, published, counties)
    session.execute(
        update(MatchRun)
        .where(MatchRun.id == run.id)
        .values(published_by=principal.user_id)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return Published(run.id, len(published), len(superseded), len(kept), notified)


def _audit(
    session: Session,
    principal: Principal,
    run: MatchRun,
    superseded: list[Assignment],
    newly_locked: list[int],
    published: list[Assignment],
    duplicates: list[Assignment],
) -> None:
    def state_change(rows: Iterable[Assignment], after: str, action: str) -> None:
        for row in rows:
            before = {"state": row.state, "run_id": row.run_id}
            record(session, principal, "assignment", row.id, action, before, {"state": after})

    state_change(superseded, AssignmentState.SUPERSEDED, "supersede")
    for row_id in newly_locked:
        record(
            session, principal, "assignment", row_id, "keep-locked",
            {"state": AssignmentState.PUBLISHED}, {"state": AssignmentState.LOCKED},
        )  # fmt: skip
    state_change(published, AssignmentState.PUBLISHED, "publish")
    state_change(duplicates, AssignmentState.SUPERSEDED, "keep-existing")
    record(
        session,
        principal,
        "match_run",
        run.id,
        "publish",
        {"published_at": None},
        {"published": len(published), "superseded": len(superseded)},
    )


def _notify(
    session: Session,
    run: MatchRun,
    old: list[Assignment],
    published: list[Assignment],
    counties: list[str],
) -> int:
    """The experts whose plan changed, the cities whose postings got candidates, and the
    coordinators of the counties where something changed."""
    old_pairs = {_pair(r) for r in old}
    new_pairs = {_pair(r) for r in published}
    added = [r for r in published if _pair(r) not in old_pairs]
    removed = [r for r in old if _pair(r) not in new_pairs and r.state not in KEPT]
    payload = {"run_id": run.id, "market": run.market}
    sent = 0
    experts = {str(r.expert_id) for r in (*added, *removed) if r.expert_id}
    if experts:
        users = session.scalars(select(User.id).where(User.expert_id.in_(experts), User.active))
        sent += notify(
            session,
            users,
            "published",
            "服务安排已更新",
            "新的专家服务安排已发布，您的安排有新增或变动，请在“我的安排”中查看并答复。",
            payload,
        )
    postings = {str(r.posting_id) for r in added if r.posting_id}
    if postings:
        cities = select(Posting.partner_city_code).where(Posting.posting_id.in_(postings))
        users = session.scalars(select(User.id).where(User.city_code.in_(cities), User.active))
        sent += notify(
            session,
            users,
            "published",
            "岗位有新的推荐人选",
            "劳务协作匹配已发布，您的岗位有新的推荐人选，请查看并确认录用。",
            payload,
        )
    changed = {r.county_code for r in (*added, *removed)} & set(counties)
    if changed:
        users = session.scalars(
            select(User.id).where(
                User.role == Role.COUNTY, User.county_code.in_(changed), User.active
            )
        )
        sent += notify(
            session,
            users,
            "published",
            "匹配结果已发布",
            f"第 {run.id} 次匹配已发布，本县的安排已更新。",
            payload,
        )
    return sent
