"""The lease kept alive while a run works, and a cancel asked through the API noticed."""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from sqlalchemy.exc import SQLAlchemyError

from api.match_runs.lifecycle import renew
from api.match_runs.task import RunContext

log = logging.getLogger(__name__)
# Beats come at least this often, so a cancel is noticed within about this many seconds.
MAX_BEAT_S = 2.0


def beat_seconds(lease_seconds: int) -> float:
    """A third of the lease (two beats may fail before it lapses), at most MAX_BEAT_S."""
    return min(lease_seconds / 3, MAX_BEAT_S)


class Heartbeat:
    """A thread that renews the run's lease until stopped.

    A cancel asked through the API cancels the run's token; a lease found gone (a sweep
    gave the run to another attempt) makes the task drop its result.
    """

    def __init__(self, context: RunContext) -> None:
        self._context = context
        self._lease_seconds = context.settings.lease_seconds
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name=f"heartbeat-run-{context.lease.run_id}", daemon=True
        )

    def beat(self) -> None:
        context = self._context
        try:
            beat = renew(context.sessions, context.lease, self._lease_seconds)
        except SQLAlchemyError:  # the next beat may succeed; the lease has slack for two
            log.warning("run %s: lease not renewed", context.lease.run_id, exc_info=True)
            return
        if not beat.held:
            log.warning("run %s: lease lost, dropping the run", context.lease.run_id)
            context.lose()
        elif beat.cancel_requested:
            context.token.cancel()

    def _loop(self) -> None:
        while not self._done.wait(beat_seconds(self._lease_seconds)):
            self.beat()

    def __enter__(self) -> Heartbeat:
        self.beat()  # a cancel asked before the claim stops the run at once
        self._thread.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._done.set()
        self._thread.join()
