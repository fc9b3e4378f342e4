"""Engine and sessions. SQLite is the embedded default; PostgreSQL through psycopg 3."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection


def normalise_url(url: str) -> str:
    """`postgresql://…` means psycopg 3 here (SQLAlchemy's default driver is psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


SERVER_THREADS = 40
POOL_WAIT_SECONDS = 120
# A pooled connection that was in use less than this long ago is taken as alive; one idle
# longer is tested before use (see `_ping_when_idle`).
PING_AFTER_IDLE_SECONDS = 1.0


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # As many connections as the server has threads for routes (anyio's default 40), and
        # a generous wait for one: under a burst (50 uploads taking turns on the postings'
        # id lock) a request waits its turn instead of failing; past the wait it is a 503.
        engine = create_engine(
            url,
            pool_size=10,
            max_overflow=SERVER_THREADS - 10,
            pool_timeout=POOL_WAIT_SECONDS,
        )
        _ping_when_idle(engine)
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before use if it sat idle for a while (a database restart
    or a dropped connection then shows before a request fails, and the whole pool is
    replaced, as SQLAlchemy's `pool_pre_ping` does).

    `pool_pre_ping` tests on every checkout: a round trip to the database for every
    request, a good part of a small read's cost. A connection that served a request
    within the last second is known to be alive; under load every connection is, so only
    a quiet server pays for the test.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(
        dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # new (just connected), or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            message = f"a pooled connection failed its test: {error}"
            raise exc.InvalidatePoolError(message) from error


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # Foreign keys are off in SQLite unless asked for; WAL lets the server read while the
    # worker writes.
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def reading_engine(engine: Engine) -> Engine:
    """The engine for requests that only read (GET): on PostgreSQL each statement runs on
    its own, without BEGIN and COMMIT — two of a small read's four round trips. The pool
    is shared. A list's page and its count may then see different moments, which a list
    can live with. SQLite reads are local calls and keep the plain engine.
    """
    if not is_postgres(engine):
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on any error."""
    with factory() as session, session.begin():
        yield session


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
