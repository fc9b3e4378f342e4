"""Logging in and out in a real browser, and each role's main page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveServer
from .pages import checked, log_in

MAIN_PAGES = {
    "county": "县级概览",
    "city": "我的岗位",
    "province": "全省概览",
}


def test_a_wrong_password_then_in_to_the_page_asked_for_and_out(
    desktop: Page, live_server: LiveServer
) -> None:
    page = desktop
    page.goto("/app/expert/assignments")
    expect(page).to_have_url(f"{live_server.url}/app/login?next=%2Fapp%2Fexpert%2Fassignments")
    log_in(page, "expert", "not-the-password", shot="login")
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误。")
    checked(page, "login-wrong-password")
    log_in(page, "expert", live_server.accounts["expert"].password)
    expect(page).to_have_url(f"{live_server.url}/app/expert/assignments")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的任务")
    assert page.evaluate("typeof htmx.version") == "string"  # the vendored htmx is served
    checked(page, "expert-desktop")
    with page.expect_navigation():
        page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("status").filter(has_text="您已退出登录")).to_be_visible()
    checked(page, "logged-out")
    page.goto("/app/")
    expect(page).to_have_url(f"{live_server.url}/app/login?next=%2Fapp%2F")
    checked(page, "login-again")


@pytest.mark.parametrize("username", list(MAIN_PAGES))
def test_each_role_lands_on_its_main_page(
    desktop: Page, live_server: LiveServer, username: str
) -> None:
    page = desktop
    page.goto("/app/login")
    log_in(page, username, live_server.accounts[username].password, shot="login")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(MAIN_PAGES[username])
    main = page.get_by_role("navigation", name="主导航").get_by_role("link").first
    expect(main).to_have_text(MAIN_PAGES[username])
    expect(main).to_have_attribute("aria-current", "page")
    checked(page, f"{username}-main")
