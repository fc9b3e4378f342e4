"""The county coordinator's pages without a browser: the dashboard, the needs and workers
lists and edit forms (inline errors, flash, CSRF), the map. Access by role and county is
in the page access matrix (test_assignments_access.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from . import factories as make

Login = Callable[[str], dict[str, str]]
NEED_FORM = {
    "period": "2026Q1",
    "status": "open",
    "industry_code": "HERB",
    "skill_codes": ["HERB-01", "HERB-02"],
    "language_code": "",
    "days_needed": "6",
    "experts_wanted": "1",
    "urgency": "3",
    "description_zh": "天麻和太子参的种植需要专家指导。",
}


def _rows(html: str) -> list[str]:
    body = html.partition("<tbody>")[2].partition("</tbody>")[0]
    return re.findall(r"<tr>.*?</tr>", body, flags=re.S)


def _first_need(client: TestClient, login: Login, **query: str) -> dict[str, object]:
    answer = client.get("/needs", params={"limit": 1, **query}, headers=login("county"))
    item: dict[str, object] = answer.json()["items"][0]
    return item


def test_the_dashboard_shows_the_county_figures_with_links(
    client: TestClient, login: Login, browse_as: Login
) -> None:
    browse_as("county")
    page = client.get("/app/county/")
    assert page.status_code == 200
    assert "<h1>县级概览：从江县</h1>" in page.text
    coverage = client.get("/reports/coverage", headers=login("county")).json()["total"]["all"]
    assert f"{coverage['open_needs']} <small>项</small>" in page.text
    waiting = client.get("/workers?hired=false&limit=1", headers=login("county")).json()
    assert f"{waiting['total']} <small>人</small>" in page.text
    for link in ("/app/county/needs?status=open", "/app/county/workers?hired=0"):
        assert f'href="{link}"' in page.text
    for link in ("/app/county/map", "/app/county/runs"):
        assert f'href="{link}"' in page.text


def test_the_needs_list_searches_filters_and_pages(
    client: TestClient, login: Login, browse_as: Login
) -> None:
    browse_as("county")
    need = _first_need(client, login, status="open")
    found = client.get("/app/county/needs", params={"q": need["need_id"]})
    rows = _rows(found.text)
    assert len(rows) == 1 and f"<td>{need['need_id']}</td>" in rows[0]
    deep = _rows(client.get("/app/county/needs?deep=1&status=all").text)
    assert deep and all("深度贫困村" in row for row in deep)
    urgent = client.get("/needs?urgency=3&status=open&limit=1", headers=login("county")).json()
    shown = client.get("/app/county/needs?urgency=3").text
    assert f"共 {urgent['total']} 条" in shown
    first = client.get("/app/county/needs")
    assert len(_rows(first.text)) == 25 and 'href="?status=open&amp;page=2"' in first.text
    second = client.get("/app/county/needs?status=open&page=2")
    assert "第 26–" in second.text and 'rel="prev"' in second.text


def test_a_need_refused_shows_the_error_next_to_the_field_then_saved_with_a_notice(
    client: TestClient, login: Login, browse_as: Login
) -> None:
    csrf = browse_as("county")
    need = _first_need(client, login, status="open")
    path = f"/app/county/needs/{need['need_id']}"
    form = {**NEED_FORM, "village_id": str(need["village_id"])}
    refused = client.post(path, data={**form, "days_needed": "200"}, headers=csrf)
    assert refused.status_code == 422
    assert (
        '<p class="field-error" id="days_needed-error">服务天数须是 1 到 92 之间的整数。</p>'
        in (refused.text)
    )
    days_input = re.search(r'<input id="days_needed"[^>]*>', refused.text)
    assert days_input is not None
    assert 'aria-invalid="true"' in days_input[0] and 'value="200"' in days_input[0]
    unknown = client.post(path, data={**form, "skill_codes": ["NOPE-01"]}, headers=csrf)
    assert unknown.status_code == 422 and 'id="skill_codes-error"' in unknown.text
    api = f"/needs/{need['need_id']}"
    assert client.get(api, headers=login("county")).json()["days_needed"] == need["days_needed"]

    saved = client.post(path, data=form, headers=csrf, follow_redirects=False)
    assert (saved.status_code, saved.headers["location"]) == (303, path)
    shown = client.get(path)
    assert f"已保存需求 {need['need_id']}。" in shown.text
    after = client.get(api, headers=login("county")).json()
    assert (after["days_needed"], after["urgency"], after["skill_codes"]) == (
        6,
        3,
        ["HERB-01", "HERB-02"],
    )


def test_closing_a_need_needs_the_token_and_keeps_it_as_history(
    client: TestClient, login: Login, browse_as: Login
) -> None:
    csrf = browse_as("county")
    need = _first_need(client, login, status="open")
    path = f"/app/county/needs/{need['need_id']}/close"
    assert client.post(path, follow_redirects=False).status_code == 403
    closed = client.post(path, headers=csrf)
    assert closed.status_code == 200 and f"需求 {need['need_id']} 已关闭" in closed.text
    api = client.get(f"/needs/{need['need_id']}", headers=login("county")).json()
    assert api["status"] == "closed"


def test_another_countys_coordinator_changes_nothing(
    client: TestClient, login: Login, browse_as: Login
) -> None:
    need = _first_need(client, login, status="open")
    csrf = browse_as("county-other")
    path = f"/app/county/needs/{need['need_id']}"
    form = {**NEED_FORM, "village_id": str(need["village_id"])}
    assert client.post(path, data=form, headers=csrf).status_code == 404
    assert client.post(path + "/close", headers=csrf).status_code == 404
    after = client.get(f"/needs/{need['need_id']}", headers=login("county")).json()
    assert after == need


def test_a_worker_refused_then_saved(
    client: TestClient, login: Login, browse_as: Login, database_url: str
) -> None:
    with make.writing(database_url) as session:
        member = make.group_of(session, county="congjiang")[0]
        other_village = make.group_of(session, county="weining")[0]
    csrf = browse_as("county")
    path = f"/app/county/workers/{member.worker_id}"
    assert f'value="{member.group_id}"' in client.get(path).text
    form = {
        "village_id": member.village_id,
        "age": "15",
        "gender": "female",
        "education": "vocational",
        "skill_codes": ["ELEC-01"],
        "intended_city_codes": ["guangzhou", "zhongshan"],
        "expected_wage_yuan": "4500",
        "group_id": member.group_id or "",
        "willing_far": "1",
        "active": "1",
    }
    too_young = client.post(path, data=form, headers=csrf)
    assert too_young.status_code == 422
    assert '<p class="field-error" id="age-error">年龄须是 16 到 60 之间的整数。</p>' in (
        too_young.text
    )
    # A group of another village is refused by the service, shown next to the group field.
    elsewhere = client.post(
        path, data={**form, "age": "30", "group_id": other_village.group_id or ""}, headers=csrf
    )
    assert elsewhere.status_code == 422 and 'id="group_id-error"' in elsewhere.text

    saved = client.post(path, data={**form, "age": "30", "group_id": ""}, headers=csrf)
    assert saved.status_code == 200 and f"已保存劳动力 {member.worker_id} 的档案。" in saved.text
    api = client.get(f"/workers/{member.worker_id}", headers=login("county")).json()
    assert (api["age"], api["gender"], api["group_id"], api["registered_poor"]) == (
        30,
        "female",
        None,
        False,
    )
    assert api["intended_city_codes"] == ["guangzhou", "zhongshan"] and api["willing_far"]


def test_the_workers_list_filters_waiting_and_groups(
    client: TestClient, login: Login, browse_as: Login, database_url: str
) -> None:
    with make.writing(database_url) as session:
        group = make.group_of(session, county="congjiang")
    browse_as("county")
    grouped = _rows(client.get("/app/county/workers", params={"group": group[0].group_id}).text)
    assert len(grouped) == len(group)
    assert all(f"<td>{group[0].group_id}</td>" in row for row in grouped)
    waiting = client.get("/workers?hired=false&limit=1", headers=login("county")).json()
    assert f"共 {waiting['total']} 条" in client.get("/app/county/workers?hired=0").text
    one = _rows(client.get("/app/county/workers", params={"q": group[0].worker_id}).text)
    assert len(one) == 1


def test_the_map_draws_every_village_and_the_plan_in_force(
    client: TestClient, browse_as: Login, database_url: str
) -> None:
    with make.writing(database_url) as session:
        run = make.match_run(session)
        needs = make.open_needs(session, county="congjiang", count=2)
        for expert, need in zip(("E00001", "E00002"), needs, strict=True):
            make.expert_assignment(session, run=run, expert_id=expert, need=need)
    browse_as("county")
    page = client.get("/app/county/map")
    assert page.status_code == 200
    svg = page.text.partition("<svg viewBox")[2].partition("</svg>")[0]
    assert 'role="img" aria-labelledby="map-title map-desc"' in svg
    assert '<title id="map-title">从江县各村需求覆盖与服务专家地图</title>' in svg
    villages = _rows(page.text.partition('id="villages-title"')[2])
    marks = svg.partition('<g class="villages">')[2].partition("</g>\n")[0]
    assert len(villages) == marks.count("<g><title>") == 51
    assert marks.count("<polygon") == sum("深度贫困村" in row for row in villages)
    links = svg.partition('<g class="links">')[2].partition("</g>")[0]
    assert links.count("<line") == 2  # one per (village, expert) pair
    experts = page.text.partition('id="experts-title"')[2]
    assert "E00001" in experts and "E00002" in experts
    assert "图例" in page.text and "菱形：深度贫困村" in page.text
