"""Postings: a city keeps its own, the province office all; coordinators read open ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.database.models import AuditEntry, Posting
from api.database.session import normalise_url

Login = Callable[[str], dict[str, str]]


def _posting_of(database_url: str, city: str, status: str = "open") -> str:
    engine = create_engine(normalise_url(database_url))
    with Session(engine) as session:
        query = select(Posting.posting_id).where(
            Posting.partner_city_code == city, Posting.status == status
        )
        posting = session.scalars(query.order_by(Posting.posting_id)).first()
    engine.dispose()
    assert posting is not None
    return posting


def _new_posting(**changes: Any) -> dict[str, Any]:
    return {
        "city_reference": "SH-FORM-1",
        "employer_name_zh": "广州鑫源服饰有限公司",
        "title_zh": "缝纫工",
        "industry_code": "GARM",
        "positions": 4,
        "wage_yuan_month": 5800,
        "required_skill_codes": ["GARM-01"],
        "housing": True,
        "period": "2026Q2",
        **changes,
    }


def test_a_city_posts_changes_and_closes_its_own_posting(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("city")
    created = client.post("/postings", headers=headers, json=_new_posting())
    assert created.status_code == 201, created.text
    posting = created.json()
    assert posting["posting_id"] == "P00251" and posting["partner_city_code"] == "guangzhou"
    assert posting["industry_label"] == "服装纺织"
    again = client.post("/postings", headers=headers, json=_new_posting())
    assert again.status_code == 409  # the reference is taken: change that posting instead
    changed = client.patch(
        f"/postings/{posting['posting_id']}", headers=headers, json={"max_age": 40, "min_age": 20}
    )
    assert changed.status_code == 200 and changed.json()["max_age"] == 40
    crossed = client.patch(
        f"/postings/{posting['posting_id']}", headers=headers, json={"max_age": 18}
    )
    assert crossed.status_code == 422
    assert crossed.json()["error"]["details"] == [{"field": "max_age"}]
    closed = client.delete(f"/postings/{posting['posting_id']}", headers=headers)
    assert closed.json()["status"] == "closed" and closed.json()["status_label"] == "已关闭"
    engine = create_engine(normalise_url(database_url))
    with Session(engine) as session:
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "posting", AuditEntry.entity_id == posting["posting_id"])
            .order_by(AuditEntry.id)
        ).all()
    engine.dispose()
    assert actions == ["create", "update", "close"]


def test_the_province_names_the_city_and_codes_are_checked(
    client: TestClient, login: Login
) -> None:
    headers = login("province")
    unnamed = client.post("/postings", headers=headers, json=_new_posting())
    assert unnamed.json()["error"]["details"] == [{"field": "partner_city_code"}]
    made = client.post("/postings", headers=headers, json=_new_posting(partner_city_code="zhuhai"))
    assert made.status_code == 201 and made.json()["partner_city_code"] == "zhuhai"
    for field, change in {
        "industry_code": {"industry_code": "TEA"},
        "required_certificate_codes": {"required_certificate_codes": ["CERT-NOPE"]},
        "earmarked_prefecture_codes": {"earmarked_prefecture_codes": ["atlantis"]},
    }.items():
        answer = client.post(
            "/postings", headers=headers, json=_new_posting(partner_city_code="zhuhai", **change)
        )
        assert answer.status_code == 422 and answer.json()["error"]["details"] == [{"field": field}]
    # 珠海 pairs with 遵义 from 2021: an earmark elsewhere would reach no worker.
    elsewhere = _new_posting(partner_city_code="zhuhai", earmarked_prefecture_codes=["bijie"])
    refused = client.post("/postings", headers=headers, json=elsewhere)
    assert refused.status_code == 422
    assert "bijie is not paired with zhuhai" in refused.json()["error"]["message"]
    paired = {**elsewhere, "earmarked_prefecture_codes": ["zunyi"], "city_reference": "ZH-2"}
    assert client.post("/postings", headers=headers, json=paired).status_code == 201


def test_lists_filter_and_sort(client: TestClient, login: Login) -> None:
    page = client.get(
        "/postings",
        headers=login("province"),
        params={"status": "open", "min_wage": 6000, "sort": "-wage_yuan_month", "limit": 500},
    ).json()
    wages = [p["wage_yuan_month"] for p in page["items"]]
    assert wages and min(wages) >= 6000 and wages == sorted(wages, reverse=True)
    housing = client.get("/postings", headers=login("province"), params={"housing": True}).json()
    assert housing["total"] > 0 and all(p["housing"] for p in housing["items"])


def test_access_matrix(client: TestClient, login: Login, database_url: str) -> None:
    """Every role × own / other city; a coordinator reads open postings only."""
    own, other = _posting_of(database_url, "guangzhou"), _posting_of(database_url, "foshan")
    own_closed = _posting_of(database_url, "guangzhou", "closed")
    cases = [
        ("province", "GET", f"/postings/{other}", None, 200),
        ("province", "PATCH", f"/postings/{own}", {"positions": 3}, 200),
        ("city", "GET", f"/postings/{own}", None, 200),
        ("city", "GET", f"/postings/{own_closed}", None, 200),
        ("city", "GET", f"/postings/{other}", None, 404),
        ("city", "PATCH", f"/postings/{other}", {"positions": 3}, 404),
        ("city", "DELETE", f"/postings/{other}", None, 404),
        ("city", "POST", "/postings", _new_posting(partner_city_code="foshan"), 403),
        ("city-other", "GET", f"/postings/{own}", None, 404),
        ("city-other", "PATCH", f"/postings/{own}", {"positions": 2}, 404),
        ("county", "GET", f"/postings/{own}", None, 200),
        ("county", "GET", f"/postings/{own_closed}", None, 404),
        ("county", "PATCH", f"/postings/{own}", {"positions": 2}, 403),
        ("county", "DELETE", f"/postings/{own}", None, 403),
        ("county", "POST", "/postings", _new_posting(), 403),
        ("expert", "GET", "/postings", None, 403),
        ("expert", "GET", f"/postings/{own}", None, 403),
        ("expert", "POST", "/postings", _new_posting(), 403),
    ]
    secrets = {
        posting: client.get(f"/postings/{posting}", headers=login("province")).json()[
            "description_zh"
        ]
        for posting in (own, other, own_closed)
    }
    hidden = {
        "city": [other],
        "city-other": [own, own_closed],
        "county": [own_closed],
        "expert": [own],
    }
    for account, method, path, body, status in cases:
        answer = client.request(method, path, headers=login(account), json=body)
        assert answer.status_code == status, (account, method, path, answer.text)
        for posting in hidden.get(account, []):
            assert secrets[posting] not in answer.text, (account, method, path)
    for account, city in (("city", "guangzhou"), ("city-other", "foshan")):
        listed = client.get("/postings", headers=login(account), params={"limit": 500}).json()
        assert listed["total"] > 0
        assert {p["partner_city_code"] for p in listed["items"]} == {city}
    seen_by_county = client.get("/postings", headers=login("county"), params={"limit": 500})
    assert {p["status"] for p in seen_by_county.json()["items"]} == {"open"}
