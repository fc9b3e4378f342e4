"""The JSON reader and writers: round trips and the solution document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from hypothesis import given, settings

from matching.engine.io import (
    SOLUTION_FORMAT,
    dump_problem,
    dump_solution,
    parse_problem,
    problem_from_document,
    problem_to_document,
)
from matching.engine.problem import Problem
from matching.engine.solvers import solve

from .strategies import documents

DATA = Path(__file__).parent / "problems"
NAMED = sorted(path for path in DATA.glob("*.json") if path.stem != "expected")

_FIELDS = (
    "capacity",
    "slots",
    "slot_value_flat",
    "slot_value_offsets",
    "edge_supplier",
    "edge_demand",
    "weight",
    "load",
    "group_of_supplier",
    "fixed",
    "previous",
)


def assert_same_problem(first: Problem, second: Problem) -> None:
    """Ids, every array (values and dtypes) and the bonus are identical."""
    assert first.supplier_ids == second.supplier_ids
    assert first.demand_ids == second.demand_ids
    assert first.group_ids == second.group_ids
    for name in _FIELDS:
        a, b = getattr(first, name), getattr(second, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    assert first.stability_bonus == second.stability_bonus


@pytest.mark.parametrize("path", NAMED, ids=[path.stem for path in NAMED])
def test_named_problems_round_trip(path: Path) -> None:
    """problem_to_document then problem_from_document gives back the same problem."""
    problem = parse_problem(path.read_bytes())
    assert_same_problem(problem, problem_from_document(problem_to_document(problem)))
    assert_same_problem(problem, parse_problem(dump_problem(problem)))


@settings(deadline=None, max_examples=100)
@given(documents(decimal=False))
def test_random_problems_round_trip(document: dict[str, Any]) -> None:
    """Any valid document survives document -> problem -> JSON bytes -> problem unchanged."""
    problem = problem_from_document(document)
    again = parse_problem(dump_problem(problem))
    assert_same_problem(problem, again)
    assert problem_to_document(again) == problem_to_document(problem)


@settings(deadline=None, max_examples=60)
@given(documents())
def test_reader_matches_from_arrays(document: dict[str, Any]) -> None:
    """Reading a document builds the same problem as from_arrays on the same data."""
    sids = [s["id"] for s in document["suppliers"]]
    dids = [d["id"] for d in document["demands"]]
    edge_of = {(e["supplier"], e["demand"]): i for i, e in enumerate(document["edges"])}
    problem = Problem.from_arrays(
        supplier_ids=sids,
        capacity=[s["capacity"] for s in document["suppliers"]],
        demand_ids=dids,
        slots=[d["slots"] for d in document["demands"]],
        edge_supplier=np.array([sids.index(e["supplier"]) for e in document["edges"]], np.int64),
        edge_demand=np.array([dids.index(e["demand"]) for e in document["edges"]], np.int64),
        weight=[e["weight"] for e in document["edges"]],
        load=[e.get("load", 1) for e in document["edges"]],
        slot_values=[d.get("slot_values", []) for d in document["demands"]],
        groups={g["id"]: [sids.index(m) for m in g["members"]] for g in document.get("groups", [])},
        fixed=np.array([edge_of[p["supplier"], p["demand"]] for p in document.get("fixed", [])]),
        previous=[edge_of[p["supplier"], p["demand"]] for p in document.get("previous", [])],
        stability_bonus=document.get("stability_bonus", 0.0),
    )
    assert_same_problem(problem, problem_from_document(document))


def test_defaults_of_optional_fields() -> None:
    """Load defaults to 1; groups, fixed, previous, slot values and the bonus to nothing."""
    problem = parse_problem((DATA / "conflict.json").read_bytes())
    assert problem.load.tolist() == [1, 1, 1, 1]
    assert not problem.fixed.any() and not problem.previous.any() and not problem.has_groups
    assert problem.slot_value_flat.size == 0 and problem.stability_bonus == 0.0


def test_solution_document_of_an_optimal_solve() -> None:
    """The solution lists the chosen pairs, objective, bound, gap and solver."""
    problem = parse_problem((DATA / "conflict.json").read_bytes())
    document = orjson.loads(dump_solution(solve(problem), problem))
    assert document["format"] == SOLUTION_FORMAT
    assert (document["status"], document["objective"], document["bound"]) == ("optimal", 17, 17)
    assert (document["gap"], document["solver"]) == (0.0, "flow")
    assert document["assignments"] == [
        {"supplier": "E1", "demand": "N2"},
        {"supplier": "E2", "demand": "N1"},
    ]
    assert document["stats"]["assigned"] == 2 and "timings" not in document["stats"]
    assert "reason" not in document


def test_solution_document_of_an_infeasible_solve() -> None:
    """Infinite objective, bound and gap are written as null, with the reason."""
    problem = parse_problem((DATA / "fixed_overfill_supplier.json").read_bytes())
    document = json.loads(dump_solution(solve(problem), problem, timings=True))
    assert document["status"] == "infeasible" and document["assignments"] == []
    assert document["objective"] is None and document["bound"] is None and document["gap"] is None
    assert "'E1'" in document["reason"]
    assert isinstance(document["stats"]["timings"], dict)


def test_greedy_bound_is_null() -> None:
    """Greedy proves no bound: the bound and gap are null, the objective is a number."""
    problem = parse_problem((DATA / "conflict.json").read_bytes())
    document = orjson.loads(dump_solution(solve(problem, solver="greedy"), problem))
    assert document["status"] == "feasible" and document["objective"] == 11
    assert document["bound"] is None and document["gap"] is None
