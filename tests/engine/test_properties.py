"""Property tests: every solver against a brute force over all edge sets of small problems."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from matching.engine.io import problem_from_document
from matching.engine.problem import Problem
from matching.engine.result import Result, violations
from matching.engine.solvers import solve

from .brute import brute_force, objective
from .strategies import documents

SETTINGS = settings(
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)


def _exact_solvers(document: dict[str, Any]) -> list[str]:
    flow = "groups" not in document and all(e.get("load", 1) == 1 for e in document["edges"])
    return ["flow", "cpsat"] if flow else ["cpsat"]


def _check_against_brute_force(document: dict[str, Any], *, tolerance: float) -> None:
    problem = problem_from_document(document)
    optimum = brute_force(document)
    for name in [*_exact_solvers(document), "greedy"]:
        result = solve(problem, solver=name, time_limit=10.0)
        if optimum.objective is None:
            assert result.status == "infeasible", name
            assert result.reason
            continue
        _check_feasible_answer(document, problem, result)
        allowed = tolerance * max(1.0, abs(optimum.objective))
        if name == "greedy":
            assert result.status == "feasible"
            assert result.objective <= optimum.objective + allowed
            continue
        assert result.status == "optimal", name
        assert abs(result.objective - optimum.objective) <= allowed, (name, optimum)
        assert result.bound >= optimum.objective - allowed, name


def _check_feasible_answer(document: dict[str, Any], problem: Problem, result: Result) -> None:
    """Feasible by the engine's check, objective equal to the one recomputed from scratch."""
    assert result.status in ("optimal", "feasible"), result.reason
    assert violations(problem, result.chosen) == []
    recomputed = objective(document, result.chosen.tolist())
    assert math.isclose(result.objective, recomputed, rel_tol=1e-12, abs_tol=1e-12)
    assert result.bound >= result.objective - 1e-9


@SETTINGS
@given(documents(decimal=True))
def test_solvers_match_brute_force_on_decimal_weights(document: dict[str, Any]) -> None:
    """With quarter-unit weights, flow and cpsat find the brute-force optimum exactly."""
    _check_against_brute_force(document, tolerance=0.0)


@SETTINGS
@given(documents(decimal=True, flow_shape=True))
def test_flow_matches_brute_force_without_groups_or_loads(document: dict[str, Any]) -> None:
    """On problems the flow accepts, it and cpsat both reach the brute-force optimum."""
    _check_against_brute_force(document, tolerance=0.0)


@SETTINGS
@given(documents(decimal=False))
def test_solvers_match_brute_force_on_arbitrary_floats(document: dict[str, Any]) -> None:
    """With arbitrary floats, the optimum is within 1e-9 relative of the brute force."""
    _check_against_brute_force(document, tolerance=1e-9)


@settings(deadline=None, max_examples=40)
@given(documents(decimal=False))
def test_same_seed_same_result(document: dict[str, Any]) -> None:
    """Solving twice with the same seed gives the same status, objective and edges."""
    problem = problem_from_document(document)
    for name in _exact_solvers(document):
        first = solve(problem, solver=name, seed=7)
        second = solve(problem, solver=name, seed=7)
        assert (first.status, first.objective, first.bound) == (
            second.status,
            second.objective,
            second.bound,
        )
        assert np.array_equal(first.chosen, second.chosen)


def _medium_problem(seed: int, *, groups: bool) -> Problem:
    """A seeded problem of up to 40 suppliers, 15 demands and 150 edges."""
    rng = np.random.default_rng(seed)
    n_s, n_d = int(rng.integers(5, 40)), int(rng.integers(3, 15))
    pairs = rng.choice(n_s * n_d, size=min(n_s * n_d, int(rng.integers(10, 150))), replace=False)
    slots = rng.integers(1, 4, n_d)
    members = rng.permutation(n_s)[: 2 * (n_s // 5)].reshape(-1, 2) if groups else []
    return Problem.from_arrays(
        supplier_ids=[f"S{i}" for i in range(n_s)],
        capacity=rng.integers(1, 4, n_s),
        demand_ids=[f"D{j}" for j in range(n_d)],
        slots=slots,
        edge_supplier=pairs // n_d,
        edge_demand=pairs % n_d,
        weight=rng.normal(3.0, 5.0, len(pairs)),
        load=rng.integers(1, 3, len(pairs)) if groups else None,
        slot_values=[
            sorted(rng.integers(0, 40, int(rng.integers(0, s + 1))) / 4)[::-1] for s in slots
        ],
        groups={f"G{g}": pair.tolist() for g, pair in enumerate(members)},
        previous=rng.choice(len(pairs), size=5, replace=False),
        stability_bonus=1.5,
    )


@pytest.mark.parametrize("seed", range(12))
def test_flow_and_cpsat_agree_on_medium_problems(seed: int) -> None:
    """Beyond brute-force sizes, the two exact solvers still reach the same optimum."""
    problem = _medium_problem(seed, groups=False)
    flow, cpsat = solve(problem, solver="flow"), solve(problem, solver="cpsat")
    assert flow.status == cpsat.status == "optimal"
    assert math.isclose(flow.objective, cpsat.objective, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("seed", range(12))
def test_greedy_never_beats_cpsat_with_groups_and_loads(seed: int) -> None:
    """With groups and loads, CP-SAT proves an optimum that greedy never exceeds."""
    problem = _medium_problem(seed, groups=True)
    cpsat, greedy = solve(problem, solver="cpsat"), solve(problem, solver="greedy")
    assert cpsat.status == "optimal" and greedy.status == "feasible"
    assert violations(problem, greedy.chosen) == []
    assert greedy.objective <= cpsat.bound + 1e-9
