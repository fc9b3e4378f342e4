"""Reading needs: the caller's visible needs, filtered and sorted."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.database.models import Need, Village
from api.needs.schemas import NeedFilters
from api.policy import Principal, visible
from api.vocabulary import has_code

SORTABLE = ("need_id", "village_id", "period", "status", "urgency", "days_needed", "experts_wanted")


def visible_needs(principal: Principal, filters: NeedFilters) -> Select[Any]:
    query = select(Need).join(Village, Need.village_id == Village.village_id)
    query = query.where(visible(principal, Need))
    equal = {
        Village.county_code: filters.county_code,
        Village.township_id: filters.township_id,
        Need.village_id: filters.village_id,
        Need.status: filters.status,
        Need.period: filters.period,
        Need.industry_code: filters.industry_code,
        Need.urgency: filters.urgency,
        Village.deep_poverty: filters.deep_poverty,
    }
    for column, value in equal.items():
        if value is not None:
            query = query.where(column == value)
    if filters.skill_code is not None:
        query = query.where(has_code(Need.skill_codes, filters.skill_code))
    text = (filters.q or "").strip()
    if text:
        query = query.where(
            (Need.need_id == text.upper())
            | Need.description_zh.contains(text, autoescape=True)
            | Village.name_zh.contains(text, autoescape=True)
        )
    return query


def villages_by_id(session: Session, village_ids: Iterable[str]) -> dict[str, Village]:
    query = select(Village).where(Village.village_id.in_(set(village_ids)))
    return {village.village_id: village for village in session.scalars(query)}


def visible_villages(session: Session, principal: Principal) -> list[Village]:
    """The villages the caller sees (a coordinator: their county's), by township."""
    query = select(Village).where(visible(principal, Village))
    return list(session.scalars(query.order_by(Village.township_id, Village.village_id)))


def need_periods(session: Session, principal: Principal) -> list[str]:
    """The periods of the needs the caller sees, latest first."""
    query = select(Need.period).where(visible(principal, Need)).distinct()
    return [str(period) for period in session.scalars(query.order_by(Need.period.desc()))]
