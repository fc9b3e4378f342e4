"""Generalized assignment (OR-Library, Beasley): bangfu against HiGHS and the best known.

    python -m benchmarks.gap [--time-limit 60] [--work-limit W] [INSTANCE ...]

The files and their published values are in `data/benchmarks/gap/` (see its README for
the source). Each instance becomes a `bangfu.assignment/1` problem: agents are suppliers
with their capacity, jobs are demands with one slot and a slot value large enough that
every plan placing all jobs beats every plan that does not, and an edge (agent, job)
weighs minus the cost (types C and D minimize cost) or the profit (gap1–gap12 maximize
it), with the job's resource use at that agent as its load. The same instance goes to
HiGHS (`scipy.optimize.milp`) as the textbook model: x[i, j] binary, one agent per job,
the loads within each capacity. Instances run one after another, never in parallel.
Without arguments: the twelve instances of types C and D.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from matching import solve
from matching.engine.orlib import GapInstance, published
from matching.engine.orlib import load as load_from

DATA = Path(__file__).resolve().parent.parent / "data" / "benchmarks" / "gap"
TYPES_C_AND_D = tuple(f"{t}{m:02d}{n}" for t in "cd" for m in (5, 10, 20) for n in (100, 200))


def load(name: str) -> GapInstance:
    return load_from(DATA, name)


@dataclass(frozen=True)
class Outcome:
    cost: float | None  # None: no plan placing every job
    bound: float | None  # proven bound on the cost (or profit), in the instance's terms
    proven: bool
    seconds: float
    note: str = ""


def run_bangfu(
    instance: GapInstance, time_limit: float, work_limit: float | None = None
) -> Outcome:
    problem = instance.problem()
    started = time.perf_counter()
    options = {} if work_limit is None else {"work_limit": work_limit}
    result = solve(problem, solver="auto", time_limit=time_limit, **options)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    placed = result.status != "infeasible" and instance.places_all(result.objective)
    bound = instance.cost_of(result.bound) if np.isfinite(result.bound) else None
    source = result.stats.get("plan_from")
    finished_from = result.stats.get("search_finished_from")
    note = "; ".join(
        part
        for part in (
            f"{result.solver}" + (f", plan from {source}" if source else ""),
            f"last tenth from {finished_from}'s plan" if finished_from else "",
            f"stopped by {result.stopped_by}" if result.stopped_by else "",
        )
        if part
    )
    return Outcome(
        cost=instance.cost_of(result.objective) if placed else None,
        bound=bound,
        proven=result.status == "optimal",
        seconds=seconds,
        note=note,
    )


def run_highs(instance: GapInstance, time_limit: float) -> Outcome:
    """The textbook model in HiGHS: x[i, j] binary, one agent per job, capacities."""
    m, n = instance.agents, instance.jobs
    variables = np.arange(m * n)
    agent, job = variables // n, variables % n
    rows = np.concatenate((job, n + agent))
    values = np.concatenate((np.ones(m * n), instance.resource.ravel().astype(np.float64)))
    matrix = sparse.csr_array((values, (rows, np.tile(variables, 2))), shape=(n + m, m * n))
    lower = np.concatenate((np.ones(n), np.full(m, -np.inf)))
    upper = np.concatenate((np.ones(n), instance.capacity.astype(np.float64)))
    sign = -1.0 if instance.maximize else 1.0
    started = time.perf_counter()
    result = milp(
        sign * instance.cost.ravel().astype(np.float64),
        constraints=LinearConstraint(matrix, lower, upper),
        integrality=np.ones(m * n),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit, "disp": False},
    )
    seconds = time.perf_counter() - started
    dual = getattr(result, "mip_dual_bound", None)
    return Outcome(
        cost=sign * float(result.fun) if result.x is not None else None,
        bound=None if dual is None or not np.isfinite(dual) else sign * float(dual),
        proven=result.status == 0,
        seconds=seconds,
    )


def _cell(outcome: Outcome) -> str:
    if outcome.cost is None:
        return f"none ({outcome.seconds:.0f} s)"
    proof = (
        f"proven at {outcome.seconds:.1f} s"
        if outcome.proven
        else f"not proven, ended at {outcome.seconds:.1f} s"
    )
    bound = "" if outcome.proven or outcome.bound is None else f", bound {outcome.bound:.0f}"
    note = f" ({outcome.note})" if outcome.note else ""
    return f"{outcome.cost:.0f}, {proof}{bound}{note}"


def _within(instance: GapInstance, outcome: Outcome) -> str:
    if outcome.cost is None:
        return "—"
    off = abs(outcome.cost - instance.best_known) / instance.best_known
    return f"{off:.3%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instances", nargs="*", metavar="INSTANCE")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--work-limit", type=float, default=None)
    parser.add_argument("--no-highs", action="store_true", help="bangfu only")
    args = parser.parse_args()
    names = args.instances or list(TYPES_C_AND_D)
    unknown = [n for n in names if n not in published(DATA)]
    if unknown:
        parser.error(f"unknown instance {unknown[0]!r}; see {DATA / 'README.md'}")
    print(
        f"GAP, {args.time_limit:g} s per solve, one after another; {os.cpu_count()} cores, "
        f"load average at start {' / '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print("| instance | best known | bangfu auto | off best | HiGHS (scipy) | off best |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in names:
        instance = load(name)
        ours = run_bangfu(instance, args.time_limit, args.work_limit)
        theirs = None if args.no_highs else run_highs(instance, args.time_limit)
        best = f"{instance.best_known}" + (
            f" (lower bound {instance.lower_bound})" if instance.lower_bound else ""
        )
        highs = "—" if theirs is None else f"{_cell(theirs)} | {_within(instance, theirs)}"
        print(
            f"| {name} | {best} | {_cell(ours)} | {_within(instance, ours)} | {highs} |",
            flush=True,
        )
    print(f"load average at end {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
