"""A stage solved in parts: side by side on threads, the same plan as one after another."""

from __future__ import annotations

import numpy as np
import pytest

from matching.control import CancelToken, controlled
from matching.engine.problem import Problem
from matching.errors import Cancelled
from matching.experts.split import solve_in_parts


def _two_periods(seed: int) -> tuple[Problem, np.ndarray]:
    """Two periods of 12 (expert, period) suppliers and 10 needs each; no edge crosses."""
    rng = np.random.default_rng(seed)
    pairs = sorted(
        {
            (12 * period + int(rng.integers(12)), 10 * period + int(rng.integers(10)), period)
            for period in range(2)
            for _ in range(60)
        }
    )
    supplier = [s for s, _, _ in pairs]
    demand = [d for _, d, _ in pairs]
    part = [p for _, _, p in pairs]
    days = rng.integers(1, 5, 20)
    demand_of = np.asarray(demand, dtype=np.int64)
    problem = Problem.from_arrays(
        supplier_ids=[f"E{i}" for i in range(24)],
        capacity=rng.integers(2, 8, 24),
        demand_ids=[f"N{i}" for i in range(20)],
        slots=rng.integers(1, 3, 20),
        edge_supplier=supplier,
        edge_demand=demand_of,
        weight=np.round(rng.random(demand_of.size) * 4, 2),
        load=days[demand_of],
    )
    return problem, np.asarray(part, dtype=np.int64)


@pytest.mark.parametrize("solver", ["cpsat", "greedy"])
def test_threads_give_the_plan_of_one_after_another(solver: str) -> None:
    problem, part = _two_periods(3)
    options = {"solver": solver, "work_limit": 1.0, "time_limit": 60.0, "seed": 0}
    alone = solve_in_parts(problem, part, threads=1, **options)  # type: ignore[arg-type]
    side_by_side = solve_in_parts(problem, part, threads=2, **options)  # type: ignore[arg-type]
    assert np.array_equal(alone.chosen, side_by_side.chosen)
    assert alone.objective == side_by_side.objective and alone.bound == side_by_side.bound
    assert side_by_side.chosen.size > 0


def test_parts_on_threads_honour_the_cancel_token() -> None:
    """A cancelled run stops in the parts' threads too, with `Cancelled`."""
    problem, part = _two_periods(4)
    token = CancelToken()
    token.cancel()
    with controlled(None, token), pytest.raises(Cancelled):
        solve_in_parts(
            problem, part, solver="cpsat", work_limit=1.0, time_limit=60.0, seed=0, threads=2
        )
