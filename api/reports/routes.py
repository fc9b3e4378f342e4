"""Routes of the reports domain (HTTP only: parse, call the service, shape the answer).

Every report answers JSON, or a file with `format=csv` (UTF-8 with BOM, Chinese headers)
or `format=xlsx`. Province office: everything; county coordinators: their county.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.common import ERROR_RESPONSES, Limit, Offset, sort_query
from api.database.models import RunState
from api.deps import PrincipalDep, SessionDep
from api.reports import service, tables
from api.reports.export import FILE_RESPONSES, Column, file_response
from api.reports.schemas import (
    CoverageGrouping,
    CoverageReport,
    PlacementGrouping,
    PlacementReport,
    ReportFormat,
    RunHistoryPage,
    RunSummaryReport,
)

router = APIRouter(prefix="/reports", tags=["reports"], responses=ERROR_RESPONSES)

Format = Annotated[ReportFormat, Query(description="json, or a csv / xlsx file")]
Period = Annotated[str | None, Query(max_length=8, description="one period only, e.g. 2026Q1")]
Market = Annotated[Literal["experts", "labour"] | None, Query(description="the market")]
ScopeKind = Annotated[Literal["county", "prefecture", "province"] | None, Query()]
ScopeCode = Annotated[str | None, Query(max_length=32, description="a county or prefecture")]
State = Annotated[RunState | None, Query(description="a run state")]
RunSort = Annotated[str | None, sort_query(service.RUN_SORT_COLUMNS)]


def _answer(
    report: Any,
    fmt: str,
    shaped: tuple[list[Column], list[dict[str, Any]]],
    name: str,
) -> Any:
    if fmt == "json":
        return report
    columns, rows = shaped
    return file_response(columns, rows, fmt, name)  # type: ignore[arg-type]


@router.get(
    "/coverage",
    response_model=CoverageReport,
    responses=FILE_RESPONSES,
    summary="Open needs covered by the plan in force, by county or prefecture",
)
def coverage(
    principal: PrincipalDep,
    session: SessionDep,
    by: CoverageGrouping = "county",
    period: Period = None,
    format: Format = "json",
) -> Any:
    report = service.coverage_report(session, principal, by, period)
    return _answer(report, format, tables.coverage_table(report), f"coverage-{by}")


@router.get(
    "/placements",
    response_model=PlacementReport,
    responses=FILE_RESPONSES,
    summary="Hires by partner city or by the workers' prefecture",
)
def placements(
    principal: PrincipalDep,
    session: SessionDep,
    by: PlacementGrouping = "city",
    period: Period = None,
    format: Format = "json",
) -> Any:
    report = service.placement_report(session, principal, by, period)
    return _answer(report, format, tables.placement_table(report), f"placements-{by}")


@router.get(
    "/runs",
    response_model=RunHistoryPage,
    responses=FILE_RESPONSES,
    summary="Match runs with objective, gap and duration (a file holds every matching run)",
)
def runs(
    principal: PrincipalDep,
    session: SessionDep,
    market: Market = None,
    scope_kind: ScopeKind = None,
    scope_code: ScopeCode = None,
    state: State = None,
    sort: RunSort = "-id",
    limit: Limit = 100,
    offset: Offset = 0,
    format: Format = "json",
) -> Any:
    filters = {"market": market, "scope_kind": scope_kind, "scope_code": scope_code, "state": state}
    page = None if format != "json" else (limit, offset)
    report = service.run_history(session, principal, filters, sort, page)
    return _answer(report, format, tables.run_history_table(report), "runs")


@router.get(
    "/runs/summary",
    response_model=RunSummaryReport,
    responses=FILE_RESPONSES,
    summary="Match runs counted by market, scope and state",
)
def runs_summary(
    principal: PrincipalDep,
    session: SessionDep,
    market: Market = None,
    scope_kind: ScopeKind = None,
    scope_code: ScopeCode = None,
    state: State = None,
    format: Format = "json",
) -> Any:
    filters = {"market": market, "scope_kind": scope_kind, "scope_code": scope_code, "state": state}
    report = service.run_summary(session, principal, filters)
    return _answer(report, format, tables.run_summary_table(report), "runs-summary")
