"""The partner city's journey (广州市, desktop): log in, download the template, upload a
file with two bad rows (a wage that is no number, a missing title), see both rows named with
their fields, fix the file and upload it again, then confirm a hire for a candidate.

The candidates come from a labour plan of 威宁县 requested and published through the API by
that county's coordinator (`county-other`, an account no other journey uses), run by the
embedded worker: some of its workers are proposed for Shanghai's postings.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from .conftest import PHONE, LiveServer
from .pages import checked, log_in

RUN_SECONDS = 60
START = "2026-03-02"
FINISHED = {"succeeded", "failed", "cancelled"}


@pytest.fixture(scope="module")
def labour_plan(live_server: LiveServer) -> Iterator[int]:
    """A published labour plan of 威宁县; → its run id."""
    with httpx.Client(base_url=live_server.url, timeout=30) as api:
        password = live_server.accounts["county-other"].password
        token = api.post("/auth/token", data={"username": "county-other", "password": password})
        api.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        scope = {"market": "labour", "scope_kind": "county", "scope_code": "weining"}
        run_id = api.post("/match-runs", json=scope).json()["id"]
        deadline = time.monotonic() + RUN_SECONDS
        while (run := api.get(f"/match-runs/{run_id}").json()).get("state") not in FINISHED:
            assert time.monotonic() < deadline, run
            time.sleep(0.2)
        assert run.get("state") == "succeeded", run
        published = api.post(f"/match-runs/{run_id}/publish")
        assert published.status_code == 200 and published.json()["published"] > 0, published.text
        yield run_id


def _csv(header: str, rows: list[list[str]]) -> str:
    return "\n".join([header, *(",".join(row) for row in rows)]) + "\n"


def _row(reference: str, title: str, wage: str) -> list[str]:
    return [
        reference,
        "",
        "广州申达针织有限公司",
        title,
        "GARM",
        "6",
        wage,
        "GARM-02",
        "",
        "18",
        "45",
        "是",
        "是",
        "bijie",
        "2026Q2",
        "open",
        "招收缝纫、套口工，包吃住。",
    ]


def test_a_city_fixes_an_upload_and_confirms_a_hire(
    desktop: Page, live_server: LiveServer, labour_plan: int, tmp_path: Path
) -> None:
    page = desktop
    heading = page.get_by_role("heading", level=1)
    page.goto("/app/login")
    log_in(page, "city", live_server.accounts["city"].password, shot="city-login")
    expect(heading).to_have_text("我的岗位：广州市")
    expect(page.locator("#summary")).to_contain_text("共有岗位")
    expect(page.locator("table.list tbody tr")).to_have_count(20)
    checked(page, "city-postings")

    page.get_by_role("link", name="新建岗位").click()
    expect(heading).to_have_text("新建岗位")
    checked(page, "city-posting-form")
    page.get_by_label("行业").select_option("LOGI")
    page.get_by_label("招聘季度").fill("2026Q2")
    page.get_by_label("招聘人数").fill("5")
    page.get_by_label("月薪（元/月）").fill("0")
    page.get_by_label("企业名称").fill("广州德润物流有限公司")
    page.get_by_label("证书要求").select_option("CERT-FORK")
    page.get_by_role("button", name="新建岗位").click()
    expect(page.locator("#title_zh-error")).to_have_text("请填写岗位名称（必填）。")
    expect(page.locator("#wage_yuan_month-error")).to_have_text(
        "月薪须为 1 到 200000 之间的整数（元/月）。"
    )
    expect(page.get_by_label("岗位名称")).to_have_attribute("aria-invalid", "true")
    checked(page, "city-posting-form-errors")
    page.get_by_label("岗位名称").fill("叉车司机")
    page.get_by_label("月薪（元/月）").fill("6800")
    page.get_by_role("button", name="新建岗位").click()
    expect(page.get_by_role("status")).to_contain_text("已新建岗位")
    expect(page.locator("table.list tbody tr").first).to_contain_text("叉车司机")
    checked(page, "city-posting-created")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="上传岗位").click()
    expect(heading).to_have_text("上传岗位文件")
    checked(page, "city-upload")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 CSV 模板").click()
    header = Path(download.value.path()).read_text(encoding="utf-8-sig").strip()
    assert header.startswith("岗位编号 city_reference,")

    # Row 3: a wage in words; row 4: no title.
    rows = [
        _row("SH-J-001", "套口工", "5800"),
        _row("SH-J-002", "缝纫工", "五千八"),
        _row("SH-J-003", "", "5600"),
    ]
    upload = tmp_path / "申达岗位.csv"
    upload.write_text(_csv(header, rows), encoding="utf-8-sig")
    page.get_by_label("岗位文件").set_input_files(upload)
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#file-error")).to_have_text(
        "申达岗位.csv：2 行有误，没有保存任何岗位。请按下表修改后重新上传。"
    )
    problems = page.locator("table.problems tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("第 3 行")
    expect(problems.nth(0)).to_contain_text("月薪")
    expect(problems.nth(0)).to_contain_text("月薪须为 1 到 200000 之间的整数（元/月）。")
    expect(problems.nth(1)).to_contain_text("第 4 行")
    expect(problems.nth(1)).to_contain_text("岗位名称")
    expect(problems.nth(1)).to_contain_text("请填写岗位名称（必填）。")
    checked(page, "city-upload-bad-rows")

    rows[1][6] = "5800"
    rows[2][3] = "整烫工"
    upload.write_text(_csv(header, rows), encoding="utf-8-sig")
    page.get_by_label("岗位文件").set_input_files(upload)
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#upload-result")).to_have_text(
        "共 3 行：新建 3 个岗位，更新 0 个，未变 0 个。"
    )
    expect(page.locator("#result-title")).to_have_text("申达岗位.csv 已保存")
    checked(page, "city-upload-stored")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="候选人").click()
    expect(heading).to_have_text("候选人")
    waiting = page.locator("article.candidate.state-published")
    expect(waiting.first).to_be_visible()
    checked(page, "city-candidates")

    card_id = waiting.first.get_attribute("id")
    card = page.locator(f"#{card_id}")
    name = card.get_by_role("heading", level=2).inner_text()
    for text in ("年龄", "学历", "技能", "证书"):
        expect(card.locator("dt", has_text=text)).to_have_count(1)
    expect(card).not_to_contain_text("建档立卡")
    card.get_by_role("button", name="确认录用").click()  # no date yet
    date = card.get_by_label("上岗日期")
    expect(card.locator(".field-error")).to_have_text("请填写上岗日期（如 2026-03-02）。")
    expect(date).to_have_attribute("aria-invalid", "true")
    checked(page, "city-confirm-without-date")

    date.fill(START)
    card.get_by_role("button", name="确认录用").click()
    expect(page.get_by_role("status").filter(has_text="已确认录用")).to_contain_text(
        f"已确认录用 {name}"
    )
    expect(card.locator(".badge")).to_have_text("已录用")
    expect(card.locator("dt", has_text="上岗日期").locator("xpath=..")).to_contain_text(
        "2026年3月2日"
    )
    expect(card.get_by_role("button", name="确认录用")).to_have_count(0)
    checked(page, "city-hired")

    # On a phone the pages fit the width (the tables scroll inside their own frame).
    page.set_viewport_size(PHONE)
    for path, name in (
        ("/app/city/", "city-postings-phone"),
        ("/app/city/upload", "city-upload-phone"),
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        checked(page, name)
