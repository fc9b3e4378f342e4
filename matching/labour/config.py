"""Parameters of the labour matcher."""

from __future__ import annotations

from dataclasses import dataclass

from matching.engine.solvers import DEFAULT_WORK_LIMIT, check_solver_settings
from matching.errors import InvalidInputError


@dataclass(frozen=True)
class LabourConfig:
    """Weights, candidate list lengths and solver settings.

    Every eligible pair is scored; the engine sees the pairs column generation needs
    (`matching.labour.pricing`). An edge weight is `predicted retention × priority +
    city_weight × city wish + industry_weight × industry wish + wage_weight × wage term`,
    where priority is `1 + poor_bonus × supported household + deep_village_bonus ×
    deep-poverty village + key_county_bonus × key county` (a supported household is a
    脱贫户 or 监测对象, or registered poor when the data has no 2026 status). Deep-poverty
    villages come first, then key counties. Retention dominates: a placement that lasts
    is the goal.
    """

    near_km: float = 1000.0  # how far a worker unwilling to go far still goes
    top_k: int = 6  # postings per worker (and options per group) kept from the scan
    posting_top_factor: int = 2  # each posting keeps factor × positions + extra workers
    posting_top_extra: int = 4
    pricing_rounds: int = 30  # at most this many rounds of column generation
    # Column generation stops early once its bound over every pair is this close (relative).
    pricing_gap: float = 1e-3
    engine_slack: float = 0.02  # the engine also sees pairs this close to a zero reduced cost
    poor_bonus: float = 0.5
    deep_village_bonus: float = 0.3
    key_county_bonus: float = 0.15  # below deep_village_bonus: deep-poverty villages first
    city_weight: float = 0.15
    industry_weight: float = 0.15
    wage_weight: float = 0.1
    block_size: int = 1024
    solver: str = "decompose"  # its flow relaxation is the LP the pricing solved
    # Counted work of the engine solve (CP-SAT deterministic time): decides the answer.
    work_limit: float = DEFAULT_WORK_LIMIT
    # Seconds: a wall-clock safety stop only, reported as stopped_by when it fires.
    time_limit: float = 600.0
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("top_k", "block_size", "posting_top_factor", "pricing_rounds"):
            if getattr(self, name) < 1:
                raise InvalidInputError(f"{name} must be at least 1.", item=name)
        if not 0 <= self.pricing_gap < 1:
            raise InvalidInputError("pricing_gap must be in [0, 1).", item="pricing_gap")
        if self.posting_top_extra < 0:
            raise InvalidInputError(
                "posting_top_extra must be non-negative.", item="posting_top_extra"
            )
        for name in ("near_km", "poor_bonus", "deep_village_bonus", "key_county_bonus",
                     "city_weight", "industry_weight", "wage_weight"):  # fmt: skip
            if getattr(self, name) < 0:
                raise InvalidInputError(f"{name} must be non-negative.", item=name)
        check_solver_settings(self.solver, self.work_limit, self.time_limit)
