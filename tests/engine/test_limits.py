"""Limits, progress, cancellation and solver bugs: what `solve` promises beyond the optimum.

- A work limit is counted work: the same problem and options give the same result, and a
  search it stopped says `stopped_by == "work_limit"`.
- The wall-clock time limit is a safety stop: when it fires, the result says so.
- The run's progress listener hears the solvers' phases; a cancel raises `Cancelled`.
- A solver whose answer breaks the problem's rules raises `SolverError`, not invalid input.
"""

from __future__ import annotations

import math

import numpy as np
import orjson
import pytest

import matching.engine.solvers as solvers
from matching.control import CancelToken, Progress, controlled
from matching.engine.io import dump_solution
from matching.engine.problem import Problem
from matching.engine.result import Result, first_stop
from matching.engine.solvers import SolveOptions, solve
from matching.errors import Cancelled, InvalidInputError, SolverError

from .shapes import split_heavy_edge
from .test_decompose import _medium


def _unit_flow() -> Problem:
    return Problem.from_arrays(
        supplier_ids=["A", "B"],
        capacity=[1, 1],
        demand_ids=["D"],
        slots=[2],
        edge_supplier=[0, 1],
        edge_demand=[0, 0],
        weight=[2.0, 3.0],
    )


def test_a_finished_solve_was_stopped_by_nothing() -> None:
    """A proven optimum is reproducible and stopped by no limit."""
    result = solve(_medium(0), solver="cpsat")
    assert result.status == "optimal"
    assert result.stopped_by is None and result.reproducible
    assert result.stats["work"] > 0


def test_a_work_limit_stops_cpsat_the_same_way_every_time() -> None:
    """A tiny work limit ends CP-SAT early, says so, and gives the same edges twice."""
    problem = _medium(2)
    runs = [solve(problem, solver="cpsat", work_limit=0.002) for _ in range(2)]
    assert runs[0].stopped_by == "work_limit" and runs[0].reproducible
    assert runs[0].status == "feasible"
    assert np.array_equal(runs[0].chosen, runs[1].chosen)
    assert (runs[0].objective, runs[0].bound) == (runs[1].objective, runs[1].bound)


def test_decompose_spends_its_work_limit_the_same_way_every_time() -> None:
    """Decompose with a small work budget: same rings, same edges, same work counted."""
    problem = _medium(0)
    first, second = (solve(problem, solver="decompose", work_limit=0.01) for _ in range(2))
    assert np.array_equal(first.chosen, second.chosen)
    assert first.stats == second.stats
    assert first.stopped_by == second.stopped_by


def test_the_safety_stop_is_reported_when_it_fires() -> None:
    """A wall-clock limit that fires before the first ring marks the result not reproducible."""
    problem = split_heavy_edge()
    result = solve(problem, solver="decompose", time_limit=1e-9)
    assert result.stopped_by == "time_limit" and not result.reproducible
    assert result.status == "feasible"
    document = orjson.loads(dump_solution(result, problem))
    assert document["stopped_by"] == "time_limit"
    finished = orjson.loads(dump_solution(solve(problem, solver="decompose"), problem))
    assert finished["stopped_by"] is None


def test_a_fired_safety_stop_outranks_a_work_limit() -> None:
    """Combining searches: any fired safety stop makes the whole not reproducible."""
    assert first_stop(None, "work_limit", "time_limit") == "time_limit"
    assert first_stop(None, "work_limit") == "work_limit"
    assert first_stop(None, None) is None


@pytest.mark.parametrize("limit", ["work_limit", "time_limit"])
@pytest.mark.parametrize("value", [0, -1.0])
def test_limits_must_be_positive(limit: str, value: float) -> None:
    """A zero or negative limit is invalid input naming the limit."""
    with pytest.raises(InvalidInputError, match=limit):
        SolveOptions(**{limit: value})


def test_progress_hears_the_phases_of_decompose() -> None:
    """The run's listener hears the relaxation, the ring, polish and CP-SAT's solutions."""
    heard: list[Progress] = []
    with controlled(heard.append):
        solve(_medium(1), solver="decompose")
    phases = [p.phase for p in heard]
    assert phases[0] == "solve: decompose"
    for phase in ("relaxation: solving", "decompose: ring 1", "polish: pass 1"):
        assert phase in phases
    ring = next(p for p in heard if p.phase == "decompose: ring 1")
    assert ring.objective is not None and ring.bound is not None


def test_progress_hears_the_flow_before_and_after_or_tools() -> None:
    """The flow cannot be interrupted; the run hears it start and end."""
    heard: list[str] = []
    with controlled(lambda progress: heard.append(progress.phase)):
        solve(_unit_flow())
    assert heard == ["solve: flow", "flow: solving", "flow: solved"]


def test_the_caller_progress_function_still_hears_cpsat() -> None:
    """`solve(progress=...)` (used by `bangfu solve`) gets elapsed, objective and bound."""
    calls: list[tuple[float, float, float]] = []
    solve(_medium(0), solver="cpsat", progress=lambda *values: calls.append(values))
    assert calls
    elapsed, objective, bound = calls[-1]
    assert elapsed >= 0 and objective <= bound + 1e-6 and math.isfinite(objective)


@pytest.mark.parametrize("solver", ["flow", "cpsat", "decompose", "greedy"])
def test_a_cancelled_run_raises_before_solving(solver: str) -> None:
    """A cancel already requested stops every solver at its first checkpoint."""
    token = CancelToken()
    token.cancel()
    problem = _unit_flow() if solver == "flow" else _medium(0)
    with controlled(token=token), pytest.raises(Cancelled):
        solve(problem, solver=solver)


def test_a_cancel_during_the_cpsat_search_stops_it() -> None:
    """The first solution CP-SAT reports cancels the run: CP-SAT stops, solve raises."""
    token = CancelToken()

    def cancel_on_first_solution(progress: Progress) -> None:
        if progress.objective is not None:
            token.cancel()

    with controlled(cancel_on_first_solution, token), pytest.raises(Cancelled):
        solve(_medium(0), solver="cpsat")


def test_a_cancel_between_decompose_rings_stops_it() -> None:
    """A cancel heard after the relaxation stops decompose before its ring."""
    token = CancelToken()

    def cancel_after_relaxation(progress: Progress) -> None:
        if progress.phase == "relaxation: solved":
            token.cancel()

    heard: list[str] = []

    def listen(progress: Progress) -> None:
        heard.append(progress.phase)
        cancel_after_relaxation(progress)

    with controlled(listen, token), pytest.raises(Cancelled):
        solve(_medium(0), solver="decompose")
    assert "decompose: ring 1" not in heard


def test_a_solver_that_breaks_the_rules_is_a_solver_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A solver returning an over-full supplier raises SolverError, never invalid input."""
    problem = split_heavy_edge()

    def broken(problem: Problem, options: SolveOptions) -> Result:
        chosen = np.arange(problem.n_edges, dtype=np.int64)  # A takes load 4 > capacity 3
        return Result(status="feasible", objective=11.0, bound=11.0, chosen=chosen, solver="greedy")

    monkeypatch.setitem(solvers.SOLVERS, "greedy", broken)
    with pytest.raises(SolverError, match="over capacity") as caught:
        solve(problem, solver="greedy")
    assert not isinstance(caught.value, InvalidInputError)
