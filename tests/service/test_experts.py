"""Experts: the province office keeps them; coordinators read those serving their county;
an expert changes a few fields of their own profile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.database.models import AuditEntry, Expert
from api.database.session import normalise_url

Login = Callable[[str], dict[str, str]]


def _expert_of(database_url: str, county: str) -> str:
    engine = create_engine(normalise_url(database_url))
    with Session(engine) as session:
        query = select(Expert.expert_id).where(Expert.home_county_code == county)
        expert = session.scalars(query.order_by(Expert.expert_id)).first()
    engine.dispose()
    assert expert is not None
    return expert


def _new_expert(**changes: Any) -> dict[str, Any]:
    return {
        "name_zh": "杨秀芬",
        "tier": "county",
        "role": "science_envoy",
        "home_county_code": "congjiang",
        "industry_codes": ["TEA"],
        "specialty_codes": ["TEA-02", "TEA-07"],
        "service_days_per_quarter": 20,
        "max_travel_km": 80,
        "available_periods": ["2026Q1"],
        "profile_zh": "从江县农技推广站农艺师，长期做茶树病虫害防治。",
        **changes,
    }


def test_the_province_adds_an_expert_at_the_county_seat_by_default(
    client: TestClient, login: Login
) -> None:
    created = client.post("/experts", headers=login("province"), json=_new_expert())
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["expert_id"] == "E00151"  # the demo data ends at E00150
    assert (body["tier"], body["tier_label"]) == ("county", "县级")
    assert (body["role"], body["role_label"]) == ("science_envoy", "科技特派员")
    assert body["language_codes"] == ["zh"] and body["active_label"] == "在岗"
    assert 25 < body["lat"] < 26.5  # 从江 lies near 25.7° N
    bad = client.post(
        "/experts", headers=login("province"), json=_new_expert(specialty_codes=["X-1"])
    )
    assert bad.status_code == 422 and bad.json()["error"]["details"] == [
        {"field": "specialty_codes"}
    ]
    nowhere = client.post(
        "/experts", headers=login("province"), json=_new_expert(home_county_code="atlantis")
    )
    assert nowhere.json()["error"]["details"] == [{"field": "home_county_code"}]


def test_an_expert_changes_a_few_fields_of_their_own_profile_only(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("expert")
    mine = client.get("/experts/E00001", headers=headers)
    assert mine.status_code == 200
    days_before = mine.json()["service_days_per_quarter"]
    changed = client.patch(
        "/experts/E00001",
        headers=headers,
        json={
            "service_days_per_quarter": 15,
            "available_periods": ["2026Q2"],
            "language_codes": ["zh", "miao"],
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["available_periods"] == ["2026Q2"]
    assert changed.json()["language_codes"] == ["zh", "miao"]
    promoted = client.patch("/experts/E00001", headers=headers, json={"tier": "province"})
    assert promoted.status_code == 403 and "tier" in promoted.json()["error"]["message"]
    assert client.get("/experts/E00001", headers=headers).json()["tier"] == "county"
    engine = create_engine(normalise_url(database_url))
    with Session(engine) as session:
        entry = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "expert", AuditEntry.entity_id == "E00001"
            )
        ).one()
    engine.dispose()
    assert entry.before and entry.after
    assert (entry.before["service_days_per_quarter"], entry.after["service_days_per_quarter"]) == (
        days_before,
        15,
    )
    listed = client.get("/experts", headers=headers).json()
    assert [e["expert_id"] for e in listed["items"]] == ["E00001"]


def test_the_province_closes_an_expert_and_lists_filter(client: TestClient, login: Login) -> None:
    closed = client.delete("/experts/E00003", headers=login("province"))
    assert closed.status_code == 200 and closed.json()["active"] is False
    active = client.get(
        "/experts", headers=login("province"), params={"active": False, "limit": 500}
    ).json()
    assert [e["expert_id"] for e in active["items"]] == ["E00003"]
    tea = client.get(
        "/experts",
        headers=login("province"),
        params={"industry_code": "TEA", "tier": "county", "sort": "-max_travel_km", "limit": 500},
    ).json()
    assert tea["total"] > 0
    assert all("TEA" in e["industry_codes"] and e["tier"] == "county" for e in tea["items"])
    radii = [e["max_travel_km"] for e in tea["items"]]
    assert radii == sorted(radii, reverse=True)


def test_access_matrix(client: TestClient, login: Login, database_url: str) -> None:
    """Every role × own / other scope; a coordinator reads only, a city never."""
    far = _expert_of(database_url, "weining")  # lives elsewhere, serves nothing in congjiang
    cases = [
        ("province", "GET", f"/experts/{far}", None, 200),
        ("province", "PATCH", f"/experts/{far}", {"tier": "prefecture"}, 200),
        ("county", "GET", "/experts/E00001", None, 200),
        ("county", "GET", f"/experts/{far}", None, 404),
        ("county", "PATCH", "/experts/E00001", {"max_travel_km": 10}, 403),
        ("county", "DELETE", "/experts/E00001", None, 403),
        ("county", "POST", "/experts", _new_expert(), 403),
        ("county-other", "GET", "/experts/E00001", None, 404),
        ("county-other", "GET", f"/experts/{far}", None, 200),
        ("expert", "GET", "/experts/E00002", None, 404),
        ("expert", "PATCH", "/experts/E00002", {"max_travel_km": 10}, 404),
        ("expert", "DELETE", "/experts/E00001", None, 403),
        ("expert", "POST", "/experts", _new_expert(), 403),
        ("expert-other", "GET", "/experts/E00001", None, 404),
        ("expert-other", "PATCH", "/experts/E00002", {"max_travel_km": 12}, 200),
        ("city", "GET", "/experts", None, 403),
        ("city", "GET", "/experts/E00001", None, 403),
        ("city", "POST", "/experts", _new_expert(), 403),
    ]
    secrets = {
        expert: client.get(f"/experts/{expert}", headers=login("province")).json()["profile_zh"]
        for expert in ("E00001", "E00002", far)
    }
    hidden = {
        "county": [far],
        "county-other": ["E00001"],
        "expert": ["E00002", far],
        "expert-other": ["E00001"],
        "city": ["E00001"],
    }
    for account, method, path, body, status in cases:
        answer = client.request(method, path, headers=login(account), json=body)
        assert answer.status_code == status, (account, method, path, answer.text)
        for expert in hidden.get(account, []):
            assert secrets[expert] not in answer.text, (account, method, path)
    listed = client.get("/experts", headers=login("county"), params={"limit": 500}).json()
    assert listed["total"] > 0
    assert {e["home_county_code"] for e in listed["items"]} == {"congjiang"}
