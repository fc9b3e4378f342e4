"""A greedy solver: for comparison, and as the warm start of the exact general path.

Fixed edges (and the groups they pin) are placed first; then edges and whole-group
placements are taken in order of value per slot, whenever they still fit and still
add value. No bound is proved beyond the trivial one, so the status is `feasible`.
"""

from __future__ import annotations

import math
import time

import numpy as np
import numpy.typing as npt

from matching.engine.problem import Problem
from matching.engine.result import Result, infeasible, objective_value, violations
from matching.engine.solvers.base import SolveOptions
from matching.engine.solvers.presolve import GroupPlacements, fixed_conflict, useful_free_edges
from matching.sorting import lexsort

IntArray = npt.NDArray[np.int64]


def solve_greedy(problem: Problem, options: SolveOptions) -> Result:
    del options
    started = time.perf_counter()
    conflict = fixed_conflict(problem)
    if conflict:
        return infeasible("greedy", conflict)
    placements = GroupPlacements(problem)
    chosen = greedy_choice(problem, placements)
    broken = violations(problem, chosen)
    if broken:
        # Fixed edges that pin groups can clash in ways the greedy order cannot repair.
        return infeasible("greedy", "greedy could not satisfy: " + "; ".join(broken))
    return Result(
        status="feasible",
        objective=objective_value(problem, chosen),
        bound=math.inf,
        chosen=chosen,
        solver="greedy",
        timings={"solve": time.perf_counter() - started},
    )


class _State:
    """Remaining capacity and slots while the greedy pass places edges."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.capacity = problem.capacity.astype(np.int64).tolist()
        self.count = [0] * problem.n_demands
        self.taken: list[int] = []
        self.placed_group: set[int] = set()

    def slot_gain(self, demand: int, extra: int) -> float:
        values = self.problem.slot_values_of(demand)
        start = self.count[demand]
        return float(values[start : start + extra].sum())

    def room(self, demand: int, extra: int) -> bool:
        return self.count[demand] + extra <= int(self.problem.slots[demand])

    def take(self, edges: IntArray) -> None:
        for edge in edges.tolist():
            self.capacity[int(self.problem.edge_supplier[edge])] -= int(self.problem.load[edge])
            self.count[int(self.problem.edge_demand[edge])] += 1
            self.taken.append(edge)


def greedy_choice(problem: Problem, placements: GroupPlacements) -> IntArray:
    """The greedy edges, sorted; only clashing fixed edges can make them violate a constraint."""
    state = _State(problem)
    _place_fixed(problem, placements, state)
    for kind, index in _candidate_order(problem, placements):
        if kind == 0:
            _try_edge(problem, state, index)
        else:
            _try_group(placements, state, index)
    return np.sort(np.asarray(state.taken, dtype=np.int64))


def _place_fixed(problem: Problem, placements: GroupPlacements, state: _State) -> None:
    fixed = np.flatnonzero(problem.fixed)
    state.take(fixed[problem.group_of_supplier[problem.edge_supplier[fixed]] < 0])
    pinned = problem.fixed[placements.edges]
    for p in range(len(placements)):
        group = int(placements.group[p])
        if (
            group not in state.placed_group
            and pinned[placements.start[p] : placements.start[p + 1]].any()
        ):
            state.take(placements.edges_of(p))
            state.placed_group.add(group)


def _candidate_order(problem: Problem, placements: GroupPlacements) -> list[tuple[int, int]]:
    """Edges (kind 0) and group placements (kind 1), best value per slot first, ties by index."""
    edges = np.flatnonzero(useful_free_edges(problem) & ~problem.fixed)
    per_slot = np.concatenate(
        (problem.edge_value[edges], placements.value / np.maximum(placements.size, 1))
    )
    kinds = np.concatenate((np.zeros(len(edges), np.int64), np.ones(len(placements), np.int64)))
    indices = np.concatenate((edges, np.arange(len(placements))))
    order = lexsort((indices, kinds, -per_slot))
    return list(zip(kinds[order].tolist(), indices[order].tolist(), strict=True))


def _try_edge(problem: Problem, state: _State, edge: int) -> None:
    supplier, demand = int(problem.edge_supplier[edge]), int(problem.edge_demand[edge])
    if state.capacity[supplier] < problem.load[edge] or not state.room(demand, 1):
        return
    if problem.edge_value[edge] + state.slot_gain(demand, 1) > 0:
        state.take(np.asarray([edge]))


def _try_group(placements: GroupPlacements, state: _State, placement: int) -> None:
    group, demand = int(placements.group[placement]), int(placements.demand[placement])
    size = int(placements.size[placement])
    if group in state.placed_group or not state.room(demand, size):
        return
    edges = placements.edges_of(placement)
    problem = state.problem
    suppliers = problem.edge_supplier[edges]
    if any(
        state.capacity[s] < problem.load[e]
        for s, e in zip(suppliers.tolist(), edges.tolist(), strict=True)
    ):
        return
    if placements.value[placement] + state.slot_gain(demand, size) > 0:
        state.take(edges)
        state.placed_group.add(group)
