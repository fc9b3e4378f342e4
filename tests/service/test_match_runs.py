"""Match runs through the API: request, run by a worker, read, list, cancel, failures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.database import make_engine, session_factory, transaction
from api.database.models import Decision, Expert, MatchRun, Need, Notification, User, Village
from api.match_runs import task
from api.settings import Settings
from api.worker.loop import Worker

Login = Callable[[str], dict[str, str]]


@contextmanager
def worker_for(settings: Settings, name: str = "test-worker") -> Iterator[Worker]:
    engine = make_engine(settings.database_url)
    try:
        yield Worker(session_factory(engine), settings, name=name)
    finally:
        engine.dispose()


@contextmanager
def database(settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(settings.database_url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


def request_run(
    client: TestClient,
    headers: dict[str, str],
    market: str,
    kind: str,
    code: str | None,
    **options: Any,
) -> int:
    body: dict[str, Any] = {"market": market, "scope_kind": kind, "options": options}
    if code is not None:
        body["scope_code"] = code
    answer = client.post("/match-runs", headers=headers, json=body)
    assert answer.status_code == 202, answer.text
    run_id: int = answer.json()["id"]
    return run_id


def test_an_expert_run_goes_from_request_to_proposals_through_a_worker(
    client: TestClient, login: Login, settings: Settings
) -> None:
    county = login("county")
    run_id = request_run(client, county, "experts", "county", "congjiang", seed=3)
    queued = client.get(f"/match-runs/{run_id}", headers=county).json()
    assert (queued["state"], queued["state_label"]) == ("queued", "排队中")
    assert queued["options"] == {"seed": 3}
    with worker_for(settings) as worker:
        assert worker.claim_and_run() == run_id
        assert worker.claim_and_run() is None  # the queue is empty now
    run = client.get(f"/match-runs/{run_id}", headers=county).json()
    assert (run["state"], run["state_label"]) == ("succeeded", "已完成")
    assert run["status"] in ("optimal", "feasible")
    assert run["objective"] > 0 and run["bound"] >= run["objective"] - 1e-6
    assert 0 <= run["gap"] < 1e-3
    assert run["progress"]["phase"] == "done" and run["progress"]["fraction"] == 1.0
    assert [s["name"] for s in run["solves"]] == ["lead", "team"]
    figures = run["summary"]
    assert figures["market"] == "experts" and figures["demands"] > 0
    assert 0 < figures["places_filled"] <= figures["places"]
    assert run["error"] is None and run["attempts"] == 1

    page = client.get(f"/match-runs/{run_id}/assignments?limit=500", headers=county).json()
    assert page["total"] == figures["places_filled"] == len(page["items"])
    first = page["items"][0]
    assert {a["county_code"] for a in page["items"]} == {"congjiang"}
    assert first["state"] == "proposed" and first["state_label"] == "待发布"
    assert first["days"] > 0 and first["score"] is not None
    terms = {t["key"]: t["label"] for t in first["explanation"]["terms"]}
    assert terms["distance_km"] == "距离（公里）"
    assert first["explanation"]["kind_label"] == "匹配"


def test_a_labour_run_places_the_county_s_workers(
    client: TestClient, login: Login, settings: Settings
) -> None:
    county = login("county")
    run_id = request_run(client, county, "labour", "county", "congjiang")
    with worker_for(settings) as worker:
        worker.claim_and_run()
    run = client.get(f"/match-runs/{run_id}", headers=county).json()
    assert run["state"] == "succeeded", run["error"]
    assert run["summary"]["market"] == "labour"
    assert run["summary"]["extra"]["retention_model"]["n"] > 0
    page = client.get(
        f"/match-runs/{run_id}/assignments?sort=-score&limit=5", headers=county
    ).json()
    assert page["total"] == run["summary"]["places_filled"] > 0
    scores = [a["score"] for a in page["items"]]
    assert scores == sorted(scores, reverse=True)
    assert all(a["worker_id"] and a["posting_id"] and a["expert_id"] is None for a in page["items"])
    labels = {t["key"]: t["label"] for t in page["items"][0]["explanation"]["terms"]}
    assert labels["predicted_retention"] == "预测六个月留岗率"


def test_bad_requests_name_the_field(client: TestClient, login: Login) -> None:
    province = login("province")
    cases = [
        ({"market": "fish", "scope_kind": "province"}, "market"),
        ({"market": "experts", "scope_kind": "county"}, "scope_code"),
        ({"market": "experts", "scope_kind": "county", "scope_code": "atlantis"}, "scope_code"),
        ({"market": "experts", "scope_kind": "prefecture", "scope_code": "nowhere"}, "scope_code"),
        ({"market": "experts", "scope_kind": "province", "options": {"solver": "magic"}}, "solver"),
        (
            {"market": "labour", "scope_kind": "province", "options": {"time_limit": 0}},
            "time_limit",
        ),
        ({"market": "labour", "scope_kind": "province", "options": {"colour": 1}}, "colour"),
    ]
    for body, field in cases:
        answer = client.post("/match-runs", headers=province, json=body)
        assert answer.status_code == 422, (body, answer.text)
        fields = [d.get("field", "") for d in answer.json()["error"]["details"]]
        assert any(field in f for f in fields), (body, answer.json())


def test_a_prefecture_and_a_province_run_cover_their_counties(
    client: TestClient, login: Login, settings: Settings
) -> None:
    province = login("province")
    with database(settings) as sessions, transaction(sessions) as session:
        from api.database.models import County

        prefecture = session.scalar(
            select(County.prefecture_code).where(County.county_code == "weining")
        )
    prefecture_run = request_run(client, province, "experts", "prefecture", prefecture)
    province_run = request_run(client, province, "experts", "province", None)
    with worker_for(settings) as worker:
        worker.claim_and_run()
        worker.claim_and_run()
    counties = {}
    for run_id in (prefecture_run, province_run):
        page = client.get(f"/match-runs/{run_id}/assignments?limit=500", headers=province).json()
        counties[run_id] = {a["county_code"] for a in page["items"]}
    assert "weining" in counties[prefecture_run] and "congjiang" not in counties[prefecture_run]
    assert counties[province_run] == {"weining", "congjiang", "meitan"}


def test_runs_are_listed_with_filters_sorting_and_pages(client: TestClient, login: Login) -> None:
    province = login("province")
    ids = [
        request_run(client, province, market, "province", None)
        for market in ("experts", "labour", "experts")
    ]
    page = client.get("/match-runs?limit=2", headers=province).json()
    assert page["total"] == 3 and [r["id"] for r in page["items"]] == ids[::-1][:2]
    experts = client.get("/match-runs?market=experts&sort=id", headers=province).json()
    assert [r["id"] for r in experts["items"]] == [ids[0], ids[2]]
    assert client.get("/match-runs?sort=secret", headers=province).status_code == 422
    queued = client.get("/match-runs?state=queued&offset=1", headers=province).json()
    assert queued["total"] == 3 and len(queued["items"]) == 2


def test_cancelling_a_queued_run_ends_it_at_once(
    client: TestClient, login: Login, settings: Settings
) -> None:
    county = login("county")
    run_id = request_run(client, county, "experts", "county", "congjiang")
    answer = client.post(f"/match-runs/{run_id}/cancel", headers=county)
    assert answer.status_code == 200
    assert (answer.json()["state"], answer.json()["state_label"]) == ("cancelled", "已取消")
    with worker_for(settings) as worker:
        assert worker.claim_and_run() is None  # nothing left to run
    again = client.post(f"/match-runs/{run_id}/cancel", headers=county)
    assert again.status_code == 409


def test_cancelling_a_running_run_stops_it_at_the_next_checkpoint(
    client: TestClient, login: Login, settings: Settings
) -> None:
    from api.match_runs.lifecycle import claim
    from api.match_runs.task import RunContext, run_claimed
    from api.worker.heartbeat import Heartbeat

    county = login("county")
    run_id = request_run(client, county, "experts", "county", "congjiang")
    with worker_for(settings) as worker:
        lease = claim(worker.sessions, worker.name, settings.lease_seconds)
        assert lease is not None and lease.run_id == run_id
        asked = client.post(f"/match-runs/{run_id}/cancel", headers=county).json()
        assert asked["state"] == "running" and asked["cancel_requested"] is True
        context = RunContext(worker.sessions, lease, settings)
        with Heartbeat(context):
            final = run_claimed(context)
    assert final == "cancelled"
    run = client.get(f"/match-runs/{run_id}", headers=county).json()
    assert run["state"] == "cancelled" and run["finished_at"] is not None
    assert client.get(f"/match-runs/{run_id}/assignments", headers=county).json()["total"] == 0


def _insert_run(settings: Settings, **fields: object) -> int:
    with database(settings) as sessions, transaction(sessions) as session:
        values: dict[str, Any] = {
            "market": "experts",
            "scope_kind": "county",
            "scope_code": "congjiang",
            "options": {},
            **fields,
        }
        run = MatchRun(**values)
        session.add(run)
        session.flush()
        return run.id


def test_bad_input_fails_the_run_with_the_message_naming_the_item(
    client: TestClient, login: Login, settings: Settings
) -> None:
    # Options the API would refuse, written straight into the table: the task refuses them too.
    run_id = _insert_run(settings, options={"time_limit": -1})
    with worker_for(settings) as worker:
        worker.claim_and_run()
    run = client.get(f"/match-runs/{run_id}", headers=login("county")).json()
    assert (run["state"], run["state_label"]) == ("failed", "失败")
    assert run["error"]["code"] == "invalid_input"
    assert run["error"]["item"] == "options.time_limit"
    assert "time_limit must be positive" in run["error"]["message"]


def test_a_solver_bug_and_an_unexpected_error_fail_the_run_with_their_codes(
    client: TestClient, login: Login, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matching.errors import SolverError

    codes = {}
    for error in (SolverError("flow broke a capacity"), RuntimeError("disk on fire")):

        def broken(*_args: object, _error: Exception = error, **_kwargs: object) -> None:
            raise _error

        monkeypatch.setattr(task, "run_expert_match", broken)
        run_id = _insert_run(settings)
        with worker_for(settings) as worker:
            worker.claim_and_run()
        run = client.get(f"/match-runs/{run_id}", headers=login("county")).json()
        assert run["state"] == "failed"
        codes[run["error"]["code"]] = run["error"]["message"]
    assert codes == {
        "solver_error": "flow broke a capacity",
        "internal_error": "RuntimeError: disk on fire",
    }


def test_locks_that_overfill_an_expert_fail_the_run_naming_the_expert_and_quarter(
    client: TestClient, login: Login, settings: Settings
) -> None:
    county = login("county")
    first = request_run(client, county, "experts", "county", "congjiang")
    with worker_for(settings) as worker:
        worker.claim_and_run()
    proposals = client.get(f"/match-runs/{first}/assignments?limit=500", headers=county).json()
    with database(settings) as sessions, transaction(sessions) as session:
        period = dict(session.execute(select(Need.need_id, Need.period)).all())
    # An expert with two needs in one quarter: lock both, then leave the expert only the
    # days of the larger one. Each lock alone is allowed; together they overfill.
    by_quarter: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for a in proposals["items"]:
        by_quarter.setdefault((a["expert_id"], period[a["need_id"]]), []).append(a)
    (expert, _quarter), pair = next((k, v[:2]) for k, v in sorted(by_quarter.items()) if len(v) > 1)
    for a in pair:
        body = {"expert_id": expert, "need_id": a["need_id"], "kind": "lock"}
        assert client.post("/decisions", headers=county, json=body).status_code == 201
    with database(settings) as sessions, transaction(sessions) as session:
        session.execute(
            update(Expert)
            .where(Expert.expert_id == expert)
            .values(service_days_per_quarter=max(a["days"] for a in pair))
        )
    run_id = request_run(client, county, "experts", "county", "congjiang")
    with worker_for(settings) as worker:
        worker.claim_and_run()
    run = client.get(f"/match-runs/{run_id}", headers=county).json()
    assert run["state"] == "failed"
    assert run["error"]["code"] == "invalid_input"
    assert run["error"]["item"] == f"{expert}@{_quarter}"
    assert "exceed the service days" in run["error"]["message"]
    refused = client.post(f"/match-runs/{run_id}/publish", headers=county)
    assert refused.status_code == 409


def test_an_infeasible_plan_is_an_answer_with_its_reasons_and_cannot_be_published(
    client: TestClient, login: Login, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The matchers refuse impossible locks as bad input before solving; an engine that
    # still finds no plan (a future rule) must come back as an answer. Simulated here by
    # a real result whose solve is marked infeasible.
    real = task.run_expert_match

    def infeasible(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        solve = replace(result.solves[0], status="infeasible", reason="E00002: days overfilled")
        return replace(result, solves=(solve, *result.solves[1:]))

    monkeypatch.setattr(task, "run_expert_match", infeasible)
    county = login("county")
    run_id = request_run(client, county, "experts", "county", "congjiang")
    with worker_for(settings) as worker:
        worker.claim_and_run()
    run = client.get(f"/match-runs/{run_id}", headers=county).json()
    assert run["state"] == "succeeded" and run["error"] is None
    assert (run["status"], run["status_label"]) == ("infeasible", "无可行方案")
    assert run["infeasible_reasons"] == ["lead: E00002: days overfilled"]
    refused = client.post(f"/match-runs/{run_id}/publish", headers=county)
    assert refused.status_code == 409
    assert "no feasible plan" in refused.json()["error"]["message"]


def test_a_lock_that_breaks_a_hard_rule_fails_the_run_naming_the_decision(
    client: TestClient, login: Login, settings: Settings
) -> None:
    county = login("county")
    with database(settings) as sessions, transaction(sessions) as session:
        needs = session.scalars(
            select(Need.need_id)
            .join(Village, Village.village_id == Need.village_id)
            .where(Village.county_code == "congjiang", Need.status == "open")
            .order_by(Need.need_id)
        ).all()
    for need_id in needs[:40]:  # one expert cannot serve forty needs of every industry
        body = {"expert_id": "E00001", "need_id": need_id, "kind": "lock"}
        assert client.post("/decisions", headers=county, json=body).status_code == 201
    run_id = request_run(client, county, "experts", "county", "congjiang")
    with worker_for(settings) as worker:
        worker.claim_and_run()
    run = client.get(f"/match-runs/{run_id}", headers=county).json()
    assert run["state"] == "failed"
    assert run["error"]["code"] == "invalid_input"
    assert run["error"]["item"].startswith("decision ")
    assert "E00001" in run["error"]["message"] and "hard rule" in run["error"]["message"]


def test_a_publish_notifies_the_experts_and_the_coordinator(
    client: TestClient, login: Login, settings: Settings
) -> None:
    county = login("county")
    run_id = request_run(client, county, "experts", "county", "congjiang")
    with worker_for(settings) as worker:
        worker.claim_and_run()
    answer = client.post(f"/match-runs/{run_id}/publish", headers=county)
    assert answer.status_code == 200, answer.text
    done = answer.json()
    assert done["published"] > 0 and done["superseded"] == 0 and done["notified"] > 0
    with database(settings) as sessions, transaction(sessions) as session:
        notified = set(
            session.execute(
                select(User.username, User.role).join(Notification, Notification.user_id == User.id)
            ).all()
        )
        assert ("county", "county") in notified
        assert ("county-other", "county") not in notified  # weining: nothing changed there
        assert session.scalar(select(Decision.id)) is None


def _first_open_need(settings: Settings, county: str) -> str:
    with database(settings) as sessions, transaction(sessions) as session:
        need = session.scalar(
            select(Need.need_id)
            .join(Village, Village.village_id == Need.village_id)
            .where(Village.county_code == county, Need.status == "open")
            .order_by(Need.need_id)
        )
        assert need is not None
        return need


def test_uncovered_needs_are_listed_with_the_matcher_s_reason(
    client: TestClient, login: Login, settings: Settings
) -> None:
    county = login("county-other")
    run_id = request_run(client, county, "experts", "county", "weining", seed=3)
    labour_id = request_run(client, county, "labour", "county", "weining")
    with worker_for(settings) as worker:
        worker.claim_and_run()
        worker.claim_and_run()
    found = client.get(f"/match-runs/{run_id}/uncovered", headers=county).json()
    assert found["recorded"] is True and found["items"]
    items = found["items"]
    proposed = client.get(f"/match-runs/{run_id}/assignments?limit=500", headers=county).json()
    assert not {u["need_id"] for u in items} & {a["need_id"] for a in proposed["items"]}
    assert {u["county_code"] for u in items} == {"weining"}
    assert all(u["explanation"]["kind"] == "uncovered_need" for u in items)
    deep = client.get(
        f"/match-runs/{run_id}/uncovered", params={"deep_poverty": "true"}, headers=county
    ).json()["items"]
    assert deep and all(u["deep_poverty"] for u in deep)
    assert {u["need_id"] for u in deep} == {u["need_id"] for u in items if u["deep_poverty"]}
    labour = client.get(f"/match-runs/{labour_id}/uncovered", headers=county).json()
    assert labour == {"run_id": labour_id, "recorded": False, "items": []}


def test_access_matrix_of_every_match_run_endpoint(
    client: TestClient, login: Login, settings: Settings
) -> None:
    own = request_run(client, login("county"), "experts", "county", "congjiang")
    other = request_run(client, login("county-other"), "experts", "county", "weining")
    whole = request_run(client, login("province"), "labour", "province", None)
    with worker_for(settings) as worker:
        for _ in range(3):
            worker.claim_and_run()

    def status(user: str, method: str, path: str, body: Any = None) -> int:
        answer = client.request(method, path, headers=login(user), json=body)
        text = answer.text
        if user == "county":  # nothing of another county in any body
            assert "weining" not in text and "meitan" not in text, (method, path)
        return answer.status_code

    reads = [
        ("GET", "/match-runs/{}"),
        ("GET", "/match-runs/{}/assignments"),
        ("GET", "/match-runs/{}/uncovered"),
    ]
    for method, template in reads:
        assert status("province", method, template.format(other)) == 200
        assert status("county", method, template.format(own)) == 200
        assert status("county", method, template.format(other)) == 404
        assert status("county", method, template.format(whole)) == 404
        assert status("county-other", method, template.format(own)) == 404
        for user in ("expert", "expert-other", "city", "city-other"):
            assert status(user, method, template.format(own)) == 403
    listed = client.get("/match-runs", headers=login("county")).json()
    assert [r["id"] for r in listed["items"]] == [own]
    assert status("county", "GET", "/match-runs") == 200
    assert client.get("/match-runs", headers=login("province")).json()["total"] == 3
    for user in ("expert", "city"):
        assert status(user, "GET", "/match-runs") == 403

    body = {"market": "experts", "scope_kind": "county", "scope_code": "weining"}
    assert status("county", "POST", "/match-runs", body) == 403
    assert status("county", "POST", "/match-runs", {**body, "scope_kind": "province"}) == 403
    for user in ("expert", "city"):
        assert status(user, "POST", "/match-runs", {**body, "scope_code": "congjiang"}) == 403

    for action in ("cancel", "publish"):
        assert status("county", "POST", f"/match-runs/{other}/{action}") == 404
        assert status("county-other", "POST", f"/match-runs/{own}/{action}") == 404
        assert status("expert", "POST", f"/match-runs/{own}/{action}") == 403
        assert status("city", "POST", f"/match-runs/{own}/{action}") == 403
    assert status("county", "POST", f"/match-runs/{own}/publish") == 200
    assert status("province", "POST", f"/match-runs/{other}/publish") == 200
    assert status("county", "POST", f"/match-runs/{own}/cancel") == 409  # finished


def test_access_matrix_and_rules_of_decisions(
    client: TestClient, login: Login, settings: Settings
) -> None:
    own_need = _first_open_need(settings, "congjiang")
    other_need = _first_open_need(settings, "weining")
    lock = {"expert_id": "E00003", "need_id": own_need, "kind": "lock"}
    made = client.post("/decisions", headers=login("county"), json=lock)
    assert made.status_code == 201
    assert (made.json()["kind"], made.json()["kind_label"]) == ("lock", "锁定")
    clash = client.post("/decisions", headers=login("county"), json={**lock, "kind": "forbid"})
    assert clash.status_code == 409
    foreign = {**lock, "need_id": other_need}
    assert client.post("/decisions", headers=login("county"), json=foreign).status_code == 404
    other = client.post("/decisions", headers=login("county-other"), json=foreign)
    assert other.status_code == 201
    unknown = client.post(
        "/decisions", headers=login("county"), json={**lock, "expert_id": "E99999"}
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"] == [{"field": "expert_id"}]
    for user in ("expert", "city"):
        assert client.post("/decisions", headers=login(user), json=lock).status_code == 403
        assert client.get("/decisions", headers=login(user)).status_code == 403

    mine = client.get("/decisions", headers=login("county"))
    assert [d["need_id"] for d in mine.json()["items"]] == [own_need]
    assert other_need not in mine.text
    assert client.get("/decisions", headers=login("province")).json()["total"] == 2
    assert client.get("/decisions?kind=forbid", headers=login("province")).json()["total"] == 0
    other_id = other.json()["id"]
    assert client.delete(f"/decisions/{other_id}", headers=login("county")).status_code == 404
    mine_id = made.json()["id"]
    assert client.delete(f"/decisions/{mine_id}", headers=login("county")).status_code == 204
    assert client.get("/decisions", headers=login("county")).json()["total"] == 0


def test_a_forbid_keeps_a_pair_out_of_the_next_run(
    client: TestClient, login: Login, settings: Settings
) -> None:
    county = login("county")
    first = request_run(client, county, "experts", "county", "congjiang")
    with worker_for(settings) as worker:
        worker.claim_and_run()
    chosen = client.get(f"/match-runs/{first}/assignments?limit=1", headers=county).json()
    pair = chosen["items"][0]
    body = {"expert_id": pair["expert_id"], "need_id": pair["need_id"], "kind": "forbid"}
    assert client.post("/decisions", headers=county, json=body).status_code == 201
    second = request_run(client, county, "experts", "county", "congjiang")
    with worker_for(settings) as worker:
        worker.claim_and_run()
    again = client.get(
        f"/match-runs/{second}/assignments?need_id={pair['need_id']}", headers=county
    ).json()
    assert pair["expert_id"] not in {a["expert_id"] for a in again["items"]}
