"""Who may see and change what: every access rule of the service, in one place.

Reading: `visible(principal, Model)` is the SQL condition a query adds, so nothing outside
one's scope is ever loaded. Single things: `check_visible` answers 404 for what the caller
may not know exists; `check_writable` answers 403 for what they can see but not change.

- province 省级: sees and changes everything.
- county 县级协调员: sees their county's villages, needs, workers, runs and assignments, the
  open postings, and the experts living or assigned there; changes their county's needs,
  workers, runs and decisions.
- expert 专家: sees their profile and their published assignments (with needs and
  villages); changes a few fields of their profile and answers their assignments.
- city 帮扶城市: sees their postings and the candidates proposed for them (a reduced
  view); changes their postings and confirms or rejects hires.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, false, select, true
from sqlalchemy.orm import Session

from api.database.models import (
    Assignment,
    AssignmentState,
    Expert,
    MatchRun,
    Need,
    Notification,
    Posting,
    Role,
    User,
    Village,
    Worker,
)
from api.errors import ForbiddenError, NotFoundError
from matching.errors import InvalidInputError

# What an expert or a city sees of a plan: never a proposal that was not published.
SHOWN_TO_PEOPLE = (
    AssignmentState.PUBLISHED,
    AssignmentState.ACCEPTED,
    AssignmentState.DECLINED,
    AssignmentState.LOCKED,
)


@dataclass(frozen=True)
class Principal:
    """The caller: a user id, a role, and the scope that role carries."""

    user_id: int
    role: Role
    county_code: str | None = None
    expert_id: str | None = None
    city_code: str | None = None

    @classmethod
    def of(cls, user: User) -> Principal:
        return cls(user.id, Role(user.role), user.county_code, user.expert_id, user.city_code)

    @property
    def is_province(self) -> bool:
        return self.role is Role.PROVINCE


# A principal's scope: what a rule compares the rows with.
SCOPE_FIELDS = ("user_id", "county_code", "expert_id", "city_code")


@dataclass(frozen=True)
class CallerShape:
    """What the SQL of a rule depends on besides the caller's scope values: the role, and
    which scope fields are set (an unset one stays a literal NULL in the rule)."""

    role: Role
    given: tuple[str, ...]


def caller_parameters(principal: Principal) -> tuple[CallerShape, dict[str, Any]]:
    """The caller's shape, and their scope values as the parameters (`caller_<field>`) of a
    statement built with `stand_in(shape)`."""
    given = tuple(name for name in SCOPE_FIELDS if getattr(principal, name) is not None)
    values = {f"caller_{name}": getattr(principal, name) for name in given}
    return CallerShape(principal.role, given), values


def stand_in(shape: CallerShape) -> Principal:
    """A principal of that shape whose scope values are bound parameters.

    `visible(stand_in(shape), Model)` run with `caller_parameters(principal)[1]` selects the
    rows `visible(principal, Model)` selects (the rules branch on the role only and compare
    the scope values in SQL; tests/service/test_policy_parameters.py checks every rule), and
    one statement built with it serves every caller of the shape: a read called often can
    build its statement once (building one is a good part of a small read's CPU).
    """
    scope: dict[str, Any] = dict.fromkeys(SCOPE_FIELDS)
    scope.update({name: bindparam(f"caller_{name}") for name in shape.given})
    return Principal(role=shape.role, **scope)


def require_role(principal: Principal, *roles: Role) -> None:
    """Endpoints a role does not use at all: 403, the endpoint itself is public knowledge."""
    if principal.role not in roles:
        labels = ", ".join(role.value for role in roles)
        raise ForbiddenError(f"This needs one of the roles: {labels}.")


def _villages_of_county(county_code: str | None) -> Any:
    return select(Village.village_id).where(Village.county_code == county_code)


def visible(principal: Principal, model: type[Any]) -> ColumnElement[bool]:
    """The rows of `model` the caller may read."""
    personal = _PERSONAL_RULES.get(model)
    if personal is not None:
        return personal(principal)
    if principal.is_province:
        return true()
    rule = _RULES.get(model)
    if rule is None:
        return false()
    return rule(principal)


def _need_rule(p: Principal) -> ColumnElement[bool]:
    if p.role is Role.COUNTY:
        return Need.village_id.in_(_villages_of_county(p.county_code))
    if p.role is Role.EXPERT:
        return Need.need_id.in_(
            select(Assignment.need_id).where(
                Assignment.expert_id == p.expert_id, Assignment.state.in_(SHOWN_TO_PEOPLE)
            )
        )
    return false()


def _village_rule(p: Principal) -> ColumnElement[bool]:
    if p.role is Role.COUNTY:
        return Village.county_code == p.county_code
    if p.role is Role.EXPERT:
        return Village.village_id.in_(select(Need.village_id).where(_need_rule(p)))
    return false()


def _worker_rule(p: Principal) -> ColumnElement[bool]:
    if p.role is Role.COUNTY:
        return Worker.village_id.in_(_villages_of_county(p.county_code))
    if p.role is Role.CITY:
        # A city sees the candidates proposed for its postings, through a reduced view.
        return Worker.worker_id.in_(
            select(Assignment.worker_id).where(
                Assignment.posting_id.in_(_own_postings(p)),
                Assignment.state.in_(SHOWN_TO_PEOPLE),
            )
        )
    return false()


def _own_postings(p: Principal) -> Any:
    return select(Posting.posting_id).where(Posting.partner_city_code == p.city_code)


def _posting_rule(p: Principal) -> ColumnElement[bool]:
    if p.role is Role.COUNTY:
        return Posting.status == "open"
    if p.role is Role.CITY:
        return Posting.partner_city_code == p.city_code
    return false()


def _expert_rule(p: Principal) -> ColumnElement[bool]:
    if p.role is Role.COUNTY:
        return (Expert.home_county_code == p.county_code) | Expert.expert_id.in_(
            select(Assignment.expert_id).where(Assignment.county_code == p.county_code)
        )
    if p.role is Role.EXPERT:
        return Expert.expert_id == p.expert_id
    return false()


def _run_rule(p: Principal) -> ColumnElement[bool]:
    if p.role is Role.COUNTY:
        return (MatchRun.scope_kind == "county") & (MatchRun.scope_code == p.county_code)
    return false()


def _assignment_rule(p: Principal) -> ColumnElement[bool]:
    if p.role is Role.COUNTY:
        return Assignment.county_code == p.county_code
    if p.role is Role.EXPERT:
        return (Assignment.expert_id == p.expert_id) & Assignment.state.in_(SHOWN_TO_PEOPLE)
    if p.role is Role.CITY:
        return Assignment.posting_id.in_(_own_postings(p)) & Assignment.state.in_(SHOWN_TO_PEOPLE)
    return false()


def _notification_rule(p: Principal) -> ColumnElement[bool]:
    return Notification.user_id == p.user_id


_RULES = {
    Need: _need_rule,
    Village: _village_rule,
    Worker: _worker_rule,
    Posting: _posting_rule,
    Expert: _expert_rule,
    MatchRun: _run_rule,
    Assignment: _assignment_rule,
}
# Personal rows: one's own only, the province office's included.
_PERSONAL_RULES = {Notification: _notification_rule}


def load_visible(session: Session, principal: Principal, model: type[Any], key: Any) -> Any:
    """The row with primary key `key`, or 404 if it does not exist or is not the caller's to see."""
    mapper_key = model.__mapper__.primary_key[0]
    row = session.scalars(
        select(model).where(mapper_key == key, visible(principal, model))
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"{model.__tablename__[:-1]} {key!r} not found.")
    return row


def check_county_write(principal: Principal, county_code: str) -> None:
    """Changing something of a county: the province, or that county's coordinator."""
    if principal.is_province:
        return
    if principal.role is Role.COUNTY and principal.county_code == county_code:
        return
    raise ForbiddenError("Only the province office or this county's coordinator may change it.")


def check_city_write(principal: Principal, city_code: str) -> None:
    if principal.is_province:
        return
    if principal.role is Role.CITY and principal.city_code == city_code:
        return
    raise ForbiddenError("Only the province office or this partner city may change it.")


def check_expert_write(principal: Principal, expert_id: str) -> None:
    if principal.is_province:
        return
    if principal.role is Role.EXPERT and principal.expert_id == expert_id:
        return
    raise ForbiddenError("Only the province office or the expert may change this profile.")


# What an expert may change of their own profile; the rest is the province office's.
EXPERT_OWN_FIELDS = frozenset(
    {
        "service_days_per_quarter",
        "max_travel_km",
        "language_codes",
        "profile_zh",
        "available_periods",
    }
)


def check_expert_fields(principal: Principal, expert_id: str, fields: set[str]) -> None:
    """The province office changes any field; an expert a few of their own profile."""
    check_expert_write(principal, expert_id)
    others = sorted(fields - EXPERT_OWN_FIELDS)
    if not principal.is_province and others:
        raise ForbiddenError(
            f"An expert may change only {', '.join(sorted(EXPERT_OWN_FIELDS))}; "
            f"not {', '.join(others)}."
        )


def check_run_scope(principal: Principal, scope_kind: str, scope_code: str | None) -> None:
    """Requesting a run: the province anywhere, a coordinator for their own county only."""
    if principal.is_province:
        return
    if (
        principal.role is Role.COUNTY
        and scope_kind == "county"
        and scope_code == principal.county_code
    ):
        return
    raise ForbiddenError("A coordinator may request matches for their own county only.")


def writable_village(session: Session, principal: Principal, village_id: str) -> Village:
    """A village the caller may put a need or a worker in. One outside their scope is
    answered exactly like one that does not exist (422 naming the field): they may not
    know it exists; one they see but may not change is 403."""
    village = session.scalars(
        select(Village).where(Village.village_id == village_id, visible(principal, Village))
    ).one_or_none()
    if village is None:
        raise InvalidInputError(
            f"village_id: no village {village_id!r} in your scope.", item="village_id"
        )
    check_county_write(principal, village.county_code)
    return village
