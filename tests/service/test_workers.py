"""Workers: kept by their county's coordinator or the province office; never served to an
expert or a partner city; groups stay within one village; every change audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from api.database.models import AuditEntry, Village, Worker
from api.database.session import normalise_url

Login = Callable[[str], dict[str, str]]


def _first(database_url: str, query: Any) -> Any:
    engine = create_engine(normalise_url(database_url))
    with Session(engine) as session:
        value = session.scalars(query).first()
    engine.dispose()
    return value


def _worker_of(database_url: str, county: str) -> str:
    query = (
        select(Worker.worker_id)
        .join(Village, Worker.village_id == Village.village_id)
        .where(Village.county_code == county)
        .order_by(Worker.worker_id)
    )
    worker: str = _first(database_url, query)
    return worker


def _villages(database_url: str, county: str) -> list[str]:
    engine = create_engine(normalise_url(database_url))
    with Session(engine) as session:
        query = select(Village.village_id).where(Village.county_code == county)
        villages = list(session.scalars(query.order_by(Village.village_id)))
    engine.dispose()
    return villages


def _new_worker(village_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "village_id": village_id,
        "registered_poor": True,
        "age": 32,
        "gender": "female",
        "education": "junior_secondary",
        "skill_codes": [],
        "certificate_codes": ["CERT-ELEC"],
        "intended_industry_codes": ["ELEC"],
        "intended_city_codes": ["guangzhou"],
        "willing_far": True,
        "expected_wage_yuan": 4500,
        "self_description_zh": "今年32岁，读到初中，想去电子厂。",
        **changes,
    }


def test_a_coordinator_records_a_worker_with_keys_and_labels(
    client: TestClient, login: Login, database_url: str
) -> None:
    village = _villages(database_url, "congjiang")[0]
    created = client.post("/workers", headers=login("county"), json=_new_worker(village))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["worker_id"] == "W000601"  # the demo data ends at W000600
    assert (body["gender"], body["gender_label"]) == ("female", "女")
    assert (body["education"], body["education_label"]) == ("junior_secondary", "初中")
    assert body["certificate_codes"] == ["CERT-ELEC"] and body["active_label"] == "在册"
    listed = client.get(
        "/workers",
        headers=login("county"),
        params={"gender": "female", "education": "junior_secondary", "limit": 500},
    ).json()
    assert body["worker_id"] in {w["worker_id"] for w in listed["items"]}
    assert {(w["gender"], w["education"]) for w in listed["items"]} == {
        ("female", "junior_secondary")
    }


def test_codes_are_checked_against_the_reference_tables(
    client: TestClient, login: Login, database_url: str
) -> None:
    village = _villages(database_url, "congjiang")[0]
    cases = {
        "intended_industry_codes": {"intended_industry_codes": ["TEA"]},  # farming, not a job
        "intended_city_codes": {"intended_city_codes": ["paris"]},
        "certificate_codes": {"certificate_codes": ["CERT-NOPE"]},
        "body.age": {"age": 70},
        "body.gender": {"gender": "男"},
    }
    for field, change in cases.items():
        answer = client.post(
            "/workers", headers=login("county"), json=_new_worker(village, **change)
        )
        assert answer.status_code == 422, field
        assert answer.json()["error"]["details"][0]["field"] == field


def test_fellow_villagers_of_a_group_share_their_village(
    client: TestClient, login: Login, database_url: str
) -> None:
    first, second = _villages(database_url, "congjiang")[:2]
    headers = login("county")
    one = client.post("/workers", headers=headers, json=_new_worker(first, group_id="GNEW1"))
    assert one.status_code == 201 and one.json()["group_id"] == "GNEW1"
    two = client.post("/workers", headers=headers, json=_new_worker(first, group_id="GNEW1"))
    assert two.status_code == 201
    elsewhere = client.post("/workers", headers=headers, json=_new_worker(second, group_id="GNEW1"))
    assert elsewhere.status_code == 422
    assert elsewhere.json()["error"]["details"] == [{"field": "group_id"}]
    moved = client.patch(
        f"/workers/{one.json()['worker_id']}", headers=headers, json={"village_id": second}
    )
    assert moved.status_code == 422  # still in GNEW1, which lives in the first village
    left = client.patch(
        f"/workers/{one.json()['worker_id']}",
        headers=headers,
        json={"village_id": second, "leave_group": True},
    )
    assert left.status_code == 200 and left.json()["group_id"] is None
    assert left.json()["village_id"] == second


def test_close_keeps_the_record_and_is_audited(
    client: TestClient, login: Login, database_url: str
) -> None:
    worker = _worker_of(database_url, "congjiang")
    closed = client.delete(f"/workers/{worker}", headers=login("county"))
    assert closed.status_code == 200 and closed.json()["active"] is False
    assert closed.json()["active_label"] == "已注销"
    inactive = client.get("/workers", headers=login("county"), params={"active": False}).json()
    assert [w["worker_id"] for w in inactive["items"]] == [worker]
    engine = create_engine(normalise_url(database_url))
    with Session(engine) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "worker", AuditEntry.entity_id == worker)
        ).one()
        active = session.scalar(select(func.count()).select_from(Worker).where(Worker.active))
    engine.dispose()
    assert entry.action == "close" and entry.before and entry.after
    assert (entry.before["active"], entry.after["active"]) == (True, False)
    assert active == 599


def test_access_matrix(client: TestClient, login: Login, database_url: str) -> None:
    """Every role × own / other county; experts and cities never get a worker."""
    own, other = _worker_of(database_url, "congjiang"), _worker_of(database_url, "weining")
    village = _villages(database_url, "congjiang")[0]
    cases = [
        ("province", "GET", f"/workers/{other}", None, 200),
        ("province", "PATCH", f"/workers/{own}", {"age": 33}, 200),
        ("province", "POST", "/workers", _new_worker(village), 201),
        ("county", "GET", f"/workers/{own}", None, 200),
        ("county", "GET", f"/workers/{other}", None, 404),
        ("county", "PATCH", f"/workers/{other}", {"age": 33}, 404),
        ("county", "DELETE", f"/workers/{other}", None, 404),
        ("county-other", "GET", f"/workers/{own}", None, 404),
        ("county-other", "PATCH", f"/workers/{own}", {"age": 34}, 404),
        ("county-other", "POST", "/workers", _new_worker(village), 422),
        ("expert", "GET", "/workers", None, 403),
        ("expert", "GET", f"/workers/{own}", None, 403),
        ("expert", "POST", "/workers", _new_worker(village), 403),
        ("city", "GET", "/workers", None, 403),
        ("city", "GET", f"/workers/{own}", None, 403),
        ("city", "PATCH", f"/workers/{own}", {"age": 35}, 403),
        ("city", "DELETE", f"/workers/{own}", None, 403),
    ]
    secrets = {
        worker: client.get(f"/workers/{worker}", headers=login("province")).json()[
            "self_description_zh"
        ]
        for worker in (own, other)
    }
    hidden = {"county": other, "county-other": own, "expert": own, "city": own}
    for account, method, path, body, status in cases:
        answer = client.request(method, path, headers=login(account), json=body)
        assert answer.status_code == status, (account, method, path, answer.text)
        if account in hidden:
            assert secrets[hidden[account]] not in answer.text, (account, method, path)
    for account, county in (("county", "congjiang"), ("county-other", "weining")):
        listed = client.get("/workers", headers=login(account), params={"limit": 500}).json()
        assert listed["total"] > 0
        assert {w["county_code"] for w in listed["items"]} == {county}


def test_a_nul_character_is_bad_input_not_a_server_error(client: TestClient, login: Login) -> None:
    """PostgreSQL cannot store NUL in text; the answer is a 422 like any bad value."""
    answer = client.post("/workers", headers=login("county"), json=_new_worker("V\x0001"))
    assert answer.status_code == 422
    looked_up = client.get("/workers/W%00001", headers=login("county"))
    assert looked_up.status_code in (404, 422)


def test_household_status_follows_and_agrees_with_the_registered_poor_flag(
    client: TestClient, login: Login, database_url: str
) -> None:
    """Without a status a new worker is 脱贫户 (registered poor) or 一般; 监测对象 may be
    either; a status that contradicts the flag is refused naming the field; the list
    filters by status."""
    village = _villages(database_url, "congjiang")[0]
    headers = login("county")
    poor = client.post("/workers", headers=headers, json=_new_worker(village)).json()
    assert (poor["household_status"], poor["household_status_label"]) == ("lifted_out", "脱贫户")
    other = client.post(
        "/workers", headers=headers, json=_new_worker(village, registered_poor=False)
    ).json()
    assert other["household_status"] == "general"
    watched = {"registered_poor": False, "household_status": "monitored"}
    changed = client.patch(f"/workers/{other['worker_id']}", headers=headers, json=watched)
    assert changed.status_code == 200 and changed.json()["household_status_label"] == "监测对象"
    wrong = client.post(
        "/workers",
        headers=headers,
        json=_new_worker(village, registered_poor=False, household_status="lifted_out"),
    )
    assert wrong.status_code in (400, 422) and "household_status" in wrong.text
    listed = client.get(
        "/workers", headers=headers, params={"household_status": "monitored", "limit": 500}
    ).json()
    assert other["worker_id"] in {w["worker_id"] for w in listed["items"]}
    assert {w["household_status"] for w in listed["items"]} == {"monitored"}
