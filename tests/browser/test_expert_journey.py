"""The expert's journey on a phone: log in, see the published assignments, decline one
with a reason (refused first without one), accept another; the coordinator's re-match
of the declined need runs (the embedded worker) and leaves the expert out."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from .conftest import LiveServer
from .pages import checked, log_in

REASON = "这个季度在省外培训，去不了"
RUN_SECONDS = 60


@contextmanager
def _api(live_server: LiveServer, username: str) -> Iterator[httpx.Client]:
    """The live server's API, logged in as `username`."""
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        password = live_server.accounts[username].password
        token = client.post("/auth/token", data={"username": username, "password": password})
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        yield client


def _finished_run(api: httpx.Client, run_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_SECONDS
    while True:
        run: dict[str, Any] = api.get(f"/match-runs/{run_id}").json()
        if run["state"] in {"succeeded", "failed", "cancelled"} or time.monotonic() > deadline:
            return run
        time.sleep(0.25)


def test_an_expert_declines_on_a_phone_and_the_need_is_matched_again(
    phone: Page, live_server: LiveServer
) -> None:
    page = phone
    page.goto("/app/")
    expert = live_server.accounts["expert-busy"]  # the plan gives this expert two or more
    log_in(page, expert.username, expert.password, shot="expert-phone-login")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的任务")
    cards = page.locator("article.assignment")
    expect(cards.first).to_be_visible()
    assert cards.count() >= 2
    expect(page.locator("#summary")).to_contain_text(f"{cards.count()} 项等待您答复")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    checked(page, "expert-assignments-phone")

    first, second = cards.nth(0), cards.nth(1)
    village = first.get_by_role("heading", level=2).inner_text().split()[0]  # less the county
    first.get_by_role("button", name="谢绝").click()
    reason = first.get_by_label("谢绝理由")
    expect(first.locator(".field-error")).to_have_text("请填写谢绝理由（不超过 1000 字）。")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_be_focused()
    checked(page, "expert-decline-without-reason")

    reason.fill(REASON)
    first.get_by_role("button", name="谢绝").click()
    expect(first.locator(".badge")).to_have_text("已谢绝")
    expect(first).to_contain_text(REASON)
    expect(first.get_by_role("status")).to_contain_text("县级协调员已收到通知")
    expect(first.get_by_role("button", name="谢绝")).to_have_count(0)
    expect(page.locator("#summary")).to_contain_text(f"{cards.count() - 1} 项等待您答复")
    checked(page, "expert-declined")

    second.get_by_role("button", name="接受").click()
    expect(second.locator(".badge")).to_have_text("已接受")

    page.reload()
    expect(page.locator("article.assignment", has_text=village).locator(".badge")).to_have_text(
        "已谢绝"
    )
    checked(page, "expert-after-answers")

    # The coordinator's side (their pages come later): the decline queued a re-match of
    # the need from the published plan, which the embedded worker runs. It never proposes
    # the expert who declined; it proposes someone else, or says why the need stays open
    # (in the demo data the decliner is the only expert passing the need's hard rules).
    with _api(live_server, "county") as county:
        inbox = county.get("/me/notifications").json()["items"]
        declined = next(n for n in inbox if n["kind"] == "declined")
        assert village in declined["title_zh"] and REASON in declined["body_zh"]
        rematch_id = declined["payload"]["rematch_run_id"]
        need_id = declined["payload"]["need_id"]
        run = _finished_run(county, rematch_id)
        assert (run["state"], run["based_on_run_id"], run["rematch_need_id"]) == (
            "succeeded",
            live_server.plan_run_id,
            need_id,
        ), run
        proposals = county.get(
            f"/match-runs/{rematch_id}/assignments", params={"need_id": need_id}
        ).json()["items"]
        assert expert.scope not in {p["expert_id"] for p in proposals}
        left_out = run["summary"]["left_out"]
        assert proposals or left_out["excluded_by_decision"]["count"] >= 1, left_out
