"""Reading experts: the caller's visible experts, filtered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from api.database.models import Expert
from api.experts.schemas import ExpertFilters
from api.policy import Principal, visible
from api.vocabulary import EXPERT_ROLES, TIERS, has_code

SORTABLE = (
    "expert_id",
    "name_zh",
    "tier",
    "home_county_code",
    "service_days_per_quarter",
    "max_travel_km",
)


def visible_experts(principal: Principal, filters: ExpertFilters) -> Select[Any]:
    query = select(Expert).where(visible(principal, Expert))
    equal = {
        Expert.home_county_code: filters.home_county_code,
        Expert.tier: TIERS[filters.tier] if filters.tier else None,
        Expert.role: EXPERT_ROLES[filters.role] if filters.role else None,
        Expert.team_id: filters.team_id,
        Expert.active: filters.active,
    }
    for column, value in equal.items():
        if value is not None:
            query = query.where(column == value)
    codes = {
        Expert.industry_codes: filters.industry_code,
        Expert.specialty_codes: filters.specialty_code,
        Expert.language_codes: filters.language_code,
        Expert.available_periods: filters.available_period,
    }
    for column, code in codes.items():
        if code is not None:
            query = query.where(has_code(column, code))
    return query
