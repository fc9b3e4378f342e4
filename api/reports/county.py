"""A coordinator's overview of their county and its map, from the plan in force.

The overview gives the dashboard's figures: open needs and how many the plan in force
covers (all, in deep-poverty villages, in key counties), the experts serving and their
days, the active workers hired and those still waiting. The map gives each village's
coordinates and coverage, and the experts serving it. Both count only what the caller
may see (`api.policy.visible`): a coordinator their county, the province office all.
Experts and partner cities do not read them (403), as with every report.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.policy import Principal
from api.reports import queries
from api.reports.schemas import CoverageGroups, ReportScope
from api.reports.service import coverage_report, report_scope
from api.workers.queries import worker_counts

Coverage = Literal["covered", "partly", "none", "no_needs"]
COVERAGE_LABELS: dict[str, str] = {
    "covered": "需求已全部覆盖",
    "partly": "部分覆盖",
    "none": "尚未覆盖",
    "no_needs": "没有待匹配的需求",
}


class CountyOverview(BaseModel):
    scope: ReportScope
    key_county: bool | None = Field(description="a key county (重点帮扶县); null: several")
    coverage: CoverageGroups
    villages: int
    deep_poverty_villages: int
    experts_serving: int = Field(description="experts in the plan in force over open needs")
    workers_active: int
    workers_hired: int
    workers_waiting: int = Field(description="active workers not yet hired")


class MapVillage(BaseModel):
    village_id: str
    name_zh: str
    township_name_zh: str
    lat: float
    lon: float
    deep_poverty: bool
    open_needs: int
    covered_needs: int
    coverage: Coverage
    coverage_label: str
    expert_ids: list[str]


class MapExpert(BaseModel):
    expert_id: str
    name_zh: str
    lat: float
    lon: float
    village_ids: list[str]
    days: int = Field(description="days assigned over the open needs shown")


class CountyMap(BaseModel):
    scope: ReportScope
    villages: list[MapVillage]
    experts: list[MapExpert]


def coverage_of(open_needs: int, covered_needs: int) -> Coverage:
    if open_needs == 0:
        return "no_needs"
    if covered_needs >= open_needs:
        return "covered"
    return "partly" if covered_needs else "none"


def county_map(session: Session, principal: Principal) -> CountyMap:
    scope = report_scope(session, principal)
    links = queries.plan_links(session, principal)
    by_village: dict[str, list[str]] = defaultdict(list)
    experts: dict[str, MapExpert] = {}
    for link in links:
        by_village[link.village_id].append(link.expert_id)
        expert = experts.setdefault(
            link.expert_id,
            MapExpert(
                expert_id=link.expert_id,
                name_zh=link.name_zh,
                lat=link.lat,
                lon=link.lon,
                village_ids=[],
                days=0,
            ),
        )
        expert.village_ids.append(link.village_id)
        expert.days += int(link.days)
    villages = []
    for row in queries.village_coverage(session, principal):
        village = row.Village
        coverage = coverage_of(int(row.open_needs), int(row.covered_needs))
        villages.append(
            MapVillage(
                village_id=village.village_id,
                name_zh=village.name_zh,
                township_name_zh=row.township_name_zh,
                lat=village.lat,
                lon=village.lon,
                deep_poverty=village.deep_poverty,
                open_needs=int(row.open_needs),
                covered_needs=int(row.covered_needs),
                coverage=coverage,
                coverage_label=COVERAGE_LABELS[coverage],
                expert_ids=by_village.get(village.village_id, []),
            )
        )
    return CountyMap(scope=scope, villages=villages, experts=list(experts.values()))


def county_overview(session: Session, principal: Principal) -> CountyOverview:
    report = coverage_report(session, principal, "county", None)
    key = {row.key_county for row in report.rows}
    villages = queries.village_coverage(session, principal)
    experts = {link.expert_id for link in queries.plan_links(session, principal)}
    active, hired = worker_counts(session, principal)
    return CountyOverview(
        scope=report.scope,
        key_county=key.pop() if len(key) == 1 else None,
        coverage=report.total,
        villages=len(villages),
        deep_poverty_villages=sum(row.Village.deep_poverty for row in villages),
        experts_serving=len(experts),
        workers_active=active,
        workers_hired=hired,
        workers_waiting=active - hired,
    )
