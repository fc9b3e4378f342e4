"""What every solver takes and the protocol it follows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from matching.engine.problem import Problem
from matching.engine.result import Result
from matching.errors import InvalidInputError

# Called with (elapsed seconds, best objective so far, best bound so far).
ProgressCallback = Callable[[float, float, float], None]

# The work a solve may spend by default, in CP-SAT's deterministic time units: counted,
# not timed, so where a search stops does not depend on the machine or its load (seconds
# per unit vary with the problem: see README, Performance). 0.6 proves the general
# benchmark optimal (it needs 0.54) and leaves the expert match's county lead stage within
# a relative gap of 2e-4; on the province expert match 1.0 gave the very same plan, slower.
DEFAULT_WORK_LIMIT = 0.6


@dataclass(frozen=True)
class SolveOptions:
    """Parameters of a solve; validated on construction.

    `work_limit` decides the answer: it is counted work (CP-SAT's deterministic time,
    rings of `decompose`, passes of `polish`), so the same problem and options give the
    same result on a busy machine as on a quiet one. `time_limit` is a wall-clock safety
    stop in seconds: when it fires first, the result says so (`Result.stopped_by ==
    "time_limit"`) and may differ from run to run. None means no limit of that kind.

    `workers` is CP-SAT's thread count. One worker is the default: it is deterministic
    and, on the benchmark instances, proves optimality faster than two interleaved ones.
    """

    work_limit: float | None = DEFAULT_WORK_LIMIT
    time_limit: float | None = None
    seed: int = 0
    workers: int = 1
    progress: ProgressCallback | None = None
    # Edge indices of a known feasible assignment to start from (CP-SAT only).
    warm_start: npt.NDArray[np.int64] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        for name in ("work_limit", "time_limit"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise InvalidInputError(f"{name} must be positive.", item=name)
        if self.workers < 1:
            raise InvalidInputError("workers must be at least 1.", item="workers")
        if self.seed < 0:
            raise InvalidInputError("seed must be >= 0.", item="seed")


class Solver(Protocol):
    """Returns a `Result` for any valid problem it supports; infeasible is a status."""

    def __call__(self, problem: Problem, options: SolveOptions) -> Result: ...
