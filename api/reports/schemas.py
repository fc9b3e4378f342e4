"""Shapes of the reports: coverage of needs, placements of workers, match-run history."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.common import Page

CoverageGrouping = Literal["county", "prefecture"]
PlacementGrouping = Literal["city", "prefecture"]
ReportFormat = Literal["json", "csv", "xlsx"]


class ReportScope(BaseModel):
    """Whose data a report counts: the whole province, or one coordinator's county."""

    kind: Literal["province", "county"]
    code: str | None
    label_zh: str


class CoverageFigures(BaseModel):
    """Open needs and how many have an expert in the plan in force."""

    open_needs: int
    covered_needs: int = Field(description="open needs with at least one expert assigned")
    share_covered: float | None = Field(description="covered / open; null without open needs")
    days_needed: int
    days_assigned: int = Field(description="assigned service days, at most the days needed")
    share_days: float | None


class CoverageGroups(BaseModel):
    all: CoverageFigures
    deep_poverty_villages: CoverageFigures = Field(description="needs of 深度贫困村")
    key_counties: CoverageFigures = Field(description="needs in key counties (重点帮扶县)")


class CoverageRow(CoverageGroups):
    code: str
    name_zh: str
    prefecture_code: str
    prefecture_name_zh: str
    key_county: bool | None = Field(description="county rows: a key county (重点帮扶县)")


class CoverageReport(BaseModel):
    by: CoverageGrouping
    by_label: str
    scope: ReportScope
    period: str | None
    rows: list[CoverageRow]
    total: CoverageGroups


class PlacementFigures(BaseModel):
    """Hires: past placements plus hires confirmed by partner cities in the service."""

    hires: int
    from_placements: int
    from_confirmed_hires: int
    deep_poverty_village_hires: int
    key_county_hires: int
    retained_6m: int = Field(description="still in the job after six months")
    retention_known: int = Field(description="hires whose six-month outcome is known")
    retention_share: float | None


class PlacementRow(PlacementFigures):
    code: str
    name_zh: str


class PlacementReport(BaseModel):
    by: PlacementGrouping
    by_label: str
    scope: ReportScope
    period: str | None
    rows: list[PlacementRow]
    total: PlacementFigures


class RunHistoryItem(BaseModel):
    id: int
    market: str
    market_label: str
    scope_kind: str
    scope_kind_label: str
    scope_code: str | None
    scope_name_zh: str | None = Field(description="the county's or prefecture's name; 全省")
    state: str
    state_label: str
    requested_by_zh: str | None = Field(description="the display name of who requested it")
    engine_status: str | None
    objective: float | None
    bound: float | None
    gap: float | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_seconds: float | None
    published_at: datetime | None


class RunHistoryPage(Page[RunHistoryItem]):
    scope: ReportScope


class RunSummaryRow(BaseModel):
    market: str
    market_label: str
    scope_kind: str
    scope_kind_label: str
    scope_code: str | None
    state: str
    state_label: str
    runs: int
    mean_duration_seconds: float | None
    max_duration_seconds: float | None
    mean_gap: float | None
    last_objective: float | None = Field(description="objective of the latest run with one")
    last_created_at: datetime


class RunSummaryReport(BaseModel):
    scope: ReportScope
    rows: list[RunSummaryRow]


class ReportPeriods(BaseModel):
    """The periods each report can be limited to: of open needs, of postings."""

    coverage: list[str]
    placements: list[str]
