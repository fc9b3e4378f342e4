"""Fixtures of the browser journeys: a live server, Debian's Chromium driven by Playwright.

- `live_server` (session): a SQLite database built like the API suite's template (the
  migrations, the demo data, the demo accounts and the "-other" ones) with a published
  expert plan for 从江县 (requested, run and published through the service) and an
  "expert-busy" account for the expert with the most assignments in it, served by
  uvicorn in a thread on a free port, with the embedded match-run worker process, so a
  re-match queued by a page really runs.
- `browser` (session): `/usr/bin/chromium`, headless, through `executable_path` (no
  browser download). Missing, the suite fails saying how to install it (`make browser`).
- `phone` / `desktop`: a fresh browser context (390×844 / 1280×800, zh-CN) and page; every
  page that loads in it must have passed `pages.checked(page, name)` (the accessibility
  checks and a screenshot) before the test ends.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import func, select

from api.app import create_app
from api.auth.demo import DemoAccount, create_account, seed_database
from api.database import make_engine, session_factory, transaction
from api.database.models import Assignment, Role, User
from api.match_runs import publish, service
from api.match_runs.schemas import RunCreate
from api.policy import Principal
from api.serve import embedded_worker
from api.settings import Settings
from api.worker.loop import Worker

from .pages import Visits

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
CHROMIUM = Path("/usr/bin/chromium")
HOW_TO_INSTALL = (
    f"{CHROMIUM} is missing: run `make browser` (as root it installs Debian's chromium and "
    "chromium-driver with apt-get), then run the tests again."
)
OTHER_ACCOUNTS = [
    DemoAccount("county-other", "county-other-pass", Role.COUNTY, "weining"),
    DemoAccount("expert-other", "expert-other-pass", Role.EXPERT, "E00002"),
    DemoAccount("city-other", "city-other-pass", Role.CITY, "foshan"),
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@dataclass(frozen=True)
class LiveServer:
    url: str
    settings: Settings
    accounts: dict[str, DemoAccount]
    plan_run_id: int  # the published expert plan of the coordinator's county


def _principal(url: str, username: str) -> Principal:
    engine = make_engine(url)
    try:
        with transaction(session_factory(engine)) as session:
            return Principal.of(
                session.scalars(select(User).where(User.username == username)).one()
            )
    finally:
        engine.dispose()


def publish_plan(settings: Settings, username: str = "county") -> int:
    """An expert match of the coordinator's county, requested, run and published through
    the service functions the routes call (the worker's own code runs it)."""
    coordinator = _principal(settings.database_url, username)
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    try:
        with transaction(sessions) as session:
            run = service.create_run(
                session,
                coordinator,
                RunCreate(
                    market="experts", scope_kind="county", scope_code=coordinator.county_code
                ),
            )
            run_id = run.id
        assert Worker(sessions, settings).claim_and_run() == run_id
        with transaction(sessions) as session:
            publish.publish_run(session, coordinator, service.get_run(session, coordinator, run_id))
        return run_id
    finally:
        engine.dispose()


def busiest_expert_account(settings: Settings, run_id: int) -> DemoAccount:
    """An account ("expert-busy") for the expert with the most assignments in the
    published plan `run_id` (then the smallest id): the expert's journey needs two to
    answer, which the demo account's expert (the first of the county) need not have."""
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            count = func.count(Assignment.id)
            query = (
                select(Assignment.expert_id, count)
                .where(Assignment.run_id == run_id)
                .group_by(Assignment.expert_id)
                .order_by(count.desc(), Assignment.expert_id)
            )
            expert_id, assignments = session.execute(query).first()  # type: ignore[misc]
            assert assignments >= 2, f"no expert has two assignments in run {run_id}"
            account = DemoAccount("expert-busy", "expert-busy-pass", Role.EXPERT, expert_id)
            create_account(session, account, account.username)
            return account
    finally:
        engine.dispose()


def _free_socket() -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    return listener


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("browser") / "bangfu.sqlite3"
    url = f"sqlite:///{database}"
    accounts = seed_database(url, DEMO, OTHER_ACCOUNTS)
    settings = Settings(
        environment="test",
        database_url=url,
        login_attempts=1000,
        worker_poll_seconds=0.2,
        embedded_worker=True,
        _env_file=None,  # type: ignore[call-arg]
    )
    plan_run_id = publish_plan(settings)
    busy = busiest_expert_account(settings, plan_run_id)
    accounts = {**accounts, busy.username: busy}
    listener = _free_socket()
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), log_level="warning", access_log=False)
    )
    with pytest.MonkeyPatch.context() as env, ExitStack() as stack:
        # The worker process reads its settings from the environment.
        env.setenv("BANGFU_ENVIRONMENT", "test")
        env.setenv("BANGFU_WORKER_POLL_SECONDS", "0.2")
        stack.enter_context(embedded_worker(settings, [sys.executable, "-m", "api.cli", "worker"]))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        try:
            yield LiveServer(f"http://127.0.0.1:{port}", settings, accounts, plan_run_id)
        finally:
            server.should_exit = True
            thread.join(15)
            listener.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(HOW_TO_INSTALL, pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield launched
        finally:
            launched.close()


def _page(browser: Browser, live_server: LiveServer, viewport: dict[str, int]) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,  # type: ignore[arg-type]
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    visits = Visits.watch(page)
    try:
        yield page
        visits.assert_all_checked()
    finally:
        context.close()


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A phone-sized page (390×844)."""
    yield from _page(browser, live_server, PHONE)


@pytest.fixture
def desktop(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A desktop-sized page (1280×800)."""
    yield from _page(browser, live_server, DESKTOP)
