"""The plan in force and the decisions on it, as the expert matcher's `Decisions`.

- previous: the scope's published, accepted and locked pairs (kept unless coverage needs
  the expert elsewhere: the stability bonus);
- locked: the coordinators' locks, the pairs locked in the plan, and the pairs the expert
  has accepted (an answer given is not taken back by a new run);
- forbidden / declined: the coordinators' forbids and the experts' declines; a decline
  wins over a lock of the same pair.

For the labour market only the cities' rejections apply (`labour_refusals`): a labour
plan is a set of offers, and a confirmed hire leaves every later run by itself.

Pairs naming an expert or a need the run does not see (closed, other scope) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.database.models import Assignment, AssignmentState, Decision
from api.match_runs.scope import in_force
from matching.data.decisions import Decisions, Pair
from matching.data.frames import Dataset


def _known(pairs: Iterable[Pair], experts: set[str], needs: set[str]) -> frozenset[Pair]:
    return frozenset((e, n) for e, n in pairs if e in experts and n in needs)


def plan_decisions(session: Session, dataset: Dataset, counties: list[str]) -> Decisions:
    experts = set(dataset.experts["expert_id"])
    needs = set(dataset.needs["need_id"])
    plan = session.execute(
        select(Assignment.id, Assignment.expert_id, Assignment.need_id, Assignment.state).where(
            in_force("experts", counties)
        )
    ).all()
    decided = session.execute(
        select(Decision.id, Decision.expert_id, Decision.need_id, Decision.kind).where(
            Decision.need_id.in_(needs)
        )
    ).all()
    origin: dict[Pair, str] = {}
    for row in plan:
        origin.setdefault((str(row.expert_id), str(row.need_id)), f"assignment {row.id}")
    for row in decided:
        origin[(row.expert_id, row.need_id)] = f"decision {row.id} ({row.kind})"
    kept_states = (AssignmentState.LOCKED, AssignmentState.ACCEPTED)
    by_kind = {
        kind: _known(((r.expert_id, r.need_id) for r in decided if r.kind == kind), experts, needs)
        for kind in ("lock", "forbid", "decline")
    }
    excluded = by_kind["forbid"] | by_kind["decline"]
    pairs_kept = ((str(r.expert_id), str(r.need_id)) for r in plan if r.state in kept_states)
    locked = (by_kind["lock"] | _known(pairs_kept, experts, needs)) - excluded
    previous = _known(((str(r.expert_id), str(r.need_id)) for r in plan), experts, needs)
    return Decisions(
        previous=previous - excluded,
        locked=locked,
        forbidden=by_kind["forbid"],
        declined=by_kind["decline"],
        origin=origin,
    )


def labour_refusals(session: Session, counties: list[str]) -> Decisions:
    """The (worker, posting) pairs a partner city rejected, for workers of these counties:
    a labour run never proposes them again."""
    rejected = session.execute(
        select(Assignment.id, Assignment.worker_id, Assignment.posting_id).where(
            Assignment.market == "labour",
            Assignment.state == AssignmentState.DECLINED,
            Assignment.county_code.in_(counties),
        )
    ).all()
    pairs = {(str(r.worker_id), str(r.posting_id)): f"assignment {r.id}" for r in rejected}
    return Decisions(declined=frozenset(pairs), origin=pairs)


def rematch_decisions(decisions: Decisions, need_id: str) -> Decisions:
    """A re-match after a decline: every other pair of the plan locked, so only that need
    moves. (If that has no feasible plan, the task falls back to `decisions`.)"""
    others = frozenset(pair for pair in decisions.previous if pair[1] != need_id)
    return Decisions(
        previous=decisions.previous,
        locked=decisions.locked | (others - decisions.excluded),
        forbidden=decisions.forbidden,
        declined=decisions.declined,
        origin=decisions.origin,
    )
