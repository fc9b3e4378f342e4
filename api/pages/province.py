"""The province office's pages: coverage by prefecture and county, placements by partner
city and prefecture, the match-run history, and each report as a CSV or XLSX file.

Every page calls the reports service the `/reports/...` routes call (same figures, same
access rule), and the files are made by the same export functions, so a file downloaded
here is the file the API gives with `format=csv|xlsx`. Only the province office uses these
pages (others: 403; a coordinator reads their county's reports through the API).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response

from api.database.models import Role, RunState
from api.deps import SessionDep
from api.match_runs.labels import ENGINE_STATUS_LABELS
from api.pages.province_charts import Series, bar_chart, count
from api.pages.render import period_label, render
from api.pages.session import PagePrincipal, page_router
from api.policy import Principal, require_role
from api.reports import queries, service, tables
from api.reports.export import file_response
from api.reports.labels import MARKET_LABELS, RUN_STATE_LABELS, SCOPE_LABELS
from api.reports.schemas import (
    CoverageGrouping,
    CoverageReport,
    PlacementGrouping,
    PlacementReport,
)
from matching.errors import InvalidInputError

router = page_router(prefix="/app/province")

MAIN = "/app/province/"
RUNS_SHOWN = 20  # runs per page of the history
UNKNOWN_PERIOD = "没有这个时段的数据，请从列表中选择。"

FileFormat = Annotated[Literal["csv", "xlsx"], Query(description="csv or xlsx")]
Period = Annotated[str | None, Query(max_length=8)]
Market = Annotated[Literal["experts", "labour"] | None, Query()]
ScopeKind = Annotated[Literal["county", "prefecture", "province"] | None, Query()]
ScopeCode = Annotated[str | None, Query(max_length=32)]

COVERAGE_SERIES = (
    Series("all", "全部需求", "series-1"),
    Series("deep_poverty_villages", "深度贫困村", "series-2"),
    Series("key_counties", "重点县", "series-3"),
)
PLACEMENT_SERIES = (
    Series("from_placements", "已有就业记录", "series-1"),
    Series("from_confirmed_hires", "本系统确认录用", "series-2"),
)
COVERAGE_TITLES = {"prefecture": "各市州需求覆盖率", "county": "各县需求覆盖率"}
PLACEMENT_TITLES = {"city": "各帮扶城市就业人数", "prefecture": "各市州务工人员就业人数"}


def _province(principal: Principal) -> None:
    require_role(principal, Role.PROVINCE)


def _blank(value: str | None) -> str | None:
    """An empty choice of a filter ("全部") is no filter."""
    return value or None


@dataclass(frozen=True)
class PeriodFilter:
    """The period chosen in the filter form, the choices, and an error beside the field."""

    value: str | None
    choices: list[tuple[str, str]]
    error: str | None = None


def _period_filter(period: str | None, known: list[str]) -> PeriodFilter:
    choices = [(p, period_label(p)) for p in known]
    if period is not None and period not in known:
        return PeriodFilter(None, choices, UNKNOWN_PERIOD)
    return PeriodFilter(period, choices)


def _query(**values: Any) -> str:
    shown = {key: value for key, value in values.items() if value not in (None, "")}
    return f"?{urlencode(shown)}" if shown else ""


def _exports(report: str, **values: Any) -> dict[str, str]:
    return {
        fmt: f"/app/province/exports/{report}{_query(**values, format=fmt)}"
        for fmt in ("csv", "xlsx")
    }


# ---- coverage ---------------------------------------------------------------------------


def _coverage_chart(report: CoverageReport) -> Any:
    grouping = report.by
    series = list(COVERAGE_SERIES if grouping == "prefecture" else COVERAGE_SERIES[:2])
    rows = []
    for row in report.rows:
        groups = {"all": row.all, "deep_poverty_villages": row.deep_poverty_villages}
        groups["key_counties"] = row.key_counties
        rows.append((row.name_zh, [groups[s.key].share_covered for s in series]))
    shown = "、".join(s.label for s in series)
    return bar_chart(
        f"chart-coverage-{grouping}",
        COVERAGE_TITLES[grouping],
        f"横向条形图：{report.by_label}列出已有专家服务的待服务需求所占比例"
        f"（{shown}），0 到 100%。具体数字见图下的表格。",
        series,
        rows,
        maximum=1.0,
    )


@router.get("/")
def overview(
    request: Request, principal: PagePrincipal, session: SessionDep, period: Period = None
) -> HTMLResponse:
    """Coverage of the open needs by the plan in force: by prefecture, then by county."""
    _province(principal)
    periods = service.report_periods(session, principal)
    chosen = _period_filter(_blank(period), periods.coverage)
    groupings: tuple[CoverageGrouping, ...] = ("prefecture", "county")
    reports = {
        by: service.coverage_report(session, principal, by, chosen.value) for by in groupings
    }
    context = {
        "filter": chosen,
        "total": reports["county"].total,
        "sections": [
            {
                "by": by,
                "report": report,
                "chart": _coverage_chart(report),
                "exports": _exports("coverage", by=by, period=chosen.value),
            }
            for by, report in reports.items()
        ],
    }
    return render(request, "province/coverage.html", context, 422 if chosen.error else 200)


# ---- placements -------------------------------------------------------------------------


def _placement_chart(report: PlacementReport) -> Any:
    rows = [(row.name_zh, [row.from_placements, row.from_confirmed_hires]) for row in report.rows]
    return bar_chart(
        f"chart-placements-{report.by}",
        PLACEMENT_TITLES[report.by],
        f"横向堆积条形图：{report.by_label}列出就业人数，分为已有就业记录和本系统确认录用两部分，"
        "条形末端为合计。具体数字见图下的表格。",
        PLACEMENT_SERIES,
        rows,
        stacked=True,
        fmt=count,
    )


@router.get("/placements")
def placements(
    request: Request, principal: PagePrincipal, session: SessionDep, period: Period = None
) -> HTMLResponse:
    """Hires by partner city, then by the workers' prefecture."""
    _province(principal)
    periods = service.report_periods(session, principal)
    chosen = _period_filter(_blank(period), periods.placements)
    groupings: tuple[PlacementGrouping, ...] = ("city", "prefecture")
    sections = []
    for by in groupings:
        report = service.placement_report(session, principal, by, chosen.value)
        sections.append(
            {
                "by": by,
                "report": report,
                "chart": _placement_chart(report),
                "exports": _exports("placements", by=by, period=chosen.value),
            }
        )
    context = {"filter": chosen, "sections": sections, "total": sections[0]["report"].total}
    return render(request, "province/placements.html", context, 422 if chosen.error else 200)


# ---- run history ------------------------------------------------------------------------


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} 秒"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} 分 {rest} 秒"


@router.get("/runs")
def runs(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    market: Annotated[str | None, Query(max_length=8)] = None,
    scope_kind: Annotated[str | None, Query(max_length=12)] = None,
    scope_code: ScopeCode = None,
    state: Annotated[str | None, Query(max_length=12)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Match runs, newest first, filtered by market, scope and state, a page at a time."""
    _province(principal)
    filters = {
        "market": _choice(market, MARKET_LABELS),
        "scope_kind": _choice(scope_kind, SCOPE_LABELS),
        "scope_code": _blank(scope_code),
        "state": _choice(state, RUN_STATE_LABELS),
    }
    offset = (page - 1) * RUNS_SHOWN
    history = service.run_history(session, principal, filters, "-id", (RUNS_SHOWN, offset))
    pages = max(1, -(-history.total // RUNS_SHOWN))
    shown = {key: value for key, value in filters.items() if value}
    context = {
        "history": history,
        "filters": filters,
        "page": page,
        "pages": pages,
        "previous": f"/app/province/runs{_query(**shown, page=page - 1)}" if page > 1 else None,
        "next": f"/app/province/runs{_query(**shown, page=page + 1)}" if page < pages else None,
        "markets": MARKET_LABELS,
        "scope_kinds": SCOPE_LABELS,
        "states": {s.value: RUN_STATE_LABELS[s] for s in RunState},
        "places": {
            "prefecture": queries.prefecture_names(session, principal),
            "county": queries.county_names(session, principal),
        },
        "engine_labels": ENGINE_STATUS_LABELS,
        "duration": _duration,
        "exports": _exports("runs", **shown),
    }
    return render(request, "province/runs.html", context)


def _choice(value: str | None, known: Any) -> str | None:
    """A filter's value if it is one of the keys offered (anything else: 422)."""
    value = _blank(value)
    if value is not None and value not in known:
        raise InvalidInputError(f"Unknown filter value: {value}")
    return value


# ---- files ------------------------------------------------------------------------------


def _file_name(name: str, period: str | None) -> str:
    return f"{name}-{period}" if period else name


@router.get("/exports/coverage")
def export_coverage(
    principal: PagePrincipal,
    session: SessionDep,
    format: FileFormat,
    by: CoverageGrouping = "county",
    period: Period = None,
) -> Response:
    """The coverage report as `GET /reports/coverage?format=…` gives it."""
    _province(principal)
    report = service.coverage_report(session, principal, by, _blank(period))
    columns, rows = tables.coverage_table(report)
    return file_response(columns, rows, format, _file_name(f"coverage-{by}", report.period))


@router.get("/exports/placements")
def export_placements(
    principal: PagePrincipal,
    session: SessionDep,
    format: FileFormat,
    by: PlacementGrouping = "city",
    period: Period = None,
) -> Response:
    """The placements report as `GET /reports/placements?format=…` gives it."""
    _province(principal)
    report = service.placement_report(session, principal, by, _blank(period))
    columns, rows = tables.placement_table(report)
    return file_response(columns, rows, format, _file_name(f"placements-{by}", report.period))


@router.get("/exports/runs")
def export_runs(
    principal: PagePrincipal,
    session: SessionDep,
    format: FileFormat,
    market: Market = None,
    scope_kind: ScopeKind = None,
    scope_code: ScopeCode = None,
    state: Annotated[RunState | None, Query()] = None,
) -> Response:
    """Every run the filters keep, as `GET /reports/runs?format=…` gives them."""
    _province(principal)
    filters = {
        "market": market,
        "scope_kind": scope_kind,
        "scope_code": _blank(scope_code),
        "state": state,
    }
    report = service.run_history(session, principal, filters, "-id", None)
    columns, rows = tables.run_history_table(report)
    return file_response(columns, rows, format, "runs")
