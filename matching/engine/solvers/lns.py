"""Large-neighbourhood search for problems where every demand takes at most one supplier.

That shape is the generalized assignment problem (suppliers are agents with a capacity,
each demand a job that goes to one of them, with a load there). Starting from a
feasible plan, each step frees a neighbourhood and re-solves it exactly with a small
CP-SAT model, keeping everything else as it is; the plan only ever improves.

Neighbourhoods, drawn in turn from a seeded generator:
- *suppliers*: k suppliers; the demands now placed at them, and unplaced demands with an
  edge to one of them, may move among these k suppliers at their full capacity. k grows
  while steps stop improving and shrinks when a sub-model is not solved to optimality.
- *demands*: a random set of demands may move to any supplier, within what the other
  demands leave of its capacity.

Every limit counts work: each step is charged CP-SAT's deterministic time plus a fixed
amount for building its model, so the same problem, plan, budget and seed give the same
answer on any machine, busy or not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from matching.engine.problem import Problem
from matching.engine.solvers.presolve import useful_free_edges

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# The work charged for building and reading one sub-model, beyond CP-SAT's own count (in
# deterministic-time units; a small sub-model costs CP-SAT about 15 ms of start-up).
STEP_OVERHEAD = 0.01
# Each sub-model's own CP-SAT limit.
STEP_LIMIT = 0.5
_MIN_K, _MAX_K = 2, 12


@dataclass
class Outcome:
    chosen: IntArray
    work: float
    steps: int
    improvements: int


class _Plan:
    """The current plan as one edge (or -1) per demand, with the loads it puts on suppliers."""

    def __init__(self, problem: Problem, chosen: IntArray) -> None:
        self.problem = problem
        first_slot = np.zeros(problem.n_demands)
        has_values = np.diff(problem.slot_value_offsets) > 0
        first_slot[has_values] = problem.slot_value_flat[
            problem.slot_value_offsets[:-1][has_values]
        ]
        self.gain = problem.edge_value + first_slot[problem.edge_demand]
        self.candidates = np.flatnonzero(useful_free_edges(problem))
        self.at_demand = np.full(problem.n_demands, -1, dtype=np.int64)
        self.at_demand[problem.edge_demand[chosen]] = chosen
        self.pinned = np.zeros(problem.n_demands, dtype=np.bool_)
        self.pinned[problem.edge_demand[np.flatnonzero(problem.fixed)]] = True
        c = self.candidates
        self.by_supplier = _index(problem.edge_supplier[c], problem.n_suppliers, c)
        self.by_demand = _index(problem.edge_demand[c], problem.n_demands, c)

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
    work, steps, improvements, k, idle = 0.0, 0, 0, _MIN_K, 0
    n_suppliers = problem.n_suppliers
    while work < work_limit and not stop():
        steps += 1
        if n_suppliers >= 2 and steps % 4:
            group = rng.choice(n_suppliers, size=min(k, n_suppliers), replace=False)
            edges, demands, room = _supplier_neighbourhood(plan, group)
        else:
            size = max(4, min(problem.n_demands, int(problem.n_demands * 0.15)))
            picked = rng.choice(problem.n_demands, size=size, replace=False)
            edges, demands, room = _demand_neighbourhood(plan, picked)
        if len(edges) == 0:
            work += STEP_OVERHEAD
            continue
        better, spent, proven = _resolve(plan, edges, demands, room, scale, work_limit - work)
        work += spent + STEP_OVERHEAD
        if better is not None:
            improvements += 1
            idle = 0
            plan.at_demand[demands] = -1
            plan.at_demand[problem.edge_demand[better]] = better
        else:
            idle += 1
        if not proven:
            k = max(_MIN_K, k - 1)
        elif idle >= 3 * n_suppliers:
            k, idle = min(_MAX_K, n_suppliers, k + 1), 0
    return Outcome(plan.chosen(), work, steps, improvements)


def _supplier_neighbourhood(
    plan: _Plan, group: IntArray
) -> tuple[IntArray, IntArray, npt.NDArray[np.float64]]:
    """Edges, demands and capacities of the sub-model over some suppliers."""
    p = plan.problem
    in_group = np.zeros(p.n_suppliers, dtype=np.bool_)
    in_group[group] = True
    current = plan.at_demand
    placed_here = (current >= 0) & in_group[p.edge_supplier[np.maximum(current, 0)]]
    edges = np.concatenate([plan.by_supplier[s] for s in group.tolist()])
    demand_of = p.edge_demand[edges]
    movable = (placed_here | (current < 0)) & ~plan.pinned
    keep = movable[demand_of]
    edges = edges[keep]
    demands = np.unique(p.edge_demand[edges])
    room = np.zeros(p.n_suppliers)
    used = plan.used()
    # Room: the full capacity less what stays (pinned demands placed at these suppliers).
    staying = np.bincount(
        p.edge_supplier[current[placed_here & plan.pinned]],
        weights=p.load[current[placed_here & plan.pinned]],
        minlength=p.n_suppliers,
    )
    room[group] = p.capacity[group] - staying[group]
    del used
    return edges, demands, room


def _demand_neighbourhood(
    plan: _Plan, picked: IntArray
) -> tuple[IntArray, IntArray, npt.NDArray[np.float64]]:
    """Edges, demands and capacities of the sub-model over some demands."""
    p = plan.problem
    demands = np.sort(picked[~plan.pinned[picked]])
    if len(demands) == 0:
        return np.zeros(0, dtype=np.int64), demands, np.zeros(p.n_suppliers)
    edges = np.concatenate([plan.by_demand[d] for d in demands.tolist()])
    freed = plan.at_demand[demands]
    freed = freed[freed >= 0]
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
    work_left: float,
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
    params.max_deterministic_time = max(1e-3, min(STEP_LIMIT, work_left))
    params.linearization_level = 2
    status = solver.solve(model)
    spent = float(solver.deterministic_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, spent, False
    if round(solver.objective_value) <= now:
        return None, spent, status == cp_model.OPTIMAL
    picked = edges[[solver.boolean_value(v) for v in x]]
    return picked, spent, status == cp_model.OPTIMAL
