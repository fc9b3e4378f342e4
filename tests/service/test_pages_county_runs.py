"""The coordinator's match-run pages through the test client: the list and the request
form (validated as `POST /match-runs`), the live status, the review of a finished run
(explanations, uncovered needs, filters), locks and forbids, cancel, and publishing with
its confirmation and its 409 — on the API's access rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.database import make_engine, session_factory
from api.database.models import Assignment, Decision, MatchRun
from api.settings import Settings
from api.worker.loop import Worker

from . import factories as make

Headers = dict[str, str]
PageLogin = Callable[[str], Headers]
RUNS = "/app/county/runs"


def h1(html: str) -> str:
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert len(found) == 1, found
    return re.sub(r"<[^>]+>", "", found[0]).strip()


def _ran(database_url: str, settings: Settings) -> None:
    """Run the queued runs, as the worker does."""
    engine = make_engine(database_url)
    try:
        while Worker(session_factory(engine), settings).claim_and_run() is not None:
            pass
    finally:
        engine.dispose()


def test_the_list_shows_the_counties_own_runs_and_a_rematch_marked(
    client: TestClient, page_login: PageLogin, database_url: str
) -> None:
    with make.writing(database_url) as session:
        mine = make.match_run(session)
        need = make.open_needs(session, county="congjiang")[0]
        rematch = make.match_run(session, state="queued")
        rematch.based_on_run_id, rematch.rematch_need_id = mine.id, need.need_id
        other = make.match_run(session, county="weining")
        ids = (mine.id, rematch.id, other.id, need.need_id)
    page = client.get(RUNS, headers=page_login("county"))
    assert page.status_code == 200
    assert h1(page.text) == "匹配：从江县"
    assert 'aria-current="page">匹配</a>' in page.text
    shown = set(map(int, re.findall(r'<tr id="run-(\d+)"', page.text)))
    assert shown == {ids[0], ids[1]}
    row = page.text.split(f'id="run-{ids[1]}"')[1].split("</tr>")[0]
    assert "重新匹配" in row and f"需求 {ids[3]}" in row and "排队中" in row
    assert 'name="csrf_token"' in page.text
    for label in ("匹配类型", "求解器", "时间上限（秒）", "随机种子"):
        assert f">{label}</label>" in page.text


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"market": "jobs"}, "market", "请选择匹配类型"),
        ({"market": "experts", "solver": "simplex"}, "solver", "请从列表中选择求解器"),
        ({"market": "experts", "time_limit": "0"}, "time_limit", "时间上限须为大于 0"),
        ({"market": "experts", "time_limit": "一分钟"}, "time_limit", "时间上限须为大于 0"),
        ({"market": "labour", "seed": "-1"}, "seed", "随机种子须为 0 到 2147483647"),
    ],
)
def test_a_bad_request_is_refused_beside_its_field_and_queues_nothing(
    client: TestClient,
    page_login: PageLogin,
    database_url: str,
    form: dict[str, str],
    field: str,
    message: str,
) -> None:
    answer = client.post(RUNS, data=form, headers=page_login("county"))
    assert answer.status_code == 422
    assert re.search(rf'<p class="field-error" id="{field}-error">{message}', answer.text)
    assert f'id="{field}" name="{field}"' in answer.text
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', answer.text)
    with make.writing(database_url) as session:
        assert session.scalars(select(MatchRun)).all() == []


def test_a_request_queues_a_run_of_the_own_county_and_opens_its_live_page(
    client: TestClient, browse_as: PageLogin, database_url: str
) -> None:
    headers = browse_as("county-other")
    form = {"market": "experts", "solver": "greedy", "time_limit": "30", "seed": "7"}
    answer = client.post(RUNS, data=form, headers=headers)
    assert answer.status_code == 200
    run_id = int(urlsplit(str(answer.url)).path.rsplit("/", 1)[-1])
    assert f"已发起第 {run_id} 次匹配" in answer.text
    assert 'id="run-state">排队中<' in answer.text
    assert f'hx-get="/app/county/runs/{run_id}/status" hx-trigger="every 1s"' in answer.text
    with make.writing(database_url) as session:
        run = session.get_one(MatchRun, run_id)
        assert (run.scope_kind, run.scope_code, run.state) == ("county", "weining", "queued")
        assert run.options == {"solver": "greedy", "time_limit": 30.0, "seed": 7}
    status = client.get(f"{RUNS}/{run_id}/status", headers={"HX-Request": "true"})
    assert "<html" not in status.text and "hx-trigger" in status.text
    assert "HX-Refresh" not in status.headers
    cancelled = client.post(f"{RUNS}/{run_id}/cancel", headers=headers)
    assert "已取消这次匹配" in cancelled.text and 'id="run-state">已取消<' in cancelled.text
    again = client.post(f"{RUNS}/{run_id}/cancel", headers=headers)
    assert "这次匹配已经结束，不能再取消" in again.text


def test_another_countys_run_is_404_and_other_roles_403(
    client: TestClient, page_login: PageLogin, database_url: str
) -> None:
    with make.writing(database_url) as session:
        run_id = make.match_run(session, county="weining").id
    for path in (f"{RUNS}/{run_id}", f"{RUNS}/{run_id}/status", f"{RUNS}/{run_id}/publish"):
        assert client.get(path, headers=page_login("county")).status_code == 404
        assert client.get(path, headers=page_login("county-other")).status_code == 200
        for user in ("expert", "city", "province"):
            answer = client.get(path, headers=page_login(user))
            assert (answer.status_code, h1(answer.text)) == (403, "无权访问"), (user, path)


def test_a_post_without_the_csrf_token_is_refused(
    client: TestClient, page_login: PageLogin, database_url: str
) -> None:
    cookie = {"Cookie": page_login("county")["Cookie"]}
    answer = client.post(RUNS, data={"market": "experts"}, headers=cookie)
    assert answer.status_code == 403
    with make.writing(database_url) as session:
        assert session.scalars(select(MatchRun)).all() == []


def test_a_finished_run_is_reviewed_locked_and_published_once(
    client: TestClient, browse_as: PageLogin, database_url: str, settings: Settings
) -> None:
    headers = browse_as("county-other")
    run_page = client.post(RUNS, data={"market": "experts", "seed": "3"}, headers=headers)
    run_id = int(urlsplit(str(run_page.url)).path.rsplit("/", 1)[-1])
    _ran(database_url, settings)
    status = client.get(f"{RUNS}/{run_id}/status", headers={"HX-Request": "true"})
    assert status.headers["HX-Refresh"] == "true"  # the page reloads with the result

    page = client.get(f"{RUNS}/{run_id}")
    assert 'id="run-state">已完成<' in page.text and "hx-trigger" not in page.text
    figures = ("求解状态", "目标值", "上界", "最优性差距", "已覆盖需求", "深度贫困村覆盖率")
    for figure in (*figures, "深度贫困村需求：已覆盖 / 最多可覆盖"):
        assert f"<dt>{figure}</dt>" in page.text
    with make.writing(database_url) as session:
        rows = session.scalars(
            select(Assignment).where(Assignment.run_id == run_id).order_by(Assignment.need_id)
        ).all()
        total = len(rows)
        first = rows[0]
        pair = (str(first.expert_id), str(first.need_id))
    assert f"匹配（{total} 项）" in page.text
    cards = re.findall(r'<li class="card proposal" id="pair-([^"]+)"', page.text)
    assert len(cards) == min(total, 20) and cards[0] == "-".join(pair)
    assert "<dt>距离</dt><dd>约 " in page.text and "<dt>匹配得分</dt>" in page.text
    assert "未覆盖原因：" in page.text

    uncovered = client.get(f"{RUNS}/{run_id}", params={"show": "uncovered", "deep": "true"})
    assert 'class="card proposal"' not in uncovered.text
    assert uncovered.text.count('class="card uncovered"') >= 1
    assert "没有候选人通过硬性规则" in uncovered.text
    deep = client.get(f"{RUNS}/{run_id}", params={"show": "covered", "deep": "true"})
    assert "未覆盖原因" not in deep.text
    assert deep.text.count('class="card proposal"') == deep.text.count(">深度贫困村<")

    form = {"expert_id": pair[0], "need_id": pair[1], "kind": "lock", "reason": "村里点名"}
    card = client.post(
        f"{RUNS}/{run_id}/decisions", data=form, headers={**headers, "HX-Request": "true"}
    )
    assert card.status_code == 200 and "<html" not in card.text
    assert "已锁定：专家" in card.text and 'class="tag tag-lock">锁定<' in card.text
    again = client.post(f"{RUNS}/{run_id}/decisions", data=form, headers=headers)
    assert "已有决定，请先撤销原决定" in again.text
    with make.writing(database_url) as session:
        decision = session.scalars(select(Decision)).one()
        assert (decision.expert_id, decision.need_id, decision.kind) == (*pair, "lock")
        decision_id = decision.id
    undo = client.post(
        f"{RUNS}/{run_id}/decisions/{decision_id}/delete",
        data={"expert_id": pair[0], "need_id": pair[1]},
        headers=headers,
    )
    assert "已撤销这项决定" in undo.text
    client.post(f"{RUNS}/{run_id}/decisions", data=form, headers=headers)

    confirm = client.get(f"{RUNS}/{run_id}/publish")
    assert h1(confirm.text) == f"发布第 {run_id} 次匹配" and f"的 {total} 项匹配" in confirm.text
    published = client.post(f"{RUNS}/{run_id}/publish", headers=headers)
    assert f"已发布：{total} 项新安排" in published.text
    assert 'id="published-state">已于' in published.text
    twice = client.post(f"{RUNS}/{run_id}/publish", headers=headers)
    assert twice.status_code == 409
    assert "这次匹配已经发布过了，不能再次发布。" in twice.text


def test_a_refused_decision_goes_back_to_the_review_as_it_was_filtered(
    client: TestClient, page_login: PageLogin, database_url: str
) -> None:
    with make.writing(database_url) as session:
        run_id = make.match_run(session).id
        need_id = make.open_needs(session, county="congjiang")[0].need_id
    form = {
        "expert_id": "E00001",
        "need_id": need_id,
        "kind": "maybe",
        "filters": "show=uncovered&next=//evil.example&offset=40&deep=yes",
    }
    answer = client.post(
        f"{RUNS}/{run_id}/decisions",
        data=form,
        headers=page_login("county"),
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == (
        f"{RUNS}/{run_id}?show=uncovered&offset=40#pair-E00001-{need_id}"
    )
    with make.writing(database_url) as session:
        assert session.scalars(select(Decision)).all() == []
