"""What a coordinator reviews of their runs: the list with who asked and what a re-match
repairs, a run's proposals with the need, village and expert (or worker and posting) they
name, the needs it left uncovered with the matcher's reason, and the decisions on those
pairs. Every read goes through the same access rules as the JSON routes (`service`,
`api/policy.py`); rows are loaded a page at a time, one query per table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.assignments.views import labelled
from api.common import order_by, paginate
from api.database.models import (
    Assignment,
    AssignmentState,
    County,
    Decision,
    Expert,
    MatchRun,
    Need,
    Posting,
    User,
    Village,
    Worker,
)
from api.match_runs import decisions, service
from api.match_runs.schemas import AssignmentOut, DecisionOut, RunOut
from api.policy import Principal, visible


@dataclass(frozen=True)
class RunItem:
    """A run as the list shows it."""

    run: RunOut
    scope_name_zh: str | None  # a county's short name (威宁县)
    requested_by: str | None  # the display name of who asked (an expert's decline, too)
    rematch_village_zh: str | None  # the village of the need a re-match repairs


def run_items(session: Session, principal: Principal, runs: Sequence[MatchRun]) -> list[RunItem]:
    users = _names(session, select(User.id, User.display_name_zh), User.id, runs, "requested_by")
    counties = _names(
        session,
        select(County.county_code, County.short_name_zh),
        County.county_code,
        [r for r in runs if r.scope_kind == "county"],
        "scope_code",
    )
    villages = {
        need_id: str(name)
        for need_id, name in session.execute(
            select(Need.need_id, Village.name_zh)
            .join(Village, Village.village_id == Need.village_id)
            .where(
                Need.need_id.in_({r.rematch_need_id for r in runs if r.rematch_need_id}),
                visible(principal, Need),
            )
        )
    }
    return [
        RunItem(
            service.run_out(run),
            counties.get(run.scope_code) if run.scope_code else None,
            users.get(run.requested_by) if run.requested_by else None,
            villages.get(run.rematch_need_id) if run.rematch_need_id else None,
        )
        for run in runs
    ]


def _names(
    session: Session, query: Any, key: Any, rows: Iterable[Any], attribute: str
) -> dict[Any, str]:
    wanted = {getattr(r, attribute) for r in rows} - {None}
    if not wanted:
        return {}
    return {k: str(v) for k, v in session.execute(query.where(key.in_(wanted)))}


def list_runs(
    session: Session, principal: Principal, *, limit: int, offset: int
) -> tuple[list[RunItem], int]:
    """The caller's runs, newest first (the same query as `GET /match-runs`)."""
    rows, total = service.list_runs(
        session, principal, filters={}, sort="-id", limit=limit, offset=offset
    )
    return run_items(session, principal, rows), total


@dataclass(frozen=True)
class Proposal:
    """One proposal of a run: the API's view of it and what it names."""

    assignment: AssignmentOut
    need: Need | None = None
    village: Village | None = None
    expert: Expert | None = None
    worker: Worker | None = None
    posting: Posting | None = None
    decisions: list[DecisionOut] = field(default_factory=list)


def _deep_poverty_needs() -> Any:
    return (
        select(Need.need_id)
        .join(Village, Village.village_id == Need.village_id)
        .where(Village.deep_poverty)
    )


def _deep_poverty_workers() -> Any:
    return (
        select(Worker.worker_id)
        .join(Village, Village.village_id == Worker.village_id)
        .where(Village.deep_poverty)
    )


def proposals(
    session: Session,
    principal: Principal,
    run: MatchRun,
    *,
    deep_poverty_only: bool,
    limit: int,
    offset: int,
) -> tuple[list[Proposal], int]:
    """A page of the run's proposals (by need, or by posting), those of deep-poverty
    villages only if asked; the run must be the caller's (`service.get_run` first)."""
    query = select(Assignment).where(Assignment.run_id == run.id, visible(principal, Assignment))
    if deep_poverty_only:
        query = query.where(
            Assignment.need_id.in_(_deep_poverty_needs())
            if run.market == "experts"
            else Assignment.worker_id.in_(_deep_poverty_workers())
        )
    sort = "need_id" if run.market == "experts" else "posting_id"
    rows, total = paginate(
        session, order_by(query, Assignment, sort, service.ASSIGNMENT_SORTS), limit, offset
    )
    return _with_context(session, principal, rows), total


def _with_context(
    session: Session, principal: Principal, rows: Sequence[Assignment]
) -> list[Proposal]:
    need_ids = {r.need_id for r in rows if r.need_id}
    places = _needs_with_villages(session, principal, need_ids)
    experts = _by_key(session, principal, Expert, Expert.expert_id, {r.expert_id for r in rows})
    workers = _by_key(session, principal, Worker, Worker.worker_id, {r.worker_id for r in rows})
    postings = _by_key(
        session, principal, Posting, Posting.posting_id, {r.posting_id for r in rows}
    )
    on_pairs = pair_decisions(session, principal, need_ids)
    out = []
    for row in rows:
        need, village = places.get(str(row.need_id), (None, None))
        view = service.assignment_out(row)
        view = view.model_copy(update={"explanation": labelled(view.explanation)})
        out.append(
            Proposal(
                view,
                need,
                village,
                experts.get(str(row.expert_id)),
                workers.get(str(row.worker_id)),
                postings.get(str(row.posting_id)),
                on_pairs.get((str(row.expert_id), str(row.need_id)), []),
            )
        )
    return out


def _by_key(
    session: Session, principal: Principal, model: type[Any], key: Any, ids: set[Any]
) -> dict[str, Any]:
    ids -= {None}
    if not ids:
        return {}
    found = session.scalars(select(model).where(key.in_(ids), visible(principal, model)))
    return {getattr(row, key.key): row for row in found}


def _needs_with_villages(
    session: Session, principal: Principal, need_ids: set[str]
) -> dict[str, tuple[Need, Village]]:
    if not need_ids:
        return {}
    found = session.execute(
        select(Need, Village)
        .join(Village, Village.village_id == Need.village_id)
        .where(Need.need_id.in_(need_ids), visible(principal, Need))
    )
    return {need.need_id: (need, village) for need, village in found}


def pair_decisions(
    session: Session, principal: Principal, need_ids: set[str]
) -> dict[tuple[str, str], list[DecisionOut]]:
    """The locks, forbids and declines on pairs of these needs (of the caller's scope)."""
    if not need_ids:
        return {}
    found = session.scalars(
        select(Decision)
        .where(
            Decision.need_id.in_(need_ids),
            Decision.need_id.in_(select(Need.need_id).where(visible(principal, Need))),
        )
        .order_by(Decision.id)
    )
    out: dict[tuple[str, str], list[DecisionOut]] = {}
    for decision in found:
        out.setdefault((decision.expert_id, decision.need_id), []).append(
            decisions.decision_out(decision)
        )
    return out


@dataclass(frozen=True)
class Uncovered:
    """A need the run left without an expert, and the matcher's explanation of why."""

    need: Need
    village: Village
    explanation: dict[str, Any]


@dataclass(frozen=True)
class UncoveredNeeds:
    needs: list[Uncovered]
    recorded: bool  # False for runs stored before the reasons were kept one by one


def uncovered_needs(
    session: Session, principal: Principal, run: MatchRun, *, deep_poverty_only: bool
) -> UncoveredNeeds:
    """The needs an experts run left uncovered, as its summary recorded them (the open
    needs of its scope at the time, each with its reason)."""
    stored = (run.summary or {}).get("uncovered")
    if run.market != "experts" or not isinstance(stored, list):
        return UncoveredNeeds([], recorded=False)
    reasons = {str(e.get("need_id")): e for e in stored if isinstance(e, dict)}
    places = _needs_with_villages(session, principal, set(reasons))
    needs = [
        Uncovered(need, village, labelled(reasons[need_id]) or {})
        for need_id, (need, village) in sorted(places.items())
        if village.deep_poverty or not deep_poverty_only
    ]
    return UncoveredNeeds(needs, recorded=True)


@dataclass(frozen=True)
class Rematch:
    """The need a re-match repairs: who it proposes now, or why it stays uncovered."""

    need: Need
    village: Village
    proposals: list[Proposal]
    uncovered: dict[str, Any] | None


def rematch_of(session: Session, principal: Principal, run: MatchRun) -> Rematch | None:
    """For a re-match after a decline, its need's proposals or its reason to stay open."""
    need_id = run.rematch_need_id
    place = _needs_with_villages(session, principal, {need_id} if need_id else set())
    if need_id is None or need_id not in place:
        return None
    stored = (run.summary or {}).get("uncovered") or []
    reason = next((e for e in stored if isinstance(e, dict) and e.get("need_id") == need_id), None)
    return Rematch(*place[need_id], need_proposals(session, principal, run, need_id), reason)


def need_proposals(
    session: Session,
    principal: Principal,
    run: MatchRun,
    need_id: str,
    expert_id: str | None = None,
) -> list[Proposal]:
    """The run's proposals for one need (for one expert only, if given)."""
    query = select(Assignment).where(
        Assignment.run_id == run.id,
        Assignment.need_id == need_id,
        visible(principal, Assignment),
    )
    if expert_id is not None:
        query = query.where(Assignment.expert_id == expert_id)
    return _with_context(session, principal, session.scalars(query.order_by(Assignment.id)).all())


def proposal_count(session: Session, principal: Principal, run: MatchRun) -> int:
    """How many proposals publishing the run would publish (or keep)."""
    query = select(func.count()).where(
        Assignment.run_id == run.id,
        Assignment.state == AssignmentState.PROPOSED,
        visible(principal, Assignment),
    )
    return int(session.scalar(query) or 0)
