"""`bangfu worker`: run queued matches from the database until stopped."""

from __future__ import annotations

import logging
import signal
from types import FrameType

import click

from api.database import make_engine, session_factory
from api.settings import get_settings
from api.worker.loop import Worker
from api.worker.parent import expected_parent, watch_parent


@click.command("worker")
@click.option(
    "--database-url",
    envvar="BANGFU_DATABASE_URL",
    default=None,
    help="SQLAlchemy URL (default: the BANGFU_DATABASE_URL setting, else the SQLite file).",
)
@click.option("--once", is_flag=True, help="Run at most one queued match, then exit.")
def worker_command(database_url: str | None, once: bool) -> None:
    """Claim queued match runs and run them, one at a time, until SIGTERM or Ctrl-C.

    Start any number of workers against one PostgreSQL database, on any machine; each run
    is leased (BANGFU_LEASE_SECONDS) and a run whose worker died is re-queued or failed
    by the next sweep. On SIGTERM the worker stops claiming and hands its current run back
    to the queue.

    Example: BANGFU_DATABASE_URL=postgresql://bangfu@db/bangfu bangfu worker
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # Under `bangfu` the group has set logging up already (warnings only, unless -v), so the
    # call above does nothing there; the worker's own lines (a run claimed, ended, where its
    # time went) are worth keeping in any case.
    logging.getLogger("api").setLevel(min(logging.INFO, logging.getLogger().level))
    settings = get_settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    engine = make_engine(settings.database_url)
    worker = Worker(session_factory(engine), settings)
    _on_stop_signals(worker)
    parent = expected_parent()
    if parent is not None:
        watch_parent(parent, worker.stop, worker.stopping)
    try:
        if once:
            worker.claim_and_run()
        else:
            worker.run_forever()
    finally:
        engine.dispose()


def _on_stop_signals(worker: Worker) -> None:
    def stop(signum: int, _frame: FrameType | None) -> None:
        click.echo(f"worker: {signal.Signals(signum).name}, stopping", err=True)
        worker.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
