"""Workers and leases: claims never collide, a dead worker's run is re-queued or failed,
a worker that lost its lease writes nothing, SIGTERM hands the run back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.database import make_engine, session_factory, transaction, utc_now
from api.database.models import Assignment, MatchRun, RunState
from api.match_runs.lifecycle import Lease, claim, renew, sweep
from api.match_runs.task import RunContext, run_claimed
from api.settings import Settings
from api.worker.loop import Worker

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def database(settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(settings.database_url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


def queue_runs(sessions: sessionmaker[Session], count: int) -> list[int]:
    with transaction(sessions) as session:
        runs = [
            MatchRun(market="experts", scope_kind="county", scope_code="congjiang", options={})
            for _ in range(count)
        ]
        session.add_all(runs)
        session.flush()
        return [run.id for run in runs]


def run_row(sessions: sessionmaker[Session], run_id: int) -> MatchRun:
    with transaction(sessions) as session:
        return session.get_one(MatchRun, run_id)


def expire(sessions: sessionmaker[Session], run_id: int) -> None:
    with transaction(sessions) as session:
        session.execute(
            update(MatchRun)
            .where(MatchRun.id == run_id)
            .values(lease_expires_at=utc_now() - timedelta(seconds=1))
        )


def test_concurrent_claims_take_different_runs(settings: Settings) -> None:
    with database(settings) as sessions:
        ids = queue_runs(sessions, 4)
        leases: list[Lease | None] = []
        start = threading.Barrier(6)

        def take(n: int) -> None:
            start.wait()
            leases.append(claim(sessions, f"worker-{n}", 60))

        threads = [threading.Thread(target=take, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        taken = [lease.run_id for lease in leases if lease is not None]
        assert sorted(taken) == ids  # every run once, two workers found nothing
        assert {run_row(sessions, i).state for i in ids} == {"running"}


def test_a_lapsed_lease_is_requeued_then_failed_after_the_last_attempt(settings: Settings) -> None:
    with database(settings) as sessions:
        (run_id,) = queue_runs(sessions, 1)
        assert claim(sessions, "dead-1", 60) is not None
        assert sweep(sessions, max_attempts=2) == []  # the lease still runs
        expire(sessions, run_id)
        assert [s.state for s in sweep(sessions, max_attempts=2)] == ["queued"]
        run = run_row(sessions, run_id)
        assert (run.state, run.attempts, run.lease_owner) == ("queued", 1, None)
        assert claim(sessions, "dead-2", 60) is not None
        expire(sessions, run_id)
        assert [s.state for s in sweep(sessions, max_attempts=2)] == ["failed"]
        run = run_row(sessions, run_id)
        assert (run.state, run.attempts) == ("failed", 2)
        assert run.error is not None and run.error["code"] == "worker_lost"


def test_a_lapsed_run_that_was_asked_to_cancel_ends_cancelled(settings: Settings) -> None:
    with database(settings) as sessions:
        (run_id,) = queue_runs(sessions, 1)
        claim(sessions, "dead", 60)
        with transaction(sessions) as session:
            session.execute(
                update(MatchRun).where(MatchRun.id == run_id).values(cancel_requested=True)
            )
        expire(sessions, run_id)
        assert [s.state for s in sweep(sessions, max_attempts=5)] == ["cancelled"]


def test_a_heartbeat_renews_the_lease_and_reports_a_cancel(settings: Settings) -> None:
    with database(settings) as sessions:
        (run_id,) = queue_runs(sessions, 1)
        lease = claim(sessions, "alive", 5)
        assert lease is not None
        first = run_row(sessions, run_id).lease_expires_at
        beat = renew(sessions, lease, 600)
        assert beat.held and not beat.cancel_requested
        assert run_row(sessions, run_id).lease_expires_at > first  # type: ignore[operator]
        with transaction(sessions) as session:
            session.execute(
                update(MatchRun).where(MatchRun.id == run_id).values(cancel_requested=True)
            )
        assert renew(sessions, lease, 600).cancel_requested
        assert not renew(sessions, Lease(run_id, "someone-else", 1), 600).held


def test_a_worker_that_lost_its_lease_writes_nothing(settings: Settings) -> None:
    with database(settings) as sessions:
        (run_id,) = queue_runs(sessions, 1)
        stalled = claim(sessions, "stalled", 60)
        assert stalled is not None
        expire(sessions, run_id)
        sweep(sessions, max_attempts=2)
        successor = claim(sessions, "successor", 60)
        assert successor is not None and successor.attempt == 2
        # The stalled worker wakes up and finishes its match: its result is dropped.
        assert run_claimed(RunContext(sessions, stalled, settings)) is None
        run = run_row(sessions, run_id)
        assert (run.state, run.lease_owner) == ("running", "successor")
        with transaction(sessions) as session:
            assert session.scalars(select(Assignment.id)).first() is None


# A real `bangfu worker` process whose matcher works slowly (reporting progress and
# honouring its cancel token, as the real matchers do), so the test can act mid-run.
SLOW_WORKER = """
import sys, time
from api.match_runs import task
from matching.control import Progress
from matching.errors import Cancelled

def slow_match(*args, progress=None, cancel=None, **kwargs):
    for step in range(6000):
        if cancel is not None and cancel.cancelled:
            raise Cancelled("the run was cancelled")
        progress(Progress("solve: cpsat", step * 0.01, float(step), 1e6))
        time.sleep(0.01)
    raise SystemExit("the slow match was never interrupted")

task.run_expert_match = slow_match
from api.cli import main
main(["worker"])
"""


def start_worker(settings: Settings, lease_seconds: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BANGFU_DATABASE_URL": settings.database_url,
        "BANGFU_LEASE_SECONDS": str(lease_seconds),
        "BANGFU_WORKER_POLL_SECONDS": "0.2",
        "BANGFU_ENVIRONMENT": "test",
    }
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_WORKER],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(check: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _solving(sessions: sessionmaker[Session], run_id: int) -> bool:
    run = run_row(sessions, run_id)
    return run.state == "running" and (run.progress or {}).get("phase") == "solve: cpsat"


@pytest.mark.slow
def test_a_worker_killed_mid_run_leaves_its_run_requeued_then_run_by_another(
    settings: Settings,
) -> None:
    lease_seconds = 5
    with database(settings) as sessions:
        (run_id,) = queue_runs(sessions, 1)
        process = start_worker(settings, lease_seconds)
        try:
            wait_for(lambda: _solving(sessions, run_id))
            progress = run_row(sessions, run_id).progress
            assert progress["phase_label"] == "求解中" and progress["bound"] == 1e6
            first_expiry = run_row(sessions, run_id).lease_expires_at
            time.sleep(lease_seconds + 1)  # longer than the lease: the heartbeat renews it
            assert sweep(sessions, settings.max_attempts) == []
            assert run_row(sessions, run_id).lease_expires_at > first_expiry  # type: ignore[operator]
            process.send_signal(signal.SIGKILL)
            process.wait(10)
        finally:
            if process.poll() is None:
                process.kill()
        assert run_row(sessions, run_id).state == "running"  # until the lease lapses
        wait_for(lambda: bool(sweep(sessions, settings.max_attempts)), timeout=lease_seconds + 10)
        run = run_row(sessions, run_id)
        assert (run.state, run.attempts, run.lease_owner) == ("queued", 1, None)
        assert Worker(sessions, settings).claim_and_run() == run_id
        run = run_row(sessions, run_id)
        assert (run.state, run.attempts) == ("succeeded", 2)


@pytest.mark.slow
def test_sigterm_hands_the_run_back_to_the_queue(settings: Settings) -> None:
    with database(settings) as sessions:
        (run_id,) = queue_runs(sessions, 1)
        process = start_worker(settings, 30)
        try:
            wait_for(lambda: _solving(sessions, run_id))
            process.send_signal(signal.SIGTERM)
            assert process.wait(30) == 0, process.stderr.read() if process.stderr else ""
        finally:
            if process.poll() is None:
                process.kill()
        run = run_row(sessions, run_id)
        assert (run.state, run.attempts, run.lease_owner) == (RunState.QUEUED, 0, None)
