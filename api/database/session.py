"""Engine and sessions. SQLite is the embedded default; PostgreSQL through psycopg 3."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """`postgresql://…` means psycopg 3 here (SQLAlchemy's default driver is psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


SERVER_THREADS = 40
POOL_WAIT_SECONDS = 120


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # As many connections as the server has threads for routes (anyio's default 40), and
        # a generous wait for one: under a burst (50 uploads taking turns on the postings'
        # id lock) a request waits its turn instead of failing; past the wait it is a 503.
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=10,
            max_overflow=SERVER_THREADS - 10,
            pool_timeout=POOL_WAIT_SECONDS,
        )
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


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
