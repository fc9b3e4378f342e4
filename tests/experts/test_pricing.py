"""Pricing solves a stage over every eligible pair: checked against a solve over all pairs."""

from __future__ import annotations

import numpy as np
import pytest
from ortools.linear_solver import pywraplp

from matching.engine.pricing import Prices, bound, supplier_prices
from matching.engine.problem import Problem
from matching.engine.solvers import solve
from matching.experts import pricing
from matching.experts.pricing import solve_priced


def _instance(seed: int, slots: int = 1) -> tuple[Problem, np.ndarray]:
    """20 (expert, quarter) suppliers, 14 needs with their own days, about 110 pairs.

    The start set is each need's two best pairs by weight — a shortlist that is not enough.
    """
    rng = np.random.default_rng(seed)
    n_s, n_d = 20, 14
    pairs = sorted({(int(rng.integers(n_s)), int(rng.integers(n_d))) for _ in range(130)})
    supplier = np.array([s for s, _ in pairs], dtype=np.int64)
    demand = np.array([d for _, d in pairs], dtype=np.int64)
    days = rng.integers(1, 6, n_d)
    tier = rng.integers(0, 2, n_d)
    weight = np.round(rng.random(supplier.size) * 4 + 13 * tier[demand], 2)
    problem = Problem.from_arrays(
        supplier_ids=[f"E{i}" for i in range(n_s)],
        capacity=rng.integers(3, 10, n_s),
        demand_ids=[f"N{i}" for i in range(n_d)],
        slots=np.full(n_d, slots),
        slot_values=[[5.0] * slots for _ in range(n_d)],
        edge_supplier=supplier,
        edge_demand=demand,
        weight=weight,
        load=days[demand],
    )
    order = np.lexsort((-weight, demand))
    rank = np.arange(demand.size) - np.searchsorted(demand[order], demand[order])
    start = np.zeros(demand.size, dtype=bool)
    start[order[rank < 2]] = True
    return problem, start


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("slots", [1, 2])
def test_pricing_matches_a_solve_over_all_pairs(seed: int, slots: int) -> None:
    """Same optimum as CP-SAT on every pair; no pair outside the set has a positive reduced
    cost, so the set's relaxation equals the relaxation over every pair."""
    problem, start = _instance(seed, slots)
    everything = solve(problem, solver="cpsat", time_limit=30, seed=0)
    priced, report = solve_priced(
        problem, start, np.zeros(problem.n_edges, dtype=np.int64),
        solver="cpsat", work_limit=0.6, time_limit=30, seed=0,
    )  # fmt: skip
    assert everything.status == "optimal"
    assert report.proven
    # prices are exact for values rounded to 1e-4 per day: the bound is at most that loose
    assert _lp_value(problem) - 1e-9 <= report.relaxation <= _lp_value(problem) + 1e-2
    assert priced.objective == pytest.approx(everything.objective, abs=1e-6)
    assert priced.bound >= everything.objective - 1e-6
    assert priced.status == "optimal"
    assert report.start + report.priced <= report.eligible


def test_pricing_settled_early_still_bounds_every_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopping once the edges left could raise the bound by at most SETTLED of it: those
    edges join without another flow, and the reported bounds stay valid and that close."""
    settled = 0.05
    fewer_rounds = 0
    for seed in range(6):
        problem, start = _instance(seed)
        part = np.zeros(problem.n_edges, dtype=np.int64)
        options = {"solver": "cpsat", "work_limit": 0.6, "time_limit": 30, "seed": 0}
        _, exact = solve_priced(problem, start, part, **options)
        monkeypatch.setattr(pricing, "SETTLED", settled)
        priced, report = solve_priced(problem, start, part, **options)
        monkeypatch.setattr(pricing, "SETTLED", 0.0)
        best = solve(problem, solver="cpsat", time_limit=30, seed=0).objective
        lp = _lp_value(problem)
        assert lp - 1e-9 <= report.relaxation <= (1 + settled) * lp + 1e-2
        assert report.proven  # the last positive edges joined the set
        assert priced.bound >= best - 1e-6
        assert priced.objective == pytest.approx(best, abs=1e-6)
        fewer_rounds += report.rounds < exact.rounds
    assert fewer_rounds >= 1


def test_the_start_set_alone_falls_short() -> None:
    """The shortlist of these instances misses the optimum, so the check above has teeth."""
    short = 0
    for seed in range(6):
        problem, start = _instance(seed)
        members = np.flatnonzero(start)
        restricted = Problem.from_arrays(
            supplier_ids=problem.supplier_ids,
            capacity=problem.capacity,
            demand_ids=problem.demand_ids,
            slots=problem.slots,
            slot_values=[problem.slot_values_of(d).tolist() for d in range(problem.n_demands)],
            edge_supplier=problem.edge_supplier[members],
            edge_demand=problem.edge_demand[members],
            weight=problem.weight[members],
            load=problem.load[members],
        )
        best = solve(problem, solver="cpsat", time_limit=30, seed=0).objective
        short += solve(restricted, solver="cpsat", time_limit=30, seed=0).objective < best - 1e-6
    assert short >= 2


def _lp_value(problem: Problem) -> float:
    """The LP relaxation over every edge, written out for GLOP: the reference value."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    x = [lp.NumVar(0, 1, f"x{e}") for e in range(problem.n_edges)]
    for s in range(problem.n_suppliers):
        at = np.flatnonzero(problem.edge_supplier == s)
        lp.Add(sum(int(problem.load[e]) * x[e] for e in at) <= int(problem.capacity[s]))
    for d in range(problem.n_demands):
        at = np.flatnonzero(problem.edge_demand == d)
        lp.Add(sum(x[e] for e in at) <= int(problem.slots[d]))
    slot = [float(problem.slot_values_of(int(d))[0]) for d in problem.edge_demand]
    lp.Maximize(sum((float(problem.edge_value[e]) + slot[e]) * x[e] for e in range(len(x))))
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    return float(lp.Objective().Value())


def test_prices_bound_the_relaxation_at_any_price() -> None:
    """Flow prices give the LP optimum; zero prices a looser bound that still holds."""
    problem, _ = _instance(3)
    everything = np.ones(problem.n_edges, dtype=bool)
    optimal = supplier_prices(problem, everything)
    assert bound(problem, optimal, everything) == pytest.approx(_lp_value(problem), abs=1e-2)
    free = Prices(np.zeros(problem.n_suppliers), optimal.edge_value)
    assert bound(problem, free, everything) >= _lp_value(problem) - 1e-9


def _two_periods(shared_supplier: bool) -> tuple[Problem, np.ndarray]:
    """Two instances side by side (a stage's two periods): no supplier or need in common,
    unless `shared_supplier` makes the first supplier of each one supplier."""
    (a, _), (b, _) = _instance(4), _instance(5)
    supplier = np.r_[a.edge_supplier, b.edge_supplier + a.n_suppliers]
    capacity = np.r_[a.capacity, b.capacity]
    if shared_supplier:  # the first suppliers of both are one, with room for few days
        supplier[supplier == a.n_suppliers] = 0
        capacity[0] = 3
    problem = Problem.from_arrays(
        supplier_ids=[f"E{i}" for i in range(a.n_suppliers + b.n_suppliers)],
        capacity=capacity,
        demand_ids=[f"N{i}" for i in range(a.n_demands + b.n_demands)],
        slots=np.r_[a.slots, b.slots],
        slot_values=[[5.0]] * (a.n_demands + b.n_demands),
        edge_supplier=supplier,
        edge_demand=np.r_[a.edge_demand, b.edge_demand + a.n_demands],
        weight=np.r_[a.edge_value, b.edge_value],
        load=np.r_[a.load, b.load],
    )
    part = np.r_[np.zeros(a.n_edges, np.int64), np.ones(b.n_edges, np.int64)]
    return problem, part


@pytest.mark.parametrize("shared_supplier", [False, True])
def test_periods_priced_side_by_side_give_the_lp_optimum(shared_supplier: bool) -> None:
    """Flows solved per period (or, when a supplier has edges in both, as one) price the
    relaxation at its optimum, as one flow over everything does."""
    problem, part = _two_periods(shared_supplier)
    everything = np.ones(problem.n_edges, dtype=bool)
    whole = bound(problem, supplier_prices(problem, everything), everything)
    by_part = bound(problem, supplier_prices(problem, everything, part), everything)
    assert by_part == pytest.approx(_lp_value(problem), abs=1e-2)
    assert by_part == pytest.approx(whole, abs=1e-2)
