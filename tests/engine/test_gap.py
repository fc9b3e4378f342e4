"""Generalized assignment: OR-Library's gap1-gap12 solved to their published optima, and
the portfolio's choice, limits and reproducibility.

One instance per file (the first of five: 5-10 agents, 15-60 jobs) keeps the test short;
`python -m benchmarks.gap gap4-2 ...` runs any of the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from matching.engine.orlib import GapInstance
from matching.engine.orlib import load as load_from
from matching.engine.problem import Problem
from matching.engine.result import objective_value, violations
from matching.engine.solvers import choose_solver, portfolio, solve
from matching.engine.solvers.base import SolveOptions
from matching.engine.solvers.lns import Outcome as SearchOutcome
from matching.errors import InvalidInputError

DATA = Path(__file__).resolve().parents[2] / "data" / "benchmarks" / "gap"


def load(name: str) -> GapInstance:
    return load_from(DATA, name)


@pytest.mark.parametrize("name", [f"gap{k}-1" for k in range(1, 13)])
def test_small_gap_instances_reach_their_published_optimum(name: str) -> None:
    instance = load(name)
    problem = instance.problem()
    result = solve(problem, solver="auto", work_limit=5.0)
    assert result.status == "optimal", (name, result.stats)
    assert instance.places_all(result.objective)
    assert instance.cost_of(result.objective) == instance.best_known
    assert violations(problem, result.chosen) == []


def test_auto_sends_the_hard_shape_to_the_portfolio() -> None:
    """One slot per demand, loads that differ between a demand's edges, 400 edges or more."""
    c05100 = load("c05100").problem()
    assert c05100.n_edges == 500
    assert choose_solver(c05100, "auto") == "portfolio"
    assert choose_solver(load("gap12-1").problem(), "auto") == "portfolio"  # 10 x 60
    assert choose_solver(load("gap1-1").problem(), "auto") == "cpsat"  # 75 edges


def test_same_input_same_answer() -> None:
    """A limit that stops both searches: two solves give the same plan, bound and stats."""
    problem = load("gap12-5").problem()
    first = solve(problem, solver="portfolio", work_limit=0.1, seed=3)
    second = solve(problem, solver="portfolio", work_limit=0.1, seed=3)
    assert (first.status, first.objective, first.bound, first.stopped_by) == (
        second.status,
        second.objective,
        second.bound,
        second.stopped_by,
    )
    assert np.array_equal(first.chosen, second.chosen)
    assert dict(first.stats) == dict(second.stats)


def test_portfolio_refuses_groups_and_several_slots() -> None:
    problem = Problem.from_arrays(
        supplier_ids=["S0", "S1"],
        capacity=[3, 3],
        demand_ids=["D0"],
        slots=[2],
        edge_supplier=[0, 1],
        edge_demand=[0, 0],
        weight=[1.0, 2.0],
        load=[2, 1],
    )
    with pytest.raises(InvalidInputError, match="portfolio"):
        solve(problem, solver="portfolio")


def test_an_infeasible_exactly_one_model_bounds_nothing() -> None:
    """Slot values so large that placing every job would come first, but the capacities
    hold only some of the jobs: HiGHS's "exactly one" model is infeasible, and the
    portfolio must not take that for a bound."""
    rng = np.random.default_rng(0)
    m, n = 3, 150
    problem = Problem.from_arrays(
        supplier_ids=[f"A{i}" for i in range(m)],
        capacity=[20] * m,
        demand_ids=[f"J{j}" for j in range(n)],
        slots=[1] * n,
        slot_values=[[1e6]] * n,
        edge_supplier=np.repeat(np.arange(m), n),
        edge_demand=np.tile(np.arange(n), m),
        weight=-rng.integers(1, 20, m * n).astype(float),
        load=rng.integers(1, 5, m * n),
    )
    quick = solve(problem, solver="portfolio", work_limit=0.02)
    assert quick.stats["highs_status"] == "Infeasible"
    exact = solve(problem, solver="cpsat", work_limit=5.0)
    assert exact.status == "optimal"
    assert quick.bound >= exact.objective
    assert quick.objective <= exact.objective


def _highs_outcome(chosen: np.ndarray | None) -> Any:
    return portfolio._HighsOutcome(
        chosen=chosen,
        bound=np.inf,
        proven=False,
        checks=10,
        status="Interrupted by user",
        seconds=0.1,
        stopped_by="work_limit",
        filled=True,
    )


def test_the_last_share_of_the_search_starts_from_the_better_plan() -> None:
    """When HiGHS ends with a better plan than the search's, the search's last share goes
    on from HiGHS's plan (and never falls below it); otherwise from its own."""
    problem = load("d05100").problem()
    options = SolveOptions(work_limit=1.0, seed=0)
    weak = solve(problem, solver="greedy")
    strong = solve(problem, solver="cpsat", work_limit=1.0)
    assert strong.objective > weak.objective
    searched = SearchOutcome(weak.chosen, work=0.5, steps=3, improvements=1)

    def finish(highs: Any) -> SearchOutcome:
        return portfolio._finish(problem, options, searched, highs, 0.05, 1.0, lambda: False)

    from_highs = finish(_highs_outcome(strong.chosen))
    assert from_highs.finished_from == "highs"
    assert objective_value(problem, from_highs.chosen) >= strong.objective
    assert violations(problem, from_highs.chosen) == []
    assert from_highs.work > searched.work and from_highs.steps > searched.steps

    assert finish(_highs_outcome(None)).finished_from == "search"
    assert finish(_highs_outcome(weak.chosen[:-1])).finished_from == "search"


def test_the_last_share_repeats_itself() -> None:
    """A type-D instance that HiGHS does not prove within the limit, so the last share of
    the search runs after HiGHS's end: two solves give the same plan and stats, which say
    where that share started."""
    problem = load("d05100").problem()
    first = solve(problem, solver="portfolio", work_limit=1.0)
    second = solve(problem, solver="portfolio", work_limit=1.0)
    assert first.status == "feasible"
    assert first.stats["search_finished_from"] in ("search", "highs")
    assert np.array_equal(first.chosen, second.chosen)
    assert dict(first.stats) == dict(second.stats)
