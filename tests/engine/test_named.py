"""Small named problems from tests/data, each with an optimum worked out by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from matching.engine.io import parse_problem
from matching.engine.result import violations
from matching.engine.solvers import solve

from .brute import brute_force

DATA = Path(__file__).parent / "problems"
EXPECTED: dict[str, dict[str, Any]] = json.loads((DATA / "expected.json").read_text("utf-8"))


def _document(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text("utf-8"))
    return document


def _solvers(name: str) -> list[str]:
    """Flow only without groups and with unit loads; cpsat and greedy always."""
    document = _document(name)
    flow = "groups" not in document and all(e.get("load", 1) == 1 for e in document["edges"])
    return ["flow", "cpsat", "greedy"] if flow else ["cpsat", "greedy"]


CASES = [(name, solver) for name in EXPECTED for solver in _solvers(name)]


def _close(value: float, expected: float) -> bool:
    return abs(value - expected) <= 1e-9 * max(1.0, abs(expected))


def test_every_problem_file_has_an_expected_optimum() -> None:
    """Each JSON file in tests/data is described in expected.json, and the other way round."""
    files = {path.stem for path in DATA.glob("*.json")} - {"expected"}
    assert files == set(EXPECTED)
    assert all(entry["description"] for entry in EXPECTED.values())


@pytest.mark.parametrize("name", list(EXPECTED))
def test_brute_force_agrees_with_the_hand_worked_optimum(name: str) -> None:
    """The test's brute force confirms each optimum that was worked out by hand."""
    expected, document = EXPECTED[name], _document(name)
    optimum = brute_force(document)
    if expected.get("status") == "infeasible":
        assert optimum.objective is None
        return
    assert optimum.objective is not None and _close(optimum.objective, expected["objective"])
    edges = document["edges"]
    chosen = sorted([edges[e]["supplier"], edges[e]["demand"]] for e in optimum.best)
    assert chosen == sorted(expected["assignments"])


@pytest.mark.parametrize(("name", "solver"), CASES)
def test_named_problem(name: str, solver: str) -> None:
    """Exact solvers find the hand-worked optimum; greedy is feasible and no better."""
    expected = EXPECTED[name]
    problem = parse_problem((DATA / f"{name}.json").read_bytes())
    result = solve(problem, solver=solver)
    assert result.solver == solver
    if expected.get("status") == "infeasible":
        assert result.status == "infeasible"
        assert result.chosen.size == 0 and result.objective == -math.inf
        for item in expected["reason_names"]:
            assert item in (result.reason or ""), (item, result.reason)
        return
    assert violations(problem, result.chosen) == []
    if solver == "greedy":
        assert result.status == "feasible"
        assert result.objective <= expected["objective"] + 1e-9
        return
    assert result.status == "optimal"
    assert _close(result.objective, expected["objective"])
    assert result.objective == brute_force(_document(name)).objective
    assert result.bound >= result.objective and result.gap <= 1e-9
    assert sorted(map(list, result.assignments(problem))) == sorted(expected["assignments"])


def test_auto_picks_flow_or_cpsat() -> None:
    """`auto` uses the flow without groups and loads, CP-SAT otherwise."""
    plain = parse_problem((DATA / "conflict.json").read_bytes())
    grouped = parse_problem((DATA / "group_together.json").read_bytes())
    loaded = parse_problem((DATA / "service_days_knapsack.json").read_bytes())
    assert solve(plain).solver == "flow"
    assert solve(grouped).solver == "cpsat"
    assert solve(loaded).solver == "cpsat"


def test_greedy_is_beaten_where_it_should_be() -> None:
    """On the conflict and knapsack problems greedy's order of value costs it the optimum."""
    for name in ("conflict", "service_days_knapsack"):
        result = solve(parse_problem((DATA / f"{name}.json").read_bytes()), solver="greedy")
        assert result.objective < EXPECTED[name]["objective"]
        assert result.bound == math.inf
