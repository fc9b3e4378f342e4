"""Needs: create, read, change and close, in one's scope; filters, sorting, audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.database.models import AuditEntry, Need, Village
from api.database.session import normalise_url

Login = Callable[[str], dict[str, str]]


def _village_of(database_url: str, county: str) -> str:
    engine = create_engine(normalise_url(database_url))
    with Session(engine) as session:
        query = select(Village.village_id).where(Village.county_code == county)
        village = session.scalars(query.order_by(Village.village_id)).first()
    engine.dispose()
    assert village is not None
    return village


def _new_need(village_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "village_id": village_id,
        "period": "2026Q1",
        "industry_code": "TEA",
        "skill_codes": ["TEA-02"],
        "days_needed": 5,
        "urgency": 3,
        "description_zh": "茶园病虫害严重，需要专家指导防治。",
        **changes,
    }


def test_a_coordinator_records_a_need_with_a_fresh_id_and_labels(
    client: TestClient, login: Login, database_url: str
) -> None:
    """The id follows the file's style after the highest loaded one; labels beside keys."""
    village = _village_of(database_url, "congjiang")
    created = client.post("/needs", headers=login("county"), json=_new_need(village))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["need_id"] == "N000658"  # the demo data ends at N000657
    assert body["status"] == "open" and body["status_label"] == "待匹配"
    assert body["urgency_label"] == "高"
    assert body["industry_label"] == "茶叶"
    assert body["skill_codes"] == ["TEA-02"]
    assert body["county_code"] == "congjiang"
    again = client.post("/needs", headers=login("county"), json=_new_need(village))
    assert again.json()["need_id"] == "N000659"


def _first(database_url: str, query: Any) -> Any:
    engine = create_engine(normalise_url(database_url))
    with Session(engine) as session:
        value = session.scalars(query).first()
    engine.dispose()
    return value


def _need_of(database_url: str, county: str) -> str:
    query = (
        select(Need.need_id)
        .join(Village, Need.village_id == Village.village_id)
        .where(Village.county_code == county, Need.status == "open")
        .order_by(Need.need_id)
    )
    need: str = _first(database_url, query)
    return need


def test_a_coordinator_may_not_use_a_village_outside_their_county(
    client: TestClient, login: Login, database_url: str
) -> None:
    """Another county's village is answered like one that does not exist: 422, village_id."""
    elsewhere = client.post(
        "/needs", headers=login("county"), json=_new_need(_village_of(database_url, "weining"))
    )
    missing = client.post("/needs", headers=login("county"), json=_new_need("V999999"))
    assert elsewhere.status_code == missing.status_code == 422
    assert elsewhere.json()["error"]["details"] == [{"field": "village_id"}]
    assert elsewhere.json()["error"]["message"].replace(
        _village_of(database_url, "weining"), "X"
    ) == missing.json()["error"]["message"].replace("V999999", "X")


def test_unknown_codes_and_bad_values_name_their_field(
    client: TestClient, login: Login, database_url: str
) -> None:
    village = _village_of(database_url, "congjiang")
    cases = {
        "skill_codes": {"skill_codes": ["TEA-02", "NOPE-1"]},
        "industry_code": {"industry_code": "MOON"},
        "language_code": {"language_code": "xx"},
        "body.urgency": {"urgency": 4},
        "body.period": {"period": "2026-Q1"},
    }
    for field, change in cases.items():
        answer = client.post("/needs", headers=login("county"), json=_new_need(village, **change))
        assert answer.status_code == 422, field
        assert answer.json()["error"]["details"][0]["field"] == field


def test_change_and_close_are_audited_with_the_row_before_and_after(
    client: TestClient, login: Login, database_url: str
) -> None:
    need = _need_of(database_url, "congjiang")
    changed = client.patch(f"/needs/{need}", headers=login("county"), json={"urgency": 1})
    assert changed.status_code == 200
    assert changed.json()["urgency"] == 1 and changed.json()["urgency_label"] == "低"
    closed = client.delete(f"/needs/{need}", headers=login("county"))
    assert closed.json()["status"] == "closed" and closed.json()["status_label"] == "已关闭"
    assert client.get(f"/needs/{need}", headers=login("county")).status_code == 200  # kept
    engine = create_engine(normalise_url(database_url))
    with Session(engine) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "need", AuditEntry.entity_id == need)
        ).all()
    engine.dispose()
    assert [e.action for e in entries] == ["update", "close"]
    assert entries[0].before is not None and entries[0].after is not None
    assert entries[0].after["urgency"] == 1 and entries[0].before["status"] == "open"
    assert entries[1].after is not None and entries[1].after["status"] == "closed"


def test_lists_filter_sort_and_page(client: TestClient, login: Login) -> None:
    headers = login("province")
    page = client.get(
        "/needs",
        headers=headers,
        params={"county_code": "weining", "status": "open", "sort": "-urgency", "limit": 7},
    ).json()
    assert len(page["items"]) == 7 and page["total"] > 7
    assert {n["county_code"] for n in page["items"]} == {"weining"}
    assert {n["status"] for n in page["items"]} == {"open"}
    urgencies = [n["urgency"] for n in page["items"]]
    assert urgencies == sorted(urgencies, reverse=True)
    rest = client.get(
        "/needs",
        headers=headers,
        params={
            "county_code": "weining",
            "status": "open",
            "sort": "-urgency",
            "offset": 7,
            "limit": 500,
        },
    ).json()
    seen = {n["need_id"] for n in page["items"]}
    assert not seen & {n["need_id"] for n in rest["items"]}
    assert len(seen) + len(rest["items"]) == page["total"]
    deep = client.get("/needs", headers=headers, params={"deep_poverty": True, "limit": 500})
    assert all(n["deep_poverty_village"] for n in deep.json()["items"])
    tea = client.get("/needs", headers=headers, params={"skill_code": "TEA-02", "limit": 500})
    assert tea.json()["total"] > 0
    assert all("TEA-02" in n["skill_codes"] for n in tea.json()["items"])
    bad_sort = client.get("/needs", headers=headers, params={"sort": "password"})
    assert bad_sort.status_code == 422
    assert bad_sort.json()["error"]["details"][0]["field"] == "query.sort"


def test_access_matrix(client: TestClient, login: Login, database_url: str) -> None:
    """Every role × own / other county: the status, and no other county's need in a body."""
    own, other = _need_of(database_url, "congjiang"), _need_of(database_url, "weining")
    village = _village_of(database_url, "congjiang")
    cases = [
        # (account, method, path, json, expected status)
        ("province", "GET", f"/needs/{own}", None, 200),
        ("province", "GET", f"/needs/{other}", None, 200),
        ("province", "PATCH", f"/needs/{other}", {"days_needed": 7}, 200),
        ("province", "POST", "/needs", _new_need(village), 201),
        ("county", "GET", f"/needs/{own}", None, 200),
        ("county", "GET", f"/needs/{other}", None, 404),
        ("county", "PATCH", f"/needs/{own}", {"days_needed": 8}, 200),
        ("county", "PATCH", f"/needs/{other}", {"days_needed": 8}, 404),
        ("county", "DELETE", f"/needs/{other}", None, 404),
        ("county-other", "GET", f"/needs/{own}", None, 404),
        ("county-other", "PATCH", f"/needs/{own}", {"days_needed": 9}, 404),
        ("county-other", "POST", "/needs", _new_need(village), 422),
        # An expert sees only the needs of their published assignments (none yet).
        ("expert", "GET", f"/needs/{own}", None, 404),
        ("expert", "POST", "/needs", _new_need(village), 403),
        ("expert", "PATCH", f"/needs/{own}", {"days_needed": 9}, 403),
        ("city", "GET", "/needs", None, 403),
        ("city", "GET", f"/needs/{own}", None, 403),
        ("city", "POST", "/needs", _new_need(village), 403),
        ("city", "DELETE", f"/needs/{own}", None, 403),
    ]
    # What the other county's need holds; the caller only ever sent its id.
    secrets = {
        need: client.get(f"/needs/{need}", headers=login("province")).json()["description_zh"]
        for need in (own, other)
    }
    hidden = {"county": other, "county-other": own, "expert": own, "city": own}
    for account, method, path, body, status in cases:
        answer = client.request(method, path, headers=login(account), json=body)
        assert answer.status_code == status, (account, method, path, answer.text)
        if account in hidden:
            assert secrets[hidden[account]] not in answer.text, (account, method, path)
    for account, county in (("county", "congjiang"), ("county-other", "weining")):
        listed = client.get("/needs", headers=login(account), params={"limit": 500}).json()
        assert listed["total"] > 0
        assert {n["county_code"] for n in listed["items"]} == {county}
    assert client.get("/needs", headers=login("expert")).json()["total"] == 0
