"""Reports for the province office (everything) and county coordinators (their county).

Experts and partner cities do not use reports (403). A coordinator's report counts only
their county's needs, workers and runs; the answer names the scope it counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from statistics import mean
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from api.common import order_by, paginate
from api.database.models import County, MatchRun, Role
from api.policy import Principal, require_role
from api.reports import queries
from api.reports.labels import (
    GROUPING_LABELS,
    MARKET_LABELS,
    RUN_STATE_LABELS,
    SCOPE_LABELS,
    label,
)
from api.reports.schemas import (
    CoverageFigures,
    CoverageGrouping,
    CoverageGroups,
    CoverageReport,
    CoverageRow,
    PlacementFigures,
    PlacementGrouping,
    PlacementReport,
    PlacementRow,
    ReportPeriods,
    ReportScope,
    RunHistoryItem,
    RunHistoryPage,
    RunSummaryReport,
    RunSummaryRow,
)

RUN_SORT_COLUMNS = ("id", "created_at", "finished_at", "market", "scope_code", "state", "gap")


def report_scope(session: Session, principal: Principal) -> ReportScope:
    """Who may read reports, and over what: 403 for experts and partner cities."""
    require_role(principal, Role.PROVINCE, Role.COUNTY)
    if principal.is_province:
        return ReportScope(kind="province", code=None, label_zh="全省")
    name = session.scalar(select(County.name_zh).where(County.county_code == principal.county_code))
    return ReportScope(kind="county", code=principal.county_code, label_zh=name or "")


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# ---- coverage ---------------------------------------------------------------------------


class _CoverageSum:
    """Running sums of one coverage cell."""

    def __init__(self) -> None:
        self.open_needs = self.covered_needs = self.days_needed = self.days_assigned = 0

    def add(self, row: Row[Any]) -> None:
        self.open_needs += int(row.open_needs)
        self.covered_needs += int(row.covered_needs)
        self.days_needed += int(row.days_needed)
        self.days_assigned += int(row.days_assigned)

    def figures(self) -> CoverageFigures:
        return CoverageFigures(
            open_needs=self.open_needs,
            covered_needs=self.covered_needs,
            share_covered=_share(self.covered_needs, self.open_needs),
            days_needed=self.days_needed,
            days_assigned=self.days_assigned,
            share_days=_share(self.days_assigned, self.days_needed),
        )


class _CoverageGroupSums:
    def __init__(self) -> None:
        self.all, self.deep, self.key = _CoverageSum(), _CoverageSum(), _CoverageSum()

    def add(self, row: Row[Any]) -> None:
        self.all.add(row)
        if row.deep_village:
            self.deep.add(row)
        if row.key_county:
            self.key.add(row)

    def groups(self) -> dict[str, CoverageFigures]:
        return {
            "all": self.all.figures(),
            "deep_poverty_villages": self.deep.figures(),
            "key_counties": self.key.figures(),
        }


def coverage_report(
    session: Session, principal: Principal, by: CoverageGrouping, period: str | None
) -> CoverageReport:
    scope = report_scope(session, principal)
    names = (queries.county_names if by == "county" else queries.prefecture_names)(
        session, principal
    )
    sums: dict[str, _CoverageGroupSums] = defaultdict(_CoverageGroupSums)
    total = _CoverageGroupSums()
    for row in queries.coverage_counts(session, principal, by, period):
        sums[row.code].add(row)
        total.add(row)
    rows = [
        CoverageRow(
            code=name.code,
            name_zh=name.name_zh,
            prefecture_code=name.prefecture_code,
            prefecture_name_zh=name.prefecture_name_zh,
            key_county=name.key_county,
            **sums[name.code].groups(),
        )
        for name in names
    ]
    return CoverageReport(
        by=by,
        by_label=GROUPING_LABELS[by],
        scope=scope,
        period=period,
        rows=rows,
        total=CoverageGroups(**total.groups()),
    )


# ---- placements -------------------------------------------------------------------------


class _PlacementSum:
    def __init__(self) -> None:
        self.counts: dict[str, int] = defaultdict(int)

    def add(self, row: Row[Any]) -> None:
        hires = int(row.hires)
        self.counts["hires"] += hires
        self.counts["from_placements" if row.source == "placement" else "from_confirmed_hires"] += (
            hires
        )
        if row.deep_village:
            self.counts["deep_poverty_village_hires"] += hires
        if row.key_county:
            self.counts["key_county_hires"] += hires
        if row.retained is not None:
            self.counts["retention_known"] += hires
            self.counts["retained_6m"] += hires if row.retained else 0

    def figures(self) -> dict[str, Any]:
        names = (
            "hires",
            "from_placements",
            "from_confirmed_hires",
            "deep_poverty_village_hires",
            "key_county_hires",
            "retained_6m",
            "retention_known",
        )
        values: dict[str, Any] = {name: self.counts[name] for name in names}
        values["retention_share"] = _share(values["retained_6m"], values["retention_known"])
        return values


def placement_report(
    session: Session, principal: Principal, by: PlacementGrouping, period: str | None
) -> PlacementReport:
    scope = report_scope(session, principal)
    if by == "city":
        names = queries.city_names(session)
    else:
        names = [(n.code, n.name_zh) for n in queries.prefecture_names(session, principal)]
    sums: dict[str, _PlacementSum] = defaultdict(_PlacementSum)
    total = _PlacementSum()
    for row in queries.placement_counts(session, principal, by, period):
        sums[row.code].add(row)
        total.add(row)
    return PlacementReport(
        by=by,
        by_label=GROUPING_LABELS[by],
        scope=scope,
        period=period,
        rows=[PlacementRow(code=c, name_zh=n, **sums[c].figures()) for c, n in names],
        total=PlacementFigures(**total.figures()),
    )


# ---- run history ------------------------------------------------------------------------


def _duration(run: MatchRun) -> float | None:
    if run.started_at is None or run.finished_at is None:
        return None
    return round((run.finished_at - run.started_at).total_seconds(), 3)


def _labels(run: MatchRun) -> dict[str, Any]:
    return {
        "market": run.market,
        "market_label": label(MARKET_LABELS, run.market),
        "scope_kind": run.scope_kind,
        "scope_kind_label": label(SCOPE_LABELS, run.scope_kind),
        "scope_code": run.scope_code,
        "state": run.state,
        "state_label": label(RUN_STATE_LABELS, run.state),
    }


def history_item(
    run: MatchRun, places: dict[tuple[str, str], str], people: dict[int, str]
) -> RunHistoryItem:
    scope_name: str | None
    if run.scope_kind == "province":
        scope_name = SCOPE_LABELS["province"]
    else:
        scope_name = places.get((run.scope_kind, run.scope_code or ""), run.scope_code)
    return RunHistoryItem(
        id=run.id,
        **_labels(run),
        scope_name_zh=scope_name,
        requested_by_zh=people.get(run.requested_by) if run.requested_by else None,
        engine_status=run.status,
        objective=run.objective,
        bound=run.bound,
        gap=run.gap,
        attempts=run.attempts,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        duration_seconds=_duration(run),
        published_at=run.published_at,
    )


def run_history(
    session: Session,
    principal: Principal,
    filters: dict[str, str | None],
    sort: str | None,
    page: tuple[int, int] | None,
) -> RunHistoryPage:
    """Runs, newest first unless sorted otherwise; `page=None` gives every run (exports)."""
    scope = report_scope(session, principal)
    query = select(MatchRun).where(*queries.run_filters(principal, **filters))
    query = order_by(query, MatchRun, sort, RUN_SORT_COLUMNS)
    if page is None:
        runs = list(session.scalars(query))
        limit, offset, total = len(runs), 0, len(runs)
    else:
        limit, offset = page
        runs, total = paginate(session, query, limit, offset)
    places = queries.place_names(session)
    people = queries.user_names(session, (run.requested_by for run in runs))
    return RunHistoryPage(
        items=[history_item(run, places, people) for run in runs],
        total=total,
        limit=limit,
        offset=offset,
        scope=scope,
    )


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(mean(present), 6) if present else None


def _summary_row(runs: Sequence[MatchRun]) -> RunSummaryRow:
    durations = [_duration(run) for run in runs]
    with_objective = [run for run in runs if run.objective is not None]
    last_created: datetime = max(run.created_at for run in runs)
    return RunSummaryRow(
        **_labels(runs[-1]),
        runs=len(runs),
        mean_duration_seconds=_mean(durations),
        max_duration_seconds=max((d for d in durations if d is not None), default=None),
        mean_gap=_mean(run.gap for run in runs),
        last_objective=with_objective[-1].objective if with_objective else None,
        last_created_at=last_created,
    )


def run_summary(
    session: Session, principal: Principal, filters: dict[str, str | None]
) -> RunSummaryReport:
    """Runs counted by market, scope and state, with their durations, gaps and objectives."""
    scope = report_scope(session, principal)
    groups: dict[tuple[str, str, str, str], list[MatchRun]] = defaultdict(list)
    for run in queries.runs_for_summary(session, queries.run_filters(principal, **filters)):
        groups[(run.market, run.scope_kind, run.scope_code or "", run.state)].append(run)
    return RunSummaryReport(scope=scope, rows=[_summary_row(groups[key]) for key in sorted(groups)])


def report_periods(session: Session, principal: Principal) -> ReportPeriods:
    """The periods a coverage or a placements report can be limited to (for a filter)."""
    report_scope(session, principal)
    return ReportPeriods(
        coverage=queries.need_periods(session, principal),
        placements=queries.posting_periods(session),
    )
