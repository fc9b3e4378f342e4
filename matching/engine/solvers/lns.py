"""Large-neighbourhood search for problems where every demand takes at most one supplier.

That shape is the generalized assignment problem (suppliers are agents with a capacity,
each demand a job that goes to one of them, with a load there). Starting from a
feasible plan, each step frees a neighbourhood and re-solves it exactly with a small
CP-SAT model, keeping everything else as it is; the plan only ever improves.

The neighbourhoods follow the LP relaxation's prices of capacity (`guide.py`): each step
draws two suppliers and frees demands placed at them or with a core edge to them (one of
their best three by reduced gain), at most `size` of them, drawn in proportion to their
regret (how far the present edge falls below the best reduced gain) plus the mean
regret. A freed demand may move to any of its core edges (or stay) within what the
other demands leave of each capacity; a freed demand without a supplier may take any of
its edges (on the province lead stage this placed the one deep-poverty need the plan
still left out of the most coverable, and raised the stage by 89 at the same work).
`size` starts at a fifth of the demands, shrinks when a sub-model is not solved to
optimality within its limit and grows when steps stop improving. On OR-Library's type D
this beat neighbourhoods of k whole suppliers over all their edges and of random demands
(a mean 0.59–0.61 % off the best known on three instances at 4 units of work, against
0.94 %).

With many suppliers (a province expert period has 18,000 expert-periods and 27,000
needs) two suppliers hold a handful of demands and a step can hardly improve anything.
There the neighbourhood is *connected* instead: from one demand drawn by regret it grows
breadth-first — a demand's candidate suppliers, then the demands placed at them or with
a core edge there — until it holds `size` demands (starting at 150), so that a chain of
moves (a need to another expert, who gives up one of his to a third) fits in one step.
On the lead stage's first period after `decompose` (objective 278,214.0, flow bound
279,915.9) three units of work (sub-model limit 0.1) raised the plan to 278,932.9 with
neighbourhoods of 150 demands (to 278,874.7 with 80, 278,229.9 with 1,000, and 278,218.9
with the two-supplier neighbourhoods); CP-SAT on the whole period, two workers, 180 s,
reached 278,821.8.

Every limit counts work: each step is charged CP-SAT's deterministic time plus a fixed
amount for building its model, so the same problem, plan, budget and seed give the same
answer on any machine, busy or not.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from matching.engine.problem import Problem
from matching.engine.solvers.guide import lp_guide
from matching.engine.solvers.presolve import useful_free_edges

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# The work charged for building and reading one sub-model, beyond CP-SAT's own count (in
# deterministic-time units; a small sub-model costs CP-SAT about 15 ms of start-up).
STEP_OVERHEAD = 0.01
# Each sub-model's own CP-SAT limit: one that is not solved within it shrinks the next
# neighbourhoods (0.1 did better than 0.5 on type D: fewer units lost on sub-models too
# large to prove).
STEP_LIMIT = 0.1
# Suppliers drawn per step, whose demands (placed there, or with a core edge there) make
# the neighbourhood.
SUPPLIERS_PER_STEP = 2
# The first neighbourhood's share of the demands; proven steps without improvement in a
# row before it grows by a tenth; its factor when a sub-model is not proven.
START_SHARE, PATIENCE, SHRINK = 0.2, 3, 0.8
_MIN_SIZE = 4
# Above this many suppliers, neighbourhoods are connected (see the module's note), and
# their first size in demands. Their sub-models get a smaller limit: on the province
# lead stage's periods 0.05 gained more than 0.1 at 1.0, 1.2 and 3 units of work
# (278,812.7 against 278,659.6 at 1.2), 0.02, 0.03 and 0.07 less than 0.05.
MANY_SUPPLIERS, CONNECTED_START, CONNECTED_STEP_LIMIT = 100, 150, 0.05


@dataclass
class Outcome:
    chosen: IntArray
    work: float
    steps: int
    improvements: int
    # The capacity prices that guided the search (None when none were computed): with
    # them `matching.engine.pricing.knapsack_bound` bounds the problem at little cost.
    prices: npt.NDArray[np.float64] | None = None
    # Where the portfolio's last share of the search started: "search" (its own plan) or
    # "highs" (the better plan HiGHS ended with); None outside that last share.
    finished_from: str | None = None


class _Plan:
    """The current plan as one edge (or -1) per demand, with the loads it puts on suppliers."""

    def __init__(self, problem: Problem, chosen: IntArray) -> None:
        self.problem = problem
        self.gain = problem.edge_value + problem.first_slot_value[problem.edge_demand]
        self.candidates = np.flatnonzero(useful_free_edges(problem))
        self.at_demand = np.full(problem.n_demands, -1, dtype=np.int64)
        self.at_demand[problem.edge_demand[chosen]] = chosen
        self.pinned = np.zeros(problem.n_demands, dtype=np.bool_)
        self.pinned[problem.edge_demand[np.flatnonzero(problem.fixed)]] = True
        c = self.candidates
        self.by_demand = _index(problem.edge_demand[c], problem.n_demands, c)
        self.guide = lp_guide(problem, c, self.gain)
        core = c[self.guide.core[c]]
        self.core_by_supplier = _index(problem.edge_supplier[core], problem.n_suppliers, core)
        self.connected = problem.n_suppliers > MANY_SUPPLIERS
        self.step_limit = CONNECTED_STEP_LIMIT if self.connected else STEP_LIMIT
        self.by_supplier = (
            _index(problem.edge_supplier[c], problem.n_suppliers, c) if self.connected else []
        )

    def chosen(self) -> IntArray:
        return np.sort(self.at_demand[self.at_demand >= 0])

    def used(self) -> npt.NDArray[np.float64]:
        edges = self.at_demand[self.at_demand >= 0]
        p = self.problem
        loads = p.load[edges].astype(np.float64)
        used: npt.NDArray[np.float64] = np.bincount(
            p.edge_supplier[edges], weights=loads, minlength=p.n_suppliers
        ).astype(np.float64)
        return used


def _index(keys: IntArray, n: int, values: IntArray) -> list[IntArray]:
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(n + 1))
    return [values[order[bounds[i] : bounds[i + 1]]] for i in range(n)]


def improve(
    problem: Problem,
    chosen: IntArray,
    *,
    work_limit: float,
    seed: int,
    scale: float,
    stop: Callable[[], bool] = lambda: False,
) -> Outcome:
    """Improve a feasible plan until `work_limit` is spent (or `stop()` says so).

    `scale` turns values into the integers of the sub-models (an exact scale keeps every
    step exact).
    """
    plan = _Plan(problem, chosen)
    rng = np.random.default_rng(seed)
    size = _Size(problem.n_demands, CONNECTED_START if plan.connected else None)
    draw = _connected_neighbourhood if plan.connected else _neighbourhood
    work, steps, improvements = 0.0, 0, 0
    while work < work_limit and not stop():
        steps += 1
        edges, demands, room = draw(plan, rng, size.value)
        if len(edges) == 0:
            work += STEP_OVERHEAD
            continue
        limit = min(plan.step_limit, work_limit - work)
        better, spent, proven = _resolve(plan, edges, demands, room, scale, limit)
        work += spent + STEP_OVERHEAD
        size.after(proven=proven, improved=better is not None)
        if better is not None:
            improvements += 1
            plan.at_demand[demands] = -1
            plan.at_demand[problem.edge_demand[better]] = better
    return Outcome(plan.chosen(), work, steps, improvements, plan.guide.prices)


class _Size:
    """How many demands a neighbourhood frees: as many as CP-SAT proves within its limit."""

    def __init__(self, n_demands: int, start: int | None = None) -> None:
        self.most = max(1, n_demands)
        first = int(START_SHARE * n_demands) if start is None else start
        self.value = min(self.most, max(_MIN_SIZE, first))
        self.idle = 0

    def after(self, *, proven: bool, improved: bool) -> None:
        if not proven:
            self.value, self.idle = max(_MIN_SIZE, int(self.value * SHRINK)), 0
        elif improved:
            self.idle = 0
        else:
            self.idle += 1
            if self.idle >= PATIENCE:
                self.value = min(self.most, self.value + max(1, self.value // 10))
                self.idle = 0


def _neighbourhood(
    plan: _Plan, rng: np.random.Generator, size: int
) -> tuple[IntArray, IntArray, npt.NDArray[np.float64]]:
    """Edges, demands and capacities of the next sub-model (see the module's note)."""
    p = plan.problem
    drawn = rng.choice(p.n_suppliers, size=min(SUPPLIERS_PER_STEP, p.n_suppliers), replace=False)
    current = plan.at_demand
    placed = current >= 0
    at_drawn = np.zeros(p.n_demands, dtype=np.bool_)
    at_drawn[placed] = np.isin(p.edge_supplier[current[placed]], drawn)
    core_edges = np.concatenate([plan.core_by_supplier[s] for s in drawn.tolist()])
    related = np.union1d(np.flatnonzero(at_drawn), p.edge_demand[core_edges])
    related = related[~plan.pinned[related]]
    if len(related) > size:
        weight = plan.guide.regret(current)[related]
        weight += weight.mean() + 1e-9  # every related demand keeps a chance
        related = rng.choice(related, size=size, replace=False, p=weight / weight.sum())
    return _freed(plan, np.sort(related))


def _connected_neighbourhood(
    plan: _Plan, rng: np.random.Generator, size: int
) -> tuple[IntArray, IntArray, npt.NDArray[np.float64]]:
    """`size` demands grown breadth-first from one drawn by regret (see the module's note)."""
    p = plan.problem
    current = plan.at_demand
    if p.n_demands == 0:
        return _freed(plan, np.zeros(0, dtype=np.int64))
    weight = plan.guide.regret(current)
    weight += weight.mean() + 1e-9  # every demand keeps a chance
    first = int(rng.choice(p.n_demands, p=weight / weight.sum()))
    taken, queue, reached = {first}, deque([first]), set()
    while queue and len(taken) < size:
        for edge in plan.by_demand[queue.popleft()].tolist():
            supplier = int(p.edge_supplier[edge])
            if supplier in reached:
                continue
            reached.add(supplier)
            for other in plan.by_supplier[supplier].tolist():
                demand = int(p.edge_demand[other])
                if demand not in taken and (current[demand] == other or plan.guide.core[other]):
                    taken.add(demand)
                    queue.append(demand)
                    if len(taken) >= size:
                        break
            if len(taken) >= size:
                break
    demands = np.array(sorted(taken), dtype=np.int64)
    return _freed(plan, demands[~plan.pinned[demands]])


def _freed(plan: _Plan, demands: IntArray) -> tuple[IntArray, IntArray, npt.NDArray[np.float64]]:
    """The sub-model freeing `demands`: their core edges and present ones (every edge of
    an unplaced demand), within the capacity the other demands leave."""
    p = plan.problem
    if len(demands) == 0:
        return np.zeros(0, dtype=np.int64), demands, np.zeros(p.n_suppliers)
    current = plan.at_demand
    edges = np.concatenate([plan.by_demand[d] for d in demands.tolist()])
    freed = current[demands]
    freed = freed[freed >= 0]
    # An unplaced demand keeps every edge: the prices that make the core are what left it
    # out, and the edge that places it is seldom among its best by reduced gain.
    unplaced = current[p.edge_demand[edges]] < 0
    edges = edges[plan.guide.core[edges] | np.isin(edges, freed) | unplaced]
    room = p.capacity - plan.used()
    room += np.bincount(p.edge_supplier[freed], weights=p.load[freed], minlength=p.n_suppliers)
    edges = edges[p.load[edges] <= room[p.edge_supplier[edges]]]
    return edges, demands, room


def _resolve(
    plan: _Plan,
    edges: IntArray,
    demands: IntArray,
    room: npt.NDArray[np.float64],
    scale: float,
    limit: float,
) -> tuple[IntArray | None, float, bool]:
    """Solve the sub-model; (its better edges or None, work spent, proven optimal)."""
    p = plan.problem
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(len(edges))]
    gains = np.rint(plan.gain[edges] * scale).astype(np.int64).tolist()
    model.maximize(cp_model.LinearExpr.weighted_sum(x, gains))
    suppliers = p.edge_supplier[edges]
    loads = p.load[edges].tolist()
    for s in np.unique(suppliers).tolist():
        idx = np.flatnonzero(suppliers == s).tolist()
        if sum(loads[i] for i in idx) > room[s]:
            model.add(sum(loads[i] * x[i] for i in idx) <= int(room[s]))
    position = np.searchsorted(demands, p.edge_demand[edges])
    order = np.argsort(position, kind="stable")
    bounds = np.searchsorted(position[order], np.arange(len(demands) + 1))
    for d in range(len(demands)):
        idx = order[bounds[d] : bounds[d + 1]].tolist()
        if len(idx) > 1:
            model.add_at_most_one(x[i] for i in idx)
    current = set(plan.at_demand[demands].tolist())
    now = 0
    for i, e in enumerate(edges.tolist()):
        on = e in current
        model.add_hint(x[i], on)
        now += gains[i] if on else 0
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.random_seed = 0
    params.catch_sigint_signal = False
    params.max_deterministic_time = max(1e-3, limit)
    params.linearization_level = 2
    status = solver.solve(model)
    spent = float(solver.deterministic_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, spent, False
    if round(solver.objective_value) <= now:
        return None, spent, status == cp_model.OPTIMAL
    picked = edges[[solver.boolean_value(v) for v in x]]
    return picked, spent, status == cp_model.OPTIMAL
