"""Large problems: solve the flow relaxation, then repair where it was fractional.

1. `matching.engine.solvers.relaxation`: the LP relaxation of the problem is a min-cost flow
   in load units when loads are uniform per demand and groups have unit loads. It is
   solved exactly in seconds at province scale and bounds the optimum from above.
2. Its whole edges and whole groups already form a feasible assignment. Where it filled
   an edge or a group only in part, CP-SAT re-solves the neighbourhood: those demands,
   every supplier assigned there or with room to go there, and the groups among them,
   with everything else kept as the flow put it.
3. The result is feasible; its gap to the relaxation bound is proven (and usually tiny:
   the relaxation of an assignment problem is nearly integral). While the bound is not
   met and work remains, the neighbourhood grows by one more ring of demands; after the
   first ring `matching.engine.solvers.polish` adds, swaps and replaces single edges
   anywhere.
4. On problems of the generalized assignment shape (no groups, one slot per demand: the
   expert match's lead stage), the work the first ring leaves goes to the
   large-neighbourhood search of `matching.engine.solvers.lns` instead of wider rings: a
   ring keeps everything outside it as the flow put it, while the search's neighbourhoods
   reach anywhere. On the province lead stage, five units of work spent on a second ring
   moved the plan by 4.5 in 545,563; three units of search moved it by 1,235.

Every limit that decides the answer counts work: at most three rings, a wider one only
when the work left is enough for its size, each CP-SAT call bounded by the deterministic
work left, polish by its passes. The wall-clock time limit
is a safety stop only, reported in `Result.stopped_by` when it fires.
"""

from __future__ import annotations

import math
import time
from functools import cached_property

import numpy as np
import numpy.typing as npt

from matching.control import cancel_requested, report
from matching.engine.pricing import Prices, knapsack_bound
from matching.engine.problem import Problem
from matching.engine.result import (
    OPTIMALITY_TOLERANCE,
    Result,
    Status,
    StopReason,
    first_stop,
    infeasible,
    objective_value,
)
from matching.engine.solvers import portfolio_applies
from matching.engine.solvers.base import ProgressCallback, SolveOptions
from matching.engine.solvers.cpsat import solve_cpsat
from matching.engine.solvers.lns import improve
from matching.engine.solvers.polish import polish
from matching.engine.solvers.presolve import fixed_conflict
from matching.engine.solvers.relaxation import solve_relaxation
from matching.engine.solvers.scaling import choose_scaling

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_MAX_RINGS = 3
# A wider ring is searched only with at least one unit of work per this many of its edges.
# With less, CP-SAT spends the work on loading and presolving a model it cannot search: on
# the province lead stage the second ring (about 140,000 edges, 1.0–1.25 units left per
# period) never improved on the polished first ring and took 11–14 s per period, while
# the first (about 25,000 edges, 1.5 units) gained 20 % in 3–4 s.
_EDGES_PER_WORK = 50_000
# The search's sub-models keep their integer objective below this (CP-SAT's range).
_SEARCH_RANGE = 2.0**50
# A problem of the search's shape is solved whole (CP-SAT can then prove it) only with a
# unit of work per this many edges: a province lead period (145,000 edges) with 4.7 units
# left ran into the 20 s safety stop without improving, where 3 units of search gained
# 0.25 %, and CP-SAT on the whole period with two workers for 180 s gained less.
_WHOLE_EDGES_PER_WORK = 5_000


def solve_decompose(problem: Problem, options: SolveOptions) -> Result:
    """Flow relaxation, then CP-SAT around the demands where it was fractional."""
    started = time.perf_counter()
    conflict = fixed_conflict(problem)
    if conflict:
        return infeasible("decompose", conflict)
    report("decompose: relaxation")
    relaxed = solve_relaxation(problem)
    chosen, bound, seeds = relaxed.chosen, relaxed.bound, relaxed.unsettled
    timings = {"relaxation": time.perf_counter() - started}
    report("decompose: relaxation solved", objective_value(problem, chosen), bound)
    stats: dict[str, object] = {
        "fractional_edges": relaxed.fractional_edges,
        "fractional_groups": relaxed.fractional_groups,
    }
    budget = _Budget(options, started)
    # Where the search applies, its neighbourhoods use the work better than wider rings.
    searchable = portfolio_applies(problem)
    most_rings = 1 if searchable else _MAX_RINGS
    rings = 0
    while seeds.any() and rings < most_rings and not _proven(problem, chosen, bound):
        if rings and not budget.worth_another_ring():
            break
        area = _Neighbourhood(problem, chosen, seeds, rings + 1)
        if rings and not budget.enough_for(area.edges.size):
            break
        rings += 1
        chosen, bound, solved = _solve_area(problem, chosen, bound, area, budget)
        if rings == 1:
            # Cheap moves anywhere, before wider rings spend the work left on CP-SAT.
            chosen = _polished(problem, chosen, timings)
        report(f"decompose: ring {rings}", objective_value(problem, chosen), bound)
        if not solved:
            break
    stats["rings"] = rings
    if searchable and not _proven(problem, chosen, bound):
        if budget.fits(problem.n_edges, per_work=_WHOLE_EDGES_PER_WORK):
            # Small enough to solve whole: CP-SAT can prove what no neighbourhood can.
            every = np.zeros(problem.n_demands, dtype=np.bool_)
            every[problem.edge_demand] = True
            whole = _Neighbourhood(problem, chosen, every, 1)
            chosen, bound, _ = _solve_area(problem, chosen, bound, whole, budget)
            stats["rings"] = rings + 1
        else:
            chosen, prices = _searched(problem, chosen, budget, stats, timings)
            # The search's sub-models offer each demand a few core edges only.
            chosen = _polished(problem, chosen, timings)
            bound = _knapsack_tightened(problem, bound, prices)
    stats["work"] = round(budget.spent, 6)
    return _result(problem, chosen, bound, started, stats, timings, budget.stopped_by)


class _Budget:
    """The work (CP-SAT deterministic time) and wall-clock safety time left to the rings."""

    def __init__(self, options: SolveOptions, started: float) -> None:
        self.options = options
        self.started = started
        self.spent = 0.0
        self.stopped_by: StopReason | None = None

    def work_left(self) -> float | None:
        limit = self.options.work_limit
        return None if limit is None else max(0.0, limit - self.spent)

    def time_left(self) -> float | None:
        limit = self.options.time_limit
        if limit is None:
            return None
        return max(0.0, limit - (time.perf_counter() - self.started))

    def worth_another_ring(self) -> bool:
        """A wider ring costs a larger model: only with a fifth of the work budget left.

        Decided on counted work alone, so the number of rings is the same on any machine;
        the wall-clock safety stop only ends the rings when it has fired.
        """
        if self.time_left() == 0.0:
            self.stopped_by = "time_limit"
            return False
        left, limit = self.work_left(), self.options.work_limit
        if left is None or limit is None:
            return True
        if left < 0.2 * limit:
            self.stopped_by = first_stop(self.stopped_by, "work_limit")
            return False
        return True

    def fits(self, edges: int, per_work: float | None = None) -> bool:
        """Whether the work left can search a ring of this many edges, at one unit per
        `per_work` of them (default `_EDGES_PER_WORK`)."""
        left = self.work_left()
        per = _EDGES_PER_WORK if per_work is None else per_work
        return left is None or edges <= per * left

    def enough_for(self, edges: int) -> bool:
        """`fits`, noting the work limit as the stop when it does not."""
        if self.fits(edges):
            return True
        self.stopped_by = first_stop(self.stopped_by, "work_limit")
        return False

    def options_for_ring(self, warm_start: IntArray, outside: float) -> SolveOptions:
        """CP-SAT's options in a ring: the limits left, progress as whole-plan figures.

        `outside` is the objective of the edges outside the ring, which CP-SAT keeps.
        """
        time_left = self.time_left()
        progress = self.options.progress
        return SolveOptions(
            work_limit=self.work_left(),
            time_limit=None if time_left is None else max(time_left, 0.1),
            seed=self.options.seed,
            workers=self.options.workers,
            progress=None if progress is None else _shifted(progress, self.started, outside),
            warm_start=warm_start,
        )

    def charge(self, result: Result) -> None:
        self.spent += float(result.stats.get("work", 0.0))
        self.stopped_by = first_stop(self.stopped_by, result.stopped_by)


def _shifted(progress: ProgressCallback, started: float, outside: float) -> ProgressCallback:
    """A ring's progress as the whole plan's: time since the solve began, objective with
    the edges outside the ring (the bound is the ring's, given the outside fixed)."""

    def forward(elapsed: float, objective: float, bound: float) -> None:
        del elapsed
        progress(time.perf_counter() - started, outside + objective, outside + bound)

    return forward


def _solve_area(
    problem: Problem, chosen: IntArray, bound: float, area: _Neighbourhood, budget: _Budget
) -> tuple[IntArray, float, bool]:
    """The plan and bound after CP-SAT re-solves `area`, and whether it found a solution.

    Stopped early, CP-SAT may return less than the area held before: the better is kept.
    An area that is the whole problem, solved to optimality, bounds the problem by
    CP-SAT's own bound, whatever the relaxation's says.
    """
    repaired, area_bound = _repair(problem, chosen, area, budget)
    if repaired is not None and (
        objective_value(problem, repaired) >= objective_value(problem, chosen)
    ):
        chosen = repaired
    if area_bound is not None and area.edges.size == problem.n_edges:
        bound = min(bound, area_bound)
    return chosen, bound, repaired is not None


def _searched(
    problem: Problem,
    chosen: IntArray,
    budget: _Budget,
    stats: dict[str, object],
    timings: dict[str, float],
) -> tuple[IntArray, FloatArray | None]:
    """The plan after the large-neighbourhood search with the work left, and the
    capacity prices that guided it."""
    left = budget.work_left()
    if left == 0.0 or budget.time_left() == 0.0:
        return chosen, None
    started = time.perf_counter()
    report("decompose: search")
    values = problem.edge_value + problem.first_slot_value[problem.edge_demand]
    scale = choose_scaling(values, _SEARCH_RANGE / max(1, len(values))).factor
    outcome = improve(
        problem,
        chosen,
        work_limit=math.inf if left is None else left,
        seed=budget.options.seed,
        scale=scale,
        stop=lambda: budget.time_left() == 0.0 or cancel_requested(),
    )
    budget.spent += outcome.work
    if budget.time_left() == 0.0:
        budget.stopped_by = "time_limit"
    elif left is not None:
        budget.stopped_by = first_stop(budget.stopped_by, "work_limit")
    stats["search_steps"] = outcome.steps
    stats["search_improvements"] = outcome.improvements
    timings["search"] = time.perf_counter() - started
    return outcome.chosen, outcome.prices


def _knapsack_tightened(problem: Problem, bound: float, prices: FloatArray | None) -> float:
    """The bound, or the knapsack bound at the search's prices when that is lower (it
    keeps each supplier's capacity whole where the relaxation splits demands; about
    0.05 s for a province lead period of 145,000 edges)."""
    if prices is None:
        return bound
    values = problem.edge_value + problem.first_slot_value[problem.edge_demand]
    every_edge = np.ones(problem.n_edges, dtype=np.bool_)
    return min(bound, knapsack_bound(problem, Prices(prices, values), every_edge))


def _polished(problem: Problem, chosen: IntArray, timings: dict[str, float]) -> IntArray:
    started = time.perf_counter()
    result = polish(problem, chosen)
    timings["polish"] = timings.get("polish", 0.0) + time.perf_counter() - started
    return result


def _repair(
    problem: Problem, chosen: IntArray, area: _Neighbourhood, budget: _Budget
) -> tuple[IntArray | None, float | None]:
    """Re-solve the `area`: the plan (None when it has no solution), and CP-SAT's bound
    on the area when it proved the area optimal (else None)."""
    if budget.work_left() == 0.0:
        budget.stopped_by = first_stop(budget.stopped_by, "work_limit")
        return None, None
    if budget.time_left() == 0.0:
        budget.stopped_by = "time_limit"
        return None, None
    inside = area.inside(chosen)
    # The current assignment restricted to the area is feasible there: CP-SAT starts from it.
    current = np.searchsorted(area.edges, chosen[inside]).astype(np.int64)
    outside = objective_value(problem, chosen[~inside]) if budget.options.progress else 0.0
    options = budget.options_for_ring(current, outside)
    result = solve_cpsat(area.problem, options)
    budget.charge(result)
    if result.status == "infeasible":
        return None, None
    plan = np.sort(np.concatenate((chosen[~inside], area.edges[result.chosen])))
    return plan, result.bound if result.status == "optimal" else None


class _Neighbourhood:
    """The sub-problem around some demands (and rings beyond): its suppliers and edges."""

    def __init__(self, problem: Problem, chosen: IntArray, seeds: BoolArray, rings: int) -> None:
        self.original = problem
        demands = seeds.copy()
        for _ in range(rings - 1):
            demands |= _next_ring(problem, demands)
        self.demands = demands
        self.chosen = chosen
        self.suppliers = self._suppliers(chosen)
        self.edges = np.flatnonzero(
            self.suppliers[problem.edge_supplier] & demands[problem.edge_demand]
        )

    @cached_property
    def problem(self) -> Problem:
        """The area as a problem of its own (built only when it will be solved)."""
        return self._build(self.chosen)

    def _suppliers(self, chosen: IntArray) -> BoolArray:
        """Suppliers assigned into the area, and those next to it with room to come."""
        p = self.original
        inside = np.zeros(p.n_suppliers, dtype=np.bool_)
        inside[p.edge_supplier[chosen[self.demands[p.edge_demand[chosen]]]]] = True
        used = np.bincount(p.edge_supplier[chosen], weights=p.load[chosen], minlength=p.n_suppliers)
        touching = np.zeros(p.n_suppliers, dtype=np.bool_)
        touching[p.edge_supplier[self.demands[p.edge_demand]]] = True
        grouped = p.group_of_supplier >= 0
        inside |= touching & ~grouped & (used < p.capacity)
        if not p.has_groups:
            return inside
        # Groups come whole: those placed in the area, and unplaced ones that touch it.
        group_of = np.maximum(p.group_of_supplier, 0)
        placed = np.zeros(len(p.group_ids), dtype=np.bool_)
        placed[p.group_of_supplier[grouped & (used > 0)]] = True
        wanted = np.zeros(len(p.group_ids), dtype=np.bool_)
        wanted[p.group_of_supplier[grouped & (inside | touching)]] = True
        in_area = np.zeros(len(p.group_ids), dtype=np.bool_)
        in_area[p.group_of_supplier[grouped & inside]] = True
        take = in_area | (wanted & ~placed)
        return inside | (grouped & take[group_of])

    def inside(self, edges: IntArray) -> BoolArray:
        p = self.original
        result: BoolArray = (
            self.suppliers[p.edge_supplier[edges]] & self.demands[p.edge_demand[edges]]
        )
        return result

    def _build(self, chosen: IntArray) -> Problem:
        p = self.original
        supplier_list = np.flatnonzero(self.suppliers)
        demand_list = np.flatnonzero(self.demands)
        supplier_pos = np.full(p.n_suppliers, -1, dtype=np.int64)
        supplier_pos[supplier_list] = np.arange(len(supplier_list))
        demand_pos = np.full(p.n_demands, -1, dtype=np.int64)
        demand_pos[demand_list] = np.arange(len(demand_list))
        outside = chosen[~self.inside(chosen)]
        used_outside = np.bincount(
            p.edge_supplier[outside], weights=p.load[outside], minlength=p.n_suppliers
        ).astype(np.int64)
        groups = {
            p.group_ids[g]: supplier_pos[members].tolist()
            for g, members in enumerate(p.group_members())
            if len(members) and self.suppliers[members].all()
        }
        return Problem.from_arrays(
            supplier_ids=[p.supplier_ids[s] for s in supplier_list.tolist()],
            capacity=(p.capacity - used_outside)[supplier_list],
            demand_ids=[p.demand_ids[d] for d in demand_list.tolist()],
            slots=p.slots[demand_list],
            edge_supplier=supplier_pos[p.edge_supplier[self.edges]],
            edge_demand=demand_pos[p.edge_demand[self.edges]],
            weight=p.weight[self.edges],
            load=p.load[self.edges],
            slot_values=[p.slot_values_of(d).tolist() for d in demand_list.tolist()],
            groups=groups,
            fixed=np.flatnonzero(p.fixed[self.edges]),
            previous=np.flatnonzero(p.previous[self.edges]),
            stability_bonus=p.stability_bonus,
        )


def _next_ring(problem: Problem, demands: BoolArray) -> BoolArray:
    """Demands reachable in one step from the suppliers that can reach the area."""
    near = np.zeros(problem.n_suppliers, dtype=np.bool_)
    near[problem.edge_supplier[demands[problem.edge_demand]]] = True
    ring = np.zeros(problem.n_demands, dtype=np.bool_)
    ring[problem.edge_demand[near[problem.edge_supplier]]] = True
    return ring


def _proven(problem: Problem, chosen: IntArray, bound: float) -> bool:
    objective = objective_value(problem, chosen)
    return bound - objective <= OPTIMALITY_TOLERANCE * max(1.0, abs(objective))


def _result(
    problem: Problem,
    chosen: IntArray,
    bound: float,
    started: float,
    stats: dict[str, object],
    timings: dict[str, float],
    stopped_by: StopReason | None,
) -> Result:
    objective = objective_value(problem, chosen)
    proven = _proven(problem, chosen, bound)
    status: Status = "optimal" if proven else "feasible"
    return Result(
        status=status,
        objective=objective,
        bound=max(bound, objective),
        chosen=chosen,
        solver="decompose",
        timings={**timings, "solve": time.perf_counter() - started},
        stats=stats,
        stopped_by=None if proven else stopped_by,
    )
