"""One-to-one problems: scipy's assignment routines against the min-cost flow, CP-SAT and
the brute force, with optional edges, slot values, fixed edges and the stability bonus."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine.io import problem_from_document
from matching.engine.problem import Problem
from matching.engine.result import violations
from matching.engine.solvers import SolveOptions, solve
from matching.engine.solvers.assignment import (
    ASSIGNMENT_FROM_EDGES,
    Assignment,
    Method,
    choose_method,
    is_one_to_one,
)
from matching.engine.solvers.flow import solve_flow

from .brute import brute_force
from .strategies import documents

METHODS: tuple[Method, ...] = ("dense_assignment", "sparse_assignment", "min_cost_flow")


def _one_to_one(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every capacity and slot count cut to at most 1."""
    for supplier in document["suppliers"]:
        supplier["capacity"] = min(1, supplier["capacity"])
    for demand in document["demands"]:
        demand["slots"] = min(1, demand["slots"])
        if "slot_values" in demand:
            demand["slot_values"] = demand["slot_values"][: demand["slots"]]
    return document


@settings(deadline=None, max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(documents(decimal=True, flow_shape=True).map(_one_to_one))
def test_every_method_reaches_the_brute_force_optimum(document: dict[str, Any]) -> None:
    problem = problem_from_document(document)
    assert is_one_to_one(problem)
    optimum = brute_force(document)
    for method in METHODS:
        result = solve_flow(problem, SolveOptions(), method=method)
        if optimum.objective is None:
            assert result.status == "infeasible"
            continue
        assert result.status == "optimal", method
        assert violations(problem, result.chosen) == []
        assert result.objective == optimum.objective, method


def _random_one_to_one(seed: int) -> Problem:
    """Up to 60 × 60 with a random share of the pairs as edges, negative weights, slot
    values on some demands, a few fixed and previous edges, some capacities and slots 0."""
    rng = np.random.default_rng(seed)
    n_s, n_d = int(rng.integers(1, 60)), int(rng.integers(1, 60))
    density = float(rng.uniform(0.02, 1.0))
    pairs = np.flatnonzero(rng.random(n_s * n_d) < density)
    supplier, demand = pairs // n_d, pairs % n_d
    slots = (rng.random(n_d) < 0.9).astype(np.int64)
    capacity = (rng.random(n_s) < 0.9).astype(np.int64)
    # Fixed edges on distinct suppliers and demands that have room.
    fixed: list[int] = []
    used_s: set[int] = set()
    used_d: set[int] = set()
    for e in rng.permutation(len(pairs))[:3].tolist():
        s, d = int(supplier[e]), int(demand[e])
        if capacity[s] and slots[d] and s not in used_s and d not in used_d:
            fixed.append(e)
            used_s.add(s)
            used_d.add(d)
    return Problem.from_arrays(
        supplier_ids=[f"S{i}" for i in range(n_s)],
        capacity=capacity,
        demand_ids=[f"D{j}" for j in range(n_d)],
        slots=slots,
        edge_supplier=supplier,
        edge_demand=demand,
        weight=np.round(rng.normal(2.0, 6.0, len(pairs)), 2),
        slot_values=[
            [float(rng.integers(0, 20))] if s and rng.random() < 0.3 else [] for s in slots
        ],
        fixed=np.asarray(fixed, dtype=np.int64),
        previous=rng.choice(len(pairs), size=min(5, len(pairs)), replace=False),
        stability_bonus=1.25,
    )


@pytest.mark.parametrize("seed", range(30))
def test_methods_agree_with_flow_and_cpsat_on_random_instances(seed: int) -> None:
    problem = _random_one_to_one(seed)
    cpsat = solve(problem, solver="cpsat")
    assert cpsat.status == "optimal"
    for method in METHODS:
        result = solve_flow(problem, SolveOptions(), method=method)
        assert result.status == "optimal", method
        assert result.stats["method"] == method
        assert violations(problem, result.chosen) == []
        assert math.isclose(result.objective, cpsat.objective, rel_tol=1e-12, abs_tol=1e-9)


def test_arbitrary_float_weights_stay_within_the_reported_bound() -> None:
    rng = np.random.default_rng(5)
    n = 40
    problem = Problem.from_arrays(
        supplier_ids=[f"S{i}" for i in range(n)],
        capacity=np.ones(n, dtype=np.int64),
        demand_ids=[f"D{j}" for j in range(n)],
        slots=np.ones(n, dtype=np.int64),
        edge_supplier=np.repeat(np.arange(n), n),
        edge_demand=np.tile(np.arange(n), n),
        weight=rng.normal(0.0, 1.0, n * n) / 3.0,
    )
    flow = solve_flow(problem, SolveOptions(), method="min_cost_flow")
    for method in METHODS[:2]:
        result = solve_flow(problem, SolveOptions(), method=method)
        assert result.bound >= flow.objective - 1e-9
        assert flow.bound >= result.objective - 1e-9
        assert result.objective >= flow.objective - 1e-9 * abs(flow.objective)


def _shape(n_s: int, n_d: int, per_row: int) -> Assignment:
    edges = np.arange(n_s * per_row, dtype=np.int64)
    return Assignment(
        edges=edges,
        rows=edges // per_row,
        columns=edges % per_row,
        n_rows=n_s,
        n_columns=n_d,
        gain=np.ones(len(edges)),
    )


def test_auto_picks_the_method_by_shape() -> None:
    """Dense on nearly complete graphs, sparse from 5 % of the cells, else the flow; small
    problems always the flow."""
    assert choose_method(_shape(2000, 2000, 2000)) == "dense_assignment"
    assert choose_method(_shape(2000, 2000, 200)) == "sparse_assignment"
    assert choose_method(_shape(5000, 5000, 100)) == "min_cost_flow"
    assert choose_method(_shape(100_000, 100_000, 10)) == "min_cost_flow"
    assert ASSIGNMENT_FROM_EDGES > 300 * 300
    assert choose_method(_shape(300, 300, 300)) == "min_cost_flow"


def test_only_one_to_one_problems_take_the_assignment_routines() -> None:
    problem = Problem.from_arrays(
        supplier_ids=["S0"],
        capacity=[2],
        demand_ids=["D0", "D1"],
        slots=[1, 1],
        edge_supplier=[0, 0],
        edge_demand=[0, 1],
        weight=[1.0, 2.0],
    )
    assert not is_one_to_one(problem)
    with pytest.raises(ValueError, match="one-to-one"):
        solve_flow(problem, SolveOptions(), method="dense_assignment")
    assert solve(problem).stats["method"] == "min_cost_flow"


@pytest.mark.parametrize("method", METHODS[:2])
def test_nothing_worth_choosing_gives_an_empty_plan(method: Method) -> None:
    problem = Problem.from_arrays(
        supplier_ids=["S0", "S1"],
        capacity=[1, 1],
        demand_ids=["D0"],
        slots=[1],
        edge_supplier=[0, 1],
        edge_demand=[0, 0],
        weight=[-1.0, -2.0],
    )
    result = solve_flow(problem, SolveOptions(), method=method)
    assert result.status == "optimal" and result.objective == 0.0 and len(result.chosen) == 0


@given(st.integers(0, 10_000))
@settings(max_examples=10, deadline=None)
def test_dense_and_sparse_agree_on_larger_instances(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_s, n_d = int(rng.integers(50, 150)), int(rng.integers(50, 150))
    pairs = np.flatnonzero(rng.random(n_s * n_d) < 0.5)
    problem = Problem.from_arrays(
        supplier_ids=[f"S{i}" for i in range(n_s)],
        capacity=np.ones(n_s, dtype=np.int64),
        demand_ids=[f"D{j}" for j in range(n_d)],
        slots=np.ones(n_d, dtype=np.int64),
        edge_supplier=pairs // n_d,
        edge_demand=pairs % n_d,
        weight=np.round(rng.uniform(-10, 100, len(pairs)), 2),
        slot_values=[[500.0] if rng.random() < 0.2 else [] for _ in range(n_d)],
    )
    objectives = {m: solve_flow(problem, SolveOptions(), method=m).objective for m in METHODS}
    assert len({round(v, 6) for v in objectives.values()}) == 1, objectives
