"""The access matrix of assignments, hiring and the inbox, and of the web pages.

Every role, in its own scope and the other one, on every endpoint of these domains: the
status, and that no body carries another scope's data. Each scope's data is marked by its
ids (needs, experts, workers, postings) and its inbox titles; a body may name a marker only
if that account may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.database.models import Decision, Posting
from api.pages import routes as pages

from . import factories as make

Login = Callable[[str], dict[str, str]]

USERS = ["province", "county", "county-other", "expert", "expert-other", "city", "city-other"]


@dataclass(frozen=True)
class World:
    ids: dict[str, Any]  # names used in the paths below → ids
    # marker text → the accounts that may see it
    markers: dict[str, set[str]]


@pytest.fixture
def world(database_url: str) -> World:
    with make.writing(database_url) as session:
        run = make.match_run(session)
        need_e1, need_e1b, need_e2 = make.open_needs(session, county="congjiang", count=3)
        e1 = make.expert_assignment(session, run=run, expert_id="E00001", need=need_e1)
        e1b = make.expert_assignment(session, run=run, expert_id="E00001", need=need_e1b)
        e2 = make.expert_assignment(session, run=run, expert_id="E00002", need=need_e2)
        need_w = make.open_needs(session, county="weining")[0]
        w = make.expert_assignment(
            session, run=make.match_run(session, county="weining"), expert_id="E00003", need=need_w
        )
        labour = make.match_run(session, market="labour")
        guangzhou: Posting = make.open_postings(session, city="guangzhou")[0]
        foshan: Posting = make.open_postings(session, city="foshan")[0]
        loners = [
            x for x in make.workers_of(session, county="congjiang", count=20) if not x.group_id
        ]
        weining_worker = make.workers_of(session, county="weining")[0]
        # The county pages edit and close these (no marker: nothing else uses them).
        need_cj, need_cj_close = make.open_needs(session, county="congjiang", count=5)[3:]
        hires = {
            name: make.labour_assignment(session, run=labour, worker=worker, posting=guangzhou).id
            for name, worker in zip(("sh", "sh_reject", "sh_province"), loners, strict=False)
        }
        gz = make.labour_assignment(session, run=labour, worker=weining_worker, posting=foshan)
        draft = make.match_run(session)  # finished, not yet published
        draft.published_at = None
        lock = Decision(expert_id="E00002", need_id=need_e2.need_id, kind="lock")
        session.add(lock)
        session.flush()
        inbox_county = make.notification(session, username="county", title_zh="从江县协调员通知")
        inbox_other = make.notification(
            session, username="county-other", title_zh="威宁县协调员通知"
        )
        everyone = set(USERS)
        congjiang_experts = {"province", "county"}
        markers = {
            need_e1.need_id: congjiang_experts | {"expert"},
            need_e1b.need_id: congjiang_experts | {"expert"},
            "E00001": congjiang_experts | {"expert"},
            need_e2.need_id: congjiang_experts | {"expert-other"},
            "E00002": congjiang_experts | {"expert-other"},
            need_w.need_id: {"province", "county-other"},
            "E00003": {"province", "county-other"},
            guangzhou.posting_id: {"province", "county", "city"},
            foshan.posting_id: {"province", "county-other", "city-other"},
            weining_worker.worker_id: {"province", "county-other", "city-other"},
            "从江县协调员通知": {"county"},
            "威宁县协调员通知": {"county-other"},
            **{x.worker_id: {"province", "county", "city"} for x in loners[:3]},
        }
        assert all(allowed <= everyone for allowed in markers.values())
        return World(
            {
                "e1": e1.id,
                "e1b": e1b.id,
                "e2": e2.id,
                "w": w.id,
                **hires,
                "gz": gz.id,
                "guangzhou": guangzhou.posting_id,
                "foshan": foshan.posting_id,
                "inbox_county": inbox_county.id,
                "inbox_other": inbox_other.id,
                "need_cj": need_cj.need_id,
                "need_cj_close": need_cj_close.need_id,
                "need_w": need_w.need_id,
                "worker_cj": loners[3].worker_id,
                "run_id": run.id,
                "draft": draft.id,
                "decision_id": lock.id,
                "need_e1": need_e1.need_id,
            },
            markers,
        )


@dataclass(frozen=True)
class Case:
    method: str
    route: str  # the route's own template
    expected: dict[str, int]
    target: str = ""  # the World.ids entry that fills the route's one parameter
    query: str = ""  # formatted with World.ids
    body: dict[str, str] | None = None
    # One account acting on its own target, so two accounts can both succeed once.
    target_for: dict[str, str] = field(default_factory=dict)

    def path(self, user: str, ids: dict[str, Any]) -> str:
        target = ids.get(self.target_for.get(user, self.target))
        # One target fills the route's own id; the pages' other ids come by their name.
        named = {k: v for k, v in ids.items() if k.endswith("_id")}
        own = ("assignment_id", "notification_id", "need_id", "worker_id", "run_id", "posting_id")
        path = self.route.format(**{**named, **dict.fromkeys(own, target)})
        return path + self.query.format(**ids)


def statuses(default: int, **given: int) -> dict[str, int]:
    return {user: given.get(user.replace("-", "_"), default) for user in USERS}


EXPERT_ONLY_OWN = statuses(403, expert=200, expert_other=404)
CITY_OWN = statuses(403, province=200, city=200, city_other=404)
ANSWER = "/me/assignments/{assignment_id}"
CANDIDATE = "/candidates/{assignment_id}"

CASES = {
    "list assignments": Case(
        "GET",
        "/assignments",
        statuses(403, province=200, county=200, county_other=200),
        query="?limit=500",
    ),
    "my assignments": Case("GET", "/me/assignments", statuses(403, expert=200, expert_other=200)),
    "accept": Case("POST", ANSWER + "/accept", EXPERT_ONLY_OWN, "e1"),
    "decline": Case(
        "POST", ANSWER + "/decline", EXPERT_ONLY_OWN, "e1b", body={"reason": "没有时间"}
    ),
    "candidates": Case("GET", "/candidates", statuses(403, province=200, city=200, city_other=200)),
    "candidates of a posting": Case(
        "GET", "/candidates", CITY_OWN, query="?posting_id={guangzhou}"
    ),
    "confirm": Case(
        "POST",
        CANDIDATE + "/confirm",
        CITY_OWN,
        "sh",
        body={"start_date": "2026-03-02"},
        target_for={"province": "sh_province"},
    ),
    "reject": Case(
        "POST",
        CANDIDATE + "/reject",
        CITY_OWN,
        "sh_reject",
        body={"reason": "不合适"},
        target_for={"province": "sh_province"},
    ),
    "inbox": Case("GET", "/me/notifications", statuses(200)),
    "read one": Case(
        "POST",
        "/me/notifications/{notification_id}/read",
        statuses(404, county=200),
        "inbox_county",
    ),
    "read all": Case("POST", "/me/notifications/read-all", statuses(200)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_access_matrix(client: TestClient, login: Login, world: World, name: str) -> None:
    case = CASES[name]
    # Refusals first: a refused call changes nothing, so the allowed ones find the state
    # as the fixture made it.
    for user in sorted(USERS, key=lambda u: case.expected[u] == 200):
        path = case.path(user, world.ids)
        answer = client.request(case.method, path, json=case.body, headers=login(user))
        assert answer.status_code == case.expected[user], (user, path, answer.text)
        # Echoing what the caller sent (a 404 naming the posting asked for) tells nothing.
        leaked = [
            marker
            for marker, allowed in world.markers.items()
            if user not in allowed and marker in answer.text and marker not in path
        ]
        assert leaked == [], (user, path, leaked)


def test_the_matrix_covers_every_endpoint_of_these_domains(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    served = {
        (method.upper(), path)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if {"assignments", "notifications"} & set(operation.get("tags", []))
    }
    assert served == {(case.method, case.route) for case in CASES.values()}


# The pages answer like the API; a POST that succeeds sends back to the page (303).
PAGE_ANSWER = "/app/expert/assignments/{assignment_id}"
# The county's pages: its needs, workers and map; another county's need or worker is 404.
COUNTY_OWN = statuses(403, county=200, county_other=200)
COUNTY_NEED = "/app/county/needs/{need_id}"
COUNTY_WORKER = "/app/county/workers/{worker_id}"
NEED_FORM = {
    "village_id": "V000070",
    "period": "2026Q1",
    "status": "open",
    "industry_code": "HERB",
    "skill_codes": "HERB-01",
    "days_needed": "5",
    "experts_wanted": "1",
    "urgency": "2",
    "description_zh": "天麻栽培需要专家指导。",
}
WORKER_FORM = {
    "village_id": "V000070",
    "age": "30",
    "gender": "male",
    "education": "junior_secondary",
    "expected_wage_yuan": "4000",
    "active": "1",
}
COUNTY_PAGE_CASES = {
    "county needs page": Case("GET", "/app/county/needs", COUNTY_OWN),
    "county need page": Case(
        "GET", COUNTY_NEED, statuses(403, county=200, county_other=404), "need_cj"
    ),
    "county need page, other county": Case(
        "GET", COUNTY_NEED, statuses(403, county=404, county_other=200), "need_w"
    ),
    "save a need on the page": Case(
        "POST", COUNTY_NEED, statuses(403, county=303, county_other=404), "need_cj", body=NEED_FORM
    ),
    "close a need on the page": Case(
        "POST", COUNTY_NEED + "/close", statuses(403, county=303, county_other=404), "need_cj_close"
    ),
    "county workers page": Case("GET", "/app/county/workers", COUNTY_OWN),
    "county worker page": Case(
        "GET", COUNTY_WORKER, statuses(403, county=200, county_other=404), "worker_cj"
    ),
    "save a worker on the page": Case(
        "POST",
        COUNTY_WORKER,
        statuses(403, county=303, county_other=404),
        "worker_cj",
        body=WORKER_FORM,
    ),
    "county map page": Case("GET", "/app/county/map", COUNTY_OWN),
}

RUNS_PAGE = "/app/county/runs"
DECISION_PAGE = "/{run_id}/decisions/{decision_id}/delete"
# The partner city's pages are the city's: other roles 403, another city's posting or
# candidate 404 (as the API).
CITY_PAGE = statuses(403, city=200, city_other=200)
CITY_POST = statuses(403, city=303, city_other=303)
CITY_OWN_PAGE = statuses(403, city=200, city_other=404)
CITY_OWN_POST = statuses(403, city=303, city_other=404)
POSTING_FORM = {
    "title_zh": "缝纫工",
    "employer_name_zh": "测试服饰有限公司",
    "industry_code": "GARM",
    "positions": "2",
    "wage_yuan_month": "5600",
    "period": "2026Q2",
}

PAGE_CASES = {
    "home": Case("GET", "/app/", statuses(303)),
    "log out": Case("POST", "/app/logout", statuses(303)),
    "my assignments page": Case(
        "GET", "/app/expert/assignments", statuses(403, expert=200, expert_other=200)
    ),
    "accept on the page": Case(
        "POST", PAGE_ANSWER + "/accept", statuses(403, expert=303, expert_other=404), "e1"
    ),
    "decline on the page": Case(
        "POST",
        PAGE_ANSWER + "/decline",
        statuses(403, expert=303, expert_other=404),
        "e1b",
        body={"reason": "没有时间"},
    ),
    "county main page": Case("GET", "/app/county/", statuses(403, county=200, county_other=200)),
    "city main page": Case("GET", "/app/city/", statuses(403, city=200, city_other=200)),
    "province main page": Case("GET", "/app/province/", statuses(403, province=200)),
    "province placements page": Case(
        "GET", "/app/province/placements", statuses(403, province=200)
    ),
    "province run history page": Case("GET", "/app/province/runs", statuses(403, province=200)),
    "province coverage file": Case(
        "GET", "/app/province/exports/coverage", statuses(403, province=200), query="?format=csv"
    ),
    "province placements file": Case(
        "GET", "/app/province/exports/placements", statuses(403, province=200), query="?format=xlsx"
    ),
    "province runs file": Case(
        "GET", "/app/province/exports/runs", statuses(403, province=200), query="?format=csv"
    ),
    **COUNTY_PAGE_CASES,
    **{
        name: Case(method, RUNS_PAGE + path, statuses(403, county=ok, county_other=404), target)
        for name, method, path, ok, target in (
            ("a run's page", "GET", "/{run_id}", 200, "run_id"),
            ("a run's live status", "GET", "/{run_id}/status", 200, "run_id"),
            ("cancel a run on the page", "POST", "/{run_id}/cancel", 303, "run_id"),
            ("remove a decision on the page", "POST", DECISION_PAGE, 303, "run_id"),
            ("confirm publishing", "GET", "/{run_id}/publish", 200, "draft"),
            ("publish on the page", "POST", "/{run_id}/publish", 303, "draft"),
        )
    },
    "runs page": Case("GET", RUNS_PAGE, statuses(403, county=200, county_other=200)),
    "request a run on the page": Case(
        "POST", RUNS_PAGE, statuses(403, county=303, county_other=303), body={"market": "experts"}
    ),
    "lock or forbid on the page": Case(
        "POST",
        RUNS_PAGE + "/{run_id}/decisions",
        statuses(403, county=303, county_other=404),
        "run_id",
        body={"expert_id": "E00001", "need_id": "{need_e1}", "kind": "forbid"},
    ),
    **{
        name: Case(method, f"/app/city{path}", expected, target, query, body)
        for name, (method, path, expected, target, query, body) in {
            "city: new posting form": ("GET", "/postings/new", CITY_PAGE, "", "", None),
            "city: create a posting": ("POST", "/postings", CITY_POST, "", "", POSTING_FORM),
            "city: edit form": (
                "GET",
                "/postings/{posting_id}/edit",
                CITY_OWN_PAGE,
                "guangzhou",
                "",
                None,
            ),
            "city: save a posting": (
                "POST",
                "/postings/{posting_id}",
                CITY_OWN_POST,
                "guangzhou",
                "",
                POSTING_FORM,
            ),
            "city: close a posting": (
                "POST",
                "/postings/{posting_id}/close",
                CITY_OWN_POST,
                "guangzhou",
                "",
                None,
            ),
            "city: upload page": ("GET", "/upload", CITY_PAGE, "", "", None),
            # No file sent: the city is told to choose one; other roles never get that far.
            "city: upload": (
                "POST",
                "/upload",
                statuses(403, city=422, city_other=422),
                "",
                "",
                None,
            ),
            "city: template": ("GET", "/upload/template", CITY_PAGE, "", "?format=xlsx", None),
            "city: candidates": ("GET", "/candidates", CITY_PAGE, "", "", None),
            "city: candidates of a posting": (
                "GET",
                "/candidates",
                CITY_OWN_PAGE,
                "",
                "?posting_id={guangzhou}",
                None,
            ),
            "city: confirm a hire": (
                "POST",
                "/candidates/{assignment_id}/confirm",
                CITY_OWN_POST,
                "sh",
                "",
                {"start_date": "2026-03-02"},
            ),
            "city: reject a candidate": (
                "POST",
                "/candidates/{assignment_id}/reject",
                CITY_OWN_POST,
                "sh_reject",
                "",
                {"reason": "不合适"},
            ),
        }.items()
    },
}


@pytest.mark.parametrize("name", list(PAGE_CASES))
def test_page_access_matrix(client: TestClient, page_login: Login, world: World, name: str) -> None:
    case = PAGE_CASES[name]
    for user in sorted(USERS, key=lambda u: case.expected[u] in (200, 303)):
        path = case.path(user, world.ids)
        body = {k: v.format(**world.ids) for k, v in (case.body or {}).items()} or None
        answer = client.request(
            case.method, path, data=body, headers=page_login(user), follow_redirects=False
        )
        assert answer.status_code == case.expected[user], (user, path, answer.text)
        leaked = [
            marker
            for marker, allowed in world.markers.items()
            if user not in allowed and marker in answer.text and marker not in path
        ]
        assert leaked == [], (user, path, leaked)


def test_the_page_matrix_covers_every_page() -> None:
    served = {
        (method, route.path)
        for router in pages.ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and not route.path.startswith("/app/login")
        for method in route.methods
    }
    assert served == {(case.method, case.route) for case in PAGE_CASES.values()}
