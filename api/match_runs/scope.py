"""A run's scope: the counties it covers, and the plan in force there."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from api.database.models import Assignment, AssignmentState, County, Prefecture
from matching.errors import InvalidInputError

# The plan in force: what a new plan of the scope replaces (published), keeps (locked,
# accepted) and what commits experts' days and postings' positions elsewhere.
IN_FORCE = (AssignmentState.PUBLISHED, AssignmentState.ACCEPTED, AssignmentState.LOCKED)
# Kept through a publish: the coordinator's locks and the answers already given.
KEPT = (AssignmentState.ACCEPTED, AssignmentState.LOCKED)


def scope_counties(session: Session, scope_kind: str, scope_code: str | None) -> list[str]:
    """The county codes a scope covers; an unknown code is bad input naming `scope_code`."""
    if scope_kind == "province":
        if scope_code:
            raise InvalidInputError("A province run takes no scope_code.", item="scope_code")
        return list(session.scalars(select(County.county_code).order_by(County.county_code)))
    if not scope_code:
        raise InvalidInputError(f"A {scope_kind} run needs a scope_code.", item="scope_code")
    if scope_kind == "county":
        found = session.get(County, scope_code)
        if found is None:
            raise InvalidInputError(f"Unknown county {scope_code!r}.", item="scope_code")
        return [scope_code]
    if session.get(Prefecture, scope_code) is None:
        raise InvalidInputError(f"Unknown prefecture {scope_code!r}.", item="scope_code")
    query = select(County.county_code).where(County.prefecture_code == scope_code)
    return list(session.scalars(query.order_by(County.county_code)))


def in_force(market: str, counties: list[str]) -> ColumnElement[bool]:
    """Assignments of the plan in force in these counties (for one market)."""
    return (
        (Assignment.market == market)
        & Assignment.county_code.in_(counties)
        & Assignment.state.in_(IN_FORCE)
    )
