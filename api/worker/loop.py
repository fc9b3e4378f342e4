"""The worker loop: sweep lapsed leases, claim the oldest queued run, run it, repeat.

Any number of workers may run against one PostgreSQL database, on any machine; on SQLite
(one writer) the embedded worker is the only one. A worker stops claiming when asked to
stop (SIGTERM, SIGINT); a run it is working on is handed back to the queue for another
worker, not lost and not counted as a failed attempt.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from api.match_runs.lifecycle import Sessions, claim, sweep
from api.match_runs.task import RunContext, run_claimed
from api.settings import Settings
from api.worker.heartbeat import Heartbeat
from matching.control import CancelToken

log = logging.getLogger(__name__)


def worker_name() -> str:
    """Host, process and a random part: unique even for two workers in one process."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(self, sessions: Sessions, settings: Settings, name: str | None = None) -> None:
        self.sessions = sessions
        self.settings = settings
        self.name = name or worker_name()
        self.stopping = threading.Event()
        self._token: CancelToken | None = None

    def claim_and_run(self) -> int | None:
        """Sweep, then claim one queued run and run it to its end; its id, or None if idle."""
        for swept in sweep(self.sessions, self.settings.max_attempts):
            log.warning("run %s: lease lapsed, now %s", swept.run_id, swept.state)
        if self.stopping.is_set():
            return None
        lease = claim(self.sessions, self.name, self.settings.lease_seconds)
        if lease is None:
            return None
        context = RunContext(self.sessions, lease, self.settings, stopping=self.stopping)
        self._token = context.token
        log.info("run %s: claimed by %s (attempt %s)", lease.run_id, self.name, lease.attempt)
        try:
            with Heartbeat(context):
                state = run_claimed(context)
        finally:
            self._token = None
        log.info("run %s: %s", lease.run_id, state or "lease lost")
        return lease.run_id

    def run_forever(self) -> None:
        """Work until `stop()`: one run at a time, polling when the queue is empty."""
        log.info("worker %s started", self.name)
        while not self.stopping.is_set():
            if self.claim_and_run() is None:
                self.stopping.wait(self.settings.worker_poll_seconds)
        log.info("worker %s stopped", self.name)

    def stop(self) -> None:
        """Stop claiming; the run in progress stops at its next checkpoint and is handed back."""
        self.stopping.set()
        token = self._token
        if token is not None:
            token.cancel()
