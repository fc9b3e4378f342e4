"""Each report as a flat table with Chinese headers, for the CSV and XLSX exports."""

from __future__ import annotations

from typing import Any

from api.reports.export import Column
from api.reports.schemas import CoverageReport, PlacementReport, RunHistoryPage, RunSummaryReport

TOTAL_LABEL = "合计"

_COVERAGE_GROUPS = (
    ("all", "全部"),
    ("deep_poverty_villages", "深度贫困村"),
    ("key_counties", "重点县"),
)
_COVERAGE_FIGURES: tuple[tuple[str, str, Any], ...] = (
    ("open_needs", "待服务需求", "int"),
    ("covered_needs", "已覆盖需求", "int"),
    ("share_covered", "覆盖率", "share"),
    ("days_needed", "需要服务天数", "int"),
    ("days_assigned", "已安排天数", "int"),
    ("share_days", "天数覆盖率", "share"),
)


def coverage_table(report: CoverageReport) -> tuple[list[Column], list[dict[str, Any]]]:
    if report.by == "county":
        names = [
            Column("prefecture_code", "市州代码"),
            Column("prefecture_name_zh", "市州"),
            Column("code", "县代码"),
            Column("name_zh", "县"),
            Column("key_county", "重点县", "bool"),
        ]
    else:
        names = [Column("code", "市州代码"), Column("name_zh", "市州")]
    figures = [
        Column(f"{group}.{key}", f"{group_zh}·{header}", kind)
        for group, group_zh in _COVERAGE_GROUPS
        for key, header, kind in _COVERAGE_FIGURES
    ]
    rows = [row.model_dump() for row in report.rows]
    total = {**report.total.model_dump(), "name_zh": TOTAL_LABEL, "prefecture_name_zh": ""}
    if report.by == "prefecture":
        total["code"] = ""
    return [*names, *figures], [*rows, total]


def placement_table(report: PlacementReport) -> tuple[list[Column], list[dict[str, Any]]]:
    what = "帮扶城市" if report.by == "city" else "务工人员所在市州"
    columns = [
        Column("code", f"{what}代码"),
        Column("name_zh", what),
        Column("hires", "就业人数", "int"),
        Column("from_placements", "其中：已有就业记录", "int"),
        Column("from_confirmed_hires", "其中：本系统确认录用", "int"),
        Column("deep_poverty_village_hires", "深度贫困村劳动力", "int"),
        Column("key_county_hires", "重点县劳动力", "int"),
        Column("retained_6m", "六个月仍在岗", "int"),
        Column("retention_known", "六个月结果已知", "int"),
        Column("retention_share", "六个月稳岗率", "share"),
    ]
    rows = [row.model_dump() for row in report.rows]
    total = {**report.total.model_dump(), "code": "", "name_zh": TOTAL_LABEL}
    return columns, [*rows, total]


_RUN_KEYS = [
    Column("market", "市场代码"),
    Column("market_label", "市场"),
    Column("scope_kind_label", "范围"),
    Column("scope_code", "范围代码"),
    Column("state", "状态代码"),
    Column("state_label", "状态"),
]


def run_history_table(page: RunHistoryPage) -> tuple[list[Column], list[dict[str, Any]]]:
    columns = [
        Column("id", "运行编号", "int"),
        *_RUN_KEYS,
        Column("scope_name_zh", "范围名称"),
        Column("requested_by_zh", "提交人"),
        Column("engine_status", "求解状态"),
        Column("objective", "目标值", "number"),
        Column("bound", "上界", "number"),
        Column("gap", "相对差距", "share"),
        Column("attempts", "尝试次数", "int"),
        Column("created_at", "提交时间", "datetime"),
        Column("started_at", "开始时间", "datetime"),
        Column("finished_at", "结束时间", "datetime"),
        Column("duration_seconds", "用时（秒）", "number"),
        Column("published_at", "发布时间", "datetime"),
    ]
    return columns, [item.model_dump() for item in page.items]


def run_summary_table(report: RunSummaryReport) -> tuple[list[Column], list[dict[str, Any]]]:
    columns = [
        *_RUN_KEYS,
        Column("runs", "运行次数", "int"),
        Column("mean_duration_seconds", "平均用时（秒）", "number"),
        Column("max_duration_seconds", "最长用时（秒）", "number"),
        Column("mean_gap", "平均相对差距", "share"),
        Column("last_objective", "最近目标值", "number"),
        Column("last_created_at", "最近提交时间", "datetime"),
    ]
    return columns, [row.model_dump() for row in report.rows]
