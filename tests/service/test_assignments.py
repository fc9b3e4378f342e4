"""Experts answer their assignments; coordinators list their county's assignments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.database.models import AuditEntry, Decision, MatchRun, Notification

from . import factories as make

Login = Callable[[str], dict[str, str]]


@dataclass(frozen=True)
class Plan:
    run_id: int
    need_ids: list[str]
    published: int  # E00001, need 0
    locked: int  # E00001, need 3
    proposed: int  # E00001, need 1: never shown to the expert
    superseded: int  # E00001, need 2: never shown to the expert
    other_expert: int  # E00002, need 0, published
    weining: int  # another county's published assignment


@pytest.fixture
def plan(database_url: str) -> Plan:
    with make.writing(database_url) as session:
        run = make.match_run(session, options={"solver": "flow", "seed": 11, "time_limit": 30})
        needs = make.open_needs(session, county="congjiang", count=4)
        mine = [
            make.expert_assignment(session, run=run, expert_id="E00001", need=need, state=state)
            for need, state in zip(
                needs, ["published", "proposed", "superseded", "locked"], strict=True
            )
        ]
        other = make.expert_assignment(session, run=run, expert_id="E00002", need=needs[0])
        weining_run = make.match_run(session, county="weining")
        weining_need = make.open_needs(session, county="weining")[0]
        weining = make.expert_assignment(
            session, run=weining_run, expert_id="E00003", need=weining_need
        )
        return Plan(
            run.id,
            [n.need_id for n in needs],
            mine[0].id,
            mine[3].id,
            mine[1].id,
            mine[2].id,
            other.id,
            weining.id,
        )


def test_an_expert_sees_their_published_and_answered_assignments_with_need_and_village(
    client: TestClient, login: Login, plan: Plan
) -> None:
    """Proposed and superseded assignments and other experts' ones never show."""
    answer = client.get("/me/assignments", headers=login("expert"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [item["id"] for item in body["items"]] == [plan.published, plan.locked]
    assert body["total"] == 2
    first = body["items"][0]
    assert first["state"] == "published"
    assert first["state_label"] == "已发布"
    assert first["need"]["need_id"] == plan.need_ids[0]
    assert first["need"]["industry"]["label"]  # a Chinese name beside the code
    village = first["village"]
    assert village["county_code"] == "congjiang"
    assert village["county_name_zh"] == "从江县"
    assert village["deep_poverty_label"] == (
        "深度贫困村" if village["deep_poverty"] else "非深度贫困村"
    )
    assert first["days"] == 3
    labels = {t["key"]: t["label"] for t in first["explanation"]["terms"]}
    assert labels == {"distance_km": "距离（公里）", "edge_weight": "匹配得分"}
    assert body["items"][1]["state_label"] == "已锁定"


def test_an_expert_filters_by_state_and_period_and_pages(
    client: TestClient, login: Login, plan: Plan, database_url: str
) -> None:
    headers = login("expert")
    locked = client.get("/me/assignments", params={"state": "locked"}, headers=headers).json()
    assert [i["id"] for i in locked["items"]] == [plan.locked]
    with make.writing(database_url) as session:
        need = make.open_needs(session, county="congjiang")[0]
        period = need.period
    by_period = client.get("/me/assignments", params={"period": period}, headers=headers).json()
    assert {i["need"]["period"] for i in by_period["items"]} == {period}
    assert (
        client.get("/me/assignments", params={"period": "1999Q1"}, headers=headers).json()["total"]
        == 0
    )
    page = client.get(
        "/me/assignments", params={"limit": 1, "offset": 1, "sort": "-id"}, headers=headers
    ).json()
    assert (page["total"], [i["id"] for i in page["items"]]) == (2, [plan.published])
    hidden_state = client.get("/me/assignments", params={"state": "proposed"}, headers=headers)
    assert hidden_state.status_code == 422
    assert hidden_state.json()["error"]["details"][0]["field"] == "query.state"


def test_accepting_a_published_assignment_is_audited_and_only_works_once(
    client: TestClient, login: Login, plan: Plan, database_url: str
) -> None:
    headers = login("expert")
    answer = client.post(f"/me/assignments/{plan.published}/accept", headers=headers)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["state"], answer.json()["state_label"]) == ("accepted", "已接受")
    assert answer.json()["decided_at"] is not None
    again = client.post(f"/me/assignments/{plan.published}/accept", headers=headers)
    assert again.status_code == 409
    assert "published" in again.json()["error"]["message"]
    with make.writing(database_url) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "assignment")).all()
        assert [(e.entity_id, e.action) for e in entries] == [(str(plan.published), "accept")]
        assert entries[0].before is not None and entries[0].before["state"] == "published"
        assert entries[0].after is not None and entries[0].after["state"] == "accepted"
        assert entries[0].user_id == make.user_id(session, "expert")


def test_only_a_published_assignment_can_be_answered(
    client: TestClient, login: Login, plan: Plan
) -> None:
    headers = login("expert")
    locked = client.post(f"/me/assignments/{plan.locked}/accept", headers=headers)
    assert locked.status_code == 409
    declined = client.post(
        f"/me/assignments/{plan.locked}/decline", json={"reason": "太远"}, headers=headers
    )
    assert declined.status_code == 409


@pytest.mark.parametrize("which", ["other_expert", "proposed", "superseded", "weining"])
def test_an_assignment_the_expert_cannot_see_is_404(
    client: TestClient, login: Login, plan: Plan, which: str
) -> None:
    assignment_id = getattr(plan, which)
    headers = login("expert")
    assert (
        client.post(f"/me/assignments/{assignment_id}/accept", headers=headers).status_code == 404
    )
    decline = client.post(
        f"/me/assignments/{assignment_id}/decline", json={"reason": "没空"}, headers=headers
    )
    assert decline.status_code == 404
    assert client.post("/me/assignments/999999/accept", headers=headers).status_code == 404


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_a_decline_needs_a_reason(
    client: TestClient, login: Login, plan: Plan, body: dict[str, str]
) -> None:
    answer = client.post(
        f"/me/assignments/{plan.published}/decline", json=body, headers=login("expert")
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"] == "body.reason"


def test_a_decline_stores_the_decision_queues_a_rematch_and_tells_the_coordinators(
    client: TestClient, login: Login, plan: Plan, database_url: str
) -> None:
    answer = client.post(
        f"/me/assignments/{plan.published}/decline",
        json={"reason": " 这个季度在外地培训 "},
        headers=login("expert"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["assignment"]["state"], body["assignment"]["state_label"]) == (
        "declined",
        "已谢绝",
    )
    assert body["assignment"]["reason"] == "这个季度在外地培训"
    with make.writing(database_url) as session:
        decision = session.scalars(select(Decision)).one()
        assert (decision.expert_id, decision.need_id, decision.kind) == (
            "E00001",
            plan.need_ids[0],
            "decline",
        )
        assert decision.reason == "这个季度在外地培训"
        run = session.get(MatchRun, body["rematch_run_id"])
        assert run is not None
        assert (run.market, run.scope_kind, run.scope_code, run.state) == (
            "experts",
            "county",
            "congjiang",
            "queued",
        )
        assert (run.based_on_run_id, run.rematch_need_id) == (plan.run_id, plan.need_ids[0])
        assert run.options == {"solver": "flow", "seed": 11, "time_limit": 30}
        inbox = session.scalars(select(Notification)).all()
        assert [n.user_id for n in inbox] == [make.user_id(session, "county")]
        assert inbox[0].kind == "declined"
        assert inbox[0].payload["rematch_run_id"] == run.id
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity != "user")).all()
        audited = {(e.entity, e.action) for e in entries}
        assert audited == {
            ("assignment", "decline"),
            ("decision", "create"),
            ("match_run", "create"),
        }


def test_two_declines_of_one_need_share_the_queued_rematch(
    client: TestClient, login: Login, plan: Plan, database_url: str
) -> None:
    """The queued run reads every decision when it runs, so one re-match serves both."""
    first = client.post(
        f"/me/assignments/{plan.published}/decline",
        json={"reason": "没空"},
        headers=login("expert"),
    ).json()
    second = client.post(
        f"/me/assignments/{plan.other_expert}/decline",
        json={"reason": "不对口"},
        headers=login("expert-other"),
    ).json()
    assert first["rematch_run_id"] == second["rematch_run_id"]
    with make.writing(database_url) as session:
        assert len(session.scalars(select(Decision)).all()) == 2


@pytest.mark.parametrize("username", ["province", "county", "city"])
def test_only_experts_have_my_assignments(client: TestClient, login: Login, username: str) -> None:
    assert client.get("/me/assignments", headers=login(username)).status_code == 403


def test_a_coordinator_lists_every_state_of_their_county_only(
    client: TestClient, login: Login, plan: Plan
) -> None:
    answer = client.get("/assignments", params={"limit": 500}, headers=login("county"))
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert {i["county_code"] for i in items} == {"congjiang"}
    assert plan.weining not in {i["id"] for i in items}
    assert {i["state"] for i in items} == {"published", "proposed", "superseded", "locked"}
    labels = {i["state"]: i["state_label"] for i in items}
    assert labels["proposed"] == "待发布" and labels["superseded"] == "已替换"
    assert items[0]["market_label"] == "专家服务"
    other = client.get("/assignments", headers=login("county-other")).json()
    assert [i["id"] for i in other["items"]] == [plan.weining]


def test_a_coordinator_filters_sorts_and_pages(
    client: TestClient, login: Login, plan: Plan
) -> None:
    headers = login("county")

    def ids(**params: object) -> list[int]:
        answer = client.get("/assignments", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]]

    assert ids(expert_id="E00002") == [plan.other_expert]
    assert ids(state="locked") == [plan.locked]
    assert ids(need_id=plan.need_ids[0]) == [plan.published, plan.other_expert]
    assert ids(need_id=plan.need_ids[0], sort="-id") == [plan.other_expert, plan.published]
    assert ids(run_id=plan.run_id, market="experts", expert_id="E00001", limit=2, offset=1) == [
        plan.proposed,
        plan.superseded,
    ]
    assert ids(market="labour") == []
    bad = client.get("/assignments", params={"sort": "explanation"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["details"] == [{"field": "sort"}]


def test_the_province_sees_every_county(client: TestClient, login: Login, plan: Plan) -> None:
    items = client.get("/assignments", params={"limit": 500}, headers=login("province")).json()
    assert {i["county_code"] for i in items["items"]} == {"congjiang", "weining"}
    assert items["total"] == 6


@pytest.mark.parametrize(
    ("username", "method", "path", "body", "field"),
    [
        ("expert", "POST", f"/me/assignments/{2**63}/accept", None, "path.assignment_id"),
        ("expert", "POST", "/me/assignments/1/decline", {"reason": "a\x00b"}, "body.reason"),
        ("county", "GET", "/assignments?need_id=N%00", None, "query.need_id"),
        ("county", "GET", f"/assignments?run_id={2**40}", None, "query.run_id"),
        (
            "city",
            "POST",
            "/candidates/0/confirm",
            {"start_date": "2026-03-02"},
            "path.assignment_id",
        ),
    ],
)
def test_out_of_range_ids_and_unstorable_text_are_422_naming_the_field(
    client: TestClient,
    login: Login,
    username: str,
    method: str,
    path: str,
    body: dict[str, str] | None,
    field: str,
) -> None:
    """Never a 500 from the database for what the caller typed."""
    answer = client.request(method, path, json=body, headers=login(username))
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["details"][0]["field"] == field
