"""The PostgreSQL pool tests a connection that sat idle before handing it out."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from api.database import make_engine
from api.database import session as session_module


def test_a_connection_dropped_while_idle_is_replaced_before_use(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the test before use is PostgreSQL's")
    monkeypatch.setattr(session_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    engine = make_engine(database_url)
    admin = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            first = connection.scalar(text("SELECT pg_backend_pid()"))
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        # The pooled connection is dead now: it fails its test and a new one serves.
        with engine.connect() as connection:
            second = connection.scalar(text("SELECT pg_backend_pid()"))
        assert second != first
    finally:
        engine.dispose()
        admin.dispose()
