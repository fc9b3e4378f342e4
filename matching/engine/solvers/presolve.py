"""Reductions and infeasibility checks shared by the solvers.

Infeasibility that comes from `fixed` edges is found here, before any solver runs,
so the reason can name the supplier, demand, group and edges involved.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matching.engine.problem import Problem

IntArray = npt.NDArray[np.int64]


def fixed_conflict(problem: Problem) -> str | None:
    """Why the fixed edges cannot all be chosen, or None when they can (as far as seen here)."""
    fixed = np.flatnonzero(problem.fixed)
    if len(fixed) == 0:
        return None
    return (
        _overfilled_supplier(problem, fixed)
        or _overfilled_demand(problem, fixed)
        or _group_conflict(problem, fixed)
    )


def _overfilled_supplier(problem: Problem, fixed: IntArray) -> str | None:
    load = np.bincount(
        problem.edge_supplier[fixed], weights=problem.load[fixed], minlength=problem.n_suppliers
    )
    over = np.flatnonzero(load > problem.capacity)
    if len(over) == 0:
        return None
    s = int(over[0])
    edges = fixed[problem.edge_supplier[fixed] == s]
    names = ", ".join(problem.edge_name(int(e)) for e in edges)
    return (
        f"supplier {problem.supplier_ids[s]!r} has capacity {int(problem.capacity[s])} "
        f"but its fixed edges {names} need {int(load[s])}"
    )


def _overfilled_demand(problem: Problem, fixed: IntArray) -> str | None:
    count = np.bincount(problem.edge_demand[fixed], minlength=problem.n_demands)
    over = np.flatnonzero(count > problem.slots)
    if len(over) == 0:
        return None
    d = int(over[0])
    edges = fixed[problem.edge_demand[fixed] == d]
    names = ", ".join(problem.edge_name(int(e)) for e in edges)
    return (
        f"demand {problem.demand_ids[d]!r} has {int(problem.slots[d])} slots "
        f"but {len(edges)} fixed edges: {names}"
    )


def _group_conflict(problem: Problem, fixed: IntArray) -> str | None:
    """A fixed edge of a group member pins the whole group to that demand."""
    groups = problem.group_of_supplier[problem.edge_supplier[fixed]]
    pinned = fixed[groups >= 0]
    if len(pinned) == 0:
        return None
    members_of = problem.group_members()
    target: dict[int, int] = {}
    for edge in pinned.tolist():
        g = int(problem.group_of_supplier[problem.edge_supplier[edge]])
        d = int(problem.edge_demand[edge])
        if target.setdefault(g, d) != d:
            return (
                f"group {problem.group_ids[g]!r} has fixed edges at two demands, "
                f"{problem.demand_ids[target[g]]!r} and {problem.demand_ids[d]!r}"
            )
    for g, d in target.items():
        reason = _group_cannot_go(problem, g, d, members_of[g])
        if reason:
            return (
                f"group {problem.group_ids[g]!r} is pinned to {problem.demand_ids[d]!r} "
                f"by a fixed edge, but {reason}"
            )
    return _pinned_overfill(problem, fixed, target, members_of)


def _pinned_overfill(
    problem: Problem, fixed: IntArray, target: dict[int, int], members_of: list[IntArray]
) -> str | None:
    """Pinned groups take a slot per member at their demand, beside the other fixed edges."""
    free = fixed[problem.group_of_supplier[problem.edge_supplier[fixed]] < 0]
    need = np.bincount(problem.edge_demand[free], minlength=problem.n_demands)
    for g, d in target.items():
        need[d] += len(members_of[g])
    over = np.flatnonzero(need > problem.slots)
    if len(over) == 0:
        return None
    d = int(over[0])
    groups = ", ".join(repr(problem.group_ids[g]) for g, at in target.items() if at == d)
    edges = ", ".join(problem.edge_name(int(e)) for e in free[problem.edge_demand[free] == d])
    return (
        f"demand {problem.demand_ids[d]!r} has {int(problem.slots[d])} slots but needs "
        f"{int(need[d])} for the groups {groups} pinned there by fixed edges"
        + (f" and the fixed edges {edges}" if edges else "")
    )


def _group_cannot_go(problem: Problem, group: int, demand: int, members: IntArray) -> str | None:
    edge_of = group_edges_at(problem, members, demand)
    for member, edge in zip(members.tolist(), edge_of.tolist(), strict=True):
        name = problem.supplier_ids[member]
        if edge < 0:
            return f"member {name!r} has no edge to it"
        if problem.load[edge] > problem.capacity[member]:
            return f"member {name!r} lacks the capacity for it"
    if len(members) > problem.slots[demand]:
        return f"the group has {len(members)} members for {int(problem.slots[demand])} slots"
    return None


def group_edges_at(problem: Problem, members: IntArray, demand: int) -> IntArray:
    """For each member, its edge to `demand`, or -1 when it has none."""
    result = np.full(len(members), -1, dtype=np.int64)
    at_demand = np.flatnonzero(problem.edge_demand == demand)
    position = {int(s): i for i, s in enumerate(members.tolist())}
    for edge in at_demand.tolist():
        i = position.get(int(problem.edge_supplier[edge]))
        if i is not None:
            result[i] = edge
    return result


def useful_free_edges(problem: Problem) -> npt.NDArray[np.bool_]:
    """Edges of suppliers outside groups that can help an optimal solution.

    An edge whose value plus its demand's first slot value is <= 0 never raises the
    objective (dropping it loses that value and at most one slot value, which is no
    larger than the first), and an edge heavier than its supplier's capacity can never
    be chosen; fixed edges are always kept.
    """
    gain = problem.edge_value + problem.first_slot_value[problem.edge_demand]
    free = problem.group_of_supplier[problem.edge_supplier] < 0
    useful: npt.NDArray[np.bool_] = free & ((gain > 0) & problem.edge_fits | problem.fixed)
    return useful


class GroupPlacements:
    """Every demand a whole group can go to: all members have an edge there that fits.

    Placement i puts group `group[i]` at demand `demand[i]` using the edges
    `edges[start[i]:start[i + 1]]`, worth `value[i]` in total.
    """

    def __init__(self, problem: Problem) -> None:
        sizes = np.bincount(
            problem.group_of_supplier[problem.group_of_supplier >= 0],
            minlength=len(problem.group_ids),
        )
        group_of_edge = problem.group_of_supplier[problem.edge_supplier]
        candidates = np.flatnonzero((group_of_edge >= 0) & problem.edge_fits)
        key = group_of_edge[candidates] * problem.n_demands + problem.edge_demand[candidates]
        order = np.argsort(key, kind="stable")
        candidates, key = candidates[order], key[order]
        unique_keys, counts = np.unique(key, return_counts=True)
        complete = counts == sizes[unique_keys // max(problem.n_demands, 1)]
        keep = np.repeat(complete, counts)
        self.edges: IntArray = candidates[keep]
        self.group: IntArray = (unique_keys // max(problem.n_demands, 1))[complete]
        self.demand: IntArray = (unique_keys % max(problem.n_demands, 1))[complete]
        self.size: IntArray = counts[complete]
        self.start: IntArray = np.concatenate(([0], np.cumsum(self.size))).astype(np.int64)
        values = problem.edge_value[self.edges]
        self.value: npt.NDArray[np.float64] = (
            np.add.reduceat(values, self.start[:-1]) if len(self.group) else np.zeros(0)
        )

    def __len__(self) -> int:
        return len(self.group)

    def edges_of(self, placement: int) -> IntArray:
        return self.edges[self.start[placement] : self.start[placement + 1]]
