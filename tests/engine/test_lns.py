"""The portfolio's large-neighbourhood search and the LP prices that guide it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from matching.engine import pricing
from matching.engine.orlib import load
from matching.engine.problem import Problem
from matching.engine.result import objective_value, violations
from matching.engine.solvers import guide, lns
from matching.engine.solvers.guide import CORE_SIZE, lp_guide
from matching.engine.solvers.lns import improve
from matching.engine.solvers.presolve import useful_free_edges

from .shapes import lead_stage_like

DATA = Path(__file__).resolve().parents[2] / "data" / "benchmarks" / "gap"


def two_suppliers() -> Problem:
    """A holds 3 days and is worth more to both demands (10 and 9, 2 days each); B holds
    plenty and is worth 1 to each. The LP puts N1 at A and half of N2 at A and B."""
    return Problem.from_arrays(
        supplier_ids=["A", "B"],
        capacity=[3, 10],
        demand_ids=["N1", "N2"],
        slots=[1, 1],
        edge_supplier=[0, 0, 1, 1],
        edge_demand=[0, 1, 0, 1],
        weight=[10.0, 9.0, 1.0, 1.0],
        load=[2, 2, 2, 2],
    )


def test_capacity_prices_make_the_reduced_gains() -> None:
    """A's day is priced at 4 (N2 gains 9 there, 1 at B, for 2 days), B's at 0."""
    problem = two_suppliers()
    edges = np.flatnonzero(useful_free_edges(problem))
    guide = lp_guide(problem, edges, problem.edge_value)
    assert guide.reduced_gain.tolist() == pytest.approx([2.0, 1.0, 1.0, 1.0])
    assert guide.best_reduced.tolist() == pytest.approx([2.0, 1.0])
    # N1 at B falls 1 below its best (A); N2 at B is as good as at A.
    assert guide.regret(np.asarray([2, 3])).tolist() == pytest.approx([1.0, 0.0])


def test_the_core_keeps_each_demands_best_reduced_gains() -> None:
    """At most CORE_SIZE edges per demand, and none outside the core beats one inside."""
    problem = load(DATA, "c10100").problem()
    edges = np.flatnonzero(useful_free_edges(problem))
    guide = lp_guide(problem, edges, problem.edge_value)
    per_demand = np.bincount(problem.edge_demand[guide.core], minlength=problem.n_demands)
    assert per_demand.max() == CORE_SIZE
    for demand in range(problem.n_demands):
        mine = edges[problem.edge_demand[edges] == demand]
        inside = guide.reduced_gain[mine[guide.core[mine]]]
        outside = guide.reduced_gain[mine[~guide.core[mine]]]
        assert outside.max(initial=-np.inf) <= inside.min()


@pytest.mark.parametrize("name", ["gap12-1", "d05100"])
def test_the_search_never_worsens_nor_overfills(name: str) -> None:
    """From an empty plan, the search places demands, keeps every capacity and ends
    above where it started."""
    problem = load(DATA, name).problem()
    start = np.zeros(0, dtype=np.int64)
    found = improve(problem, start, work_limit=0.3, seed=1, scale=1.0)
    assert violations(problem, found.chosen) == []
    assert objective_value(problem, found.chosen) > objective_value(problem, start)
    # Improving an improved plan never loses what it had.
    again = improve(problem, found.chosen, work_limit=0.2, seed=2, scale=1.0)
    assert violations(problem, again.chosen) == []
    assert objective_value(problem, again.chosen) >= objective_value(problem, found.chosen)


def test_the_search_repeats_itself() -> None:
    """The same plan, budget and seed give the same plan and the same counted work."""
    problem = load(DATA, "d05100").problem()
    start = np.zeros(0, dtype=np.int64)
    first = improve(problem, start, work_limit=0.3, seed=4, scale=1.0)
    second = improve(problem, start, work_limit=0.3, seed=4, scale=1.0)
    assert np.array_equal(first.chosen, second.chosen)
    assert (first.work, first.steps, first.improvements) == (
        second.work,
        second.steps,
        second.improvements,
    )


def test_flow_and_simplex_prices_bound_alike() -> None:
    """With uniform loads the guide prices capacity by a min-cost flow; the simplex's
    prices of the same LP give the same weak-duality bound (the LP optimum), so both
    are optimal duals (the flow's up to its rounding of values)."""
    problem = lead_stage_like(0, n_suppliers=200, n_demands=300, per_demand=6)
    edges = np.flatnonzero(useful_free_edges(problem))
    gain = problem.edge_value + problem.first_slot_value[problem.edge_demand]
    member = np.zeros(problem.n_edges, dtype=np.bool_)
    member[edges] = True
    bounds = [
        pricing.bound(problem, pricing.Prices(find(problem, edges, gain), gain), member)
        for find in (guide._flow_prices, guide._simplex_prices)
    ]
    # The flow prices per-unit values rounded to 1/pricing.SCALE: within that per unit.
    assert bounds[0] == pytest.approx(bounds[1], abs=problem.capacity.sum() / pricing.SCALE)
    assert bounds[0] > 0


def test_many_suppliers_get_connected_neighbourhoods(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above `MANY_SUPPLIERS`, every step frees demands grown from one demand through
    their suppliers; the search places demands, keeps every capacity, and repeats itself."""
    problem = lead_stage_like(1, n_suppliers=200, n_demands=300, per_demand=6)
    assert problem.n_suppliers > lns.MANY_SUPPLIERS
    drawn: list[int] = []
    connected = lns._connected_neighbourhood

    def counting(plan: Any, rng: np.random.Generator, size: int) -> Any:
        found = connected(plan, rng, size)
        drawn.append(len(found[1]))
        return found

    monkeypatch.setattr(lns, "_connected_neighbourhood", counting)
    monkeypatch.setattr(lns, "_neighbourhood", None)  # the two-supplier kind is not used
    start = np.zeros(0, dtype=np.int64)
    found = improve(problem, start, work_limit=0.2, seed=3, scale=10.0)
    again = improve(problem, start, work_limit=0.2, seed=3, scale=10.0)
    assert drawn and max(drawn) <= lns.CONNECTED_START * 2
    assert violations(problem, found.chosen) == []
    assert objective_value(problem, found.chosen) > 0
    assert np.array_equal(found.chosen, again.chosen)


def test_a_freed_unplaced_demand_keeps_every_edge() -> None:
    """A placed demand is offered its core edges and its present one; one without a
    supplier every candidate edge that fits, outside the core too."""
    problem = lead_stage_like(2, n_suppliers=30, n_demands=40, per_demand=8)
    first = np.flatnonzero(problem.edge_demand < 20)
    start = first[np.unique(problem.edge_demand[first], return_index=True)[1]]  # one each
    start = np.sort(start[problem.load[start] <= problem.capacity[problem.edge_supplier[start]]])
    plan = lns._Plan(problem, start)
    placed = np.unique(problem.edge_demand[start])
    unplaced = np.setdiff1d(np.arange(problem.n_demands), placed)
    edges, _, room = lns._freed(plan, np.arange(problem.n_demands))
    offered = set(edges.tolist())
    candidates = plan.candidates
    fitting = candidates[problem.load[candidates] <= room[problem.edge_supplier[candidates]]]
    for_unplaced = fitting[np.isin(problem.edge_demand[fitting], unplaced)]
    assert set(for_unplaced.tolist()) <= offered
    assert not plan.guide.core[for_unplaced].all()  # some lie outside the core
    for_placed = edges[np.isin(problem.edge_demand[edges], placed)]
    assert (plan.guide.core[for_placed] | np.isin(for_placed, start)).all()
