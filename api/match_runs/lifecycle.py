"""A run's life in the database: claimed under a lease, renewed, finished, swept.

Every change is one conditional UPDATE, so two workers (or a worker and the API) can
never both win: a claim only takes a run still `queued`; a worker only writes progress or
a result while the run is `running` and the lease is still its own. A worker that lost
its lease (it stalled past the lease and a sweep re-queued the run) finds its writes
refused and drops its result.

On PostgreSQL the claim first picks a candidate with `SELECT … FOR UPDATE SKIP LOCKED`,
so concurrent workers each lock a different queued run instead of queueing behind one
row lock; SQLite has a single writer, so the conditional UPDATE alone decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, sessionmaker

from api.database import transaction, utc_now
from api.database.models import MatchRun, RunState

Sessions = sessionmaker[Session]


@dataclass(frozen=True)
class Lease:
    """A worker's hold on one run."""

    run_id: int
    owner: str
    attempt: int


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _rows(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def claim(sessions: Sessions, owner: str, lease_seconds: int) -> Lease | None:
    """Take the oldest queued run: `running`, leased to `owner`; None if there is none."""
    # On SQLite two workers may pick the same candidate; the loser tries again. Every lost
    # race is a run another worker took, so this ends.
    while True:
        taken = _claim_once(sessions, owner, lease_seconds)
        if taken is not _LOST_RACE:
            return taken


_LOST_RACE = Lease(-1, "", 0)


def _claim_once(sessions: Sessions, owner: str, lease_seconds: int) -> Lease | None:
    with transaction(sessions) as session:
        candidates = (
            select(MatchRun.id)
            .where(MatchRun.state == RunState.QUEUED)
            .order_by(MatchRun.id)
            .limit(1)
        )
        if _postgres(session):
            candidates = candidates.with_for_update(skip_locked=True)
        run_id = session.scalar(candidates)
        if run_id is None:
            return None
        now = utc_now()
        taken = session.execute(
            update(MatchRun)
            .where(MatchRun.id == run_id, MatchRun.state == RunState.QUEUED)
            .values(
                state=RunState.RUNNING,
                lease_owner=owner,
                lease_expires_at=now + timedelta(seconds=lease_seconds),
                started_at=now,
                attempts=MatchRun.attempts + 1,
                progress={},
            )
        )
        if _rows(taken) != 1:
            return _LOST_RACE
        attempt = session.scalar(select(MatchRun.attempts).where(MatchRun.id == run_id))
        return Lease(run_id, owner, int(attempt or 1))


def _held(lease: Lease) -> Any:
    return (
        (MatchRun.id == lease.run_id)
        & (MatchRun.state == RunState.RUNNING)
        & (MatchRun.lease_owner == lease.owner)
    )


@dataclass(frozen=True)
class Beat:
    held: bool  # the lease is still this worker's
    cancel_requested: bool


def renew(sessions: Sessions, lease: Lease, lease_seconds: int) -> Beat:
    """Extend the lease; say whether it is still held and whether a cancel was asked."""
    with transaction(sessions) as session:
        renewed = session.execute(
            update(MatchRun)
            .where(_held(lease))
            .values(lease_expires_at=utc_now() + timedelta(seconds=lease_seconds))
        )
        cancel = session.scalar(
            select(MatchRun.cancel_requested).where(MatchRun.id == lease.run_id)
        )
        return Beat(_rows(renewed) == 1, bool(cancel))


def write_progress(sessions: Sessions, lease: Lease, progress: dict[str, Any]) -> bool:
    with transaction(sessions) as session:
        return (
            _rows(session.execute(update(MatchRun).where(_held(lease)).values(progress=progress)))
            == 1
        )


def finish(session: Session, lease: Lease, state: RunState, **values: Any) -> bool:
    """End the run in `state` (inside the caller's transaction); False if the lease is lost."""
    ended = session.execute(
        update(MatchRun)
        .where(_held(lease))
        .values(state=state, finished_at=utc_now(), lease_expires_at=None, **values)
    )
    return _rows(ended) == 1


def hand_back(sessions: Sessions, lease: Lease) -> bool:
    """A worker shutting down returns its run to the queue; the attempt does not count."""
    with transaction(sessions) as session:
        returned = session.execute(
            update(MatchRun)
            .where(_held(lease), MatchRun.cancel_requested.is_(False))
            .values(
                state=RunState.QUEUED,
                lease_owner=None,
                lease_expires_at=None,
                started_at=None,
                attempts=MatchRun.attempts - 1,
                progress={},
            )
        )
        return _rows(returned) == 1


@dataclass(frozen=True)
class Swept:
    run_id: int
    state: RunState


def sweep(sessions: Sessions, max_attempts: int) -> list[Swept]:
    """Runs whose lease lapsed (their worker died): re-queued while attempts remain,
    cancelled if a cancel was asked, otherwise failed. Any worker may sweep."""
    now = utc_now()
    lapsed = (MatchRun.state == RunState.RUNNING) & (MatchRun.lease_expires_at < now)
    swept: list[Swept] = []
    with transaction(sessions) as session:
        query = select(MatchRun.id, MatchRun.attempts, MatchRun.cancel_requested).where(lapsed)
        if _postgres(session):
            query = query.with_for_update(skip_locked=True)
        for run_id, attempts, cancel in session.execute(query.order_by(MatchRun.id)).all():
            state, values = _after_lapse(attempts, cancel, max_attempts, now)
            done = session.execute(
                update(MatchRun).where(MatchRun.id == run_id, lapsed).values(state=state, **values)
            )
            if _rows(done) == 1:
                swept.append(Swept(run_id, state))
    return swept


def _after_lapse(
    attempts: int, cancel: bool, max_attempts: int, now: Any
) -> tuple[RunState, dict[str, Any]]:
    lease = {"lease_owner": None, "lease_expires_at": None}
    if cancel:
        return RunState.CANCELLED, {**lease, "finished_at": now}
    if attempts < max_attempts:
        return RunState.QUEUED, {**lease, "started_at": None, "progress": {}}
    error = {
        "code": "worker_lost",
        "message": f"运行该匹配的工作进程失联（租约过期），已尝试 {attempts} 次。"
        f" The worker running this match stopped renewing its lease ({attempts} attempts).",
    }
    return RunState.FAILED, {**lease, "finished_at": now, "error": error}
