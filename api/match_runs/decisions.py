"""Coordinators' locks and forbids on (expert, need) pairs; every run honours them.

A lock keeps the pair through every later run and publish; a forbid keeps it out. An
expert's decline is a decision too (kind `decline`), written when they decline.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import record, snapshot
from api.common import order_by, paginate
from api.database.models import Decision, Expert, Need, Role, Village
from api.errors import ConflictError, NotFoundError
from api.match_runs.labels import DECISION_LABELS
from api.match_runs.schemas import DecisionCreate, DecisionOut
from api.policy import Principal, check_county_write, load_visible, require_role, visible
from matching.errors import InvalidInputError

DECISION_SORTS = ("id", "created_at", "expert_id", "need_id", "kind")
ROLES = (Role.PROVINCE, Role.COUNTY)


def _county_of(session: Session, need: Need) -> str:
    return str(
        session.scalar(select(Village.county_code).where(Village.village_id == need.village_id))
    )


def create_decision(session: Session, principal: Principal, data: DecisionCreate) -> Decision:
    require_role(principal, *ROLES)
    need: Need = load_visible(session, principal, Need, data.need_id)
    check_county_write(principal, _county_of(session, need))
    if session.get(Expert, data.expert_id) is None:
        raise InvalidInputError(f"Unknown expert {data.expert_id!r}.", item="expert_id")
    existing = session.scalars(
        select(Decision).where(
            Decision.expert_id == data.expert_id,
            Decision.need_id == data.need_id,
            Decision.kind.in_(("lock", "forbid", "decline")),
        )
    ).all()
    for other in existing:
        raise ConflictError(
            f"The pair ({data.expert_id}, {data.need_id}) already has a {other.kind} decision "
            f"({DECISION_LABELS[other.kind]}, id {other.id}); remove it first."
        )
    decision = Decision(
        expert_id=data.expert_id,
        need_id=data.need_id,
        kind=data.kind,
        reason=data.reason,
        user_id=principal.user_id,
    )
    session.add(decision)
    session.flush()
    record(session, principal, "decision", decision.id, "create", None, snapshot(decision))
    return decision


def _visible_decision(session: Session, principal: Principal, decision_id: int) -> Decision:
    decision = session.scalars(
        select(Decision).where(Decision.id == decision_id, _on_visible_needs(principal))
    ).one_or_none()
    if decision is None:
        raise NotFoundError(f"decision {decision_id!r} not found.")
    return decision


def _on_visible_needs(principal: Principal) -> Any:
    return Decision.need_id.in_(select(Need.need_id).where(visible(principal, Need)))


def delete_decision(session: Session, principal: Principal, decision_id: int) -> None:
    require_role(principal, *ROLES)
    decision = _visible_decision(session, principal, decision_id)
    need = session.get_one(Need, decision.need_id)
    check_county_write(principal, _county_of(session, need))
    if decision.kind == "decline":
        raise ConflictError("An expert's decline is their answer; it cannot be removed here.")
    record(session, principal, "decision", decision.id, "delete", snapshot(decision), None)
    session.delete(decision)


def list_decisions(
    session: Session,
    principal: Principal,
    *,
    filters: dict[str, Any],
    sort: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Decision], int]:
    require_role(principal, *ROLES)
    query = select(Decision).where(_on_visible_needs(principal))
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(Decision, name) == value)
    return paginate(session, order_by(query, Decision, sort, DECISION_SORTS), limit, offset)


def decision_out(decision: Decision) -> DecisionOut:
    return DecisionOut(
        id=decision.id,
        expert_id=decision.expert_id,
        need_id=decision.need_id,
        kind=decision.kind,
        kind_label=DECISION_LABELS.get(decision.kind, decision.kind),
        reason=decision.reason,
        created_at=decision.created_at,
    )
