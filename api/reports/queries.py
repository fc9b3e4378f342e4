"""The reports' SQL: counts grouped in the database, one row per group and flag pair.

Each query returns rows keyed by the report's grouping (county, prefecture or city) and
the two poverty flags (the village is a deep-poverty village; the county is a key
county), so the service adds up "all", "deep-poverty villages" and "key counties" from
one pass. Every query takes the caller's visibility condition from `api.policy`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    and_,
    case,
    exists,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from api.database.models import (
    Assignment,
    AssignmentState,
    County,
    Expert,
    MatchRun,
    Need,
    PartnerCity,
    Placement,
    Posting,
    Prefecture,
    Township,
    User,
    Village,
    Worker,
)
from api.policy import Principal, visible

# The plan in force: what counts as an expert actually serving a need.
COVERING_STATES = (AssignmentState.PUBLISHED, AssignmentState.ACCEPTED, AssignmentState.LOCKED)


@dataclass(frozen=True)
class GroupName:
    code: str
    name_zh: str
    prefecture_code: str
    prefecture_name_zh: str
    key_county: bool | None


def county_names(session: Session, principal: Principal) -> list[GroupName]:
    """The counties that have villages the caller may see."""
    query = (
        select(County, Prefecture)
        .join(Prefecture, County.prefecture_code == Prefecture.prefecture_code)
        .where(
            County.county_code.in_(select(Village.county_code).where(visible(principal, Village)))
        )
        .order_by(County.prefecture_code, County.county_code)
    )
    return [
        GroupName(c.county_code, c.name_zh, p.prefecture_code, p.name_zh, c.deep_poverty)
        for c, p in session.execute(query)
    ]


def prefecture_names(session: Session, principal: Principal) -> list[GroupName]:
    """The prefectures that have villages the caller may see."""
    codes = select(Village.prefecture_code).where(visible(principal, Village))
    query = (
        select(Prefecture)
        .where(Prefecture.prefecture_code.in_(codes))
        .order_by(Prefecture.prefecture_code)
    )
    return [
        GroupName(p.prefecture_code, p.name_zh, p.prefecture_code, p.name_zh, None)
        for p in session.scalars(query)
    ]


def city_names(session: Session) -> list[tuple[str, str]]:
    query = select(PartnerCity.city_code, PartnerCity.name_zh).order_by(PartnerCity.city_code)
    return [(code, name) for code, name in session.execute(query)]


def coverage_counts(
    session: Session, principal: Principal, by: str, period: str | None
) -> Sequence[Row[Any]]:
    """Per (group, deep-poverty village, key county): open needs, covered, days."""
    served = (
        select(
            Assignment.need_id,
            func.coalesce(func.sum(Assignment.days), 0).label("days"),
        )
        .where(Assignment.market == "experts", Assignment.state.in_(COVERING_STATES))
        .group_by(Assignment.need_id)
        .subquery()
    )
    assigned = case(
        (served.c.days > Need.days_needed, Need.days_needed),
        else_=func.coalesce(served.c.days, 0),
    )
    key = Village.county_code if by == "county" else Village.prefecture_code
    query = (
        select(
            key.label("code"),
            Village.deep_poverty.label("deep_village"),
            County.key_county.label("key_county"),
            func.count(Need.need_id).label("open_needs"),
            func.count(served.c.need_id).label("covered_needs"),
            func.coalesce(func.sum(Need.days_needed), 0).label("days_needed"),
            func.coalesce(func.sum(assigned), 0).label("days_assigned"),
        )
        .select_from(Need)
        .join(Village, Need.village_id == Village.village_id)
        .join(County, Village.county_code == County.county_code)
        .outerjoin(served, served.c.need_id == Need.need_id)
        .where(Need.status == "open", visible(principal, Need), _period(Need.period, period))
        .group_by(key, Village.deep_poverty, County.key_county)
    )
    return session.execute(query).all()


def _period(column: Any, period: str | None) -> ColumnElement[bool]:
    return true() if period is None else column == period


def placement_counts(
    session: Session, principal: Principal, by: str, period: str | None
) -> Sequence[Row[Any]]:
    """Per (group, flags, source, six-month outcome): hires.

    Hires are the placements on record plus the labour assignments a city confirmed; a
    confirmed hire that already has its placement row is counted once.
    """
    recorded = select(
        Placement.worker_id,
        Placement.posting_id,
        Placement.retained_6m.label("retained"),
        literal("placement").label("source"),
    )
    has_placement = exists().where(
        and_(
            Placement.worker_id == Assignment.worker_id,
            Placement.posting_id == Assignment.posting_id,
        )
    )
    confirmed = select(
        Assignment.worker_id,
        Assignment.posting_id,
        literal(None).label("retained"),
        literal("confirmed").label("source"),
    ).where(
        Assignment.market == "labour",
        Assignment.state == AssignmentState.ACCEPTED,
        ~has_placement,
    )
    hires = union_all(recorded, confirmed).subquery()
    key = Posting.partner_city_code if by == "city" else Village.prefecture_code
    query = (
        select(
            key.label("code"),
            Village.deep_poverty.label("deep_village"),
            County.key_county.label("key_county"),
            hires.c.source,
            hires.c.retained,
            func.count().label("hires"),
        )
        .select_from(hires)
        .join(Worker, Worker.worker_id == hires.c.worker_id)
        .join(Village, Worker.village_id == Village.village_id)
        .join(County, Village.county_code == County.county_code)
        .join(Posting, Posting.posting_id == hires.c.posting_id)
        .where(visible(principal, Worker), _period(Posting.period, period))
        .group_by(key, Village.deep_poverty, County.key_county, hires.c.source, hires.c.retained)
    )
    return session.execute(query).all()


def run_filters(
    principal: Principal,
    market: str | None,
    scope_kind: str | None,
    scope_code: str | None,
    state: str | None,
) -> list[ColumnElement[bool]]:
    wanted = {
        MatchRun.market: market,
        MatchRun.scope_kind: scope_kind,
        MatchRun.scope_code: scope_code,
        MatchRun.state: state,
    }
    conditions = [column == value for column, value in wanted.items() if value is not None]
    return [visible(principal, MatchRun), *conditions]


def runs_for_summary(session: Session, filters: list[ColumnElement[bool]]) -> list[MatchRun]:
    query = select(MatchRun).where(*filters).order_by(MatchRun.created_at, MatchRun.id)
    return list(session.scalars(query))


# ---- a county's villages and the plan in force (the coordinator's overview and map) ------


def _served_needs() -> Any:
    """Needs with at least one expert in the plan in force."""
    return (
        select(Assignment.need_id)
        .where(Assignment.market == "experts", Assignment.state.in_(COVERING_STATES))
        .distinct()
        .subquery()
    )


def village_coverage(session: Session, principal: Principal) -> Sequence[Row[Any]]:
    """Per visible village (with its township): open needs, and how many are covered."""
    served = _served_needs()
    needs = (
        select(
            Need.village_id,
            func.count(Need.need_id).label("open_needs"),
            func.count(served.c.need_id).label("covered_needs"),
        )
        .outerjoin(served, served.c.need_id == Need.need_id)
        .where(Need.status == "open", visible(principal, Need))
        .group_by(Need.village_id)
        .subquery()
    )
    query = (
        select(
            Village,
            Township.name_zh.label("township_name_zh"),
            func.coalesce(needs.c.open_needs, 0).label("open_needs"),
            func.coalesce(needs.c.covered_needs, 0).label("covered_needs"),
        )
        .join(Township, Township.township_id == Village.township_id)
        .outerjoin(needs, needs.c.village_id == Village.village_id)
        .where(visible(principal, Village))
        .order_by(Village.township_id, Village.village_id)
    )
    return session.execute(query).all()


def plan_links(session: Session, principal: Principal) -> Sequence[Any]:
    """(village, expert) pairs of the plan in force over open needs the caller sees, with
    the expert's home coordinates and the days assigned."""
    query = (
        select(
            Need.village_id,
            Expert.expert_id,
            Expert.name_zh,
            Expert.lat,
            Expert.lon,
            func.count(Assignment.id).label("needs"),
            func.coalesce(func.sum(Assignment.days), 0).label("days"),
        )
        .select_from(Assignment)
        .join(Need, Need.need_id == Assignment.need_id)
        .join(Expert, Expert.expert_id == Assignment.expert_id)
        .where(
            Assignment.market == "experts",
            Assignment.state.in_(COVERING_STATES),
            Need.status == "open",
            visible(principal, Assignment),
            visible(principal, Need),
            visible(principal, Expert),
        )
        .group_by(Need.village_id, Expert.expert_id, Expert.name_zh, Expert.lat, Expert.lon)
        .order_by(Need.village_id, Expert.expert_id)
    )
    return session.execute(query).all()


def user_names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """The display names of these users (the requesters of runs), by id."""
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    query = select(User.id, User.display_name_zh).where(User.id.in_(wanted))
    return {user_id: name for user_id, name in session.execute(query)}


def place_names(session: Session) -> dict[tuple[str, str], str]:
    """("county" | "prefecture", code) → Chinese name: the scopes runs name."""
    counties = session.execute(select(County.county_code, County.name_zh))
    prefectures = session.execute(select(Prefecture.prefecture_code, Prefecture.name_zh))
    return {
        **{("county", code): name for code, name in counties},
        **{("prefecture", code): name for code, name in prefectures},
    }


def need_periods(session: Session, principal: Principal) -> list[str]:
    """The periods of the open needs the caller may see (the coverage report's periods)."""
    query = (
        select(Need.period)
        .where(Need.status == "open", visible(principal, Need))
        .distinct()
        .order_by(Need.period)
    )
    return [period for period in session.scalars(query) if period]


def posting_periods(session: Session) -> list[str]:
    """The periods of the postings (the placements report's periods)."""
    query = select(Posting.period).distinct().order_by(Posting.period)
    return [period for period in session.scalars(query) if period]
