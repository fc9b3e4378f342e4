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


@dataclass(frozen=True)
class SolveOptions:
    """Parameters of a solve; validated on construction.

    `workers` is CP-SAT's thread count. One worker is the default: it is deterministic
    and, on the benchmark instances, proves optimality faster than two interleaved ones.
    """

    time_limit: float | None = 60.0
    seed: int = 0
    workers: int = 1
    progress: ProgressCallback | None = None
    # Edge indices of a known feasible assignment to start from (CP-SAT only).
    warm_start: npt.NDArray[np.int64] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.time_limit is not None and not self.time_limit > 0:
            raise InvalidInputError("time_limit must be positive.", item="time_limit")
        if self.workers < 1:
            raise InvalidInputError("workers must be at least 1.", item="workers")
        if self.seed < 0:
            raise InvalidInputError("seed must be >= 0.", item="seed")


class Solver(Protocol):
    """Returns a `Result` for any valid problem it supports; infeasible is a status."""

    def __call__(self, problem: Problem, options: SolveOptions) -> Result: ...
