"""`most_placed`: the most places of marked demands any plan fills, against CP-SAT on the
whole counting problem."""

from __future__ import annotations

import numpy as np
import pytest

from matching.engine import coverage
from matching.engine.coverage import most_placed
from matching.engine.problem import Problem
from matching.engine.solvers import solve
from matching.errors import InvalidInputError

from .shapes import counting, lead_stage_like


def _most_by_cpsat(problem: Problem, marked: np.ndarray) -> float:
    result = solve(counting(problem, marked), solver="cpsat", time_limit=30, seed=0)
    assert result.status == "optimal"
    return result.objective


@pytest.mark.parametrize("seed", range(6))
def test_the_most_placed_is_cpsats_optimum(seed: int) -> None:
    """Tight capacities (2–6 days, needs of 1–3 days, 3 suppliers each): some demands are
    easy, others contested."""
    problem = lead_stage_like(seed, n_suppliers=25, n_demands=60, per_demand=3)
    marked = np.random.default_rng(seed).random(problem.n_demands) < 0.5
    found = most_placed(problem, marked)
    assert found.proven
    assert found.most == pytest.approx(_most_by_cpsat(problem, marked))


def test_a_roomy_supplier_makes_its_demands_easy(monkeypatch: pytest.MonkeyPatch) -> None:
    """One supplier with room for all three marked demands: no CP-SAT solve is needed."""
    problem = lead_stage_like(1, n_suppliers=1, n_demands=3, per_demand=1)
    roomy = Problem.from_arrays(
        supplier_ids=["S"],
        capacity=[int(problem.load.sum())],
        demand_ids=problem.demand_ids,
        slots=problem.slots,
        edge_supplier=problem.edge_supplier,
        edge_demand=problem.edge_demand,
        weight=problem.weight,
        load=problem.load,
    )
    monkeypatch.setattr(coverage, "solve", None)  # would fail if called
    found = most_placed(roomy, np.ones(3, dtype=bool))
    assert (found.most, found.proven) == (3, True)


def test_without_a_proof_the_answer_is_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no work for CP-SAT the contested rest is bounded, not solved: still at least
    the true most."""
    problem = lead_stage_like(2, n_suppliers=25, n_demands=60, per_demand=3)
    marked = np.ones(problem.n_demands, dtype=bool)
    monkeypatch.setattr(coverage, "EXACT_WORK", 1e-9)
    found = most_placed(problem, marked)
    assert not found.proven
    assert found.most >= _most_by_cpsat(problem, marked) - 1e-9


def test_groups_are_refused() -> None:
    """A group's members go together, which the easy/contested split knows nothing of."""
    grouped = Problem.from_arrays(
        supplier_ids=["A", "B"],
        capacity=[1, 1],
        demand_ids=["D"],
        slots=[2],
        edge_supplier=[0, 1],
        edge_demand=[0, 0],
        weight=[1.0, 1.0],
        groups={"G": [0, 1]},
    )
    with pytest.raises(InvalidInputError, match="groups"):
        most_placed(grouped, np.ones(1, dtype=bool))
