"""Partner cities see the candidates for their postings, reduced, and confirm or reject."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.database.models import (
    Assignment,
    AuditEntry,
    Notification,
    Placement,
    Posting,
    Village,
    Worker,
)
from api.match_runs.previous import labour_refusals

from . import factories as make

Login = Callable[[str], dict[str, str]]

# Never shown to a partner city, under any name.
FORBIDDEN_KEYS = {
    "gender",
    "registered_poor",
    "ethnic_code",
    "ethnicity",
    "village_id",
    "village",
    "county_code",
    "township_id",
    "explanation",
    "self_description_zh",
}


@dataclass(frozen=True)
class Market:
    posting: str  # guangzhou's first open posting
    second_posting: str  # guangzhou's second open posting
    foshan_posting: str
    group: list[int]  # a congjiang group's members, all at `posting`
    group_workers: list[str]
    single: int  # a congjiang worker without a group, at `posting`
    weining: int  # a weining worker at `second_posting`
    proposed: int  # never shown
    foshan: int  # another city's candidate


@pytest.fixture
def market(database_url: str) -> Market:
    with make.writing(database_url) as session:
        run = make.match_run(session, market="labour")
        posting, second = make.open_postings(session, city="guangzhou", count=2)
        foshan = make.open_postings(session, city="foshan")[0]
        group = make.group_of(session, county="congjiang")
        grouped = {w.worker_id for w in group}
        loners = [
            w
            for w in make.workers_of(session, county="congjiang", count=20)
            if w.group_id is None and w.worker_id not in grouped
        ]
        weining = make.workers_of(session, county="weining")[0]

        def place(worker: Worker, at: Posting, state: str = "published") -> int:
            return make.labour_assignment(
                session, run=run, worker=worker, posting=at, state=state
            ).id

        return Market(
            posting=posting.posting_id,
            second_posting=second.posting_id,
            foshan_posting=foshan.posting_id,
            group=[place(w, posting) for w in group],
            group_workers=[w.worker_id for w in group],
            single=place(loners[0], posting),
            weining=place(weining, second),
            proposed=place(loners[1], posting, "proposed"),
            foshan=place(loners[2], foshan),
        )


def leaves(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair anywhere in a JSON body."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)


def assert_no_protected_data(body: Any, database_url: str) -> None:
    """No gender, ethnicity, household poverty status or home village, by key or by value."""
    keys = {key for key, _ in leaves(body)}
    assert not keys & FORBIDDEN_KEYS
    text = json.dumps(body, ensure_ascii=False)
    assert "建档立卡" not in text and "registered_poor" not in text
    worker_ids = {v for k, v in leaves(body) if k == "worker_id"}
    with make.writing(database_url) as session:
        for worker in session.scalars(select(Worker).where(Worker.worker_id.in_(worker_ids))):
            village = session.get(Village, worker.village_id)
            assert village is not None
            for secret in (worker.village_id, village.name_zh, village.county_code):
                assert secret not in text
            assert worker.gender not in {str(v) for _, v in leaves(body)}


def test_a_city_sees_its_published_candidates_reduced_to_what_hiring_needs(
    client: TestClient, login: Login, market: Market, database_url: str
) -> None:
    answer = client.get("/candidates", params={"limit": 500}, headers=login("city"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    ids = [item["assignment_id"] for item in body["items"]]
    assert ids == sorted([*market.group, market.single, market.weining])
    assert_no_protected_data(body, database_url)
    first = body["items"][0]
    assert first["display_name"] == f"候选人 {first['worker_id']}"
    assert (first["state"], first["state_label"]) == ("published", "已发布")
    assert first["group"] == {
        "group_id": first["group"]["group_id"],
        "members": market.group_workers,
    }
    assert set(first) == {
        "assignment_id",
        "posting_id",
        "posting_title_zh",
        "state",
        "state_label",
        "worker_id",
        "display_name",
        "age",
        "education",
        "skills",
        "certificates",
        "group",
        "placement",
        "reason",
        "decided_at",
        "published_at",
    }
    for item in body["items"]:
        for code in item["skills"] + item["certificates"]:
            assert code["label"] and code["code"]


def test_candidates_filter_by_posting_and_state(
    client: TestClient, login: Login, market: Market
) -> None:
    headers = login("city")
    one = client.get("/candidates", params={"posting_id": market.second_posting}, headers=headers)
    assert [i["assignment_id"] for i in one.json()["items"]] == [market.weining]
    none = client.get("/candidates", params={"state": "accepted"}, headers=headers)
    assert none.json()["total"] == 0
    for posting in (market.foshan_posting, "P99999"):
        missing = client.get("/candidates", params={"posting_id": posting}, headers=headers)
        assert missing.status_code == 404
    paged = client.get("/candidates", params={"limit": 2, "sort": "-id"}, headers=headers).json()
    assert paged["total"] == len(market.group) + 2
    assert [i["assignment_id"] for i in paged["items"]] == [market.weining, market.single]


def test_confirming_a_hire_makes_a_placement_and_tells_the_workers_coordinators(
    client: TestClient, login: Login, market: Market, database_url: str
) -> None:
    answer = client.post(
        f"/candidates/{market.weining}/confirm",
        json={"start_date": "2026-03-02"},
        headers=login("city"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["state"], body["state_label"]) == ("accepted", "已接受")
    assert body["placement"] == {
        "placement_id": f"PLA{market.weining:07d}",
        "start_date": "2026-03-02",
        "with_group": False,
    }
    assert_no_protected_data(body, database_url)
    with make.writing(database_url) as session:
        placement = session.get(Placement, f"PLA{market.weining:07d}")
        assert placement is not None
        assert (placement.posting_id, placement.retained_6m) == (market.second_posting, None)
        inbox = session.scalars(select(Notification)).all()
        assert [(n.user_id, n.kind) for n in inbox] == [
            (make.user_id(session, "county-other"), "hire")
        ]
        actions = {
            (e.entity, e.action)
            for e in session.scalars(select(AuditEntry).where(AuditEntry.entity != "user"))
        }
        assert actions == {("assignment", "confirm"), ("placement", "create")}
    again = client.post(
        f"/candidates/{market.weining}/confirm",
        json={"start_date": "2026-03-02"},
        headers=login("city"),
    )
    assert again.status_code == 409


def test_fellow_villagers_placed_at_one_posting_are_placed_with_their_group(
    client: TestClient, login: Login, market: Market, database_url: str
) -> None:
    headers = login("city")
    first, second = market.group[:2]
    start = {"start_date": "2026-03-02"}
    alone = client.post(f"/candidates/{first}/confirm", json=start, headers=headers).json()
    assert alone["placement"]["with_group"] is False
    together = client.post(f"/candidates/{second}/confirm", json=start, headers=headers).json()
    assert together["placement"]["with_group"] is True
    with make.writing(database_url) as session:
        earlier = session.get(Placement, f"PLA{first:07d}")
        assert earlier is not None and earlier.with_group is True


def test_a_posting_takes_no_more_hires_than_positions(
    client: TestClient, login: Login, market: Market, database_url: str
) -> None:
    with make.writing(database_url) as session:
        posting = session.get(Posting, market.posting)
        assert posting is not None
        posting.positions = 1
    headers = login("city")
    start = {"start_date": "2026-03-02"}
    assert (
        client.post(f"/candidates/{market.single}/confirm", json=start, headers=headers).status_code
        == 200
    )
    full = client.post(f"/candidates/{market.group[0]}/confirm", json=start, headers=headers)
    assert full.status_code == 409
    assert "1 positions" in full.json()["error"]["message"]
    listed = client.get("/candidates", params={"posting_id": market.posting}, headers=headers)
    states = {i["assignment_id"]: i["state"] for i in listed.json()["items"]}
    assert states[market.group[0]] == "published"  # the refused hire changed nothing


def test_a_worker_hired_at_one_posting_cannot_be_hired_at_another(
    client: TestClient, login: Login, market: Market, database_url: str
) -> None:
    # A re-match may propose a worker at a second posting; once one city has confirmed
    # them, the other's confirmation is a conflict, not a second job.
    with make.writing(database_url) as session:
        run = make.match_run(session, market="labour")
        proposed = session.get(Assignment, market.single)
        assert proposed is not None
        worker = session.get(Worker, proposed.worker_id)
        second = session.get(Posting, market.second_posting)
        assert worker is not None and second is not None
        worker_id = worker.worker_id
        elsewhere = make.labour_assignment(session, run=run, worker=worker, posting=second).id
    headers = login("city")
    start = {"start_date": "2026-03-02"}
    first = client.post(f"/candidates/{market.single}/confirm", json=start, headers=headers)
    assert first.status_code == 200
    again = client.post(f"/candidates/{elsewhere}/confirm", json=start, headers=headers)
    assert again.status_code == 409
    assert "already hired" in again.json()["error"]["message"]
    with make.writing(database_url) as session:
        placed = session.scalars(
            select(Placement.posting_id).where(Placement.worker_id == worker_id)
        ).all()
    assert market.second_posting not in placed


def test_rejecting_a_candidate_needs_a_reason_and_declines_it(
    client: TestClient, login: Login, market: Market, database_url: str
) -> None:
    headers = login("city")
    blank = client.post(
        f"/candidates/{market.single}/reject", json={"reason": " "}, headers=headers
    )
    assert blank.status_code == 422
    assert blank.json()["error"]["details"][0]["field"] == "body.reason"
    answer = client.post(
        f"/candidates/{market.single}/reject", json={"reason": "岗位已招满"}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["state"], body["state_label"], body["reason"]) == (
        "declined",
        "已谢绝",
        "岗位已招满",
    )
    assert body["placement"] is None
    with make.writing(database_url) as session:
        assert (
            session.scalars(select(Placement).where(Placement.placement_id.like("PLA%"))).all()
            == []
        )
        kinds = [n.kind for n in session.scalars(select(Notification))]
        assert kinds == ["rejected"]
    assert (
        client.post(
            f"/candidates/{market.single}/confirm",
            json={"start_date": "2026-03-02"},
            headers=headers,
        ).status_code
        == 409
    )


def test_a_rejected_pair_is_refused_to_every_later_labour_run(
    client: TestClient, login: Login, market: Market, database_url: str
) -> None:
    body = {"reason": "岗位要求夜班，本人不便"}
    rejected = client.post(f"/candidates/{market.single}/reject", json=body, headers=login("city"))
    assert rejected.status_code == 200
    with make.writing(database_url) as session:
        row = session.get(Assignment, market.single)
        assert row is not None
        pair = (str(row.worker_id), str(row.posting_id))
        refusals = labour_refusals(session, ["congjiang"])
        elsewhere = labour_refusals(session, ["weining"])
    assert pair in refusals.excluded
    assert refusals.where(pair) == f"assignment {market.single}"
    assert pair not in elsewhere.excluded


@pytest.mark.parametrize("which", ["foshan", "proposed"])
def test_a_candidate_the_city_cannot_see_is_404(
    client: TestClient, login: Login, market: Market, which: str
) -> None:
    assignment_id = getattr(market, which)
    headers = login("city")
    confirm = client.post(
        f"/candidates/{assignment_id}/confirm", json={"start_date": "2026-03-02"}, headers=headers
    )
    reject = client.post(
        f"/candidates/{assignment_id}/reject", json={"reason": "不合适"}, headers=headers
    )
    assert (confirm.status_code, reject.status_code) == (404, 404)


def test_a_start_date_must_be_a_date(client: TestClient, login: Login, market: Market) -> None:
    answer = client.post(
        f"/candidates/{market.single}/confirm", json={"start_date": "soon"}, headers=login("city")
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"] == "body.start_date"


def test_the_province_sees_every_citys_candidates(
    client: TestClient, login: Login, market: Market
) -> None:
    body = client.get("/candidates", params={"limit": 500}, headers=login("province")).json()
    assert market.foshan in {i["assignment_id"] for i in body["items"]}
    assert market.proposed not in {i["assignment_id"] for i in body["items"]}
