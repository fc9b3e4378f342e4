"""The gap on what the solver can still change: the objective less its slot values."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import orjson

from matching.engine.io import dump_solution, parse_problem
from matching.engine.problem import Problem
from matching.engine.result import Result
from matching.engine.solvers import solve
from matching.experts.split import solve_in_parts
from matching.runs.results import SolveRecord

DATA = Path(__file__).parent / "problems"


def test_slot_values_are_split_from_the_edge_part() -> None:
    """E2 goes to N1 for its first slot value (500) and E1 to N2: 500 + 20 + 100."""
    problem = parse_problem((DATA / "deep_poverty_first_slot.json").read_bytes())
    for solver in ("auto", "cpsat"):
        result = solve(problem, solver=solver)
        assert result.slot_objective == 500.0, solver
        assert result.edge_objective == result.objective - 500.0, solver
    greedy = solve(problem, solver="greedy")  # E1 -> N2 and E2 -> N2: no slot value
    assert greedy.slot_objective == 0.0 and greedy.edge_objective == greedy.objective == 190.0
    document = orjson.loads(dump_solution(solve(problem), problem))
    assert (document["objective"], document["edge_objective"]) == (620.0, 120.0)
    assert document["gap"] == 0.0 and document["edge_gap"] == 0.0


def test_edge_gap_reads_the_gap_against_the_edge_part() -> None:
    """Every job placed for a slot value of 10,000; the plan costs 100 where 98 may be
    possible: the whole gap is 2 in 9,900 and the gap on the edges 2 in 100."""
    result = Result(
        status="feasible",
        objective=10_000.0 - 100.0,
        bound=10_000.0 - 98.0,
        chosen=np.zeros(0, dtype=np.int64),
        solver="cpsat",
        slot_objective=10_000.0,
    )
    assert result.edge_objective == -100.0
    assert math.isclose(result.gap, 2 / 9_900)
    assert math.isclose(result.edge_gap, 0.02)
    record = SolveRecord.of("lead", result)
    assert record.edge_objective == -100.0 and record.edge_gap is not None
    assert math.isclose(record.edge_gap, 0.02) and not record.proven


def test_greedy_and_infeasible_have_no_edge_gap() -> None:
    problem = parse_problem((DATA / "conflict.json").read_bytes())
    greedy = orjson.loads(dump_solution(solve(problem, solver="greedy"), problem))
    assert greedy["edge_gap"] is None and greedy["edge_objective"] == greedy["objective"]
    problem = parse_problem((DATA / "fixed_overfill_supplier.json").read_bytes())
    infeasible = orjson.loads(dump_solution(solve(problem), problem))
    assert infeasible["edge_gap"] is None and infeasible["edge_objective"] is None


def test_parts_add_their_slot_values() -> None:
    """A stage solved per period sums the parts' slot values."""
    problem = Problem.from_arrays(
        supplier_ids=["E1", "E2"],
        capacity=[1, 1],
        demand_ids=["N1", "N2"],
        slots=[1, 1],
        edge_supplier=[0, 1],
        edge_demand=[0, 1],
        weight=[10.0, 20.0],
        slot_values=[[500.0], [300.0]],
    )
    combined = solve_in_parts(
        problem, np.asarray([0, 1]), solver="cpsat", work_limit=1.0, time_limit=10.0, seed=0
    )
    assert (combined.objective, combined.slot_objective) == (830.0, 800.0)
    assert combined.edge_objective == 30.0
