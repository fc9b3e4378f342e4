"""The province office's journey on a desktop: coverage by prefecture and county (table
and chart), filtered by period; the coverage exported as CSV and XLSX; placements by
partner city; the run history, filtered; the coverage page again at a phone's width.

The figures the pages must show are read from the JSON reports of the same server
(`/reports/...`), which the API suite checks against the demo files."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import httpx
import openpyxl
from playwright.sync_api import Download, Page, expect

from .conftest import LiveServer
from .pages import SCREENSHOTS, checked, log_in

PERIOD = "2026Q1"
PREFECTURE = "qiandongnan"  # 从江县's prefecture: the published plan covers needs there


def _report(live_server: LiveServer, path: str) -> dict[str, Any]:
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        password = live_server.accounts["province"].password
        token = client.post("/auth/token", data={"username": "province", "password": password})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()  # type: ignore[no-any-return]


def _row(report: dict[str, Any], code: str) -> dict[str, Any]:
    return next(row for row in report["rows"] if row["code"] == code)


def _download(page: Page, link: str) -> Download:
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    return download.value


def test_the_province_office_reads_and_exports_the_reports(
    desktop: Page, live_server: LiveServer
) -> None:
    page = desktop
    page.goto("/app/province/")
    log_in(page, "province", live_server.accounts["province"].password, shot="province-login")
    expect(page.get_by_role("heading", level=1)).to_have_text("全省概览")

    # Coverage by prefecture: the table row and the chart, with the API's figures.
    report = _report(live_server, "/reports/coverage?by=prefecture")
    prefecture = _row(report, PREFECTURE)
    assert prefecture["all"]["covered_needs"] > 0  # the published plan of 从江县
    row = page.locator(f"#coverage-prefecture-table tbody tr[data-code='{PREFECTURE}']")
    expect(row.get_by_role("rowheader")).to_have_text(prefecture["name_zh"])
    figures = f"{prefecture['all']['covered_needs']} / {prefecture['all']['open_needs']}"
    expect(row.locator("td").first).to_have_text(figures)
    expect(row.locator("td").nth(1)).to_have_text(f"{prefecture['all']['share_covered']:.1%}")
    chart = page.get_by_role("img", name="各市州需求覆盖率")
    expect(chart).to_be_visible()
    expect(chart.locator("text.label", has_text=prefecture["name_zh"])).to_have_count(1)
    legend = page.get_by_role("list", name="图例").first.get_by_role("listitem")
    expect(legend).to_have_text(["全部需求", "深度贫困村", "重点县"])
    checked(page, "province-coverage")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "province-readme.png")  # the README's picture

    # One period only: the figures change to that period's.
    page.get_by_label("时段").select_option(PERIOD)
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    expect(page.locator(".lead")).to_contain_text("2026年第一季度")
    quarter = _row(
        _report(live_server, f"/reports/coverage?by=prefecture&period={PERIOD}"), PREFECTURE
    )
    expect(row.locator("td").first).to_have_text(
        f"{quarter['all']['covered_needs']} / {quarter['all']['open_needs']}"
    )
    checked(page, "province-coverage-period")

    # The exports of the filtered page: the API's files, Chinese headers.
    by_county = _download(page, "CSV （按县覆盖情况）")
    assert by_county.suggested_filename == f"coverage-county-{PERIOD}.csv"
    text = Path(by_county.path()).read_bytes().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:5] == ["市州代码", "市州", "县代码", "县", "重点县"]
    assert "深度贫困村·已覆盖需求" in lines[0] and lines[-1][3] == "合计"
    congjiang = next(
        dict(zip(lines[0], line, strict=True)) for line in lines if line[2] == "congjiang"
    )
    county = _row(_report(live_server, f"/reports/coverage?by=county&period={PERIOD}"), "congjiang")
    assert congjiang["县"] == county["name_zh"] and congjiang["重点县"] == "是"
    assert int(congjiang["全部·已覆盖需求"]) == county["all"]["covered_needs"]

    by_prefecture = _download(page, "Excel（XLSX） （按市州覆盖情况）")
    assert by_prefecture.suggested_filename == f"coverage-prefecture-{PERIOD}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(Path(by_prefecture.path()).read_bytes())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("市州代码", "市州", "全部·待服务需求", "全部·已覆盖需求")
    in_sheet = next(r for r in rows if r[0] == PREFECTURE)
    assert in_sheet[1:4] == (
        quarter["name_zh"],
        quarter["all"]["open_needs"],
        quarter["all"]["covered_needs"],
    )

    # Placements by partner city.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="就业安置").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("就业安置")
    guangzhou = _row(_report(live_server, "/reports/placements?by=city"), "guangzhou")
    city_row = page.locator("#placements-city-table tbody tr[data-code='guangzhou']")
    expect(city_row.get_by_role("rowheader")).to_have_text(guangzhou["name_zh"])
    expect(city_row.locator("td").first).to_have_text(str(guangzhou["hires"]))
    expect(page.get_by_role("img", name="各帮扶城市就业人数")).to_be_visible()
    checked(page, "province-placements")

    # The run history: the published plan of 从江县, then filtered to the labour market.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="匹配记录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("匹配记录")
    plan = page.locator(f"#runs-table tr[data-run='{live_server.plan_run_id}']")
    expect(plan).to_contain_text("从江县")
    expect(plan).to_contain_text("专家服务")
    expect(plan.locator(".badge-run-succeeded")).to_have_text("已完成")
    expect(plan).to_contain_text("县级协调员（演示）")
    checked(page, "province-runs")
    page.get_by_label("市场").select_option("labour")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    expect(page.get_by_label("市场")).to_have_value("labour")
    # Labour runs only (another journey may have published one), never the expert plan.
    expect(page.locator(f"#runs-table tr[data-run='{live_server.plan_run_id}']")).to_have_count(0)
    markets = page.locator("#runs-table tbody tr td:first-of-type").all_inner_texts()
    assert set(markets) <= {"劳务协作"}, markets
    checked(page, "province-runs-labour")

    # The coverage page at a phone's width: nothing wider than the screen but the tables,
    # which scroll inside their own frame.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/app/province/")
    expect(page.get_by_role("img", name="各县需求覆盖率")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    checked(page, "province-coverage-phone")
