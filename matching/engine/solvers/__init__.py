"""Solver registry and `solve`, the one entry point of the engine."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time

from matching.control import report
from matching.engine.problem import Problem
from matching.engine.result import Result, slot_objective_value, violations
from matching.engine.solvers.base import (
    DEFAULT_WORK_LIMIT,
    ProgressCallback,
    SolveOptions,
    Solver,
)
from matching.engine.solvers.flow import solve_flow
from matching.engine.solvers.greedy import solve_greedy
from matching.engine.solvers.relaxation import relaxation_applies
from matching.errors import Cancelled, InvalidInputError, SolverError, UnknownSolverError

logger = logging.getLogger(__name__)


def portfolio_applies(problem: Problem) -> bool:
    """No groups and at most one slot per demand: the generalized assignment shape."""
    return not problem.has_groups and bool((problem.slots <= 1).all())


def _solve_cpsat(problem: Problem, options: SolveOptions) -> Result:
    # Imported on use: loading CP-SAT takes half a second that the flow path need not pay.
    from matching.engine.solvers.cpsat import solve_cpsat

    return solve_cpsat(problem, options)


def _solve_portfolio(problem: Problem, options: SolveOptions) -> Result:
    from matching.engine.solvers.portfolio import solve_portfolio

    return solve_portfolio(problem, options)


def _solve_decompose(problem: Problem, options: SolveOptions) -> Result:
    from matching.engine.solvers.decompose import solve_decompose

    return solve_decompose(problem, options)


# Above this many edges, a problem the flow cannot solve goes to `decompose` when its
# relaxation applies: CP-SAT on the whole problem takes minutes there, the relaxation seconds.
DECOMPOSE_FROM_EDGES = 20_000
# From this many edges, a problem of the generalized assignment shape goes to `portfolio`:
# below it CP-SAT alone proves the optimum in a fraction of a second (OR-Library's gap1-gap12,
# 75 to 600 edges, mostly do), and a second search only adds a thread.
PORTFOLIO_FROM_EDGES = 400

SOLVERS: dict[str, Solver] = {
    "flow": solve_flow,
    "cpsat": _solve_cpsat,
    "greedy": solve_greedy,
    "decompose": _solve_decompose,
    "portfolio": _solve_portfolio,
}
SOLVER_NAMES = ("auto", *SOLVERS)


def choose_solver(problem: Problem, name: str) -> str:
    """Resolve `auto`: the flow when it applies (no groups, unit loads); `decompose` for
    large problems its relaxation applies to; `portfolio` (HiGHS and a large-neighbourhood
    search side by side) for problems of 400 edges or more where no demand takes more than
    one supplier and loads differ between a demand's edges; else CP-SAT.

    An unknown name, or `flow`/`decompose` for a problem they cannot solve, is an error,
    never a fallback.
    """
    flow_applies = not problem.has_groups and problem.has_unit_loads
    if name == "auto":
        if flow_applies:
            return "flow"
        large = problem.n_edges >= DECOMPOSE_FROM_EDGES
        if large and relaxation_applies(problem):
            return "decompose"
        # Loads that differ between a demand's edges (a job's resource use per agent) make
        # the generalized assignment problem hard; with the same load on every edge of a
        # demand (a need's days, the expert stages) CP-SAT's LP is nearly integral.
        worth_two = (
            problem.n_edges >= PORTFOLIO_FROM_EDGES
            and portfolio_applies(problem)
            and not relaxation_applies(problem)
        )
        return "portfolio" if worth_two else "cpsat"
    if name not in SOLVERS:
        raise UnknownSolverError(
            f"unknown solver {name!r}; choose one of {', '.join(SOLVER_NAMES)}", item="solver"
        )
    if name == "flow" and not flow_applies:
        raise InvalidInputError(
            "solver 'flow' handles only problems without groups and with every load 1; "
            "use 'auto' or 'cpsat'",
            item="solver",
        )
    if name == "portfolio" and not portfolio_applies(problem):
        raise InvalidInputError(
            "solver 'portfolio' handles only problems without groups and with at most one "
            "slot per demand; use 'auto' or 'cpsat'",
            item="solver",
        )
    if name == "decompose" and not relaxation_applies(problem):
        raise InvalidInputError(
            "solver 'decompose' needs the same load on every edge of a demand and load 1 on "
            "group members' edges; use 'auto' or 'cpsat'",
            item="solver",
        )
    return name


def check_solver_settings(solver: str, work_limit: float, time_limit: float) -> None:
    """Refuse, naming the field, a solver name or limit a matcher's config cannot use."""
    for name, value in (("work_limit", work_limit), ("time_limit", time_limit)):
        if not value > 0:
            raise InvalidInputError(f"{name} must be positive.", item=name)
    if solver not in SOLVER_NAMES:
        raise UnknownSolverError(
            f"unknown solver {solver!r}; choose one of {', '.join(SOLVER_NAMES)}.",
            item="solver",
        )


def solve(
    problem: Problem,
    *,
    solver: str = "auto",
    time_limit: float | None = None,
    work_limit: float | None = DEFAULT_WORK_LIMIT,
    seed: int = 0,
    workers: int = 1,
    progress: ProgressCallback | None = None,
) -> Result:
    """Choose the best feasible set of edges; see `matching.engine.problem` for the objective.

    `work_limit` bounds the search in counted work (CP-SAT's deterministic time units,
    about a second of search each on the development machine): it decides the answer, so
    the same problem, options and seed give the same result on any machine, busy or not.
    `time_limit` is a wall-clock safety stop in seconds (None: none); when it fires first
    the result says so in `stopped_by` and may differ between runs. `progress` is called
    with (elapsed seconds, best objective, bound) as a search improves; the run's progress
    listener and cancel token (`matching.control`) are honoured too.

    Invalid parameters raise `InvalidInputError`; an infeasible problem returns a
    result with status `infeasible` and a reason; a solver that breaks the problem's rules
    raises `SolverError` (a bug, never bad input).
    """
    name = choose_solver(problem, solver)
    options = SolveOptions(
        work_limit=work_limit,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        progress=_progress_to_run(name, progress),
    )
    report(f"solve: {name}")
    started = time.perf_counter()
    result = SOLVERS[name](problem, options)
    check_result(problem, result)
    if result.status != "infeasible":
        slots = slot_objective_value(problem, result.chosen)
        result = dataclasses.replace(result, slot_objective=slots)
    logger.info(
        "solved with %s in %.3fs: %s, objective %s, stopped by %s",
        name,
        time.perf_counter() - started,
        result.status,
        result.objective,
        result.stopped_by or "nothing",
    )
    return result


def check_result(problem: Problem, result: Result) -> None:
    """Raise `SolverError` when a solver's answer breaks the problem's rules.

    A solver bug must never reach a coordinator as a valid plan, nor be mistaken for
    bad input.
    """
    if result.status == "infeasible":
        return
    broken = violations(problem, result.chosen)
    if broken:
        raise SolverError(
            f"solver {result.solver} returned an assignment that breaks the problem's "
            f"rules: {'; '.join(broken)}"
        )


def _progress_to_run(name: str, caller: ProgressCallback | None) -> ProgressCallback:
    """The caller's progress function, followed by the run's listener (`matching.control`).

    It runs inside solver callbacks, so it never raises `Cancelled`: the solver checks
    for a cancel itself right after.
    """

    def forward(elapsed: float, objective: float, bound: float) -> None:
        if caller is not None:
            caller(elapsed, objective, bound)
        with contextlib.suppress(Cancelled):
            report(f"solve: {name}", objective, bound)

    return forward


__all__ = [
    "DEFAULT_WORK_LIMIT",
    "SOLVERS",
    "SOLVER_NAMES",
    "SolveOptions",
    "Solver",
    "check_result",
    "check_solver_settings",
    "choose_solver",
    "solve",
]
