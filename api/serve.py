"""`bangfu serve`: migrate the database, optionally load the demo, start the server.

The embedded set-up (the default) is one command on one machine: a SQLite file under
`var/`, the API on 127.0.0.1, and a match-run worker process started with the server and
stopped with it. With `--demo` the bundled demo data set is loaded (once) and one account
per role is created; their passwords are printed, so this is for development only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

import click
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from api.auth.demo import DemoAccount, demo_accounts
from api.database import make_engine, session_factory, transaction
from api.database.load import load_directory
from api.database.migrate import upgrade
from api.database.models import ROLE_LABELS, Village
from api.settings import Settings, get_settings
from api.worker.parent import PARENT_VARIABLE

DEMO_DATA = Path(__file__).resolve().parents[1] / "data" / "demo"
WORKER_COMMAND = [sys.executable, "-m", "api.cli", "worker"]
WORKER_STOP_SECONDS = 15.0


def _settings(database_url: str | None) -> Settings:
    settings = get_settings()
    if database_url:
        return Settings(**{**settings.model_dump(), "database_url": database_url})
    return settings


def prepare_demo(database_url: str) -> tuple[bool, list[DemoAccount]]:
    """Load the demo data set unless some data set is there already; create the accounts.

    Loading is skipped on a database that has villages, so a restart keeps what users
    changed (the loader would write the files' values back over their edits).
    """
    engine = make_engine(database_url)
    try:
        factory = session_factory(engine)
        with transaction(factory) as session:
            empty = not session.scalar(select(func.count()).select_from(Village))
        if empty:
            load_directory(engine, DEMO_DATA)
        with transaction(factory) as session:
            return empty, demo_accounts(session)
    finally:
        engine.dispose()


def worker_available() -> bool:
    from api.cli import SERVICE_COMMANDS

    return "worker" in SERVICE_COMMANDS


@contextmanager
def embedded_worker(
    settings: Settings,
    command: list[str] | None = None,
    grace_seconds: float = WORKER_STOP_SECONDS,
) -> Iterator[subprocess.Popen[bytes] | None]:
    """`bangfu worker` in a child process for as long as the block runs."""
    if not (settings.embedded_worker and (command or worker_available())):
        yield None
        return
    environment = {
        **os.environ,
        "BANGFU_DATABASE_URL": settings.database_url,
        PARENT_VARIABLE: str(os.getpid()),  # the worker stops if this server dies
    }
    process = subprocess.Popen(command or WORKER_COMMAND, env=environment)
    try:
        yield process
    finally:
        stop_process(process, grace_seconds)


def stop_process(process: subprocess.Popen[bytes], grace_seconds: float) -> None:
    """Ask the process to stop (SIGTERM); kill it if it does not within the grace time.

    The worker gives up its run's lease when it stops; a killed one leaves the lease to
    lapse, and the run is re-queued then.
    """
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    # uvicorn handles SIGTERM itself, then re-raises it once it has shut down; ending with
    # SystemExit (not the default handler's instant death) lets the worker be stopped too.
    raise SystemExit(0)


def banner(url: str, database_url: str, accounts: list[DemoAccount], worker: int | None) -> str:
    lines = [
        "",
        f"Bangfu 帮扶 is running: {url}/docs  (Ctrl-C stops it)",
        f"web pages: {url}/app/",
        f"database: {make_url(database_url).render_as_string(hide_password=True)}",
        f"match-run worker: {'pid ' + str(worker) if worker else 'not started'}",
    ]
    if accounts:
        lines += ["", "demo accounts (log in on the pages, or with the Authorize button at /docs):"]
        lines += [f"  {'user':<10} {'password':<22} {'scope':<10} role"]
        for account in accounts:
            role = f"{ROLE_LABELS[account.role]} ({account.role.value})"
            scope = account.scope or "—"
            lines.append(f"  {account.username:<10} {account.password:<22} {scope:<10} {role}")
    return "\n".join([*lines, ""])


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--demo",
    is_flag=True,
    help="Load the demo data set (unless data is loaded) and create one account per role.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (each with its own connection pool; use PostgreSQL for more than 1).",
)
@click.option("--access-log/--no-access-log", default=True, show_default=True)
@click.option(
    "--database-url",
    default=None,
    help="SQLAlchemy URL (default: the BANGFU_DATABASE_URL setting, else var/bangfu.sqlite3).",
)
def serve_command(
    host: str, port: int, demo: bool, workers: int, access_log: bool, database_url: str | None
) -> None:
    """Migrate the database and start the API (and its match-run worker).

    The API documentation, with a log-in button, is at /docs. Exit status 0 after Ctrl-C
    or SIGTERM; the worker process is stopped with the server.

    Example: bangfu serve --demo
    """
    settings = _settings(database_url)
    if demo and settings.environment == "production":
        raise click.UsageError("--demo prints its passwords: it is for development only.")
    upgrade(settings.database_url)
    accounts: list[DemoAccount] = []
    if demo:
        loaded, accounts = prepare_demo(settings.database_url)
        click.echo("demo data loaded" if loaded else "data already loaded, kept as it is", err=True)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    with embedded_worker(settings) as worker:
        pid = worker.pid if worker else None
        click.echo(banner(f"http://{host}:{port}", settings.database_url, accounts, pid))
        # uvicorn re-raises Ctrl-C after a clean shut-down; stopping is not an error.
        with suppress(KeyboardInterrupt):
            run_server(settings, host, port, workers, access_log)


def run_server(settings: Settings, host: str, port: int, workers: int, access_log: bool) -> None:
    import uvicorn

    from api.app import create_app

    if workers == 1:
        app = create_app(settings)
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log)
        return
    # Each process builds its own app from the settings, so it needs the URL in them too.
    os.environ["BANGFU_DATABASE_URL"] = settings.database_url
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        access_log=access_log,
    )
