"""Fixtures of the API suite: a migrated, loaded database per test, on every backend.

The suite runs on SQLite always and, when `BANGFU_TEST_DATABASE_URL` names a PostgreSQL
server (`.ci/run` sets it), on PostgreSQL too. A template database is built once per
backend (migrations, the demo data, the accounts); each test gets its own copy (a file
copy for SQLite, `CREATE DATABASE … TEMPLATE` for PostgreSQL), so tests never see each
other's changes.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from api.app import create_app
from api.auth.demo import DemoAccount, seed_database
from api.database.models import Role
from api.pages.csrf import HEADER as CSRF_HEADER
from api.pages.csrf import SESSION_COOKIE, token_for
from api.settings import Settings

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
PG_URL = os.environ.get("BANGFU_TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]
_copies = itertools.count()


Account = DemoAccount

# Beside the demo accounts (one per role), one more per scoped role in another scope, so
# every access check has an "other" side.
OTHER_ACCOUNTS = [
    Account("county-other", "county-other-pass", Role.COUNTY, "weining"),
    Account("expert-other", "expert-other-pass", Role.EXPERT, "E00002"),
    Account("city-other", "city-other-pass", Role.CITY, "foshan"),
]


def _seed(url: str) -> dict[str, Account]:
    return seed_database(url, DEMO, OTHER_ACCOUNTS)


def _server(url: str) -> Engine:
    return create_engine(
        make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )


def _pg_url(name: str) -> str:
    assert PG_URL is not None
    return (
        make_url(PG_URL)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )


@dataclass(frozen=True)
class Template:
    backend: str
    location: str  # SQLite: the file; PostgreSQL: the template database's name
    accounts: dict[str, Account]


@pytest.fixture(scope="session", params=BACKENDS)
def template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Template]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "template.sqlite3"
        yield Template("sqlite", str(path), _seed(f"sqlite:///{path}"))
        return
    assert PG_URL is not None
    name = f"bangfu_template_{os.getpid()}"
    server = _server(PG_URL)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    try:
        yield Template("postgresql", name, _seed(_pg_url(name)))
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def database_url(template: Template, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the template for this test."""
    if template.backend == "sqlite":
        copy = tmp_path / "bangfu.sqlite3"
        shutil.copyfile(template.location, copy)
        yield f"sqlite:///{copy}"
        return
    name = f"bangfu_test_{os.getpid()}_{next(_copies)}"
    server = _server(PG_URL or "")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template.location}"'))
    try:
        yield _pg_url(name)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        login_attempts=1000,
        embedded_worker=False,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def accounts(template: Template) -> dict[str, Account]:
    return template.accounts


Headers = dict[str, str]


@pytest.fixture
def login(client: TestClient, accounts: dict[str, Account]) -> Callable[[str], Headers]:
    """`login("county")` → the Authorization header of that account."""
    cache: dict[str, Headers] = {}

    def headers(username: str) -> Headers:
        if username not in cache:
            account = accounts[username]
            answer = client.post(
                "/auth/token", data={"username": username, "password": account.password}
            )
            assert answer.status_code == 200, answer.text
            cache[username] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        return cache[username]

    return headers


@pytest.fixture
def page_login(login: Callable[[str], Headers], settings: Settings) -> Callable[[str], Headers]:
    """`page_login("expert")` → the headers a logged-in browser sends to the pages: the
    login cookie (the same JWT as the API's bearer token) and its CSRF token."""

    def headers(username: str) -> Headers:
        token = login(username)["Authorization"].removeprefix("Bearer ")
        return {
            "Cookie": f"{SESSION_COOKIE}={token}",
            CSRF_HEADER: token_for(settings.secret_key, token),
        }

    return headers


@pytest.fixture
def browse_as(client: TestClient, page_login: Callable[[str], Headers]) -> Callable[[str], Headers]:
    """`browse_as("expert")`: the client's cookie jar holds that login (so redirects and
    flash messages work as in a browser); → the CSRF header to send with POSTs."""

    def headers(username: str) -> Headers:
        both = page_login(username)
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, both["Cookie"].partition("=")[2])
        return {CSRF_HEADER: both[CSRF_HEADER]}

    return headers
