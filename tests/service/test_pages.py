"""The web pages through the test client: logging in and out, the session cookie, CSRF,
the HTML error pages, and the expert's pages on the same rules as the API."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from api.app import create_app
from api.database.models import MatchRun, Role, User
from api.pages import expert as expert_pages
from api.security import create_token
from api.settings import Settings

from . import factories as make
from .conftest import Account

Headers = dict[str, str]
PageLogin = Callable[[str], Headers]
MAIN_PAGES = {
    "expert": ("/app/expert/assignments", "我的任务"),
    "county": ("/app/county/", "县级概览"),
    "city": ("/app/city/", "我的岗位"),
    "province": ("/app/province/", "全省概览"),
}


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def log_in(client: TestClient, username: str, password: str, next_url: str = "") -> Response:
    page = client.get("/app/login" + (f"?next={next_url}" if next_url else ""))
    assert page.status_code == 200
    form = {"username": username, "password": password, "csrf_token": csrf_of(page.text)}
    if next_url:
        form["next"] = next_url
    return client.post("/app/login", data=form, follow_redirects=False)


def h1(html: str) -> str:
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert len(found) == 1, found
    return re.sub(r"<[^>]+>", "", found[0]).strip()


def test_the_login_page_is_chinese_with_a_labelled_form_and_a_csrf_token(
    client: TestClient,
) -> None:
    page = client.get("/app/login")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    assert h1(page.text) == "登录帮扶"
    assert '<label for="username">用户名</label>' in page.text
    assert '<label for="password">密码</label>' in page.text
    assert csrf_of(page.text)
    assert "/app/static/vendor/htmx.min.js" in page.text
    assert client.get("/app/static/vendor/htmx.min.js").status_code == 200


@pytest.mark.parametrize("username", list(MAIN_PAGES))
def test_each_role_logs_in_and_lands_on_its_main_page(
    client: TestClient, accounts: dict[str, Account], username: str
) -> None:
    answer = log_in(client, username, accounts[username].password)
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "bangfu_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP outside production
    home = client.get("/app/")
    path, heading = MAIN_PAGES[username]
    assert urlsplit(str(home.url)).path == path
    assert heading in h1(home.text)
    assert 'aria-current="page"' in home.text


def test_a_wrong_password_is_told_in_chinese_and_logs_nobody_in(
    client: TestClient, accounts: dict[str, Account]
) -> None:
    answer = log_in(client, "expert", "not-the-password")
    assert answer.status_code == 401
    assert "用户名或密码错误" in answer.text
    assert "bangfu_session" not in answer.headers.get("set-cookie", "")
    empty = log_in(client, "", "")
    assert empty.status_code == 422
    assert "请填写用户名" in empty.text and "请填写密码" in empty.text


def test_logging_in_goes_back_to_next_but_never_off_the_pages(
    client: TestClient, accounts: dict[str, Account]
) -> None:
    password = accounts["county"].password
    answer = log_in(client, "county", password, next_url="/app/county/")
    assert answer.headers["location"] == "/app/county/"
    client.cookies.clear()
    for elsewhere in ("//evil.example/app", "https://evil.example/app/", "/docs"):
        answer = log_in(client, "county", password, next_url=elsewhere)
        assert answer.headers["location"] == "/app/"
        client.cookies.clear()


def test_logging_in_has_the_apis_rate_limit(
    settings: Settings, accounts: dict[str, Account]
) -> None:
    strict = settings.model_copy(update={"login_attempts": 2})
    with TestClient(create_app(strict)) as client:
        for _ in range(2):
            assert log_in(client, "expert", "wrong-password").status_code == 401
        refused = log_in(client, "expert", accounts["expert"].password)
        assert refused.status_code == 429
        assert "登录尝试过多" in refused.text
        # The API counts the same attempts.
        api = client.post("/auth/token", data={"username": "expert", "password": "x"})
        assert api.status_code == 429


def test_without_a_login_a_page_sends_to_the_login_and_back(client: TestClient) -> None:
    answer = client.get("/app/expert/assignments?state=published", follow_redirects=False)
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    assert location.path == "/app/login"
    assert parse_qs(location.query) == {"next": ["/app/expert/assignments?state=published"]}
    assert "登录已过期" not in client.get(answer.headers["location"]).text


@pytest.mark.parametrize("cookie", ["expired", "forged"])
def test_an_expired_or_forged_login_is_sent_to_log_in_again(
    client: TestClient, settings: Settings, database_url: str, cookie: str
) -> None:
    with make.writing(database_url) as session:
        user = session.scalars(select(User).where(User.username == "expert")).one()
        user_id = user.id
    secret = settings.secret_key if cookie == "expired" else "another-secret-" + "x" * 30
    token = create_token(user_id, Role.EXPERT, secret, -1 if cookie == "expired" else 60)
    client.cookies.set("bangfu_session", token)
    answer = client.get("/app/expert/assignments", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/app/login?next=%2Fapp%2Fexpert%2Fassignments"
    assert 'bangfu_session=""' in answer.headers["set-cookie"]  # cleared
    page = client.get(answer.headers["location"])
    assert "登录已过期，请重新登录" in page.text
    assert "登录已过期" not in client.get("/app/login").text  # shown once


def test_a_post_without_the_right_csrf_token_is_refused(
    client: TestClient, page_login: PageLogin
) -> None:
    headers = page_login("expert")
    cookie_only = {"Cookie": headers["Cookie"]}
    for data, sent in (({}, cookie_only), ({"csrf_token": "0" * 64}, cookie_only)):
        answer = client.post("/app/logout", data=data, headers=sent, follow_redirects=False)
        assert answer.status_code == 403
        assert "安全校验未通过" in answer.text and '<html lang="zh-CN">' in answer.text
    # A token is bound to its login: another user's token does not fit.
    other = page_login("expert-other")
    crossed = {"Cookie": headers["Cookie"], "X-CSRF-Token": other["X-CSRF-Token"]}
    assert client.post("/app/logout", headers=crossed).status_code == 403
    # The login form too needs its token.
    assert client.post("/app/login", data={"username": "x", "password": "y"}).status_code == 403
    # The form field or the htmx header both do.
    field = {"csrf_token": headers["X-CSRF-Token"]}
    assert (
        client.post("/app/logout", data=field, headers=cookie_only, follow_redirects=False)
    ).status_code == 303
    assert client.post("/app/logout", headers=headers, follow_redirects=False).status_code == 303


def test_logging_out_clears_the_cookie(client: TestClient, accounts: dict[str, Account]) -> None:
    log_in(client, "city", accounts["city"].password)
    page = client.get("/app/city/")
    answer = client.post(
        "/app/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert answer.headers["location"] == "/app/login"
    assert 'bangfu_session=""' in answer.headers["set-cookie"]
    assert "您已退出登录" in client.get("/app/login").text
    assert client.get("/app/city/", follow_redirects=False).status_code == 303


def test_errors_on_pages_are_chinese_html_pages_and_the_api_stays_json(
    client: TestClient, page_login: PageLogin
) -> None:
    county = page_login("county")
    expected = {
        "/app/no-such-page": (404, "找不到页面"),
        "/app/expert/assignments": (403, "无权访问"),
        "/app/province/": (403, "无权访问"),
    }
    for path, (status, title) in expected.items():
        answer = client.get(path, headers=county)
        assert (answer.status_code, h1(answer.text)) == (status, title), path
        assert answer.headers["content-type"].startswith("text/html")
    bad_id = client.post("/app/expert/assignments/abc/accept", headers=page_login("expert"))
    assert (bad_id.status_code, h1(bad_id.text)) == (422, "提交的内容有误")
    api = client.get("/no-such-endpoint")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


def test_an_unexpected_error_on_a_page_is_a_500_page(
    client: TestClient, page_login: PageLogin, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> list[object]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(expert_pages, "_cards", broken)
    with TestClient(client.app, raise_server_exceptions=False) as failing:
        answer = failing.get("/app/expert/assignments", headers=page_login("expert"))
    assert (answer.status_code, h1(answer.text)) == (500, "服务器出错了")
    assert "the database went away" not in answer.text


@dataclass(frozen=True)
class Mine:
    run_id: int
    published: int
    accepted_later: int
    proposed: int  # never shown to the expert
    other_expert: int
    village_other: str


@pytest.fixture
def mine(database_url: str) -> Mine:
    with make.writing(database_url) as session:
        run = make.match_run(session)
        needs = make.open_needs(session, county="congjiang", count=4)
        published, later, proposed = (
            make.expert_assignment(session, run=run, expert_id="E00001", need=need, state=state)
            for need, state in zip(needs, ["published", "published", "proposed"], strict=False)
        )
        other = make.expert_assignment(session, run=run, expert_id="E00002", need=needs[3])
        return Mine(run.id, published.id, later.id, proposed.id, other.id, needs[3].need_id)


def test_an_expert_sees_only_their_shown_assignments(
    client: TestClient, page_login: PageLogin, mine: Mine
) -> None:
    page = client.get("/app/expert/assignments", headers=page_login("expert"))
    assert page.status_code == 200
    assert h1(page.text) == "我的任务"
    shown = set(map(int, re.findall(r'id="assignment-(\d+)"', page.text)))
    assert shown == {mine.published, mine.accepted_later}
    assert page.text.count(">已发布<") == 2
    assert "2</strong> 项等待您答复" in page.text
    for action in ("accept", "decline"):
        assert f"/app/expert/assignments/{mine.published}/{action}" in page.text


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_another_experts_or_an_unpublished_assignment_is_404(
    client: TestClient, page_login: PageLogin, mine: Mine, action: str
) -> None:
    for target in (mine.other_expert, mine.proposed, 2**31 - 1):
        answer = client.post(
            f"/app/expert/assignments/{target}/{action}",
            data={"reason": "没有时间"},
            headers=page_login("expert"),
        )
        assert (answer.status_code, h1(answer.text)) == (404, "找不到页面"), target


def test_accepting_shows_the_assignment_accepted(
    client: TestClient, browse_as: PageLogin, mine: Mine
) -> None:
    headers = browse_as("expert")
    answer = client.post(f"/app/expert/assignments/{mine.published}/accept", headers=headers)
    assert answer.status_code == 200 and urlsplit(str(answer.url)).path == "/app/expert/assignments"
    assert "已接受这项任务" in answer.text
    assert ">已接受<" in answer.text
    again = client.post(f"/app/expert/assignments/{mine.published}/accept", headers=headers)
    assert "这项任务已经答复过" in again.text


def test_a_decline_needs_a_reason_shown_beside_the_field(
    client: TestClient, page_login: PageLogin, mine: Mine
) -> None:
    path = f"/app/expert/assignments/{mine.published}/decline"
    for reason in ("", "   "):
        answer = client.post(path, data={"reason": reason}, headers=page_login("expert"))
        assert answer.status_code == 422
        assert f'id="reason-{mine.published}-error">请填写谢绝理由' in answer.text
        assert 'aria-invalid="true"' in answer.text
    partial = client.post(path, headers={**page_login("expert"), "HX-Request": "true"})
    assert partial.status_code == 422
    assert "<html" not in partial.text and "请填写谢绝理由" in partial.text


def test_declining_marks_it_declined_and_queues_the_rematch(
    client: TestClient, page_login: PageLogin, mine: Mine, database_url: str
) -> None:
    answer = client.post(
        f"/app/expert/assignments/{mine.published}/decline",
        data={"reason": "这个季度在外地培训"},
        headers={**page_login("expert"), "HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert "<html" not in answer.text  # htmx gets the updated card and count only
    assert 'id="summary" hx-swap-oob="true">共 2 项，其中 <strong>1</strong>' in answer.text
    assert ">已谢绝<" in answer.text and "这个季度在外地培训" in answer.text
    assert "县级协调员已收到通知" in answer.text
    with make.writing(database_url) as session:
        rematch = session.scalars(select(MatchRun).where(MatchRun.based_on_run_id.is_not(None)))
        assert [(r.based_on_run_id, r.state) for r in rematch] == [(mine.run_id, "queued")]


def test_an_htmx_error_comes_as_an_alert_for_the_pages_alert_area(
    client: TestClient, page_login: PageLogin, mine: Mine
) -> None:
    answer = client.post(
        f"/app/expert/assignments/{mine.other_expert}/accept",
        headers={**page_login("expert"), "HX-Request": "true"},
    )
    assert answer.status_code == 404
    assert answer.headers["HX-Retarget"] == "#alerts"
    assert 'role="alert"' in answer.text and "<html" not in answer.text


# The theme's (text, background) pairs as app.css uses them.
THEME_PAIRS = [
    ("--text", "--bg"),
    ("--text", "--surface"),
    ("--muted", "--bg"),
    ("--muted", "--surface"),
    ("--accent", "--bg"),
    ("--accent-text", "--accent"),
    ("--accent-text", "--danger"),
    ("--ok-text", "--ok-bg"),
    ("--info-text", "--info-bg"),
    ("--error-text", "--error-bg"),
    ("--error-text", "--bg"),
]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_themes_text_colours_have_a_contrast_of_at_least_4_5() -> None:
    css = (Path(expert_pages.__file__).parent / "static" / "app.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"(--[a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", css))
    ratios = {}
    for text, background in THEME_PAIRS:
        lighter, darker = sorted(
            (_luminance(colours[text]), _luminance(colours[background])), reverse=True
        )
        ratios[(text, background)] = round((lighter + 0.05) / (darker + 0.05), 2)
    assert {pair: ratio for pair, ratio in ratios.items() if ratio < 4.5} == {}
