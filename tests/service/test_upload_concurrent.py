"""20 uploads at once of overlapping files, on PostgreSQL: every posting stored exactly
once, none lost, each with its own id, every request answered."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.app import create_app
from api.database.models import AuditEntry, Posting
from api.database.session import normalise_url
from api.settings import Settings

from .test_upload import csv_file, posting_row

Login = Callable[[str], dict[str, str]]
UPLOADS = 20
REFERENCES = 30
ROWS_PER_FILE = 12


def overlapping_file(index: int) -> tuple[list[str], bytes]:
    """Upload `index` carries references index .. index+11 (mod 30): every reference is in
    several files, each file shares rows with many others."""
    references = [f"C-{(index + k) % REFERENCES:02d}" for k in range(ROWS_PER_FILE)]
    rows = [posting_row(ref, wage_yuan_month=str(5000 + int(ref[2:]))) for ref in references]
    return references, csv_file(rows)


def test_twenty_concurrent_uploads_lose_and_duplicate_nothing(
    settings: Settings, login: Login, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("real concurrent writers: PostgreSQL")
    headers = login("city")
    app = create_app(settings)
    start = threading.Barrier(UPLOADS)

    def send(index: int) -> Any:
        _, content = overlapping_file(index)
        # A client of its own per thread: each request runs on its own connection.
        client = TestClient(app)
        start.wait()
        files = {"file": (f"upload-{index}.csv", content, "text/csv")}
        return client.post("/postings/upload", headers=headers, files=files)

    with ThreadPoolExecutor(UPLOADS) as pool:
        answers = list(pool.map(send, range(UPLOADS)))

    assert [a.status_code for a in answers] == [200] * UPLOADS, [a.text for a in answers]
    bodies = [a.json() for a in answers]
    assert sum(b["created"] for b in bodies) == REFERENCES
    assert sum(b["created"] + b["unchanged"] for b in bodies) == UPLOADS * ROWS_PER_FILE
    # Every answer names, for each reference, the one posting that holds it.
    ids_by_reference = {
        (p["city_reference"], p["posting_id"]) for b in bodies for p in b["postings"]
    }
    assert len(ids_by_reference) == REFERENCES

    engine = create_engine(normalise_url(database_url))
    with Session(engine) as session:
        stored = session.execute(
            select(Posting.city_reference, Posting.posting_id, Posting.wage_yuan_month).where(
                Posting.partner_city_code == "guangzhou", Posting.city_reference.is_not(None)
            )
        ).all()
        created = session.scalars(
            select(AuditEntry.entity_id).where(AuditEntry.action == "upload_created")
        ).all()
    engine.dispose()
    assert sorted(ref for ref, _, _ in stored) == [f"C-{n:02d}" for n in range(REFERENCES)]
    assert len({posting_id for _, posting_id, _ in stored}) == REFERENCES
    assert all(wage == 5000 + int(ref[2:]) for ref, _, wage in stored)
    assert {(ref, pid) for ref, pid, _ in stored} == ids_by_reference
    assert Counter(created) == Counter({pid: 1 for _, pid, _ in stored})
