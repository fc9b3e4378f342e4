"""Column kinds of every generated table (the code form of data/SCHEMA.md)."""

from __future__ import annotations

from matching.data.tables import TableSpec

TOWNSHIPS = TableSpec(
    "townships.csv",
    "township_id",
    {
        "township_id": "str",
        "county_code": "str",
        "name_zh": "str",
        "extremely_poor": "flag",
        "lat": "float",
        "lon": "float",
    },
)
VILLAGES = TableSpec(
    "villages.csv",
    "village_id",
    {
        "village_id": "str",
        "name_zh": "str",
        "township_id": "str",
        "county_code": "str",
        "prefecture_code": "str",
        "lat": "float",
        "lon": "float",
        "deep_poverty": "flag",
        "extremely_poor_township": "flag",
        "ethnic_code": "str",
        "language_codes": "codes",
        "population": "int",
        "poor_households": "int",
        "industry_codes": "codes",
    },
)
EXPERTS = TableSpec(
    "experts.csv",
    "expert_id",
    {
        "expert_id": "str",
        "name_zh": "str",
        "tier": "str",
        "role": "str",
        "home_county_code": "str",
        "lat": "float",
        "lon": "float",
        "industry_codes": "codes",
        "specialty_codes": "codes",
        "language_codes": "codes",
        "service_days_per_quarter": "int",
        "max_travel_km": "int",
        "team_id": "str",
        "available_periods": "codes",
        "profile_zh": "str",
    },
)
NEEDS = TableSpec(
    "needs.csv",
    "need_id",
    {
        "need_id": "str",
        "village_id": "str",
        "period": "str",
        "status": "str",
        "industry_code": "str",
        "skill_codes": "codes",
        "language_code": "str",
        "days_needed": "int",
        "experts_wanted": "int",
        "urgency": "int",
        "description_zh": "str",
    },
)
WORKERS = TableSpec(
    "workers.csv",
    "worker_id",
    {
        "worker_id": "str",
        "village_id": "str",
        "registered_poor": "flag",
        "household_status": "str",
        "age": "int",
        "gender": "str",
        "education": "str",
        "skill_codes": "codes",
        "certificate_codes": "codes",
        "intended_industry_codes": "codes",
        "intended_city_codes": "codes",
        "willing_far": "flag",
        "expected_wage_yuan": "int",
        "group_id": "str",
        "self_description_zh": "str",
    },
)
POSTINGS = TableSpec(
    "postings.csv",
    "posting_id",
    {
        "posting_id": "str",
        "partner_city_code": "str",
        "employer_id": "str",
        "employer_name_zh": "str",
        "title_zh": "str",
        "industry_code": "str",
        "positions": "int",
        "wage_yuan_month": "int",
        "required_skill_codes": "codes",
        "required_certificate_codes": "codes",
        "min_age": "int",
        "max_age": "int",
        "housing": "flag",
        "meals": "flag",
        "earmarked_prefecture_codes": "codes",
        "period": "str",
        "status": "str",
        "description_zh": "str",
    },
)
PLACEMENTS = TableSpec(
    "placements.csv",
    "placement_id",
    {
        "placement_id": "str",
        "worker_id": "str",
        "posting_id": "str",
        "start_date": "str",
        "with_group": "flag",
        "retained_6m": "flag",
    },
)
VISITS = TableSpec(
    "visits.csv",
    "visit_id",
    {
        "visit_id": "str",
        "expert_id": "str",
        "need_id": "str",
        "village_id": "str",
        "visit_date": "str",
        "days": "int",
        "rating": "int",
    },
)

# table name (a Dataset field) -> spec, in the order files are written
TABLE_SPECS: dict[str, TableSpec] = {
    "townships": TOWNSHIPS,
    "villages": VILLAGES,
    "experts": EXPERTS,
    "needs": NEEDS,
    "workers": WORKERS,
    "postings": POSTINGS,
    "placements": PLACEMENTS,
    "visits": VISITS,
}

TIERS = ("省级", "市级", "县级")
ROLES = ("科技副职", "科技特派员", "农业辅导员", "专家组成员")
GENDERS = ("男", "女")
# 2026 household status: 脱贫户 (a registered-poor household of 2014–2020, now out of
# poverty), 监测对象 (under 防止返贫 monitoring, registered-poor or not), 一般 (neither).
HOUSEHOLD_STATUSES = ("脱贫户", "监测对象", "一般")
EDUCATION_LEVELS = ("小学", "初中", "高中", "中专", "大专")
STATUSES = ("open", "closed")
URGENCY_LEVELS = ("1", "2", "3")
