"""The county coordinator's journey through the dashboard, the needs list, a need's edit
form and the village map, on a desktop; then the dashboard and the needs list at 390 px.

The need edited is the county's last open one (other journeys use the first ones and the
published plan); only its description changes, its days are put back as they were.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from .conftest import PHONE, LiveServer
from .pages import checked, log_in

NOTE = "（已与村委会核实）"


@contextmanager
def _api(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        password = live_server.accounts["county"].password
        token = client.post("/auth/token", data={"username": "county", "password": password})
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        yield client


def test_the_coordinator_reads_the_dashboard_edits_a_need_and_opens_the_map(
    desktop: Page, live_server: LiveServer
) -> None:
    page = desktop
    with _api(live_server) as api:
        need: dict[str, Any] = api.get("/needs?status=open&sort=-need_id&limit=1").json()["items"][
            0
        ]
        coverage = api.get("/reports/coverage").json()["total"]["all"]

    page.goto("/app/")
    log_in(page, "county", live_server.accounts["county"].password, shot="county-login")
    expect(page.get_by_role("heading", level=1)).to_have_text("县级概览：从江县")
    figure = page.locator(".figure", has_text="已有专家的需求")
    expect(figure.locator(".figure-value")).to_contain_text(str(coverage["covered_needs"]))
    assert coverage["covered_needs"] > 0  # the published plan of the live server
    expect(page.get_by_role("link", name="匹配运行")).to_have_attribute("href", "/app/county/runs")
    checked(page, "county-dashboard")

    # The needs list: search the village's name, urgent needs of any state.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="需求").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("村级需求")
    checked(page, "county-needs")
    page.get_by_label("搜索").fill(str(need["village_name_zh"]))
    page.get_by_label("紧急程度").select_option(str(need["urgency"]))
    page.get_by_role("button", name="查找").click()
    rows = page.locator("table.data tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.get_by_label("搜索")).to_have_value(str(need["village_name_zh"]))
    for row in rows.all():
        expect(row.locator("td").nth(1)).to_contain_text(str(need["village_name_zh"]))
    checked(page, "county-needs-search")

    # Edit the need: a bad number of days is refused next to the field, then it is saved.
    page.get_by_role("link", name=f"编辑需求 {need['need_id']}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"编辑需求 {need['need_id']}")
    checked(page, "county-need-edit")
    days = page.get_by_label("服务天数")
    days.fill("200")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#days_needed-error")).to_have_text("服务天数须是 1 到 92 之间的整数。")
    expect(days).to_have_attribute("aria-invalid", "true")
    expect(days).to_have_value("200")
    checked(page, "county-need-edit-error")
    days.fill(str(need["days_needed"]))
    page.get_by_label("需求说明").fill(f"{need['description_zh']}{NOTE}")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-ok")).to_have_text(f"已保存需求 {need['need_id']}。")
    expect(page.get_by_label("需求说明")).to_have_value(f"{need['description_zh']}{NOTE}")
    expect(page.locator("#days_needed-error")).to_have_count(0)
    checked(page, "county-need-saved")

    # The map: one mark per village, lines to the experts of the published plan.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="地图").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("村庄地图：从江县")
    svg = page.get_by_role("img", name="从江县各村需求覆盖与服务专家地图")
    expect(svg).to_be_visible()
    villages = page.locator("section", has=page.locator("#villages-title")).locator("tbody tr")
    expect(page.locator("svg .villages > g")).to_have_count(villages.count())
    assert page.locator("svg .links line").count() > 0
    expect(page.locator("#map-summary")).to_contain_text(f"共 {villages.count()} 个村")
    checked(page, "county-map")

    # At a phone's width the dashboard and the list fit without sideways scrolling.
    page.set_viewport_size(PHONE)
    for path, name in (
        ("/app/county/", "county-dashboard-phone"),
        ("/app/county/needs", "county-needs-phone"),
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        checked(page, name)
