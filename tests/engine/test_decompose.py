"""The `decompose` solver and its flow relaxation, against brute force and CP-SAT."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, event, given, settings, target

import matching.engine.solvers.decompose as decompose_solver
from matching.engine.io import problem_from_document
from matching.engine.problem import Problem
from matching.engine.result import Result, objective_value, violations
from matching.engine.solvers import DECOMPOSE_FROM_EDGES, SolveOptions, choose_solver, solve
from matching.engine.solvers.cpsat import solve_cpsat
from matching.engine.solvers.relaxation import relaxation_applies, solve_relaxation
from matching.errors import InvalidInputError

from .brute import brute_force, feasible, objective
from .shapes import lead_stage_like, split_heavy_edge
from .strategies import relaxable_documents

SETTINGS = settings(
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
TOLERANCE = 1e-9


def _slack(value: float) -> float:
    return TOLERANCE * max(1.0, abs(value))


def _check_decompose(document: dict[str, Any]) -> None:
    problem = problem_from_document(document)
    assert relaxation_applies(problem)
    optimum = brute_force(document).objective
    result = solve(problem, solver="decompose", time_limit=10.0)
    event(f"status {result.status}, rings {result.stats.get('rings')}")
    event(f"{problem.n_edges} edges")
    if optimum is None:
        assert result.status == "infeasible"
        assert result.reason
        return
    assert result.status in ("optimal", "feasible"), result.reason
    _check_answer(document, problem, result)
    assert result.objective <= optimum + _slack(optimum)
    assert result.bound >= optimum - _slack(optimum)
    if result.status == "optimal":
        assert abs(result.objective - optimum) <= _slack(optimum)
    _check_relaxation(document, problem, optimum)


def _check_answer(document: dict[str, Any], problem: Problem, result: Result) -> None:
    """Feasible by both checks, objective equal to the one recomputed from scratch."""
    chosen = result.chosen.tolist()
    assert violations(problem, result.chosen) == []
    assert feasible(document, chosen)
    assert math.isclose(result.objective, objective(document, chosen), rel_tol=1e-12, abs_tol=1e-12)
    assert result.bound >= result.objective


def _check_relaxation(document: dict[str, Any], problem: Problem, optimum: float) -> None:
    """The relaxation bounds the optimum, and its whole edges and groups are feasible."""
    relaxed = solve_relaxation(problem)
    # Steer generation toward problems where the relaxation is fractional and repair runs.
    target(float(relaxed.fractional_edges + relaxed.fractional_groups))
    assert relaxed.bound >= optimum - _slack(optimum)
    assert violations(problem, relaxed.chosen) == []
    assert feasible(document, relaxed.chosen.tolist())
    value = objective_value(problem, relaxed.chosen)
    assert value <= optimum + _slack(optimum)
    if not relaxed.unsettled.any():
        # An integral flow is an assignment worth the bound.
        assert relaxed.fractional_edges == relaxed.fractional_groups == 0
        assert abs(relaxed.bound - value) <= _slack(value)


@SETTINGS
@given(relaxable_documents(decimal=True))
def test_decompose_against_brute_force_on_decimal_weights(document: dict[str, Any]) -> None:
    """With quarter-unit weights, decompose is feasible, bounded and exact when it says so."""
    _check_decompose(document)


@SETTINGS
@given(relaxable_documents(decimal=False))
def test_decompose_against_brute_force_on_arbitrary_floats(document: dict[str, Any]) -> None:
    """With arbitrary floats, decompose's objective and bound bracket the brute-force optimum."""
    _check_decompose(document)


@SETTINGS
@given(relaxable_documents(decimal=True, heavy=True))
def test_decompose_against_brute_force_with_heavy_loads(document: dict[str, Any]) -> None:
    """With loads of 2 and 3, where the relaxation splits edges, the same guarantees hold."""
    _check_decompose(document)


def test_fractional_relaxation_is_repaired() -> None:
    """Where the relaxation splits a heavy edge, the repair still reaches the optimum."""
    problem = split_heavy_edge()
    relaxed = solve_relaxation(problem)
    assert relaxed.fractional_edges > 0
    assert relaxed.bound == 8.0
    result = solve(problem, solver="decompose")
    assert result.stats["rings"] >= 1
    assert result.objective == 6.0
    assert result.bound >= 6.0
    assert violations(problem, result.chosen) == []


def _arrays(**changes: Any) -> Problem:
    """Two suppliers in a group and one outside, three demands; `changes` override fields."""
    fields: dict[str, Any] = {
        "supplier_ids": ["A", "B", "C"],
        "capacity": [2, 2, 4],
        "demand_ids": ["D", "E", "F"],
        "slots": [2, 2, 2],
        "edge_supplier": [0, 1, 2, 2, 2],
        "edge_demand": [0, 0, 0, 1, 2],
        "weight": [1.0, 2.0, 3.0, 4.0, 5.0],
        "load": [1, 1, 1, 2, 3],
        "groups": {"G": [0, 1]},
    }
    fields.update(changes)
    return Problem.from_arrays(**fields)


def test_relaxation_applies_to_uniform_loads() -> None:
    """Uniform loads per demand and unit loads on group members' edges are accepted."""
    problem = _arrays()
    assert relaxation_applies(problem)
    result = solve(problem, solver="decompose")
    assert result.status in ("optimal", "feasible")
    assert violations(problem, result.chosen) == []


@pytest.mark.parametrize(
    ("why", "changes"),
    [
        ("two loads at one demand", {"load": [1, 1, 2, 2, 3]}),
        (
            "two loads at a demand without groups",
            {
                "supplier_ids": ["A", "B", "C", "H"],
                "capacity": [2, 2, 4, 4],
                "edge_supplier": [0, 1, 2, 2, 3],
                "edge_demand": [0, 0, 0, 1, 1],
                "load": [1, 1, 1, 2, 3],
            },
        ),
        ("a group member's edge has load 2", {"load": [2, 2, 2, 2, 3]}),
    ],
)
def test_relaxation_refuses_other_shapes(why: str, changes: dict[str, Any]) -> None:
    """Non-uniform loads at a demand, or a heavy group member edge, rule decompose out."""
    problem = _arrays(**changes)
    assert not relaxation_applies(problem), why
    with pytest.raises(InvalidInputError):
        solve(problem, solver="decompose")
    assert choose_solver(problem, "auto") == "cpsat"


def _large(*, groups: bool, loads: str) -> Problem:
    """About 24,000 edges: each supplier reaches 12 demands; loads 'unit', 'demand' or 'mixed'."""
    n_s, n_d, per = 2000, 500, 12
    supplier = np.repeat(np.arange(n_s), per)
    demand = (supplier * 7 + np.tile(np.arange(per) * 37, n_s)) % n_d
    load = {
        "unit": np.ones(len(supplier), dtype=np.int64),
        "demand": 1 + demand % 2,
        "mixed": 1 + np.arange(len(supplier)) % 2,
    }[loads]
    return Problem.from_arrays(
        supplier_ids=[f"S{i}" for i in range(n_s)],
        capacity=np.full(n_s, 2),
        demand_ids=[f"D{j}" for j in range(n_d)],
        slots=np.full(n_d, 3),
        edge_supplier=supplier,
        edge_demand=demand,
        weight=np.linspace(0.0, 10.0, len(supplier)),
        load=load,
        groups={f"G{g}": [2 * g, 2 * g + 1] for g in range(100)} if groups else None,
    )


def test_auto_picks_decompose_only_for_large_problems() -> None:
    """`auto` sends large relaxable problems to decompose, small ones to cpsat."""
    large = _large(groups=True, loads="unit")
    assert large.n_edges >= DECOMPOSE_FROM_EDGES
    assert choose_solver(large, "auto") == "decompose"
    assert choose_solver(_large(groups=False, loads="demand"), "auto") == "decompose"
    assert choose_solver(_large(groups=False, loads="unit"), "auto") == "flow"
    assert choose_solver(_large(groups=False, loads="mixed"), "auto") == "cpsat"
    small = _arrays()
    assert small.n_edges < DECOMPOSE_FROM_EDGES and relaxation_applies(small)
    assert choose_solver(small, "auto") == "cpsat"
    assert choose_solver(small, "decompose") == "decompose"


def _medium(seed: int) -> Problem:
    """300 suppliers (40 groups of 2-3 sharing 3 candidate demands), 80 demands, tight slots."""
    rng = np.random.default_rng(seed)
    n_s, n_d, n_unit = 300, 80, 30
    demand_load = np.concatenate(
        (np.ones(n_unit, dtype=np.int64), rng.choice([1, 2, 3], n_d - n_unit, p=[0.4, 0.4, 0.2]))
    )
    order = rng.permutation(n_s)
    sizes = rng.integers(2, 4, 40)
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    members = [order[bounds[g] : bounds[g + 1]] for g in range(40)]
    pairs: set[tuple[int, int]] = set()
    for group in members:
        # Members share three candidate demands, all of load 1.
        for d in rng.choice(n_unit, 3, replace=False).tolist():
            pairs.update((int(s), d) for s in group)
        for s in group.tolist():
            pairs.add((s, int(rng.integers(n_unit))))
    for s in order[bounds[-1] :].tolist():
        pairs.update((s, int(d)) for d in rng.choice(n_d, int(rng.integers(3, 7)), replace=False))
    edges = np.array(sorted(pairs), dtype=np.int64)
    supplier, demand = edges[:, 0], edges[:, 1]
    slots = rng.integers(1, 4, n_d)
    return Problem.from_arrays(
        supplier_ids=[f"S{i}" for i in range(n_s)],
        capacity=rng.integers(1, 5, n_s),
        demand_ids=[f"D{j}" for j in range(n_d)],
        slots=slots,
        edge_supplier=supplier,
        edge_demand=demand,
        weight=rng.integers(-8, 60, len(edges)) / 4,
        load=demand_load[demand],
        slot_values=[
            sorted(rng.integers(0, 40, int(rng.integers(0, k + 1))) / 4)[::-1] for k in slots
        ],
        groups={f"G{g}": group.tolist() for g, group in enumerate(members)},
        previous=rng.choice(len(edges), 30, replace=False),
        stability_bonus=0.5,
    )


@pytest.mark.parametrize("seed", range(3))
def test_decompose_near_cpsat_on_medium_problems(seed: int) -> None:
    """On a few hundred suppliers, decompose is within 1e-3 of CP-SAT's proven optimum."""
    problem = _medium(seed)
    assert relaxation_applies(problem)
    cpsat = solve(problem, solver="cpsat", time_limit=30.0)
    decompose = solve(problem, solver="decompose", time_limit=30.0)
    assert cpsat.status == "optimal"
    assert decompose.status in ("optimal", "feasible")
    assert violations(problem, decompose.chosen) == []
    assert decompose.objective <= cpsat.bound + _slack(cpsat.bound)
    assert decompose.objective >= cpsat.objective - 1e-3 * max(1.0, abs(cpsat.objective))
    assert decompose.bound >= cpsat.objective - _slack(cpsat.objective)


def test_decompose_is_deterministic() -> None:
    """The same problem, solved twice or rebuilt, gives identical chosen edges."""
    first = solve(_medium(0), solver="decompose")
    again = solve(_medium(0), solver="decompose")
    problem = _medium(1)
    one, two = solve(problem, solver="decompose"), solve(problem, solver="decompose")
    assert np.array_equal(first.chosen, again.chosen)
    assert np.array_equal(one.chosen, two.chosen)
    assert (one.status, one.objective, one.bound) == (two.status, two.objective, two.bound)


@settings(deadline=None, max_examples=30)
@given(relaxable_documents(decimal=False))
def test_decompose_is_deterministic_on_small_problems(document: dict[str, Any]) -> None:
    """Small problems solved twice give the same status, objective and edges."""
    problem = problem_from_document(document)
    first, second = solve(problem, solver="decompose"), solve(problem, solver="decompose")
    assert (first.status, first.objective, first.bound) == (
        second.status,
        second.objective,
        second.bound,
    )
    assert np.array_equal(first.chosen, second.chosen)


def test_a_worse_repair_never_replaces_a_better_assignment(monkeypatch: pytest.MonkeyPatch) -> None:
    """When a later ring's CP-SAT returns less (out of time), decompose keeps the better one."""
    problem = _medium(0)
    monkeypatch.setattr(decompose_solver, "_MAX_RINGS", 1)
    one_ring = solve(problem, solver="decompose")
    monkeypatch.setattr(decompose_solver, "_MAX_RINGS", 3)
    calls: list[int] = []

    def first_then_empty(sub: Problem, options: SolveOptions) -> Result:
        calls.append(sub.n_edges)
        if len(calls) == 1:
            return solve_cpsat(sub, options)
        # What a time-limited solve may return: feasible, but worse than what it was given.
        empty = np.zeros(0, dtype=np.int64)
        return Result(
            status="feasible", objective=0.0, bound=math.inf, chosen=empty, solver="cpsat"
        )

    monkeypatch.setattr(decompose_solver, "solve_cpsat", first_then_empty)
    result = solve(problem, solver="decompose")
    assert len(calls) == 3
    assert violations(problem, result.chosen) == []
    assert result.objective >= one_ring.objective


def test_a_wider_ring_waits_for_work_enough_for_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second ring larger than the work left can search is not built or solved: the
    rings end there, say the work limit stopped them, and keep the first ring's plan."""
    problem = _medium(0)
    sizes: list[int] = []

    def counting(sub: Problem, options: SolveOptions) -> Result:
        sizes.append(sub.n_edges)
        return solve_cpsat(sub, options)

    monkeypatch.setattr(decompose_solver, "solve_cpsat", counting)
    wide = solve(problem, solver="decompose", work_limit=0.6)
    assert len(sizes) >= 2  # by default this problem goes on to a second ring
    first_ring = sizes[0]
    sizes.clear()
    # One unit of work per edge of the first ring: enough for it, not for the wider one.
    monkeypatch.setattr(decompose_solver, "_EDGES_PER_WORK", first_ring / 0.6)
    narrow = solve(problem, solver="decompose", work_limit=0.6)
    assert sizes == [first_ring]
    assert narrow.stats["rings"] == 1 and narrow.stopped_by == "work_limit"
    assert violations(problem, narrow.chosen) == []
    assert narrow.objective <= wide.objective + 1e-9


def test_decompose_proves_a_small_assignment_by_solving_it_whole() -> None:
    """The relaxation splits A's heavy edge and its bound (8) is above every plan; the
    problem is small enough to solve whole, so CP-SAT proves the plan (6) optimal."""
    problem = split_heavy_edge()
    assert solve_relaxation(problem).bound == pytest.approx(8.0)
    result = solve(problem, solver="decompose")
    assert (result.status, result.objective, result.bound) == ("optimal", 6.0, 6.0)
    assert result.stopped_by is None


def test_decompose_searches_beyond_its_ring_on_the_assignment_shape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Too large to solve whole with the work given, a problem of the generalized
    assignment shape gets the search after its first ring: a better plan than the ring
    alone, within every capacity, the same twice, and stopped by the work limit."""
    problem = lead_stage_like(3, n_suppliers=300, n_demands=400, per_demand=8)
    assert relaxation_applies(problem) and problem.n_edges > 50_000 * 0.05
    ring_only: list[int] = []
    searched = solve(problem, solver="decompose", work_limit=0.05)
    again = solve(problem, solver="decompose", work_limit=0.05)
    monkeypatch.setattr(decompose_solver, "improve", _no_search(ring_only))
    alone = solve(problem, solver="decompose", work_limit=0.05)
    assert ring_only, "the search was not reached"
    assert searched.stats["rings"] == 1 and searched.stats["search_steps"] > 0
    assert violations(problem, searched.chosen) == []
    assert searched.objective > alone.objective
    assert searched.objective <= searched.bound
    assert np.array_equal(searched.chosen, again.chosen)
    assert searched.stopped_by == "work_limit"


def _no_search(calls: list[int]) -> Any:
    """A stand-in for `improve` that keeps the plan it is given (and counts its calls)."""
    from matching.engine.solvers.lns import Outcome

    def keep(problem: Problem, chosen: npt.NDArray[np.int64], **_: Any) -> Outcome:
        calls.append(len(chosen))
        return Outcome(chosen=chosen, work=0.0, steps=0, improvements=0)

    return keep


def test_decompose_bounds_a_searched_plan_by_whole_capacities() -> None:
    """After the search, the knapsack bound at the search's prices replaces the flow
    relaxation's where it is lower: still above the plan, never above the relaxation, and
    lower on this problem, whose 1–3 day demands cannot fill every supplier's 2–6 days."""
    problem = lead_stage_like(3, n_suppliers=300, n_demands=400, per_demand=8)
    relaxation = solve_relaxation(problem).bound
    searched = solve(problem, solver="decompose", work_limit=0.05)
    assert searched.stats["search_steps"] > 0
    assert searched.objective - 1e-9 <= searched.bound < relaxation - 1e-6
