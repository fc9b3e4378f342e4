"""`bangfu serve`: the real server in a subprocess, logged into over real HTTP, stopped cleanly."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.auth.demo import DemoAccount
from api.database.models import Role
from api.serve import banner, embedded_worker, worker_available
from api.settings import Settings
from api.worker.parent import watch_parent

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60
STOP_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`bangfu serve --demo` on a free port with its own SQLite file."""

    def __init__(self, workdir: Path, *extra: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            "BANGFU_DATABASE_URL": f"sqlite:///{workdir / 'bangfu.sqlite3'}",
            "BANGFU_ENVIRONMENT": "development",
        }
        command = [sys.executable, "-m", "api.cli", "serve", "--port", str(self.port), *extra]
        self.log = workdir / f"serve-{self.port}.log"
        with self.log.open("wb") as log:
            # A session of its own: `kill` can then end the server and its worker together.
            self.process = subprocess.Popen(
                command,
                cwd=workdir,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server ended early:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/openapi.json", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        pytest.fail(f"the server did not answer within {START_SECONDS} s:\n{self.output()}")

    def stop(self, how: signal.Signals) -> int:
        self.process.send_signal(how)
        return self.process.wait(STOP_SECONDS)

    def kill(self) -> None:
        """End the server and everything it started, whatever state it is in."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.kill()


def _printed_password(output: str, username: str) -> str:
    match = re.search(rf"^  {re.escape(username)}\s+(\S+)", output, re.MULTILINE)
    assert match, f"{username}'s password is not printed:\n{output}"
    return match.group(1)


def log_in(server: Server, username: str) -> dict[str, str]:
    password = _printed_password(server.output(), username)
    answer = httpx.post(
        f"{server.url}/auth/token", data={"username": username, "password": password}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _worker_pid(output: str) -> int | None:
    match = re.search(r"match-run worker: pid (\d+)", output)
    return int(match.group(1)) if match else None


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A child that ended but was not reaped yet is a zombie: gone as far as work goes.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] == "Z"


@pytest.mark.slow
def test_serve_demo_logs_in_over_http_and_stops_cleanly(
    tmp_path: Path, servers: list[Server]
) -> None:
    first = Server(tmp_path, "--demo")
    servers.append(first)
    first.wait_ready()
    output = first.output()
    assert f"{first.url}/docs" in output and "demo data loaded" in output
    for username in ("province", "county", "expert", "city"):
        log_in(first, username)
    headers = log_in(first, "county")
    me = httpx.get(f"{first.url}/me", headers=headers, timeout=10).json()
    assert (me["username"], me["role"]) == ("county", "county")
    coverage = httpx.get(f"{first.url}/reports/coverage", headers=headers, timeout=10).json()
    assert coverage["scope"]["code"] == me["county_code"]
    assert httpx.get(f"{first.url}/docs", timeout=10).status_code == 200
    worker = _worker_pid(output)
    assert (worker is not None) == worker_available()
    assert first.stop(signal.SIGTERM) == 0
    if worker is not None:
        assert _gone(worker), "the worker outlived the server"

    # A restart keeps the data (and the users' changes) and the same accounts.
    second = Server(tmp_path, "--demo")
    servers.append(second)
    second.wait_ready()
    assert "data already loaded" in second.output()
    log_in(second, "province")
    assert second.stop(signal.SIGINT) == 0


def test_banner_prints_every_account_and_the_docs_url() -> None:
    accounts = [
        DemoAccount("province", "p-pass-123456", Role.PROVINCE, None),
        DemoAccount("city", "c-pass-123456", Role.CITY, "guangzhou"),
    ]
    text = banner("http://127.0.0.1:8000", "postgresql://u:secret@db/x", accounts, 42)
    assert "http://127.0.0.1:8000/docs" in text
    assert "http://127.0.0.1:8000/app/" in text
    assert _printed_password(text, "province") == "p-pass-123456"
    assert _printed_password(text, "city") == "c-pass-123456"
    assert "帮扶城市 (city)" in text and "guangzhou" in text
    assert "secret" not in text  # the database password is never printed
    assert _worker_pid(text) == 42


def _settings(embedded: bool) -> Settings:
    return Settings(
        environment="test",
        database_url="sqlite:///unused.sqlite3",
        embedded_worker=embedded,
        _env_file=None,  # type: ignore[call-arg]
    )


def test_the_embedded_worker_lives_exactly_as_long_as_the_server() -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    with embedded_worker(_settings(True), sleeper) as worker:
        assert worker is not None and worker.poll() is None
    assert worker.returncode == -signal.SIGTERM
    with embedded_worker(_settings(False), sleeper) as none:
        assert none is None  # BANGFU_EMBEDDED_WORKER=false: workers run elsewhere


def test_a_worker_that_ignores_sigterm_is_killed_after_the_grace_time() -> None:
    stubborn = [
        sys.executable,
        "-c",
        "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
        " print('ready', flush=True); time.sleep(60)",
    ]
    started = time.monotonic()
    with embedded_worker(_settings(True), stubborn, grace_seconds=0.5) as worker:
        assert worker is not None
        time.sleep(1.0)  # let it install its handler
    assert worker.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 10


def test_the_parent_watch_stops_a_worker_whose_server_is_gone() -> None:
    stopped = threading.Event()
    calls: list[str] = []
    watch_parent(os.getppid() + 1, lambda: calls.append("stop"), stopped, every=0.05)
    deadline = time.monotonic() + 5
    while not calls and time.monotonic() < deadline:
        time.sleep(0.05)
    assert calls == ["stop"]
    alive = threading.Event()
    thread = watch_parent(os.getppid(), lambda: calls.append("again"), alive, every=0.05)
    time.sleep(0.3)
    alive.set()
    thread.join(5)
    assert calls == ["stop"] and not thread.is_alive()


def test_a_worker_stops_when_its_server_is_killed(database_url: str, tmp_path: Path) -> None:
    """SIGKILL gives the server no chance to stop its worker: the worker notices alone."""
    pid_file = tmp_path / "worker.pid"
    server = (
        "import os, subprocess, sys, time\n"
        "env = {**os.environ, 'BANGFU_WORKER_PARENT_PID': str(os.getpid())}\n"
        "worker = subprocess.Popen([sys.executable, '-m', 'api.cli', 'worker'], env=env)\n"
        f"open({str(pid_file)!r}, 'w').write(str(worker.pid))\n"
        "time.sleep(120)\n"
    )
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "BANGFU_DATABASE_URL": database_url,
    }
    parent = subprocess.Popen([sys.executable, "-c", server], env=environment, cwd=tmp_path)
    deadline = time.monotonic() + START_SECONDS
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.1)
    worker = int(pid_file.read_text())
    try:
        time.sleep(2.0)  # the worker is up and polling
        assert _alive(worker)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + STOP_SECONDS
        while _alive(worker):
            assert time.monotonic() < deadline, "the orphaned worker is still running"
            time.sleep(0.2)
    finally:
        parent.kill()
        if _alive(worker):  # the test failed: leave no orphan behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker, signal.SIGKILL)


def _alive(pid: int) -> bool:
    """Running, not a zombie (an orphan's zombie is reaped by init; be safe either way)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
