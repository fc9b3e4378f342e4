"""The local moves that `decompose` applies after its repair: add, swap, replace."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings

from matching.engine.io import problem_from_document
from matching.engine.problem import Problem
from matching.engine.result import objective_value, violations
from matching.engine.solvers import solve
from matching.engine.solvers.polish import polish

from .strategies import documents


def _problem(**overrides: Any) -> Problem:
    arrays: dict[str, Any] = {
        "supplier_ids": ["E1", "E2"],
        "capacity": [3, 2],
        "demand_ids": ["N1", "N2", "N3"],
        "slots": [1, 1, 1],
        "edge_supplier": [0, 0, 1, 1],
        "edge_demand": [0, 1, 1, 2],
        "weight": [5.0, 9.0, 4.0, 1.0],
        "load": [3, 3, 2, 2],
    }
    arrays.update(overrides)
    return Problem.from_arrays(**arrays)


def test_add_fills_a_free_slot_with_a_supplier_that_has_room() -> None:
    """An empty plan gains every edge that fits, best first."""
    problem = _problem()
    improved = polish(problem, np.zeros(0, dtype=np.int64))
    assert improved.tolist() == [1, 3]  # E1 -> N2 (9), E2 -> N3 (1); E2 -> N2 is taken


def test_swap_moves_a_supplier_to_a_more_valuable_demand() -> None:
    """E1 leaves N1 (5) for the free N2 (9): its three days cannot serve both."""
    problem = _problem(edge_supplier=[0, 0], edge_demand=[0, 1], weight=[5.0, 9.0], load=[3, 3])
    assert polish(problem, np.asarray([0])).tolist() == [1]


def _one_expert_two_short_needs(long_weight: float) -> Problem:
    """E1 (12 days) serves N1 (5 days) and N2 (7 days), each worth 1; N3 wants all 12."""
    return _problem(
        supplier_ids=["E1"],
        capacity=[12],
        edge_supplier=[0, 0, 0],
        edge_demand=[0, 1, 2],
        weight=[1.0, 1.0, long_weight],
        load=[5, 7, 12],
        slot_values=[[0.0], [0.0], [0.0]],
    )


def test_swap_leaves_several_edges_when_no_single_one_frees_enough() -> None:
    """Neither short need frees 12 days alone; both together do, and N3 (10) is worth more
    than the two (2)."""
    problem = _one_expert_two_short_needs(10.0)
    improved = polish(problem, np.asarray([0, 1]))
    assert improved.tolist() == [2]
    assert objective_value(problem, improved) == 10.0


def test_swap_keeps_several_edges_worth_more_than_the_one_it_would_take() -> None:
    problem = _one_expert_two_short_needs(1.5)
    assert polish(problem, np.asarray([0, 1])).tolist() == [0, 1]


def test_replace_puts_the_better_supplier_on_a_full_demand() -> None:
    """At full N2, E1 (9) replaces E2 (4), and E2 then takes N3 on a later move."""
    problem = _problem()
    improved = polish(problem, np.asarray([2]))
    assert objective_value(problem, improved) == 10.0
    assert not violations(problem, improved)


def test_fixed_edges_stay() -> None:
    """A fixed edge is never dropped, even for a better one."""
    problem = _problem(
        edge_supplier=[0, 0], edge_demand=[0, 1], weight=[5.0, 9.0], load=[3, 3], fixed=[0]
    )
    assert polish(problem, np.asarray([0])).tolist() == [0]


@settings(deadline=None, max_examples=150)
@given(documents())
def test_polish_keeps_feasibility_and_never_loses_value(document: dict[str, Any]) -> None:
    """From the greedy plan, polish stays feasible and is at least as good."""
    problem = problem_from_document(document)
    start = solve(problem, solver="greedy")
    if start.status == "infeasible":
        return
    improved = polish(problem, start.chosen)
    assert not violations(problem, improved)
    assert objective_value(problem, improved) >= start.objective - 1e-9
