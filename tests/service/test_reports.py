"""Reports: figures checked against the demo files counted independently (pandas), the
scope of each role, and the CSV / XLSX exports.

A small plan is written straight into the database (a run per scope, assignments in every
state), so the reports have something to count without the match-run endpoints.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.database import make_engine, session_factory, transaction
from api.database.models import (
    Assignment,
    AssignmentState,
    MatchRun,
    Need,
    Placement,
    Posting,
    User,
    Village,
    Worker,
)
from api.errors import ForbiddenError
from api.policy import Principal
from api.reports import service

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
REPORTS = [
    "/reports/coverage?by=county",
    "/reports/coverage?by=prefecture",
    "/reports/placements?by=city",
    "/reports/placements?by=prefecture",
    "/reports/runs",
    "/reports/runs/summary",
]
# Every code naming a county or prefecture of the demo: a coordinator's body names only theirs.
PLACES = {
    "congjiang": ("congjiang", "qiandongnan"),
    "weining": ("weining", "bijie"),
    "meitan": ("meitan", "zunyi"),
}
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

Login = Callable[[str], dict[str, str]]


@dataclass(frozen=True)
class Plan:
    deep_need: Need  # congjiang, deep-poverty village: published + accepted
    plain_need: Need  # congjiang, not deep poverty: locked
    confirmed_worker: str  # a congjiang worker hired through the service
    confirmed_city: str
    runs: dict[str, int]


# ---- the independent oracle: the demo files ---------------------------------------------


def _open_needs() -> pd.DataFrame:
    needs = pd.read_csv(DEMO / "needs.csv")
    villages = pd.read_csv(DEMO / "villages.csv")
    merged = needs.merge(villages[["village_id", "county_code", "deep_poverty"]], on="village_id")
    return merged[merged["status"] == "open"]


def _placements() -> pd.DataFrame:
    placements = pd.read_csv(DEMO / "placements.csv")
    workers = pd.read_csv(DEMO / "workers.csv")[["worker_id", "village_id"]]
    villages = pd.read_csv(DEMO / "villages.csv")[["village_id", "county_code", "prefecture_code"]]
    postings = pd.read_csv(DEMO / "postings.csv")[["posting_id", "partner_city_code"]]
    return placements.merge(workers).merge(villages).merge(postings)


# ---- the plan written into the database -------------------------------------------------


def _open_need(session: Session, county: str, deep: bool, skip: int = 0) -> Need:
    query = (
        select(Need)
        .join(Village, Need.village_id == Village.village_id)
        .where(Village.county_code == county, Village.deep_poverty == deep, Need.status == "open")
        .order_by(Need.need_id)
        .offset(skip)
    )
    return session.scalars(query).first()  # type: ignore[return-value]


def _run(
    session: Session, market: str, scope: tuple[str, str | None], state: str, **kw: object
) -> int:
    run = MatchRun(
        market=market, scope_kind=scope[0], scope_code=scope[1], state=state, options={}, **kw
    )
    session.add(run)
    session.flush()
    return run.id


def _assign(session: Session, run_id: int, county: str, state: str, **kw: object) -> None:
    market = "experts" if "need_id" in kw else "labour"
    session.add(Assignment(run_id=run_id, market=market, county_code=county, state=state, **kw))


def _labour(session: Session, run_id: int) -> tuple[str, str]:
    """A hire confirmed in the service, one that already has its placement, one only proposed."""
    worker = session.scalars(
        select(Worker.worker_id)
        .join(Village, Worker.village_id == Village.village_id)
        .where(Village.county_code == "congjiang")
        .where(Worker.worker_id.not_in(select(Placement.worker_id)))
        .order_by(Worker.worker_id)
    ).first()
    posting = session.scalars(
        select(Posting.posting_id).where(Posting.partner_city_code == "guangzhou").limit(1)
    ).one()
    placed = session.execute(
        select(Placement.worker_id, Placement.posting_id)
        .join(Worker, Placement.worker_id == Worker.worker_id)
        .join(Village, Worker.village_id == Village.village_id)
        .where(Village.county_code == "congjiang")
        .order_by(Placement.placement_id)
        .limit(1)
    ).one()
    accepted = AssignmentState.ACCEPTED
    _assign(session, run_id, "congjiang", accepted, worker_id=worker, posting_id=posting)
    _assign(session, run_id, "congjiang", accepted, worker_id=placed[0], posting_id=placed[1])
    _assign(
        session,
        run_id,
        "congjiang",
        AssignmentState.PUBLISHED,
        worker_id=placed[0],
        posting_id=posting,
    )
    assert worker is not None
    return worker, "guangzhou"


@pytest.fixture
def plan(database_url: str) -> Plan:
    engine = make_engine(database_url)
    with transaction(session_factory(engine)) as s:
        deep, plain = _open_need(s, "congjiang", True), _open_need(s, "congjiang", False)
        proposed, superseded = (
            _open_need(s, "congjiang", False, 1),
            _open_need(s, "congjiang", True, 1),
        )
        other = _open_need(s, "weining", False)
        done = {"started_at": T0, "finished_at": T0 + timedelta(seconds=12.5)}
        runs = {
            "congjiang": _run(
                s,
                "experts",
                ("county", "congjiang"),
                "succeeded",
                objective=100.0,
                bound=110.0,
                gap=0.1,
                **done,
            ),
            "weining": _run(s, "experts", ("county", "weining"), "failed", **done),
            "province": _run(s, "labour", ("province", None), "queued"),
        }
        cj, wn = runs["congjiang"], runs["weining"]
        # Two experts on the deep need, more days than it needs: counted once, days capped.
        _assign(
            s,
            cj,
            "congjiang",
            AssignmentState.PUBLISHED,
            expert_id="E00001",
            need_id=deep.need_id,
            days=deep.days_needed + 5,
        )
        _assign(
            s,
            cj,
            "congjiang",
            AssignmentState.ACCEPTED,
            expert_id="E00002",
            need_id=deep.need_id,
            days=1,
        )
        _assign(
            s,
            cj,
            "congjiang",
            AssignmentState.LOCKED,
            expert_id="E00003",
            need_id=plain.need_id,
            days=2,
        )
        # Not in force: a proposal and a superseded plan cover nothing.
        _assign(
            s,
            cj,
            "congjiang",
            AssignmentState.PROPOSED,
            expert_id="E00004",
            need_id=proposed.need_id,
            days=3,
        )
        _assign(
            s,
            cj,
            "congjiang",
            AssignmentState.SUPERSEDED,
            expert_id="E00005",
            need_id=superseded.need_id,
            days=3,
        )
        _assign(
            s,
            wn,
            "weining",
            AssignmentState.PUBLISHED,
            expert_id="E00006",
            need_id=other.need_id,
            days=1,
        )
        worker, city = _labour(s, runs["province"])
    engine.dispose()
    return Plan(deep, plain, worker, city, runs)


def _row(report: dict[str, object], code: str) -> dict[str, object]:
    rows = [row for row in report["rows"] if row["code"] == code]  # type: ignore[attr-defined]
    assert len(rows) == 1, code
    return rows[0]  # type: ignore[no-any-return]


# ---- coverage ---------------------------------------------------------------------------


def test_coverage_by_county_counts_the_plan_in_force(
    client: TestClient, login: Login, plan: Plan
) -> None:
    report = client.get("/reports/coverage?by=county", headers=login("province")).json()
    needs = _open_needs()
    assert [row["code"] for row in report["rows"]] == [
        "weining",
        "congjiang",
        "meitan",
    ]  # by prefecture: bijie, qiandongnan, zunyi
    congjiang = _row(report, "congjiang")
    own = needs[needs["county_code"] == "congjiang"]
    assert congjiang["all"] == {
        "open_needs": len(own),
        "covered_needs": 2,
        "share_covered": round(2 / len(own), 4),
        "days_needed": int(own["days_needed"].sum()),
        "days_assigned": plan.deep_need.days_needed + min(2, plan.plain_need.days_needed),
        "share_days": round(
            (plan.deep_need.days_needed + min(2, plan.plain_need.days_needed))
            / own["days_needed"].sum(),
            4,
        ),
    }
    deep = own[own["deep_poverty"] == 1]
    assert congjiang["deep_poverty_villages"]["open_needs"] == len(deep)
    assert congjiang["deep_poverty_villages"]["covered_needs"] == 1
    assert congjiang["deep_poverty_villages"]["days_assigned"] == plan.deep_need.days_needed
    # congjiang is a key county, meitan is not.
    assert congjiang["key_county"] is True and congjiang["key_counties"] == congjiang["all"]
    meitan = _row(report, "meitan")
    assert meitan["key_county"] is False and meitan["key_counties"]["open_needs"] == 0
    assert report["total"]["all"]["open_needs"] == len(needs)
    assert report["total"]["all"]["covered_needs"] == 3


def test_coverage_by_prefecture_and_period(client: TestClient, login: Login, plan: Plan) -> None:
    headers = login("province")
    report = client.get("/reports/coverage?by=prefecture", headers=headers).json()
    assert report["by_label"] == "按市州"
    assert {row["code"] for row in report["rows"]} == {"bijie", "qiandongnan", "zunyi"}
    assert _row(report, "qiandongnan")["all"]["covered_needs"] == 2
    period = plan.deep_need.period
    one = client.get(f"/reports/coverage?by=prefecture&period={period}", headers=headers).json()
    needs = _open_needs()
    assert one["total"]["all"]["open_needs"] == int((needs["period"] == period).sum())
    none = client.get("/reports/coverage?period=1999Q1", headers=headers).json()
    assert none["total"]["all"]["open_needs"] == 0
    assert none["total"]["all"]["share_covered"] is None


def test_a_coordinator_sees_only_their_county(client: TestClient, login: Login, plan: Plan) -> None:
    for username, county in (("county", "congjiang"), ("county-other", "weining")):
        headers = login(username)
        for path in REPORTS:
            answer = client.get(path, headers=headers)
            assert answer.status_code == 200, (username, path)
            others = [code for c, codes in PLACES.items() if c != county for code in codes]
            assert not [code for code in others if code in answer.text], (username, path)
        report = client.get("/reports/coverage", headers=headers).json()
        assert report["scope"] == {
            "kind": "county",
            "code": county,
            "label_zh": report["scope"]["label_zh"],
        }
        assert [row["code"] for row in report["rows"]] == [county]
        assert report["total"]["all"] == report["rows"][0]["all"]


@pytest.mark.parametrize("username", ["expert", "expert-other", "city", "city-other"])
def test_experts_and_cities_do_not_use_reports(
    client: TestClient, login: Login, username: str
) -> None:
    for path in REPORTS:
        for fmt in ("json", "csv"):
            answer = client.get(
                f"{path}{'&' if '?' in path else '?'}format={fmt}", headers=login(username)
            )
            assert answer.status_code == 403, (path, fmt)
            assert answer.json()["error"]["code"] == "forbidden"


def test_reports_need_a_login_and_valid_parameters(client: TestClient, login: Login) -> None:
    assert client.get("/reports/coverage").status_code == 401
    headers = login("province")
    assert client.get("/reports/coverage?by=township", headers=headers).status_code == 422
    assert client.get("/reports/placements?format=pdf", headers=headers).status_code == 422
    assert client.get("/reports/runs?state=done", headers=headers).status_code == 422
    assert client.get("/reports/runs/summary?market=goods", headers=headers).status_code == 422
    bad_sort = client.get("/reports/runs?sort=password", headers=headers)
    assert bad_sort.status_code == 422 and "sort" in bad_sort.text


# ---- placements -------------------------------------------------------------------------


def test_placements_by_city_add_confirmed_hires_once(
    client: TestClient, login: Login, plan: Plan
) -> None:
    report = client.get("/reports/placements?by=city", headers=login("province")).json()
    history = _placements()
    per_city = history.groupby("partner_city_code").size()
    for row in report["rows"]:
        extra = 1 if row["code"] == plan.confirmed_city else 0
        assert row["hires"] == per_city.get(row["code"], 0) + extra, row["code"]
        assert row["from_confirmed_hires"] == extra
    total = report["total"]
    assert total["hires"] == len(history) + 1
    assert total["retention_known"] == int(history["retained_6m"].notna().sum())
    assert total["retained_6m"] == int((history["retained_6m"] == 1).sum())
    assert total["retention_share"] == round(total["retained_6m"] / total["retention_known"], 4)


def test_placements_by_prefecture_for_a_coordinator(
    client: TestClient, login: Login, plan: Plan
) -> None:
    report = client.get("/reports/placements?by=prefecture", headers=login("county")).json()
    history = _placements()
    own = history[history["county_code"] == "congjiang"]
    assert [row["code"] for row in report["rows"]] == ["qiandongnan"]
    assert report["total"]["hires"] == len(own) + 1
    assert report["total"]["key_county_hires"] == len(own) + 1  # congjiang is a key county
    other = client.get("/reports/placements?by=prefecture", headers=login("county-other")).json()
    assert other["total"]["hires"] == int((history["county_code"] == "weining").sum())


# ---- run history ------------------------------------------------------------------------


def test_run_history_filters_sorts_and_times(client: TestClient, login: Login, plan: Plan) -> None:
    headers = login("province")
    page = client.get("/reports/runs", headers=headers).json()
    assert [item["id"] for item in page["items"]] == sorted(plan.runs.values(), reverse=True)
    congjiang = next(i for i in page["items"] if i["id"] == plan.runs["congjiang"])
    assert congjiang["duration_seconds"] == 12.5
    assert (congjiang["state"], congjiang["state_label"]) == ("succeeded", "已完成")
    assert (congjiang["market"], congjiang["market_label"]) == ("experts", "专家服务")
    assert congjiang["gap"] == 0.1 and congjiang["objective"] == 100.0
    labour = client.get("/reports/runs?market=labour", headers=headers).json()
    assert [item["id"] for item in labour["items"]] == [plan.runs["province"]]
    first = client.get("/reports/runs?sort=id&limit=1&offset=1", headers=headers).json()
    assert first["total"] == 3 and [i["id"] for i in first["items"]] == [
        sorted(plan.runs.values())[1]
    ]
    county = client.get("/reports/runs", headers=login("county")).json()
    assert [item["id"] for item in county["items"]] == [plan.runs["congjiang"]]


def test_run_summary_groups_by_market_scope_and_state(
    client: TestClient, login: Login, plan: Plan
) -> None:
    rows = client.get("/reports/runs/summary", headers=login("province")).json()["rows"]
    keys = [(r["market"], r["scope_kind"], r["scope_code"], r["state"], r["runs"]) for r in rows]
    assert keys == [
        ("experts", "county", "congjiang", "succeeded", 1),
        ("experts", "county", "weining", "failed", 1),
        ("labour", "province", None, "queued", 1),
    ]
    assert rows[0]["mean_duration_seconds"] == 12.5 and rows[0]["last_objective"] == 100.0
    assert rows[2]["mean_duration_seconds"] is None


# ---- files ------------------------------------------------------------------------------


def _csv(client: TestClient, path: str, headers: dict[str, str]) -> list[list[str]]:
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith("\ufeff".encode())  # Excel reads UTF-8 with a BOM only
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def test_coverage_csv_has_chinese_headers_and_the_json_figures(
    client: TestClient, login: Login, plan: Plan
) -> None:
    headers = login("province")
    report = client.get("/reports/coverage?by=county", headers=headers).json()
    lines = _csv(client, "/reports/coverage?by=county&format=csv", headers)
    header, body = lines[0], lines[1:]
    assert header[:5] == ["市州代码", "市州", "县代码", "县", "重点县"]
    assert "深度贫困村·已覆盖需求" in header and "重点县·覆盖率" in header
    assert len(body) == len(report["rows"]) + 1 and body[-1][3] == "合计"
    congjiang = next(line for line in body if line[2] == "congjiang")
    record = dict(zip(header, congjiang, strict=True))
    assert record["重点县"] == "是"
    assert record["全部·已覆盖需求"] == "2"
    assert record["深度贫困村·已覆盖需求"] == "1"
    assert float(record["全部·覆盖率"]) == _row(report, "congjiang")["all"]["share_covered"]
    assert body[-1][header.index("全部·已覆盖需求")] == "3"


def test_placements_xlsx_opens_with_the_same_figures(
    client: TestClient, login: Login, plan: Plan
) -> None:
    headers = login("province")
    report = client.get("/reports/placements?by=city", headers=headers).json()
    answer = client.get("/reports/placements?by=city&format=xlsx", headers=headers)
    assert answer.status_code == 200
    assert 'filename="placements-city.xlsx"' in answer.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("帮扶城市代码", "帮扶城市", "就业人数")
    assert [r[0] for r in rows[1:-1]] == [row["code"] for row in report["rows"]]
    assert [r[2] for r in rows[1:-1]] == [row["hires"] for row in report["rows"]]
    assert rows[-1][1] == "合计" and rows[-1][2] == report["total"]["hires"]
    share = sheet.cell(row=2, column=10)
    assert share.number_format == "0.0%" and share.value == report["rows"][0]["retention_share"]


def test_run_exports_hold_every_run(client: TestClient, login: Login, plan: Plan) -> None:
    headers = login("province")
    lines = _csv(client, "/reports/runs?format=csv&limit=1", headers)
    assert lines[0][:3] == ["运行编号", "市场代码", "市场"]
    assert len(lines) == 1 + len(plan.runs)  # a file is not paginated
    summary = client.get("/reports/runs/summary?format=xlsx", headers=headers)
    sheet = openpyxl.load_workbook(io.BytesIO(summary.content)).active
    assert sheet is not None and sheet.max_row == 1 + 3
    county_lines = _csv(client, "/reports/runs?format=csv", login("county"))
    assert [line[0] for line in county_lines[1:]] == [str(plan.runs["congjiang"])]


def test_run_history_names_the_scope_and_who_requested(
    client: TestClient, login: Login, plan: Plan, database_url: str
) -> None:
    engine = make_engine(database_url)
    with transaction(session_factory(engine)) as session:
        user = session.scalars(select(User).where(User.username == "county")).one()
        session.get_one(MatchRun, plan.runs["congjiang"]).requested_by = user.id
    engine.dispose()
    page = client.get("/reports/runs?sort=id", headers=login("province")).json()
    named = [(i["scope_name_zh"], i["requested_by_zh"]) for i in page["items"]]
    assert named == [
        ("从江县", "县级协调员（演示）"),
        ("威宁彝族回族苗族自治县", None),
        ("全省", None),
    ]
    lines = _csv(client, "/reports/runs?format=csv&sort=id", login("province"))
    record = dict(zip(lines[0], lines[1], strict=True))
    assert (record["范围名称"], record["提交人"]) == ("从江县", "县级协调员（演示）")


def test_report_periods_are_those_of_the_callers_needs_and_of_postings(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    with transaction(session_factory(engine)) as session:
        users = {u.username: Principal.of(u) for u in session.scalars(select(User))}
        periods = service.report_periods(session, users["county"])
        needs = _open_needs()
        assert periods.coverage == sorted(set(needs[needs["county_code"] == "congjiang"]["period"]))
        postings = pd.read_csv(DEMO / "postings.csv")
        assert periods.placements == sorted(set(postings["period"]))
        with pytest.raises(ForbiddenError):
            service.report_periods(session, users["city"])
    engine.dispose()
