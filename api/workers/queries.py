"""Reading workers: the caller's visible workers, filtered."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, case, func, select, union
from sqlalchemy.orm import Session

from api.database.models import Assignment, AssignmentState, Placement, Posting, Village, Worker
from api.policy import Principal, visible
from api.vocabulary import EDUCATION, GENDERS, HOUSEHOLD_STATUSES, has_code
from api.workers.schemas import WorkerFilters

SORTABLE = ("worker_id", "village_id", "age", "expected_wage_yuan", "registered_poor")


def _equal(filters: WorkerFilters) -> dict[Any, object]:
    return {
        Village.county_code: filters.county_code,
        Village.township_id: filters.township_id,
        Worker.village_id: filters.village_id,
        Worker.active: filters.active,
        Worker.registered_poor: filters.registered_poor,
        Worker.household_status: HOUSEHOLD_STATUSES[filters.household_status]
        if filters.household_status
        else None,
        Village.deep_poverty: filters.deep_poverty,
        Worker.gender: GENDERS.get(filters.gender) if filters.gender else None,
        Worker.education: EDUCATION.get(filters.education) if filters.education else None,
        Worker.group_id: filters.group_id,
        Worker.willing_far: filters.willing_far,
    }


def hired_workers() -> Any:
    """Workers with a confirmed hire: an accepted labour assignment or a placement in an
    open posting (a placement in a closed posting is past work: the worker is back home)."""
    accepted = select(Assignment.worker_id).where(
        Assignment.market == "labour", Assignment.state == AssignmentState.ACCEPTED
    )
    placed = (
        select(Placement.worker_id)
        .join(Posting, Posting.posting_id == Placement.posting_id)
        .where(Posting.status == "open")
    )
    return union(accepted, placed)


def visible_workers(principal: Principal, filters: WorkerFilters) -> Select[Any]:
    query = select(Worker).join(Village, Worker.village_id == Village.village_id)
    query = query.where(visible(principal, Worker))
    for column, value in _equal(filters).items():
        if value is not None:
            query = query.where(column == value)
    if filters.min_age is not None:
        query = query.where(Worker.age >= filters.min_age)
    if filters.max_age is not None:
        query = query.where(Worker.age <= filters.max_age)
    codes = {
        Worker.skill_codes: filters.skill_code,
        Worker.certificate_codes: filters.certificate_code,
        Worker.intended_industry_codes: filters.intended_industry_code,
        Worker.intended_city_codes: filters.intended_city_code,
    }
    for column, code in codes.items():
        if code is not None:
            query = query.where(has_code(column, code))
    if filters.hired is not None:
        hired = Worker.worker_id.in_(hired_workers())
        query = query.where(hired if filters.hired else ~hired)
    text = (filters.q or "").strip()
    if text:
        query = query.where(
            (Worker.worker_id == text.upper())
            | Worker.self_description_zh.contains(text, autoescape=True)
            | Village.name_zh.contains(text, autoescape=True)
        )
    return query


def worker_counts(session: Session, principal: Principal) -> tuple[int, int]:
    """The caller's active workers: (all, hired); the rest wait for a job."""
    hired = Worker.worker_id.in_(hired_workers())
    query = select(func.count(), func.coalesce(func.sum(case((hired, 1), else_=0)), 0)).where(
        visible(principal, Worker), Worker.active
    )
    total, placed = session.execute(query).one()
    return int(total), int(placed)


def villages_by_id(session: Session, village_ids: Iterable[str]) -> dict[str, Village]:
    query = select(Village).where(Village.village_id.in_(set(village_ids)))
    return {village.village_id: village for village in session.scalars(query)}
