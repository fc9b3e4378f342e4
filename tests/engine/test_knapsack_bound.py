"""The knapsack (Lagrangian) bound: exact knapsacks, valid below every plan, never above
the weak-duality bound with the same prices, and strictly tighter where whole loads
cannot fill a capacity."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matching.engine import pricing
from matching.engine.pricing import (
    Prices,
    bound,
    knapsack_bound,
    knapsack_values,
    placement_bound,
    supplier_prices,
)
from matching.engine.problem import Problem
from matching.engine.solvers import solve

from .shapes import counting


def _best_by_enumeration(load: np.ndarray, worth: np.ndarray, capacity: int) -> float:
    best = 0.0
    for size in range(len(load) + 1):
        for subset in itertools.combinations(range(len(load)), size):
            picked = list(subset)
            if load[picked].sum() <= capacity:
                best = max(best, float(worth[picked].sum()))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_knapsacks_are_exact_and_the_fractional_ones_above(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_suppliers, n_items = int(rng.integers(1, 5)), int(rng.integers(0, 13))
    supplier = rng.integers(0, n_suppliers, n_items)
    load = rng.integers(1, 8, n_items)
    worth = rng.random(n_items) * 10
    capacity = rng.integers(0, 15, n_suppliers)
    exact = knapsack_values(supplier, load, worth, capacity)
    fractional = pricing._fractional_knapsacks(supplier, load, worth, capacity)
    for s in range(n_suppliers):
        at = supplier == s
        best = _best_by_enumeration(load[at], worth[at], int(capacity[s]))
        assert exact[s] == pytest.approx(best, abs=1e-9)
        assert fractional[s] >= best - 1e-9


def test_a_table_too_large_falls_back_to_fractional_knapsacks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two items of 3 days for an expert with 5: one fits, the fractional knapsack takes
    one and two thirds."""
    args = (np.array([0, 0]), np.array([3, 3]), np.array([6.0, 6.0]), np.array([5]))
    assert knapsack_values(*args)[0] == pytest.approx(6.0)
    monkeypatch.setattr(pricing, "MAX_KNAPSACK_CELLS", 1)
    assert knapsack_values(*args)[0] == pytest.approx(10.0)


def _instance(seed: int) -> Problem:
    """8 experts with 3–9 days, 10 needs of 2–5 days with one place each, about 40 pairs."""
    rng = np.random.default_rng(seed)
    pairs = sorted({(int(rng.integers(8)), int(rng.integers(10))) for _ in range(45)})
    days = rng.integers(2, 6, 10)
    demand = np.array([d for _, d in pairs])
    return Problem.from_arrays(
        supplier_ids=[f"E{i}" for i in range(8)],
        capacity=rng.integers(3, 10, 8),
        demand_ids=[f"N{i}" for i in range(10)],
        slots=np.ones(10, dtype=np.int64),
        slot_values=[[3.0] for _ in range(10)],
        edge_supplier=np.array([s for s, _ in pairs]),
        edge_demand=demand,
        weight=np.round(rng.random(len(pairs)) * 5, 2),
        load=days[demand],
    )


@pytest.mark.parametrize("seed", range(8))
def test_the_knapsack_bound_lies_between_the_optimum_and_the_relaxation(seed: int) -> None:
    problem = _instance(seed)
    every = np.ones(problem.n_edges, dtype=bool)
    optimum = solve(problem, solver="cpsat", time_limit=30, seed=0)
    assert optimum.status == "optimal"
    for prices in (
        supplier_prices(problem, every),
        Prices(np.zeros(problem.n_suppliers), pricing.edge_values(problem)),
    ):
        knapsack = knapsack_bound(problem, prices, every)
        assert optimum.objective - 1e-6 <= knapsack <= bound(problem, prices, every) + 1e-9


def test_the_knapsack_bound_is_tighter_when_whole_needs_cannot_fill_the_days() -> None:
    """One expert with 5 days, two needs of 3 days worth 10 each: the relaxation takes one
    and two thirds of them (16.67), the knapsack bound one (10), the optimum."""
    problem = Problem.from_arrays(
        supplier_ids=["E"],
        capacity=[5],
        demand_ids=["N1", "N2"],
        slots=[1, 1],
        slot_values=[[10.0], [10.0]],
        edge_supplier=[0, 0],
        edge_demand=[0, 1],
        weight=[0.0, 0.0],
        load=[3, 3],
    )
    every = np.ones(2, dtype=bool)
    prices = supplier_prices(problem, every)
    assert bound(problem, prices, every) == pytest.approx(50 / 3, abs=1e-3)
    assert knapsack_bound(problem, prices, every) == pytest.approx(10.0, abs=1e-3)


@pytest.mark.parametrize("seed", range(8))
def test_placement_bound_is_at_least_the_most_places_any_plan_fills(seed: int) -> None:
    """Against CP-SAT counting the places filled at the chosen demands."""
    problem = _instance(seed)
    rng = np.random.default_rng(100 + seed)
    wanted = rng.random(problem.n_demands) < 0.6
    most = solve(counting(problem, wanted), solver="cpsat", time_limit=30, seed=0)
    assert most.status == "optimal"
    bound = placement_bound(problem, wanted)
    assert most.objective - 1e-6 <= bound <= wanted.sum() + 1e-9


def test_placement_bound_keeps_days_whole() -> None:
    """One expert with 5 days and two 3-day needs: at most one is served (the relaxation
    would say five thirds)."""
    problem = Problem.from_arrays(
        supplier_ids=["E"],
        capacity=[5],
        demand_ids=["N1", "N2", "N3"],
        slots=[1, 1, 1],
        edge_supplier=[0, 0, 0],
        edge_demand=[0, 1, 2],
        weight=[0.0, 0.0, 0.0],
        load=[3, 3, 9],
    )
    assert placement_bound(problem, np.array([True, True, True])) == pytest.approx(1.0, abs=1e-3)
    assert placement_bound(problem, np.array([False, False, True])) == 0.0
