"""Parameters of the labour matcher."""

from __future__ import annotations

from dataclasses import dataclass

from matching.engine.solvers import SOLVER_NAMES
from matching.errors import InvalidInputError, UnknownSolverError


@dataclass(frozen=True)
class LabourConfig:
    """Weights, candidate list lengths and solver settings.

    An edge weight is `predicted retention × priority + city_weight × city wish +
    industry_weight × industry wish + wage_weight × wage term`, where priority is
    `1 + poor_bonus × registered poor + deep_village_bonus × deep-poverty village`.
    Retention dominates: a placement that lasts is the goal.
    """

    near_km: float = 1000.0  # how far a worker unwilling to go far still goes
    shortlist: int = 12  # postings per worker kept by the cheap pre-score
    top_k: int = 6  # postings per worker handed to the engine
    poor_bonus: float = 0.5
    deep_village_bonus: float = 0.3
    city_weight: float = 0.15
    industry_weight: float = 0.15
    wage_weight: float = 0.1
    block_size: int = 2048
    solver: str = "auto"
    time_limit: float = 90.0
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("shortlist", "top_k", "block_size"):
            if getattr(self, name) < 1:
                raise InvalidInputError(f"{name} must be at least 1.", item=name)
        if self.top_k > self.shortlist:
            raise InvalidInputError("top_k must not exceed shortlist.", item="top_k")
        for name in ("near_km", "poor_bonus", "deep_village_bonus", "city_weight",
                     "industry_weight", "wage_weight"):  # fmt: skip
            if getattr(self, name) < 0:
                raise InvalidInputError(f"{name} must be non-negative.", item=name)
        if self.time_limit <= 0:
            raise InvalidInputError("time_limit must be positive.", item="time_limit")
        if self.solver not in SOLVER_NAMES:
            raise UnknownSolverError(
                f"unknown solver {self.solver!r}; choose one of {', '.join(SOLVER_NAMES)}.",
                item="solver",
            )
