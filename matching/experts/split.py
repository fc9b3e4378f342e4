"""Solving a stage as independent parts: one per planning period.

A need has one period and a supplier is an (expert, period) pair, so no edge of one
period shares a supplier or a demand with another period: the parts are independent and
solving them separately gives the same optimum. Smaller models help CP-SAT a lot (on the
province data set it found no solution to the joint lead stage in 20 s, but did per period),
and independent parts can be solved at the same time on two cores.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt

from matching.control import CancelToken, cancel_token, controlled, report
from matching.engine.problem import Problem
from matching.engine.result import Result, Status, first_stop
from matching.engine.solvers import solve
from matching.parallel import worker_threads

IntArray = npt.NDArray[np.int64]


def solve_in_parts(
    problem: Problem,
    part_of_edge: IntArray,
    *,
    solver: str,
    work_limit: float,
    time_limit: float,
    seed: int,
    threads: int | None = None,
) -> Result:
    """Solve each part's edges as its own problem and combine the results.

    Each part gets the whole `work_limit` (counted work, so a part's answer does not depend
    on the others or on the order they run in). Parts run side by side on up to `threads`
    threads (default: `matching.parallel.worker_threads()`, one per core; CP-SAT releases
    the interpreter lock while it searches); the `time_limit` safety stop is shared out
    as if the parts ran one after another on that many threads.
    """
    parts = np.unique(part_of_edge)
    if parts.size <= 1:
        return solve(
            problem, solver=solver, work_limit=work_limit, time_limit=time_limit, seed=seed
        )
    members = [np.flatnonzero(part_of_edge == part).astype(np.int64) for part in parts.tolist()]
    width = max(1, min(threads or worker_threads(), parts.size))
    solve_part = partial(
        _solve_quietly,
        token=cancel_token(),
        solver=solver,
        work_limit=work_limit,
        time_limit=time_limit * width / parts.size,
        seed=seed,
    )
    subs = [restricted(problem, m) for m in members]
    if width == 1:
        results = [solve_part(sub) for sub in subs]
    else:
        with ThreadPoolExecutor(max_workers=width) as pool:
            results = list(pool.map(solve_part, subs))
    report(f"solve: {parts.size} parts done")
    edges = [m[r.chosen] for m, r in zip(members, results, strict=True)]
    return _combined(results, np.sort(np.concatenate(edges)))


def _solve_quietly(problem: Problem, *, token: CancelToken | None, **options: Any) -> Result:
    """`solve` under the caller's cancel token, without its progress listener: a listener
    (a database writer, say) need not be safe to call from several threads."""
    with controlled(None, token):
        return solve(problem, **options)


def restricted(problem: Problem, members: IntArray) -> Problem:
    """The same suppliers and demands with only the `members` edges."""
    return Problem.from_arrays(
        supplier_ids=problem.supplier_ids,
        capacity=problem.capacity,
        demand_ids=problem.demand_ids,
        slots=problem.slots,
        edge_supplier=problem.edge_supplier[members],
        edge_demand=problem.edge_demand[members],
        weight=problem.weight[members],
        load=problem.load[members],
        slot_values=[problem.slot_values_of(d).tolist() for d in range(problem.n_demands)],
        fixed=np.flatnonzero(problem.fixed[members]),
        previous=np.flatnonzero(problem.previous[members]),
        stability_bonus=problem.stability_bonus,
    )


def _combined(results: list[Result], chosen: IntArray) -> Result:
    statuses = {r.status for r in results}
    status: Status = (
        "infeasible"
        if "infeasible" in statuses
        else "optimal"
        if statuses == {"optimal"}
        else "feasible"
    )
    reasons = [r.reason for r in results if r.reason]
    timings: dict[str, float] = {}
    for r in results:
        for key, value in r.timings.items():
            timings[key] = timings.get(key, 0.0) + value
    return Result(
        status=status,
        objective=math.fsum(r.objective for r in results),
        bound=math.fsum(r.bound for r in results),
        chosen=chosen if status != "infeasible" else np.zeros(0, dtype=np.int64),
        solver="+".join(sorted({r.solver for r in results})),
        reason="; ".join(reasons) or None,
        timings=timings,
        stopped_by=first_stop(*(r.stopped_by for r in results)),
        slot_objective=math.fsum(r.slot_objective for r in results),
    )
