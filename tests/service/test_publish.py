"""Publishing a run: one transaction, locks and answers kept, re-matches after a decline."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.database import make_engine, session_factory, transaction
from api.database.models import (
    Assignment,
    AssignmentState,
    AuditEntry,
    Decision,
    MatchRun,
    Notification,
)
from api.match_runs import publish
from api.settings import Settings
from api.worker.loop import Worker

Login = Callable[[str], dict[str, str]]


@contextmanager
def database(settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(settings.database_url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


def run_to_end(client: TestClient, headers: dict[str, str], settings: Settings, **body: Any) -> int:
    body = {"market": "experts", "scope_kind": "county", "scope_code": "congjiang", **body}
    answer = client.post("/match-runs", headers=headers, json=body)
    assert answer.status_code == 202, answer.text
    with database(settings) as sessions:
        assert Worker(sessions, settings).claim_and_run() == answer.json()["id"]
    run_id: int = answer.json()["id"]
    return run_id


def stored_plan(settings: Settings) -> list[tuple[Any, ...]]:
    """Every assignment and run as stored: ids, pairs, states, publication marks."""
    with database(settings) as sessions, transaction(sessions) as session:
        rows = session.execute(
            select(
                Assignment.id,
                Assignment.run_id,
                Assignment.expert_id,
                Assignment.need_id,
                Assignment.state,
                Assignment.published_at,
                Assignment.reason,
            ).order_by(Assignment.id)
        ).all()
        runs = session.execute(
            select(MatchRun.id, MatchRun.published_at, MatchRun.published_by).order_by(MatchRun.id)
        ).all()
        counts = [
            len(session.scalars(select(model.id)).all()) for model in (Notification, AuditEntry)
        ]
        return [*map(tuple, rows), *map(tuple, runs), tuple(counts)]


def pairs(
    client: TestClient, headers: dict[str, str], run_id: int, **filters: str
) -> set[tuple[str, str]]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    page = client.get(f"/match-runs/{run_id}/assignments?limit=500&{query}", headers=headers).json()
    return {(a["expert_id"], a["need_id"]) for a in page["items"]}


def test_a_failure_mid_publish_leaves_the_previous_plan_exactly_as_it_was(
    client: TestClient, login: Login, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    county = login("county")
    first = run_to_end(client, county, settings)
    assert client.post(f"/match-runs/{first}/publish", headers=county).status_code == 200
    second = run_to_end(client, county, settings, options={"seed": 1})
    before = stored_plan(settings)

    def broken(*_args: Any, **_kwargs: Any) -> int:
        raise RuntimeError("the inbox is down")

    # By the time notifications are written, the old plan is superseded and the new one
    # published inside the transaction: the failure must undo all of it.
    monkeypatch.setattr(publish, "_notify", broken)
    with TestClient(client.app, raise_server_exceptions=False) as failing:
        answer = failing.post(f"/match-runs/{second}/publish", headers=county)
    assert answer.status_code == 500
    assert stored_plan(settings) == before

    monkeypatch.undo()
    done = client.post(f"/match-runs/{second}/publish", headers=county)
    assert done.status_code == 200, done.text
    assert pairs(client, county, first, state="superseded") == pairs(client, county, first)
    assert pairs(client, county, second, state="published") == pairs(client, county, second)


def test_publishing_twice_or_a_run_that_did_not_succeed_is_409(
    client: TestClient, login: Login, settings: Settings
) -> None:
    county = login("county")
    run_id = run_to_end(client, county, settings)
    assert client.post(f"/match-runs/{run_id}/publish", headers=county).status_code == 200
    again = client.post(f"/match-runs/{run_id}/publish", headers=county)
    assert again.status_code == 409 and "already published" in again.json()["error"]["message"]
    body = {"market": "experts", "scope_kind": "county", "scope_code": "congjiang"}
    queued = client.post("/match-runs", headers=county, json=body).json()["id"]
    assert client.post(f"/match-runs/{queued}/publish", headers=county).status_code == 409


def test_locked_and_accepted_pairs_are_kept_and_not_published_twice(
    client: TestClient, login: Login, settings: Settings
) -> None:
    county = login("county")
    first = run_to_end(client, county, settings)
    client.post(f"/match-runs/{first}/publish", headers=county)
    plan = sorted(pairs(client, county, first))
    locked, accepted = plan[0], plan[1]
    lock = {"expert_id": locked[0], "need_id": locked[1], "kind": "lock"}
    assert client.post("/decisions", headers=county, json=lock).status_code == 201
    with database(settings) as sessions, transaction(sessions) as session:
        session.execute(
            update(Assignment)
            .where(Assignment.expert_id == accepted[0], Assignment.need_id == accepted[1])
            .values(state=AssignmentState.ACCEPTED)
        )
    second = run_to_end(client, county, settings)
    proposed = pairs(client, county, second)
    assert {locked, accepted} <= proposed  # the run keeps them (both are locks for it)
    done = client.post(f"/match-runs/{second}/publish", headers=county).json()
    assert done["kept"] == 2
    old = client.get(f"/match-runs/{first}/assignments?limit=500", headers=county).json()
    states = {(a["expert_id"], a["need_id"]): a["state"] for a in old["items"]}
    assert states[locked] == "locked" and states[accepted] == "accepted"
    assert {s for p, s in states.items() if p not in (locked, accepted)} == {"superseded"}
    new = client.get(f"/match-runs/{second}/assignments?limit=500", headers=county).json()
    duplicates = [a for a in new["items"] if (a["expert_id"], a["need_id"]) in (locked, accepted)]
    assert {a["state"] for a in duplicates} == {"superseded"}
    assert all("沿用原记录" in a["reason"] for a in duplicates)
    in_force = [
        (a["expert_id"], a["need_id"])
        for page in (old, new)
        for a in page["items"]
        if a["state"] in ("published", "accepted", "locked")
    ]
    assert len(in_force) == len(set(in_force))  # each pair in force once


def test_a_rematch_after_a_decline_moves_only_that_need(
    client: TestClient, login: Login, settings: Settings
) -> None:
    county = login("county")
    first = run_to_end(client, county, settings)
    client.post(f"/match-runs/{first}/publish", headers=county)
    plan = pairs(client, county, first)
    expert, need = sorted(plan)[3]
    # What declining does (the assignments endpoints write it): the answer, the decision,
    # and a re-match run based on the published one.
    with database(settings) as sessions, transaction(sessions) as session:
        session.execute(
            update(Assignment)
            .where(Assignment.expert_id == expert, Assignment.need_id == need)
            .values(state=AssignmentState.DECLINED, reason="另有任务")
        )
        session.add(Decision(expert_id=expert, need_id=need, kind="decline", reason="另有任务"))
        rematch = MatchRun(
            market="experts",
            scope_kind="county",
            scope_code="congjiang",
            options={},
            based_on_run_id=first,
            rematch_need_id=need,
        )
        session.add(rematch)
        session.flush()
        rematch_id = rematch.id
    with database(settings) as sessions:
        assert Worker(sessions, settings).claim_and_run() == rematch_id
    run = client.get(f"/match-runs/{rematch_id}", headers=county).json()
    assert run["state"] == "succeeded", run["error"]
    assert (run["based_on_run_id"], run["rematch_need_id"]) == (first, need)
    assert run["warnings"] == []  # the strict re-match was feasible
    proposed = pairs(client, county, rematch_id)
    assert (expert, need) not in proposed
    others = {p for p in plan if p[1] != need}
    assert others <= proposed  # every other pair of the plan stays
    # Nothing else moves. The run is a whole match with the plan's other pairs locked, so
    # the decliner's freed days may fill an open place of another need; nobody else's.
    added = {p for p in proposed - others if p[1] != need}
    assert {e for e, _ in added} <= {expert}, (expert, added)
    done = client.post(f"/match-runs/{rematch_id}/publish", headers=county)
    assert done.status_code == 200, done.text
