"""Problems where every demand takes at most one supplier: two searches on two cores.

That shape is the generalized assignment problem (suppliers are agents with a capacity,
demands are jobs; the expert match's lead stage has it). On the public benchmark of
that problem (OR-Library types C and D) CP-SAT with one worker falls behind HiGHS, and
its second core idles. Here:

1. CP-SAT, warm-started by greedy, runs a short while on the whole model: its plan is the
   common start and its bound a proven one. When it proves optimality, that is the answer.
2. Then, side by side, each with the whole work limit:
   - HiGHS (`highspy`, one thread, in a thread of its own) on the same model as a MIP,
     started from that plan; it brings the strongest bound and often proves optimality;
   - a large-neighbourhood search (`matching.engine.solvers.lns`) improves the plan.
3. The answer is the better plan (the search's on a tie), the bound the better of the
   proven ones. When HiGHS proves optimality first, the search stops and HiGHS's plan is
   the answer.

Both limits count work, not seconds: CP-SAT's deterministic time for the start and the
search, the number of HiGHS's progress checks (its interrupt callbacks, made at fixed
points of its search) for HiGHS. So the same problem, options and seed give the same
answer on a busy machine as on a quiet one; the wall-clock time limit is a safety stop,
reported in `stopped_by` when it fires.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from matching.control import cancel_requested, checkpoint, report
from matching.engine.problem import Problem
from matching.engine.result import (
    OPTIMALITY_TOLERANCE,
    Result,
    StopReason,
    first_stop,
    infeasible,
    objective_value,
    violations,
)
from matching.engine.solvers.base import SolveOptions
from matching.engine.solvers.cpsat import solve_cpsat
from matching.engine.solvers.lns import improve
from matching.engine.solvers.presolve import fixed_conflict, useful_free_edges
from matching.engine.solvers.scaling import Scaling, choose_scaling

IntArray = npt.NDArray[np.int64]

# The share of the work limit for the CP-SAT start, and its cap in units.
START_SHARE, START_CAP = 0.05, 2.0
# HiGHS's interrupt callbacks per unit of work on a problem of up to 1,000 edges, falling
# with the square of the edges beyond (its nodes cost more): roughly what a CPU second
# gives on the development machine on the GAP benchmark (250 checks on 10 x 100, about
# 40 on 20 x 100). A rough calibration; the count, not the seconds, decides.
HIGHS_CHECKS_PER_UNIT = 250
# HiGHS's arithmetic is floating point: objectives are scaled to integers below this.
_HIGHS_RANGE = 2.0**50


def solve_portfolio(problem: Problem, options: SolveOptions) -> Result:
    started = time.perf_counter()
    conflict = fixed_conflict(problem)
    if conflict:
        return infeasible("portfolio", conflict)
    work_limit = options.work_limit
    start_work = START_CAP if work_limit is None else min(START_CAP, START_SHARE * work_limit)
    report("portfolio: start")
    start = solve_cpsat(problem, _with(options, work_limit=start_work))
    if start.status != "feasible" or not math.isfinite(start.objective):
        return _renamed(start, {"start": start.stats})
    if start.stopped_by == "time_limit":
        return _renamed(start, {"start": start.stats})
    timings = {"start": time.perf_counter() - started}
    highs = _Highs(problem, start.chosen, options, started)
    highs.begin()
    search_started = time.perf_counter()
    report("portfolio: search", start.objective, start.bound)
    searched = improve(
        problem,
        start.chosen,
        work_limit=math.inf if work_limit is None else work_limit,
        seed=options.seed,
        scale=highs.scaling.factor if highs.scaling.exact else 1.0,
        stop=lambda: (
            highs.proven.is_set()
            or (work_limit is None and highs.done.is_set())
            or _out_of_time(options, started)
            or cancel_requested()
        ),
    )
    search_stop: StopReason | None = None
    if _out_of_time(options, started):
        search_stop = "time_limit"
    elif not highs.proven.is_set():
        search_stop = "work_limit"
    if cancel_requested():
        highs.cancel()
    timings["search"] = time.perf_counter() - search_started
    outcome = highs.finish()
    timings["highs"] = outcome.seconds
    checkpoint()
    return _combine(problem, start, searched.chosen, outcome, timings, search_stop, searched)


def _with(options: SolveOptions, *, work_limit: float) -> SolveOptions:
    return SolveOptions(
        work_limit=work_limit,
        time_limit=options.time_limit,
        seed=options.seed,
        workers=1,
        progress=options.progress,
    )


def _out_of_time(options: SolveOptions, started: float) -> bool:
    limit = options.time_limit
    return limit is not None and time.perf_counter() - started >= limit


def _renamed(result: Result, stats: dict[str, Any]) -> Result:
    return Result(
        status=result.status,
        objective=result.objective,
        bound=result.bound,
        chosen=result.chosen,
        solver="portfolio",
        reason=result.reason,
        timings=result.timings,
        stats=stats,
        stopped_by=result.stopped_by,
    )


@dataclass(frozen=True)
class _HighsOutcome:
    chosen: IntArray | None
    bound: float  # proven upper bound on the objective (inf when none)
    proven: bool
    checks: int
    status: str
    seconds: float
    stopped_by: StopReason | None


class _Highs:
    """HiGHS on the problem as a MIP, in a thread of its own, stopped by counted checks."""

    def __init__(
        self, problem: Problem, start: IntArray, options: SolveOptions, started: float
    ) -> None:
        import highspy  # imported on use: only this shape needs it

        self.problem = problem
        self.options = options
        self.started = started
        self.proven = threading.Event()
        self.done = threading.Event()
        self.edges = np.flatnonzero(useful_free_edges(problem))
        first_slot = np.zeros(problem.n_demands)
        has_values = np.diff(problem.slot_value_offsets) > 0
        first_slot[has_values] = problem.slot_value_flat[
            problem.slot_value_offsets[:-1][has_values]
        ]
        gain = problem.edge_value[self.edges] + first_slot[problem.edge_demand[self.edges]]
        self.scaling: Scaling = choose_scaling(gain, _HIGHS_RANGE / max(1, len(self.edges)))
        self.cost = -self.scaling.apply(gain).astype(np.float64)
        self.checks = 0
        per_unit = HIGHS_CHECKS_PER_UNIT * min(1.0, 1000.0 / max(1, len(self.edges))) ** 2
        self.limit = (
            None if options.work_limit is None else max(1, round(options.work_limit * per_unit))
        )
        self.highs: Any = highspy.Highs()  # type: ignore[no-untyped-call]
        self._build(highspy, start)
        self.thread: threading.Thread | None = None
        self.model_status = ""
        self.seconds = 0.0

    def _build(self, highspy: Any, start: IntArray) -> None:
        p, edges = self.problem, self.edges
        h = self.highs
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("random_seed", int(self.options.seed) % 2_147_483_647)
        h.setOptionValue("mip_rel_gap", 0.0)
        # Integer objective: anything closer than one unit is proven optimal.
        h.setOptionValue("mip_abs_gap", 0.999 if self.scaling.exact else 1e-6)
        n = len(edges)
        demand_rows = p.edge_demand[edges]
        supplier_rows = p.n_demands + p.edge_supplier[edges]
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = p.n_demands + p.n_suppliers
        lp.col_cost_ = self.cost
        lower = np.zeros(n)
        lower[p.fixed[edges]] = 1.0
        lp.col_lower_ = lower
        lp.col_upper_ = np.ones(n)
        lp.row_lower_ = np.full(p.n_demands + p.n_suppliers, -highspy.kHighsInf)
        lp.row_upper_ = np.concatenate((p.slots.astype(np.float64), p.capacity.astype(np.float64)))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.arange(0, 2 * n + 1, 2, dtype=np.int32)
        lp.a_matrix_.index_ = np.column_stack((demand_rows, supplier_rows)).ravel().astype(np.int32)
        lp.a_matrix_.value_ = np.column_stack(
            (np.ones(n), p.load[edges].astype(np.float64))
        ).ravel()
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        h.passModel(lp)
        hint = np.isin(edges, start).astype(np.float64)
        h.setSolution(_solution(highspy, hint))
        h.cbMipInterrupt += self._on_check

    def _on_check(self, event: Any) -> None:
        self.checks += 1
        if self.limit is not None and self.checks >= self.limit:
            event.interrupt()

    def begin(self) -> None:
        time_limit = self.options.time_limit
        if time_limit is not None:
            left = time_limit - (time.perf_counter() - self.started)
            self.highs.setOptionValue("time_limit", max(0.1, left))
        self.thread = threading.Thread(target=self._run, name="highs", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        began = time.perf_counter()
        try:
            self.highs.run()
            status = self.highs.getModelStatus()
            self.model_status = self.highs.modelStatusToString(status)
            if self.model_status == "Optimal":
                self.proven.set()
        finally:
            self.seconds = time.perf_counter() - began
            self.done.set()

    def cancel(self) -> None:
        self.highs.cancelSolve()

    def finish(self) -> _HighsOutcome:
        assert self.thread is not None
        self.thread.join()
        info = self.highs.getInfo()
        solution = self.highs.getSolution()
        chosen: IntArray | None = None
        values = np.asarray(solution.col_value, dtype=np.float64)
        if solution.value_valid and len(values) == len(self.edges):
            chosen = np.sort(self.edges[values > 0.5])
        dual = float(info.mip_dual_bound)
        bound = -dual / self.scaling.factor if math.isfinite(dual) else math.inf
        bound += self.scaling.error_bound(2 * len(self.edges))
        stopped: StopReason | None = None
        if self.model_status != "Optimal":
            stopped = "time_limit" if self.model_status == "Time limit reached" else "work_limit"
        return _HighsOutcome(
            chosen=chosen,
            bound=bound,
            proven=self.model_status == "Optimal",
            checks=self.checks,
            status=self.model_status,
            seconds=self.seconds,
            stopped_by=stopped,
        )


def _solution(highspy: Any, values: npt.NDArray[np.float64]) -> Any:
    solution = highspy.HighsSolution()
    solution.col_value = values.tolist()
    solution.value_valid = True
    return solution


def _combine(
    problem: Problem,
    start: Result,
    searched: IntArray,
    highs: _HighsOutcome,
    timings: dict[str, float],
    search_stop: StopReason | None,
    outcome: Any,
) -> Result:
    chosen, source = searched, "search"
    objective = objective_value(problem, searched)
    if highs.chosen is not None and not violations(problem, highs.chosen):
        theirs = objective_value(problem, highs.chosen)
        if highs.proven or theirs > objective:
            chosen, objective, source = highs.chosen, theirs, "highs"
    bound = max(objective, min(start.bound, highs.bound))
    proven = bound - objective <= OPTIMALITY_TOLERANCE * max(1.0, abs(objective))
    stopped = None if proven else first_stop(search_stop, highs.stopped_by)
    return Result(
        status="optimal" if proven else "feasible",
        objective=objective,
        bound=bound,
        chosen=chosen,
        solver="portfolio",
        timings=timings,
        stats={
            "plan_from": source,
            "search_objective": objective_value(problem, searched),
            "highs_objective": (
                None if highs.chosen is None else objective_value(problem, highs.chosen)
            ),
            "start_work": start.stats.get("work"),
            "search_work": round(outcome.work, 6),
            "search_steps": outcome.steps,
            "search_improvements": outcome.improvements,
            "highs_status": highs.status,
            "highs_checks": highs.checks,
            "highs_proven": highs.proven,
        },
        stopped_by=stopped if stopped is not None or proven else "work_limit",
    )
