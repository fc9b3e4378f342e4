"""The coordinator's match runs in a browser: request an experts match of the county
(refused first with a bad seed, beside the field), watch it run live until the engine's
status and objective show, review the proposals with their explanations, lock one pair,
publish after the confirmation step; then an expert declines and the re-match run shows
in the list, marked 重新匹配 with its need, and opens to the need's new proposal or reason.

It works in 威宁县 (the `county-other` coordinator), so the published plan of 从江县 that
the expert's journey reads is left alone.
"""

from __future__ import annotations

import time

from playwright.sync_api import Page, expect
from sqlalchemy import select

from api.assignments import service as assignments
from api.auth.demo import DemoAccount, create_account
from api.database import make_engine, session_factory, transaction
from api.database.models import Assignment, MatchRun, Role
from api.policy import Principal

from .conftest import LiveServer
from .pages import checked, log_in

COORDINATOR = "county-other"
RUN_SECONDS = 60_000  # ms: a county run takes a second or two; the machine may be busy
REASON = "本季度要带研究生下乡，时间冲突"


def _decline_one(live_server: LiveServer, run_id: int, locked_expert: str) -> tuple[int, str]:
    """An expert of the published plan (not the locked pair's) declines through the
    service the expert's page calls; → the queued re-match run and its need."""
    engine = make_engine(live_server.settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            row = session.scalars(
                select(Assignment)
                .where(
                    Assignment.run_id == run_id,
                    Assignment.state == "published",
                    Assignment.expert_id != locked_expert,
                )
                .order_by(Assignment.id)
            ).first()
            assert row is not None and row.expert_id is not None
            account = DemoAccount(
                f"expert-{row.expert_id}", "declining-pass", Role.EXPERT, row.expert_id
            )
            expert = Principal.of(create_account(session, account, "专家（谢绝）"))
            _row, rematch = assignments.decline(session, expert, row.id, REASON)
            return rematch.id, str(row.need_id)
    finally:
        engine.dispose()


def _wait_until_finished(live_server: LiveServer, run_id: int) -> None:
    """The embedded worker runs the re-match; wait for it (the run page opens finished)."""
    engine = make_engine(live_server.settings.database_url)
    deadline = time.monotonic() + RUN_SECONDS / 1000
    try:
        while time.monotonic() < deadline:
            with transaction(session_factory(engine)) as session:
                if session.get_one(MatchRun, run_id).state not in {"queued", "running"}:
                    return
            time.sleep(0.2)
        raise AssertionError(f"run {run_id} did not finish in {RUN_SECONDS / 1000:.0f} s")
    finally:
        engine.dispose()


def test_a_coordinator_requests_watches_reviews_locks_and_publishes_a_match(
    desktop: Page, live_server: LiveServer
) -> None:
    page = desktop
    page.goto("/app/county/runs")
    log_in(page, COORDINATOR, live_server.accounts[COORDINATOR].password, shot="county-login")
    expect(page.get_by_role("heading", level=1)).to_have_text("匹配：威宁县")
    expect(
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="匹配")
    ).to_have_attribute("aria-current", "page")
    checked(page, "county-runs")

    # A seed that is not a whole number is refused beside the field, as the API refuses it.
    page.get_by_label("匹配类型").select_option("experts")
    page.get_by_label("随机种子").fill("七")
    page.get_by_role("button", name="开始匹配").click()
    seed = page.get_by_label("随机种子")
    expect(seed).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#seed-error")).to_have_text(
        "随机种子须为 0 到 2147483647 之间的整数，或留空。"
    )
    checked(page, "county-runs-invalid-seed")

    seed.fill("7")
    with page.expect_navigation():
        page.get_by_role("button", name="开始匹配").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("专家服务")
    run_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    state = page.locator("#run-state")
    first_seen = state.inner_text()
    assert first_seen in {"排队中", "运行中"}, first_seen  # not finished yet: watched live
    expect(page.locator("#run-status progress")).to_be_visible()
    checked(page, "county-run-live")

    # The polled status ends the watch by reloading the page with the result.
    expect(state).to_have_text("已完成", timeout=RUN_SECONDS)
    figures = page.locator("#run-figures")
    expect(figures).to_contain_text("求解状态")
    expect(figures).to_contain_text("最优")
    expect(figures).to_contain_text("目标值")
    expect(figures).to_contain_text("已覆盖需求")
    expect(page.locator("#run-status progress")).to_have_count(0)
    checked(page, "county-run-finished")

    # Proposals, each with why: the skills matched, the distance, the priority …
    proposals = page.locator("li.proposal")
    expect(proposals.first).to_be_visible()
    first = proposals.first
    expect(first.locator("dl.why")).to_contain_text("距离")
    expect(first.locator("dl.why")).to_contain_text("匹配得分")
    expect(page.locator("li.uncovered").first).to_contain_text("未覆盖原因")
    pair = first.get_attribute("id") or ""
    expert_id = pair.split("-")[1]
    first.get_by_text("锁定或禁止这一组合").click()
    first.get_by_label("理由（可选）").fill("村里点名要这位专家")
    first.get_by_role("button", name="锁定").click()
    locked = page.locator(f"#{pair}")  # the card, swapped in place
    expect(locked.get_by_role("status")).to_contain_text("已锁定")
    expect(locked.locator(".tag-lock")).to_have_text("锁定")
    expect(locked.get_by_role("button", name="撤销锁定")).to_be_visible()
    checked(page, "county-run-locked")

    page.get_by_label("显示").select_option("uncovered")
    page.get_by_label("只看深度贫困村").check()
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("li.proposal")).to_have_count(0)
    uncovered = page.locator("li.uncovered")
    expect(uncovered.first).to_contain_text("深度贫困村")
    expect(uncovered.first).to_contain_text("未覆盖原因")
    checked(page, "county-run-uncovered")

    page.get_by_role("link", name="发布这次匹配……").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"发布第 {run_id} 次匹配")
    checked(page, "county-run-publish-confirm")
    page.get_by_role("button", name="确认发布").click()
    expect(page.locator("#alerts")).to_contain_text("已发布")
    expect(page.locator("#published-state")).to_contain_text("已于")
    expect(page.get_by_role("link", name="发布这次匹配……")).to_have_count(0)
    checked(page, "county-run-published")

    # An expert of the plan declines: the re-match run appears in the list, marked.
    rematch_id, need_id = _decline_one(live_server, run_id, expert_id)
    _wait_until_finished(live_server, rematch_id)
    page.get_by_role("link", name="全部匹配").click()
    row = page.locator(f"#run-{rematch_id}")
    expect(row).to_contain_text("重新匹配")
    expect(row).to_contain_text(f"需求 {need_id}")
    expect(page.locator(f"#run-{run_id}")).to_contain_text("已发布")
    checked(page, "county-runs-rematch")

    row.get_by_role("link", name=f"第 {rematch_id} 次").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("重新匹配")
    expect(page.locator("#run-state")).to_have_text("已完成")
    expect(page.locator(".rematch")).to_contain_text(f"需求 {need_id}")
    checked(page, "county-rematch-run")

    # On a phone the list fits the width (the table scrolls inside its own frame).
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="全部匹配").click()
    expect(page.locator(f"#run-{rematch_id}")).to_contain_text("重新匹配")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    checked(page, "county-runs-phone")
