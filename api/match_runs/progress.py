"""A run's progress in the database: the matcher's events, written at most every half second."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from api.database import utc_now
from api.match_runs.labels import phase_label
from api.match_runs.lifecycle import Lease, Sessions, write_progress
from matching.control import Progress

log = logging.getLogger(__name__)
WRITE_EVERY_S = 0.5


class ProgressWriter:
    """A `matching.control` listener that keeps the run's `progress` column current.

    Events come many times a second during a solve; the database sees the latest one at
    most every `WRITE_EVERY_S` (phases of the task itself are written at once). A write
    refused because the lease is gone calls `on_lost` (which stops the run).
    """

    def __init__(self, sessions: Sessions, lease: Lease, on_lost: Callable[[], None]) -> None:
        self._sessions = sessions
        self._lease = lease
        self._on_lost = on_lost
        self._started = time.perf_counter()
        self._written_at = float("-inf")
        self._fraction = 0.0

    def __call__(self, event: Progress) -> None:
        self.update(event.phase, event.objective, event.bound)

    def update(
        self,
        phase: str,
        objective: float | None = None,
        bound: float | None = None,
        *,
        force: bool = False,
    ) -> None:
        label, fraction = phase_label(phase)
        self._fraction = max(self._fraction, fraction)
        now = time.perf_counter()
        if not force and now - self._written_at < WRITE_EVERY_S:
            return
        self._written_at = now
        self.write(self.snapshot(phase, label, objective, bound))

    def snapshot(
        self, phase: str, label: str, objective: float | None, bound: float | None
    ) -> dict[str, Any]:
        return {
            "phase": phase,
            "phase_label": label,
            "fraction": round(self._fraction, 3),
            "elapsed_s": round(time.perf_counter() - self._started, 3),
            "objective": objective,
            "bound": bound,
            "updated_at": utc_now().isoformat(),
        }

    def write(self, progress: dict[str, Any]) -> None:
        try:
            held = write_progress(self._sessions, self._lease, progress)
        except SQLAlchemyError:  # progress is best effort; the run goes on
            log.warning("run %s: progress not written", self._lease.run_id, exc_info=True)
            return
        if not held:
            self._on_lost()

    def final(self, phase: str) -> dict[str, Any]:
        """The progress stored with the result."""
        self._fraction = 1.0 if phase == "done" else self._fraction
        label, _ = phase_label(phase)
        return self.snapshot(phase, label, None, None)
