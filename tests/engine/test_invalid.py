"""Invalid input raises InvalidInputError whose message names the item, never a crash."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from matching.engine.io import parse_problem
from matching.engine.problem import Problem
from matching.engine.solvers import solve
from matching.errors import InvalidInputError, UnknownSolverError

BASE: dict[str, Any] = {
    "format": "bangfu.assignment/1",
    "suppliers": [{"id": "E1", "capacity": 2}, {"id": "E2", "capacity": 1}],
    "demands": [{"id": "N1", "slots": 2, "slot_values": [5, 3]}, {"id": "N2", "slots": 1}],
    "edges": [
        {"supplier": "E1", "demand": "N1", "weight": 1.5},
        {"supplier": "E1", "demand": "N2", "weight": 2, "load": 1},
        {"supplier": "E2", "demand": "N1", "weight": 3},
    ],
}

Edit = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Edit:
    """An edit that sets document[a][b]... = value for path 'a.b...' (list indices as digits)."""

    def edit(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return edit


def _parse(edit: Edit) -> None:
    document = copy.deepcopy(BASE)
    edit(document)
    parse_problem(json.dumps(document))


READER_CASES: list[tuple[str, Edit, list[str]]] = [
    ("unknown supplier", _set("edges.0.supplier", "E9"), ["edges[0]", "E9"]),
    ("unknown demand", _set("edges.2.demand", "N9"), ["edges[2]", "N9"]),
    ("duplicate supplier id", _set("suppliers.1.id", "E1"), ["duplicate supplier", "E1"]),
    ("duplicate demand id", _set("demands.1.id", "N1"), ["duplicate demand", "N1"]),
    ("edge listed twice", _set("edges.2.supplier", "E1"), ["(E1, N1)", "twice"]),
    ("weight as a string", _set("edges.0.weight", "1.5"), ["edges[0] (E1, N1)", "weight"]),
    ("weight true", _set("edges.1.weight", True), ["edges[1] (E1, N2)", "weight"]),
    ("weight null", _set("edges.2.weight", None), ["edges[2] (E2, N1)", "weight"]),
    ("weight missing", lambda d: d["edges"][0].pop("weight"), ["edges[0]", "weight"]),
    ("capacity as a string", _set("suppliers.0.capacity", "2"), ["E1", "capacity"]),
    ("slots false", _set("demands.1.slots", False), ["N2", "slots"]),
    ("negative capacity", _set("suppliers.1.capacity", -1), ["E2", "capacity", ">= 0"]),
    ("fractional capacity", _set("suppliers.1.capacity", 1.5), ["E2", "whole number"]),
    ("negative slots", _set("demands.1.slots", -2), ["N2", "slots", ">= 0"]),
    ("load zero", _set("edges.1.load", 0), ["(E1, N2)", "load", ">= 1"]),
    ("load negative", _set("edges.1.load", -3), ["(E1, N2)", "load"]),
    ("load as a string", _set("edges.1.load", "1"), ["edges[1] (E1, N2)", "load"]),
    ("slot values increase", _set("demands.0.slot_values", [3, 5]), ["N1", "increase"]),
    ("negative slot value", _set("demands.0.slot_values", [5, -1]), ["N1", ">= 0"]),
    ("too many slot values", _set("demands.1.slot_values", [4, 3]), ["N2", "slots is 1"]),
    ("slot value as a string", _set("demands.0.slot_values", ["5"]), ["N1", "slot_values[0]"]),
    ("slot value true", _set("demands.0.slot_values", [True]), ["N1", "slot_values[0]"]),
    ("slot values not a list", _set("demands.0.slot_values", 5), ["N1", "slot_values"]),
    ("fixed pair not an edge", _set("fixed", [{"supplier": "E2", "demand": "N2"}]), ["E2, N2"]),
    (
        "previous pair not an edge",
        _set("previous", [{"supplier": "E2", "demand": "N2"}]),
        ["E2, N2"],
    ),
    ("fixed unknown supplier", _set("fixed", [{"supplier": "E7", "demand": "N1"}]), ["E7"]),
    (
        "fixed listed twice",
        _set("fixed", [{"supplier": "E1", "demand": "N1"}, {"supplier": "E1", "demand": "N1"}]),
        ["(E1, N1)", "twice"],
    ),
    (
        "supplier in two groups",
        _set("groups", [{"id": "G1", "members": ["E1"]}, {"id": "G2", "members": ["E2", "E1"]}]),
        ["'E1'", "G1", "G2"],
    ),
    (
        "supplier twice in a group",
        _set("groups", [{"id": "G1", "members": ["E1", "E1"]}]),
        ["'E1'", "G1", "twice"],
    ),
    ("group with unknown member", _set("groups", [{"id": "G1", "members": ["X"]}]), ["G1", "X"]),
    ("empty group", _set("groups", [{"id": "G1", "members": []}]), ["G1", "no members"]),
    (
        "duplicate group id",
        _set("groups", [{"id": "G1", "members": ["E1"]}, {"id": "G1", "members": ["E2"]}]),
        ["duplicate group", "G1"],
    ),
    ("negative stability bonus", _set("stability_bonus", -1), ["stability_bonus"]),
    ("stability bonus as a string", _set("stability_bonus", "5"), ["stability_bonus"]),
    ("unknown top-level field", _set("weights", []), ["unknown field", "weights"]),
    ("unknown supplier field", _set("suppliers.0.name", "Li"), ["suppliers[0]", "name"]),
    ("unknown edge field", _set("edges.1.score", 1), ["edges[1]", "score"]),
    ("wrong format", _set("format", "bangfu.assignment/2"), ["format", "bangfu.assignment/2"]),
    ("missing format", lambda d: d.pop("format"), ["format"]),
    ("missing edges", lambda d: d.pop("edges"), ["edges"]),
    ("suppliers not a list", _set("suppliers", {"E1": 2}), ["suppliers"]),
    ("edge not an object", _set("edges.1", ["E1", "N2"]), ["edges[1]"]),
    ("numeric supplier id", _set("suppliers.1.id", 7), ["suppliers[1]", "7"]),
    ("list as a supplier id in an edge", _set("edges.0.supplier", ["E1"]), ["edges[0]", "E1"]),
    ("list as a demand id in an edge", _set("edges.0.demand", {"id": "N1"}), ["edges[0]"]),
    (
        "list as a supplier id in fixed",
        _set("fixed", [{"supplier": ["E1"], "demand": "N1"}]),
        ["fixed[0]", "E1"],
    ),
    (
        "list as a demand id in previous",
        _set("previous", [{"supplier": "E1", "demand": ["N1"]}]),
        ["previous[0]", "N1"],
    ),
    ("capacity beyond int64", _set("suppliers.0.capacity", 1e20), ["E1", "capacity"]),
    ("load beyond int64", _set("edges.1.load", 1e19), ["(E1, N2)", "load"]),
    ("load of 2**63", _set("edges.1.load", 2**63), ["(E1, N2)", "load"]),
    ("slots beyond int64", _set("demands.1.slots", 1e19), ["N2", "slots"]),
]


@pytest.mark.parametrize(
    ("edit", "names"), [case[1:] for case in READER_CASES], ids=[case[0] for case in READER_CASES]
)
def test_reader_rejects_with_the_item_named(edit: Edit, names: list[str]) -> None:
    """parse_problem raises InvalidInputError whose message names the offending item."""
    with pytest.raises(InvalidInputError) as caught:
        _parse(edit)
    for name in names:
        assert name in str(caught.value), (name, str(caught.value))


def test_base_document_is_valid() -> None:
    """The document the invalid cases start from is itself valid."""
    problem = parse_problem(json.dumps(BASE))
    assert (problem.n_suppliers, problem.n_demands, problem.n_edges) == (2, 2, 3)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('{"format": "bangfu.assignment/1", "suppliers": [', ["not valid JSON"]),
        ("", ["not valid JSON"]),
        ('{"format": "bangfu.assignment/1", "weight": NaN}', ["not valid JSON"]),
        ("[1, 2]", ["JSON object"]),
        (json.dumps(BASE).replace('"weight": 1.5', '"weight": 1e400'), ["not valid JSON"]),
    ],
)
def test_reader_rejects_broken_json(text: str, names: list[str]) -> None:
    """Text that is not a JSON object is invalid input, not a crash."""
    with pytest.raises(InvalidInputError) as caught:
        parse_problem(text)
    assert all(name in str(caught.value) for name in names)


def _arrays(**changes: Any) -> dict[str, Any]:
    """Keyword arguments of Problem.from_arrays for the base problem, with changes."""
    arguments: dict[str, Any] = {
        "supplier_ids": ["E1", "E2"],
        "capacity": [2, 1],
        "demand_ids": ["N1", "N2"],
        "slots": [2, 1],
        "edge_supplier": [0, 0, 1],
        "edge_demand": [0, 1, 0],
        "weight": [1.5, 2.0, 3.0],
        "slot_values": [[5.0, 3.0], []],
    }
    arguments.update(changes)
    return arguments


ARRAY_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("duplicate supplier id", {"supplier_ids": ["E1", "E1"]}, ["duplicate supplier", "E1"]),
    ("duplicate demand id", {"demand_ids": ["N2", "N2"]}, ["duplicate demand", "N2"]),
    ("empty supplier id", {"supplier_ids": ["E1", ""]}, ["supplier #1"]),
    ("supplier index out of range", {"edge_supplier": [0, 0, 2]}, ["edge_supplier[2]"]),
    ("demand index out of range", {"edge_demand": [0, 1, -1]}, ["edge_demand[2]"]),
    ("edge listed twice", {"edge_demand": [0, 1, 0], "edge_supplier": [1, 0, 1]}, ["(E2, N1)"]),
    ("weight nan", {"weight": [1.5, math.nan, 3.0]}, ["(E1, N2)", "finite"]),
    ("weight infinite", {"weight": [1.5, 2.0, -math.inf]}, ["(E2, N1)", "finite"]),
    ("weight strings", {"weight": ["1.5", "2", "3"]}, ["weight", "numbers"]),
    ("weight booleans", {"weight": [True, False, True]}, ["weight", "numbers"]),
    ("weight count", {"weight": [1.0, 2.0]}, ["weight", "2 entries"]),
    ("capacity infinite", {"capacity": [2, math.inf]}, ["E2", "capacity"]),
    ("negative capacity", {"capacity": [-1, 1]}, ["E1", "capacity", ">= 0"]),
    ("negative slots", {"slots": [2, -1]}, ["N2", "slots"]),
    ("capacity beyond int64", {"capacity": [1e20, 1]}, ["E1", "capacity"]),
    ("slots beyond int64", {"slots": [2, 1e19]}, ["N2", "slots"]),
    ("load zero", {"load": [1, 0, 1]}, ["(E1, N2)", "load"]),
    ("load beyond int64", {"load": [1, 1, 1e19]}, ["(E2, N1)", "load"]),
    ("slot values increase", {"slot_values": [[3.0, 5.0], []]}, ["N1", "increase"]),
    ("negative slot value", {"slot_values": [[], [-0.5]]}, ["N2", ">= 0"]),
    ("slot value nan", {"slot_values": [[math.nan], []]}, ["N1", "finite"]),
    ("too many slot values", {"slot_values": [[3.0, 2.0, 1.0], []]}, ["N1", "slots is 2"]),
    ("slot value lists count", {"slot_values": [[1.0]]}, ["slot_values", "one per demand"]),
    ("fixed index not an edge", {"fixed": [3]}, ["fixed[0]", "out of range"]),
    ("previous index not an edge", {"previous": [0, -1]}, ["previous[1]"]),
    ("fixed listed twice", {"fixed": [1, 1]}, ["(E1, N2)", "twice"]),
    ("supplier in two groups", {"groups": {"G1": [0], "G2": [1, 0]}}, ["'E1'", "G1", "G2"]),
    ("group member out of range", {"groups": {"G1": [5]}}, ["G1", "5"]),
    ("empty group", {"groups": {"G1": []}}, ["G1", "no members"]),
    ("stability bonus nan", {"stability_bonus": math.nan}, ["stability_bonus"]),
    ("stability bonus true", {"stability_bonus": True}, ["stability_bonus"]),
]


@pytest.mark.parametrize(
    ("changes", "names"), [case[1:] for case in ARRAY_CASES], ids=[case[0] for case in ARRAY_CASES]
)
def test_from_arrays_rejects_with_the_item_named(changes: dict[str, Any], names: list[str]) -> None:
    """Problem.from_arrays raises InvalidInputError whose message names the offending item."""
    with pytest.raises(InvalidInputError) as caught:
        Problem.from_arrays(**_arrays(**changes))
    for name in names:
        assert name in str(caught.value), (name, str(caught.value))


def test_item_attribute_names_the_item() -> None:
    """The error's `item` carries the offending id for programs."""
    with pytest.raises(InvalidInputError) as caught:
        Problem.from_arrays(**_arrays(capacity=[2, -1]))
    assert caught.value.item is not None and "E2" in caught.value.item


def test_problem_arrays_are_read_only() -> None:
    """A built problem cannot be changed in place, and does not alias the caller's arrays."""
    weight = np.array([1.5, 2.0, 3.0])
    problem = Problem.from_arrays(**_arrays(weight=weight))
    with pytest.raises(ValueError, match="read-only"):
        problem.weight[0] = 9.0
    weight[0] = 9.0
    assert problem.weight[0] == 1.5


def test_unknown_solver_is_an_error() -> None:
    """An unknown solver name raises UnknownSolverError listing the known ones."""
    problem = Problem.from_arrays(**_arrays())
    with pytest.raises(UnknownSolverError, match=r"'simplex'.*auto, flow, cpsat, greedy"):
        solve(problem, solver="simplex")


@pytest.mark.parametrize(
    "changes", [{"groups": {"G1": [0, 1]}}, {"load": [1, 2, 1]}], ids=["groups", "loads"]
)
def test_flow_refuses_groups_and_loads(changes: dict[str, Any]) -> None:
    """Asking for the flow on a problem it cannot solve is invalid input, not a fallback."""
    problem = Problem.from_arrays(**_arrays(**changes))
    with pytest.raises(InvalidInputError, match="flow"):
        solve(problem, solver="flow")


@pytest.mark.parametrize(
    "options", [{"time_limit": 0}, {"time_limit": -1.0}, {"workers": 0}, {"seed": -1}]
)
def test_bad_solve_options(options: dict[str, Any]) -> None:
    """Non-positive time limits, no workers or a negative seed are invalid, naming the field."""
    problem = Problem.from_arrays(**_arrays())
    with pytest.raises(InvalidInputError, match=next(iter(options))):
        solve(problem, **options)


@pytest.mark.parametrize("member", [1.0, True, "E2", -1, 9])
def test_from_arrays_rejects_a_group_member_that_is_not_a_supplier_index(member: object) -> None:
    """A float, bool, string or out-of-range group member is named, not an IndexError."""
    with pytest.raises(InvalidInputError, match="G1"):
        Problem.from_arrays(
            supplier_ids=["E1", "E2"],
            capacity=[1, 1],
            demand_ids=["N1"],
            slots=[2],
            edge_supplier=[0, 1],
            edge_demand=[0, 0],
            weight=[1.0, 1.0],
            groups={"G1": [0, member]},  # type: ignore[list-item]
        )
