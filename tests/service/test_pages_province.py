"""The province office's pages through the test client: the figures of the reports
service in the tables and charts, the filters (period; market, scope, state; pages of
runs), the files (the API's own CSV and XLSX), and who may open them."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.pages import province
from api.pages.province_charts import Series, bar_chart, count, nice_axis

from . import factories as make

Headers = dict[str, str]
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class _Tables(HTMLParser):
    """The rows of every table with an id: table id → [(data-code or data-run, cells)]."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[tuple[str, list[str]]]] = {}
        self._table: str | None = None
        self._row: tuple[str, list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("id"):
            self._table = found["id"]
            self.tables[self._table or ""] = []
        elif tag == "tr" and self._table:
            self._row = (found.get("data-code") or found.get("data-run") or "", [])
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row[1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, dict[str, list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return {name: dict(rows) for name, rows in parser.tables.items()}


def _pair(figures: dict[str, int]) -> str:
    return f"{figures['covered_needs']} / {figures['open_needs']}"


@dataclass(frozen=True)
class Plan:
    run_id: int
    covered: list[str]  # need ids with an expert in the plan in force


@pytest.fixture
def plan(database_url: str) -> Plan:
    """从江县: a published plan (requested by the coordinator) covering three open needs."""
    with make.writing(database_url) as session:
        run = make.match_run(session)
        run.requested_by = make.user_id(session, "county")
        run.created_at, run.started_at = T0, T0
        run.finished_at = T0 + timedelta(seconds=75)
        run.objective, run.gap = 1234.5, 0.0125
        needs = make.open_needs(session, county="congjiang", count=3)
        for need, expert in zip(needs, ("E00001", "E00002", "E00003"), strict=True):
            make.expert_assignment(session, run=run, expert_id=expert, need=need)
        return Plan(run.id, [need.need_id for need in needs])


def test_coverage_shows_the_reports_figures_by_prefecture_and_county(
    client: TestClient,
    browse_as: Callable[[str], Headers],
    login: Callable[[str], Headers],
    plan: Plan,
) -> None:
    browse_as("province")
    page = client.get("/app/province/")
    assert page.status_code == 200
    shown = tables(page.text)
    for by in ("prefecture", "county"):
        report = client.get(f"/reports/coverage?by={by}", headers=login("province")).json()
        rows = shown[f"coverage-{by}-table"]
        assert [code for code in rows if code] == [row["code"] for row in report["rows"]]
        first = 1 if by == "county" else 0  # the county table starts with the prefecture
        for row in report["rows"]:
            cells = rows[row["code"]]
            assert cells[first].startswith(row["name_zh"])
            assert cells[first + 1] == _pair(row["all"])
            assert cells[first + 4] == _pair(row["deep_poverty_villages"])
        assert rows[""][first : first + 2] == ["合计", _pair(report["total"]["all"])]
    congjiang = shown["coverage-county-table"]["congjiang"]
    assert congjiang[1] == "从江县 重点县" and congjiang[2].startswith("3 / ")
    # The charts: images named by their title and description; the legend in Chinese.
    assert page.text.count('role="img" aria-labelledby="chart-coverage-') == 2
    assert '<title id="chart-coverage-prefecture-title">各市州需求覆盖率</title>' in page.text
    assert re.search(r'<desc id="chart-coverage-county-desc">横向条形图：按县', page.text)
    assert "<li>" in page.text and "深度贫困村</li>" in page.text
    assert 'href="/app/province/exports/coverage?by=county&amp;format=xlsx"' in page.text


def test_the_period_filter_narrows_coverage_and_refuses_an_unknown_period(
    client: TestClient,
    browse_as: Callable[[str], Headers],
    login: Callable[[str], Headers],
    plan: Plan,
) -> None:
    browse_as("province")
    page = client.get("/app/province/?period=2026Q2")
    report = client.get("/reports/coverage?by=county&period=2026Q2", headers=login("province"))
    total = report.json()["total"]["all"]
    assert tables(page.text)["coverage-county-table"][""][2] == _pair(total)
    assert '<option value="2026Q2" selected>2026年第二季度</option>' in page.text
    assert "period=2026Q2&amp;format=csv" in page.text  # the files of what is shown
    everything = client.get("/app/province/?period=")  # 全部时段
    assert everything.status_code == 200 and "全部时段。" in everything.text
    unknown = client.get("/app/province/?period=1999Q1")
    assert unknown.status_code == 422
    assert 'aria-invalid="true" aria-describedby="period-error"' in unknown.text
    assert "没有这个时段的数据" in unknown.text
    assert client.get("/app/province/placements?period=1999Q1").status_code == 422
    assert client.get("/app/province/?period=" + "x" * 9).status_code == 422


def test_placements_by_city_and_prefecture(
    client: TestClient, browse_as: Callable[[str], Headers], login: Callable[[str], Headers]
) -> None:
    browse_as("province")
    page = client.get("/app/province/placements?period=2025Q1")
    assert page.status_code == 200
    shown = tables(page.text)
    for by in ("city", "prefecture"):
        path = f"/reports/placements?by={by}&period=2025Q1"
        report = client.get(path, headers=login("province")).json()
        rows = shown[f"placements-{by}-table"]
        for row in report["rows"]:
            assert rows[row["code"]][:3] == [
                row["name_zh"],
                str(row["hires"]),
                str(row["from_placements"]),
            ]
        assert rows[""][:2] == ["合计", str(report["total"]["hires"])]
    assert "各帮扶城市就业人数</title>" in page.text and "本系统确认录用</li>" in page.text


def test_run_history_names_scope_and_requester_and_filters(
    client: TestClient, browse_as: Callable[[str], Headers], plan: Plan
) -> None:
    browse_as("province")
    page = client.get("/app/province/runs")
    run = tables(page.text)["runs-table"][str(plan.run_id)]
    assert run[1:4] == ["专家服务", "从江县（县）", "已完成 已发布"]
    assert run[4] == "2026年1月5日 17:00"  # China time
    assert run[5:9] == ["1 分 15 秒", "1,234.50", "1.25%", "县级协调员（演示）"]
    labour = client.get("/app/province/runs?market=labour&scope_kind=&scope_code=&state=")
    assert labour.status_code == 200 and "没有符合条件的匹配记录。" in labour.text
    assert '<option value="labour" selected>劳务协作</option>' in labour.text
    assert "/app/province/exports/runs?market=labour&amp;format=csv" in labour.text
    kept = client.get("/app/province/runs?scope_kind=county&scope_code=congjiang&state=succeeded")
    assert list(tables(kept.text)["runs-table"]) == ["", str(plan.run_id)]
    assert client.get("/app/province/runs?state=finished").status_code == 422
    assert client.get("/app/province/runs?page=0").status_code == 422


def test_run_history_pages_keep_the_filters(
    client: TestClient, browse_as: Callable[[str], Headers], database_url: str
) -> None:
    with make.writing(database_url) as session:
        ids = [make.match_run(session, county="weining").id for _ in range(province.RUNS_SHOWN + 3)]
    browse_as("province")
    first = client.get("/app/province/runs?scope_code=weining")
    assert [code for code in tables(first.text)["runs-table"] if code] == [
        str(i) for i in sorted(ids, reverse=True)[: province.RUNS_SHOWN]
    ]
    assert "第 1 / 2 页" in first.text
    assert 'href="/app/province/runs?scope_code=weining&amp;page=2" rel="next"' in first.text
    second = client.get("/app/province/runs?scope_code=weining&page=2")
    assert [code for code in tables(second.text)["runs-table"] if code] == [
        str(i) for i in sorted(ids, reverse=True)[province.RUNS_SHOWN :]
    ]
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text


def test_the_files_are_the_apis_files(
    client: TestClient,
    browse_as: Callable[[str], Headers],
    login: Callable[[str], Headers],
    plan: Plan,
) -> None:
    api = login("province")
    browse_as("province")
    for page_path, api_path in [
        ("coverage?by=county&period=2026Q1", "coverage?by=county&period=2026Q1"),
        ("placements?by=prefecture", "placements?by=prefecture"),
        ("runs?market=experts", "runs?market=experts"),
    ]:
        mine = client.get(f"/app/province/exports/{page_path}&format=csv")
        theirs = client.get(f"/reports/{api_path}&format=csv", headers=api)
        assert mine.status_code == 200 and mine.headers["content-type"].startswith("text/csv")
        assert mine.content == theirs.content
    coverage = client.get("/app/province/exports/coverage?by=county&period=2026Q1&format=csv")
    assert 'filename="coverage-county-2026Q1.csv"' in coverage.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(coverage.content.decode("utf-8-sig"))))
    assert lines[0][:5] == ["市州代码", "市州", "县代码", "县", "重点县"]
    runs = client.get("/app/province/exports/runs?format=xlsx&scope_code=congjiang")
    assert runs.headers["content-disposition"] == 'attachment; filename="runs.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(runs.content)).active
    assert sheet is not None
    header, *body = list(sheet.iter_rows(values_only=True))
    record = dict(zip(header, body[0], strict=True))
    assert record["运行编号"] == plan.run_id and record["范围名称"] == "从江县"
    assert record["提交人"] == "县级协调员（演示）" and record["状态"] == "已完成"
    assert client.get("/app/province/exports/coverage?format=pdf").status_code == 422
    assert client.get("/app/province/exports/coverage").status_code == 422


def test_only_the_province_office_opens_them(
    client: TestClient, page_login: Callable[[str], Headers]
) -> None:
    for username in ("county", "city", "expert"):
        for path in ("/app/province/runs", "/app/province/exports/coverage?format=csv"):
            answer = client.get(path, headers=page_login(username), follow_redirects=False)
            assert answer.status_code == 403, (username, path)
            assert "无权访问" in answer.text and "<html" in answer.text
    alone = client.get("/app/province/exports/runs?format=csv", follow_redirects=False)
    assert alone.status_code == 303 and alone.headers["location"].startswith("/app/login")


def test_a_stacked_chart_ends_at_a_round_count_and_writes_each_total_once() -> None:
    assert nice_axis(205, 4) == (300.0, 3)
    assert nice_axis(83, 4) == (100.0, 4)
    assert nice_axis(3, 4) == (3.0, 3)
    assert nice_axis(0, 4) == (1.0, 1)
    series = [Series("a", "甲", "series-1"), Series("b", "乙", "series-2")]
    chart = bar_chart(
        "c",
        "标题",
        "说明",
        series,
        [("广州市", [40, 10]), ("佛山市", [5, None])],
        stacked=True,
        fmt=count,
    )
    guangzhou, foshan = chart.groups
    assert [bar.text for bar in guangzhou.bars] == ["", "50"]
    assert guangzhou.bars[1].x == pytest.approx(guangzhou.bars[0].x + guangzhou.bars[0].width)
    assert [bar.text for bar in foshan.bars] == ["5"]
    assert [tick.label for tick in chart.ticks] == ["0", "20", "40", "60"]
    assert chart.ticks[-1].x == pytest.approx(chart.plot_right)
