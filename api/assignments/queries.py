"""The list queries of the three views, each limited by `policy.visible` first."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, case, func, select
from sqlalchemy.orm import Session

from api.common import PagedSelect, order_by
from api.database.models import Assignment, AssignmentState, County, Need, Posting, Village
from api.policy import (
    SHOWN_TO_PEOPLE,
    CallerShape,
    Principal,
    caller_parameters,
    load_visible,
    stand_in,
    visible,
)

COORDINATOR_SORTS = (
    "id",
    "run_id",
    "state",
    "score",
    "days",
    "expert_id",
    "need_id",
    "worker_id",
    "posting_id",
    "county_code",
    "published_at",
    "decided_at",
)
PEOPLE_SORTS = ("id", "run_id", "state", "days", "published_at", "decided_at")


@dataclass(frozen=True)
class CandidateCount:
    """A posting's candidates as a city sees them: how many, and how many wait for an answer."""

    posting_id: str
    title_zh: str
    total: int
    waiting: int


@dataclass(frozen=True)
class ExpertFilters:
    """An expert's filters and sort (None: any state, any period, by id)."""

    state: str | None = None
    period: str | None = None
    sort: str | None = None


@dataclass(frozen=True)
class AssignmentFilters:
    """A coordinator's filters; None means any."""

    state: str | None = None
    market: str | None = None
    run_id: int | None = None
    need_id: str | None = None
    expert_id: str | None = None
    worker_id: str | None = None
    posting_id: str | None = None
    county_code: str | None = None


def coordinator_assignments(principal: Principal, filters: AssignmentFilters) -> Select[Any]:
    query = select(Assignment).where(visible(principal, Assignment))
    wanted = {
        Assignment.state: filters.state,
        Assignment.market: filters.market,
        Assignment.run_id: filters.run_id,
        Assignment.need_id: filters.need_id,
        Assignment.expert_id: filters.expert_id,
        Assignment.worker_id: filters.worker_id,
        Assignment.posting_id: filters.posting_id,
        Assignment.county_code: filters.county_code,
    }
    for column, value in wanted.items():
        if value is not None:
            query = query.where(column == value)
    return query


# What an expert's view shows, as plain columns: a read-only page builds no ORM objects
# (for the experts' most frequent call, that was a fifth of its own work).
EXPERT_VIEW_COLUMNS = (
    Assignment.id,
    Assignment.run_id,
    Assignment.state,
    Assignment.days,
    Assignment.explanation,
    Assignment.reason,
    Assignment.decided_at,
    Assignment.published_at,
    Need.need_id,
    Need.period,
    Need.industry_code,
    Need.skill_codes,
    Need.days_needed,
    Need.urgency,
    Need.description_zh,
    Village.village_id,
    Village.name_zh.label("village_name_zh"),
    Village.deep_poverty,
    County.county_code,
    County.name_zh.label("county_name_zh"),
)


def _expert_view_rows() -> Select[Any]:
    return (
        select(*EXPERT_VIEW_COLUMNS)
        .select_from(Assignment)
        .join(Need, Need.need_id == Assignment.need_id)
        .join(Village, Village.village_id == Need.village_id)
        .join(County, County.county_code == Village.county_code)
    )


def expert_views_by_id(ids: list[int]) -> Select[Any]:
    """The view rows of experts' assignments the caller has just loaded (and may see)."""
    return _expert_view_rows().where(Assignment.id.in_(ids))


def expert_assignments(
    principal: Principal,
    *,
    state: str | BindParameter[str] | None,
    period: str | BindParameter[str] | None,
) -> Select[Any]:
    """The expert's own published, accepted, declined or locked assignments.

    One row per assignment with its need, village and county (`EXPERT_VIEW_COLUMNS`): one
    query gives a page and what it shows.
    """
    query = _expert_view_rows().where(
        visible(principal, Assignment),
        Assignment.market == "experts",
        Assignment.expert_id == principal.expert_id,
    )
    if state is not None:
        query = query.where(Assignment.state == state)
    if period is not None:
        query = query.where(Need.period == period)
    return query


def expert_page(
    principal: Principal, filters: ExpertFilters
) -> tuple[PagedSelect[Any], dict[str, Any]]:
    """`GET /me/assignments`: `expert_assignments` in the filters' sort, as a statement built
    once for every expert (the caller and the filters' values are its parameters), and the
    parameters for this caller and these filters."""
    shape, parameters = caller_parameters(principal)
    values = {"state": filters.state, "period": filters.period}
    given = tuple(name for name, value in values.items() if value is not None)
    parameters.update({name: values[name] for name in given})
    return _expert_page_statement(shape, given, filters.sort), parameters


# Statements by caller shape, filters given and sort: a few dozen at most.
@lru_cache(maxsize=256)
def _expert_page_statement(
    shape: CallerShape, given: tuple[str, ...], sort: str | None
) -> PagedSelect[Any]:
    state: BindParameter[str] | None = bindparam("state") if "state" in given else None
    period: BindParameter[str] | None = bindparam("period") if "period" in given else None
    query = expert_assignments(stand_in(shape), state=state, period=period)
    return PagedSelect.of(order_by(query, Assignment, sort, PEOPLE_SORTS))


def candidates(
    session: Session, principal: Principal, *, posting_id: str | None, state: str | None
) -> Select[Any]:
    """Labour assignments shown to a city: published or answered, for its own postings.

    Naming a posting that is not the caller's is 404, like any posting they cannot see.
    """
    query = select(Assignment).where(
        visible(principal, Assignment),
        Assignment.market == "labour",
        Assignment.state.in_(SHOWN_TO_PEOPLE),
    )
    if posting_id is not None:
        load_visible(session, principal, Posting, posting_id)
        query = query.where(Assignment.posting_id == posting_id)
    if state is not None:
        query = query.where(Assignment.state == AssignmentState(state).value)
    return query


def candidate_counts(session: Session, principal: Principal) -> list[CandidateCount]:
    """Per posting with candidates shown to the caller (as `candidates` admits them), the
    number of candidates and of those still published (waiting), by posting id."""
    waiting = func.sum(case((Assignment.state == AssignmentState.PUBLISHED.value, 1), else_=0))
    query = (
        select(Assignment.posting_id, Posting.title_zh, func.count(), waiting)
        .join(Posting, Posting.posting_id == Assignment.posting_id)
        .where(
            visible(principal, Assignment),
            Assignment.market == "labour",
            Assignment.state.in_(SHOWN_TO_PEOPLE),
        )
        .group_by(Assignment.posting_id, Posting.title_zh)
        .order_by(Assignment.posting_id)
    )
    return [
        CandidateCount(str(posting_id), str(title), int(total), int(open_ or 0))
        for posting_id, title, total, open_ in session.execute(query)
    ]
