"""Problems where every demand takes at most one supplier: two searches on two cores.

That shape is the generalized assignment problem (suppliers are agents with a capacity,
demands are jobs; the expert match's lead stage has it). On the public benchmark of
that problem (OR-Library types C and D) CP-SAT with one worker falls behind HiGHS, and
its second core idles. Here:

1. HiGHS (`highspy`, one thread, in a process of its own: `highs.py`) starts at once on
   the same model as a MIP, with the whole work limit; it brings the strongest bound and
   often proves optimality.
2. Meanwhile CP-SAT, warm-started by greedy, runs a short while on the whole model: when
   it proves optimality, that is the answer; else its plan is the start of
3. a large-neighbourhood search (`matching.engine.solvers.lns`) with nine tenths of the
   work limit; once HiGHS has ended (on its count) without proving optimality, the last
   tenth goes on from the better of the two plans.
4. The answer is the better plan (the search's on a tie), the bound the better of the
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
import time
from collections.abc import Callable
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
from matching.engine.solvers.highs import HighsAnswer, HighsModel, HighsProcess
from matching.engine.solvers.lns import Outcome as SearchOutcome
from matching.engine.solvers.lns import improve
from matching.engine.solvers.presolve import fixed_conflict, useful_free_edges
from matching.engine.solvers.scaling import Scaling, choose_scaling

IntArray = npt.NDArray[np.int64]

# The share of the work limit for the CP-SAT start, and its cap in units.
START_SHARE, START_CAP = 0.05, 0.5
# HiGHS's interrupt checks per unit of work. How long a check takes varies widely with
# the instance (on the GAP benchmark, alone on the development machine, from 1.3 ms on
# c05200 and 1.5 ms on d05100 to 10 ms on d20100 and 16 ms on c20100, whose root takes
# most of its time), and a unit of the search takes about 1.3-1.6 s there. At 400 checks
# a unit of HiGHS takes about as long as one of the search at the median check (4 ms):
# with 250, HiGHS ended long before the search on d05100, d05200 and d10100 and one core
# idled for the rest. The count, not the seconds, decides.
HIGHS_CHECKS_PER_UNIT = 400
# The share of the work limit kept for after HiGHS has ended: the search goes on from the
# better of the two plans (HiGHS's plans were the better start on d05200 and d10100).
FINISH_SHARE = 0.1
# HiGHS's arithmetic is floating point: objectives are scaled to integers below this.
_HIGHS_RANGE = 2.0**50


def solve_portfolio(problem: Problem, options: SolveOptions) -> Result:
    started = time.perf_counter()
    conflict = fixed_conflict(problem)
    if conflict:
        return infeasible("portfolio", conflict)
    highs = _Highs(problem, options, started)
    # The search's sub-models work in the integers of this scale (exact when it can be).
    scale = highs.scaling.factor
    # HiGHS starts at once, so that it proves no later than it would alone.
    highs.begin()
    try:
        return _search(problem, options, highs, started, scale)
    finally:
        highs.cancel()  # nothing when it has finished


def _search(
    problem: Problem, options: SolveOptions, highs: _Highs, started: float, scale: float
) -> Result:
    work_limit = options.work_limit
    start_work = START_CAP if work_limit is None else min(START_CAP, START_SHARE * work_limit)
    report("portfolio: start")
    start = solve_cpsat(problem, _with(options, work_limit=start_work))
    if start.status != "feasible" or start.stopped_by == "time_limit":
        return _renamed(start, {"start": start.stats})
    timings = {"start": time.perf_counter() - started}
    search_started = time.perf_counter()
    report("portfolio: search", start.objective, start.bound)

    def stop() -> bool:
        return (
            highs.proven()
            or (work_limit is None and highs.done())
            or _out_of_time(options, started)
            or cancel_requested()
        )

    finish_work = 0.0 if work_limit is None else FINISH_SHARE * work_limit
    searched = improve(
        problem,
        start.chosen,
        work_limit=math.inf if work_limit is None else work_limit - finish_work,
        seed=options.seed,
        scale=scale,
        stop=stop,
    )
    checkpoint()
    timings["search"] = time.perf_counter() - search_started
    outcome = highs.finish()
    timings["highs"] = outcome.seconds
    if finish_work > 0 and not outcome.proven and not _out_of_time(options, started):
        searched = _finish(problem, options, searched, outcome, finish_work, scale, stop)
        timings["finish"] = time.perf_counter() - search_started - timings["search"]
    search_stop: StopReason | None = None
    if _out_of_time(options, started):
        search_stop = "time_limit"
    elif not outcome.proven:
        search_stop = "work_limit"
    return _combine(problem, start, searched.chosen, outcome, timings, search_stop, searched)


def _finish(
    problem: Problem,
    options: SolveOptions,
    searched: SearchOutcome,
    highs: _HighsOutcome,
    work: float,
    scale: float,
    stop: Callable[[], bool],
) -> SearchOutcome:
    """The search's last share of work, from HiGHS's plan when it is the better one.

    It runs once HiGHS has ended (on its count), so what it starts from does not depend
    on which process was faster: the answer stays reproducible."""
    plan, source = searched.chosen, "search"
    theirs = _feasible_plan(problem, highs)
    if theirs is not None and objective_value(problem, theirs) > objective_value(problem, plan):
        plan, source = theirs, "highs"
    report(f"portfolio: finish from the {source}'s plan")
    more = improve(problem, plan, work_limit=work, seed=options.seed + 1, scale=scale, stop=stop)
    return SearchOutcome(
        chosen=more.chosen,
        work=searched.work + more.work,
        steps=searched.steps + more.steps,
        improvements=searched.improvements + more.improvements,
        prices=more.prices,
        finished_from=source,
    )


def _placing_all_comes_first(
    problem: Problem, edges: IntArray, first_slot: npt.NDArray[np.float64]
) -> bool:
    """Whether a plan placing every demand with a candidate edge, if there is one, beats
    every plan that leaves one out.

    A plan placing them all is worth at least the sum over demands of (first slot value +
    cheapest edge); a plan without demand d at most the sum over the other demands of
    max(0, first slot value + best edge). When the first exceeds the second for every d,
    HiGHS may say "exactly one" for every demand: if no plan places them all, that model
    is infeasible and HiGHS's answer is not used; if one does, every optimum is such a
    plan. The slot values that make "every job is placed" the rule (the GAP benchmark,
    deep-poverty tiers that dwarf the weights) pass.
    """
    demands = problem.edge_demand[edges]
    if len(demands) == 0:
        return False
    values = problem.edge_value[edges]
    lowest = np.full(problem.n_demands, np.inf)
    highest = np.full(problem.n_demands, -np.inf)
    np.minimum.at(lowest, demands, values)
    np.maximum.at(highest, demands, values)
    wanted = np.unique(demands)
    at_least = float(np.sum(first_slot[wanted] + lowest[wanted]))
    best = np.maximum(0.0, first_slot[wanted] + highest[wanted])
    at_most_without = float(best.sum() - best.min())
    margin = 1e-9 * max(1.0, abs(at_least))
    return at_least > at_most_without + margin


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
    filled: bool  # the model said "exactly one" for every demand


class _Highs:
    """HiGHS on the problem as a MIP, in a process of its own, stopped by counted checks."""

    def __init__(self, problem: Problem, options: SolveOptions, started: float) -> None:
        self.problem = problem
        self.options = options
        self.started = started
        self.edges = np.flatnonzero(useful_free_edges(problem))
        first_slot = problem.first_slot_value
        self.first_slot = first_slot
        self.gain = problem.edge_value[self.edges] + first_slot[problem.edge_demand[self.edges]]
        self.scaling: Scaling = choose_scaling(self.gain, _HIGHS_RANGE / max(1, len(self.edges)))
        self.offset = 0.0  # the objective's part that HiGHS's model leaves out
        self.process: HighsProcess | None = None
        self.filled_by_every_optimum = False

    def begin(self) -> None:
        """Start HiGHS in its process."""
        problem, options = self.problem, self.options
        work_limit, time_limit = options.work_limit, options.time_limit
        row_lower = np.full(problem.n_demands + problem.n_suppliers, -np.inf)
        values = self.gain
        if _placing_all_comes_first(problem, self.edges, self.first_slot):
            # Rows "exactly one" instead of "at most one": much stronger for HiGHS's presolve
            # and cuts (c05200 proven with 1,001 checks instead of 1,595). Every plan of that
            # model earns every first slot value, so the costs leave them out: HiGHS sees
            # the edge values alone, as in the textbook model.
            self.filled_by_every_optimum = True
            demands = np.unique(problem.edge_demand[self.edges])
            row_lower[demands] = 1.0
            values = problem.edge_value[self.edges]
            self.offset = math.fsum(self.first_slot[demands].tolist())
            self.scaling = choose_scaling(values, _HIGHS_RANGE / max(1, len(self.edges)))
        model = HighsModel(
            cost=-self.scaling.apply(values).astype(np.float64),
            demand_row=problem.edge_demand[self.edges],
            supplier_row=problem.n_demands + problem.edge_supplier[self.edges],
            load=problem.load[self.edges].astype(np.float64),
            row_lower=row_lower,
            row_upper=np.concatenate(
                (problem.slots.astype(np.float64), problem.capacity.astype(np.float64))
            ),
            fixed=problem.fixed[self.edges],
            # No warm start: HiGHS's own path proved faster (c20100 with the CP-SAT start's
            # plan: 670 checks, without: 127).
            start=None,
            check_limit=(
                None if work_limit is None else max(1, round(work_limit * HIGHS_CHECKS_PER_UNIT))
            ),
            time_limit=(
                None if time_limit is None else time_limit - (time.perf_counter() - self.started)
            ),
            seed=options.seed,
            integer_objective=self.scaling.exact,
        )
        self.process = HighsProcess(model)

    def done(self) -> bool:
        return self.process is not None and self.process.ready()

    def proven(self) -> bool:
        return self.done() and self.process is not None and _is_optimal(self.process.answer)

    def cancel(self) -> None:
        if self.process is not None:
            self.process.stop()

    def finish(self) -> _HighsOutcome:
        assert self.process is not None
        answer = self.process.wait()
        if answer is None:
            return _HighsOutcome(None, math.inf, False, 0, "no answer", 0.0, "work_limit", False)
        chosen = None if answer.chosen is None else np.sort(self.edges[answer.chosen])
        dual = answer.dual_bound
        # An infeasible model (no plan places every demand, see `_placing_all_comes_first`)
        # bounds nothing.
        usable = math.isfinite(dual) and answer.status != "Infeasible"
        bound = self.offset - dual / self.scaling.factor if usable else math.inf
        bound += self.scaling.error_bound(2 * len(self.edges))
        proven = _is_optimal(answer)
        stopped: StopReason | None = None
        if not proven:
            stopped = "time_limit" if answer.status == "Time limit reached" else "work_limit"
        return _HighsOutcome(
            chosen=chosen,
            bound=bound,
            proven=proven,
            checks=answer.checks,
            status=answer.status,
            seconds=answer.seconds,
            stopped_by=stopped,
            filled=self.filled_by_every_optimum,
        )


def _feasible_plan(problem: Problem, highs: _HighsOutcome) -> IntArray | None:
    """HiGHS's plan when it has one that keeps every constraint (its arithmetic is
    floating point, so its plan is checked, not trusted)."""
    if highs.chosen is None or violations(problem, highs.chosen):
        return None
    return highs.chosen


def _is_optimal(answer: HighsAnswer | None) -> bool:
    return answer is not None and answer.status == "Optimal"


def _combine(
    problem: Problem,
    start: Result,
    searched: IntArray,
    highs: _HighsOutcome,
    timings: dict[str, float],
    search_stop: StopReason | None,
    outcome: SearchOutcome,
) -> Result:
    chosen, source = searched, "search"
    objective = objective_value(problem, searched)
    theirs = _feasible_plan(problem, highs)
    if theirs is not None:
        their_objective = objective_value(problem, theirs)
        if highs.proven or their_objective > objective:
            chosen, objective, source = theirs, their_objective, "highs"
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
            "search_finished_from": outcome.finished_from,
            "highs_status": highs.status,
            "highs_checks": highs.checks,
            "highs_proven": highs.proven,
            "highs_every_demand_filled": highs.filled,
        },
        stopped_by=stopped if stopped is not None or proven else "work_limit",
    )
