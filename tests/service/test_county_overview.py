"""A coordinator's overview and map of their county (`api.reports.county`), and the
searches the county pages use (`q` on needs and workers, `hired` on workers).

The figures without a plan are checked against the demo files counted independently
(pandas); with a small plan written into the database, against what that plan holds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.database.models import Role
from api.errors import ForbiddenError
from api.policy import Principal
from api.reports.county import county_map, county_overview

from . import factories as make

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
COUNTY = Principal(1, Role.COUNTY, county_code="congjiang")
Login = Callable[[str], dict[str, str]]


def _demo(name: str) -> pd.DataFrame:
    return pd.read_csv(DEMO / f"{name}.csv", dtype={"group_id": str})


def _of_county(frame: pd.DataFrame, county: str) -> pd.DataFrame:
    villages = _demo("villages")
    return frame.merge(villages[["village_id", "county_code", "deep_poverty"]])[
        lambda f: f["county_code"] == county
    ]


def test_the_overview_without_a_plan_counts_what_the_files_hold(database_url: str) -> None:
    needs = _of_county(_demo("needs"), "congjiang")
    open_needs = needs[needs["status"] == "open"]
    villages = _demo("villages")[lambda f: f["county_code"] == "congjiang"]
    workers = _of_county(_demo("workers"), "congjiang")
    placed = _demo("placements").merge(_demo("postings")[["posting_id", "status"]])
    hired = set(placed.loc[placed["status"] == "open", "worker_id"]) & set(workers["worker_id"])
    with make.writing(database_url) as session:
        overview = county_overview(session, COUNTY)
    assert overview.scope.label_zh == "从江县"
    assert overview.coverage.all.open_needs == len(open_needs)
    assert overview.coverage.all.covered_needs == 0
    assert overview.coverage.all.days_needed == open_needs["days_needed"].sum()
    deep = open_needs[open_needs["deep_poverty"] == 1]
    assert overview.coverage.deep_poverty_villages.open_needs == len(deep)
    assert (overview.villages, overview.deep_poverty_villages) == (
        len(villages),
        int(villages["deep_poverty"].sum()),
    )
    assert overview.experts_serving == 0
    assert overview.workers_active == len(workers)  # every demo worker is active
    assert overview.workers_hired == len(hired)
    assert overview.workers_waiting == len(workers) - len(hired)


def test_the_plan_in_force_covers_needs_and_hired_workers_stop_waiting(
    database_url: str,
) -> None:
    with make.writing(database_url) as session:
        before = county_overview(session, COUNTY)
        first, second, third = make.open_needs(session, county="congjiang", count=3)
        run = make.match_run(session)
        make.expert_assignment(session, run=run, expert_id="E00001", need=first, days=2)
        make.expert_assignment(session, run=run, expert_id="E00002", need=first, days=1)
        make.expert_assignment(
            session, run=run, expert_id="E00003", need=second, state="accepted", days=4
        )
        # Neither a proposal nor a superseded assignment is the plan in force.
        make.expert_assignment(session, run=run, expert_id="E00004", need=third, state="proposed")
        make.expert_assignment(session, run=run, expert_id="E00005", need=third, state="superseded")
        worker = make.workers_of(session, county="congjiang")[0]
        posting = make.open_postings(session, city="guangzhou")[0]
        labour = make.match_run(session, market="labour")
        make.labour_assignment(
            session, run=labour, worker=worker, posting=posting, state="accepted"
        )
        session.flush()
        after = county_overview(session, COUNTY)
        drawn = county_map(session, COUNTY)
    assert after.coverage.all.covered_needs == 2
    assert after.coverage.all.days_assigned == min(3, first.days_needed) + min(
        4, second.days_needed
    )
    assert after.experts_serving == 3
    assert after.workers_hired == before.workers_hired + 1
    assert after.workers_waiting == before.workers_waiting - 1
    villages = {v.village_id: v for v in drawn.villages}
    assert len(villages) == before.villages
    assert {"E00001", "E00002"} <= set(villages[first.village_id].expert_ids)
    # The third need's village counts as covered only the first two needs, if they are there.
    covering = [need.village_id for need in (first, second)]
    assert villages[third.village_id].covered_needs == covering.count(third.village_id)
    for village in drawn.villages:
        assert village.coverage == (
            "no_needs"
            if village.open_needs == 0
            else "covered"
            if village.covered_needs == village.open_needs
            else "partly"
            if village.covered_needs
            else "none"
        )
    assert {e.expert_id: e.days for e in drawn.experts} == {"E00001": 2, "E00002": 1, "E00003": 4}


def test_another_county_and_other_roles(database_url: str) -> None:
    other = Principal(2, Role.COUNTY, county_code="weining")
    with make.writing(database_url) as session:
        assert county_overview(session, other).scope.label_zh == "威宁彝族回族苗族自治县"
        weining = {v.village_id for v in county_map(session, other).villages}
        congjiang = {v.village_id for v in county_map(session, COUNTY).villages}
        assert weining and congjiang and not weining & congjiang
        for role, scope in ((Role.EXPERT, {"expert_id": "E00001"}), (Role.CITY, {})):
            with pytest.raises(ForbiddenError):
                county_overview(session, Principal(3, role, **scope))
            with pytest.raises(ForbiddenError):
                county_map(session, Principal(3, role, **scope))


def test_needs_are_found_by_id_description_or_village(client: TestClient, login: Login) -> None:
    county = login("county")
    some = client.get("/needs?limit=1", headers=county).json()["items"][0]
    by_id = client.get(f"/needs?q={some['need_id'].lower()}", headers=county).json()
    assert [n["need_id"] for n in by_id["items"]] == [some["need_id"]]
    by_village = client.get(
        "/needs", params={"q": some["village_name_zh"], "limit": 500}, headers=county
    ).json()
    assert some["need_id"] in {n["need_id"] for n in by_village["items"]}
    assert all(n["village_name_zh"] == some["village_name_zh"] for n in by_village["items"])
    word = "专家"
    by_text = client.get("/needs", params={"q": word, "limit": 500}, headers=county).json()
    assert by_text["total"] > 0
    assert all(word in n["description_zh"] for n in by_text["items"])
    # Another county's need is not found by its id.
    other = client.get("/needs?limit=1", headers=login("county-other")).json()["items"][0]
    assert client.get(f"/needs?q={other['need_id']}", headers=county).json()["total"] == 0


def test_workers_hired_or_waiting_and_found_by_text(
    client: TestClient, login: Login, database_url: str
) -> None:
    county = login("county")
    with make.writing(database_url) as session:
        worker = make.workers_of(session, county="congjiang")[0]
        posting = make.open_postings(session, city="guangzhou")[0]
        labour = make.match_run(session, market="labour")
        make.labour_assignment(
            session, run=labour, worker=worker, posting=posting, state="accepted"
        )
    hired = client.get("/workers?hired=true&limit=500", headers=county).json()
    assert worker.worker_id in {w["worker_id"] for w in hired["items"]}
    waiting = client.get("/workers?hired=false&limit=500", headers=county).json()
    assert worker.worker_id not in {w["worker_id"] for w in waiting["items"]}
    everyone = client.get("/workers?limit=1", headers=county).json()["total"]
    assert hired["total"] + waiting["total"] == everyone
    found = client.get("/workers", params={"q": "老乡", "limit": 500}, headers=county).json()
    assert found["total"] > 0
    assert all("老乡" in w["self_description_zh"] for w in found["items"])
