"""Installing progress and cancellation for a run, only when the caller asked for them.

A caller that installed `matching.control.controlled` itself (the command, around loading
the data too) passes nothing, and its control stays in force.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from matching.control import CancelToken, ProgressListener, controlled


def run_control(
    progress: ProgressListener | None, cancel: CancelToken | None
) -> AbstractContextManager[Any]:
    if progress is None and cancel is None:
        return nullcontext()
    return controlled(progress, cancel)
