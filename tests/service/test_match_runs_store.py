"""A run's plan stored in one go: COPY on PostgreSQL, executemany on SQLite, the same rows."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.database import make_engine, session_factory, transaction, utc_now
from api.database.models import Assignment, AssignmentState, MatchRun, RunState, Village, Worker
from api.match_runs.task import ASSIGNMENT_COLUMNS, insert_assignments
from api.settings import Settings

from .test_match_runs import Login, request_run, worker_for

EXPLANATION = {
    "kind": "assignment",
    "worker_id": "W000001",
    "posting_id": "P00001",
    # Quotes, a backslash, a tab and a new line: what COPY's text format must escape.
    "terms": [{"key": "note", "label": '说明 "引号" \\ \t 换行\n', "value": 0.125}],
    "kind_label": "匹配",
}


def _rows(run_id: int, workers: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Labour rows (no days), one with no score and no explanation; the state as an enum."""
    rows = []
    for number, (worker_id, county) in enumerate(workers):
        rows.append(
            {
                "run_id": run_id,
                "market": "labour",
                "worker_id": worker_id,
                "posting_id": "P00001",
                "county_code": county,
                "state": AssignmentState.PROPOSED,
                "score": None if number == 0 else 0.5 + number,
                "explanation": None if number == 0 else {**EXPLANATION, "worker_id": worker_id},
            }
        )
    return rows


def test_stored_rows_read_back_as_given(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        sessions = session_factory(engine)
        with transaction(sessions) as session:
            run = MatchRun(
                market="labour", scope_kind="province", state=RunState.RUNNING, options={}
            )
            run.started_at = utc_now()
            session.add(run)
            session.flush()
            workers = session.execute(
                select(Worker.worker_id, Village.county_code)
                .join(Village, Village.village_id == Worker.village_id)
                .order_by(Worker.worker_id)
                .limit(3)
            ).all()
            rows = _rows(run.id, [(w, c) for w, c in workers])
            insert_assignments(session, rows)
            insert_assignments(session, [])  # nothing to store is not an error
        with transaction(sessions) as session:
            columns = [getattr(Assignment, c) for c in ASSIGNMENT_COLUMNS]
            stored = session.execute(
                select(*columns, Assignment.id, Assignment.reason, Assignment.published_at)
                .where(Assignment.run_id == run.id)
                .order_by(Assignment.worker_id)
            ).all()
    finally:
        engine.dispose()
    assert [dict(zip(ASSIGNMENT_COLUMNS, s, strict=False)) for s in stored] == [
        {**{c: None for c in ASSIGNMENT_COLUMNS}, **row, "state": "proposed"} for row in rows
    ]
    ids = [s.id for s in stored]
    assert len(set(ids)) == 3 and all(isinstance(i, int) for i in ids)
    assert all(s.reason is None and s.published_at is None for s in stored)


def test_a_run_logs_where_its_time_went(
    client: TestClient, login: Login, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    run_id = request_run(client, login("county"), "experts", "county", "congjiang")
    with caplog.at_level(logging.INFO, logger="api.match_runs.task"), worker_for(settings) as w:
        assert w.claim_and_run() == run_id
    stored = client.get(f"/match-runs/{run_id}/assignments", headers=login("county")).json()
    line = f"run {run_id}: times read (.+) s, match (.+) s, rows (.+) s, store (.+) s; (\\d+) "
    found = [m for r in caplog.records if (m := re.match(line, r.getMessage()))]
    assert len(found) == 1 and int(found[0].group(5)) == stored["total"] > 0
