"""Needs: create, read, change and close, in one's scope; filters, sorting, audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.database.models import Village
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
