"""LP duals of an assignment problem with unit loads, for pricing (column generation).

The LP relaxation of "suppliers (capacity) to demands (slots), each group of suppliers
placed whole at one demand or not at all" is a min-cost flow (as in
`matching.engine.solvers.relaxation`): source → supplier (its capacity) → demand (one unit
per edge, value w) → sink (the demand's slots), a group is one node sending its members
as units to the demands it can go to whole (value per unit: the placement's value / size),
and a free source → sink arc lets any unit stay home. Its dual is

    min Σ_s capacity_s·u_s + Σ_g u_g + Σ_d slots_d·v_d
    s.t. u_s + v_d ≥ w_sd,   u_g + size_g·v_d ≥ W_gd,   u, v ≥ 0.

The demand duals v are read from the optimal flow's residual graph: shortest-path
distances d from the source (Bellman–Ford; the residual graph of an optimal flow has no
negative cycle) give v_d = d_sink − d_d, clipped at 0. For any v ≥ 0 the smallest
feasible u is u_s = max(0, max_d w_sd − v_d) (and the same for groups), and the dual value
bounds the LP — hence the integer problem — from above, so a caller that prices pairs
outside the problem can prove a bound over all of them with the same v.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from matching.errors import InvalidInputError, SolverError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Costs are integers for OR-Tools: weights are scaled by this factor and rounded; the
# bound the caller proves is recomputed from the float weights, so rounding never makes
# it wrong, only (by at most units × 0.5 / scale) less tight.
COST_SCALE = 1e7


@dataclass(frozen=True)
class Placements:
    """Whole-group placements: group `group[i]` at demand `demand[i]`, worth `value[i]`."""

    group: IntArray
    demand: IntArray
    value: FloatArray
    size: IntArray  # per group: its number of members


@dataclass(frozen=True)
class AssignmentDuals:
    """The relaxation's optimum: demand duals, the smallest matching supplier and group
    duals, its value (primal), the dual value, and the units each edge/placement carries."""

    demand: FloatArray
    supplier: FloatArray
    group: FloatArray
    value: float
    dual_value: float
    edge_flow: IntArray
    placement_flow: IntArray
    iterations: int


def smallest_supplier_duals(
    n: int, owner: IntArray, value: FloatArray, price: FloatArray
) -> FloatArray:
    """u_s = max(0, max over s's columns of value − price): the least u that keeps the
    dual feasible for every column listed."""
    u = np.zeros(n, dtype=np.float64)
    if owner.size:
        np.maximum.at(u, owner, value - price)
    return u


def assignment_duals(
    capacity: IntArray,
    slots: IntArray,
    edge_supplier: IntArray,
    edge_demand: IntArray,
    edge_weight: FloatArray,
    placements: Placements,
) -> AssignmentDuals:
    """Solve the relaxation as a min-cost flow and read its duals (see the module doc).

    Suppliers listed in no edge (group members) take part only through `placements`.
    """
    n_s, n_d, n_g = capacity.size, slots.size, placements.size.size
    if np.any(~np.isfinite(edge_weight)) or np.any(~np.isfinite(placements.value)):
        raise InvalidInputError("weights must be finite.", item="weight")
    network = _Network(capacity, slots, edge_supplier, edge_demand, edge_weight, placements)
    flows = network.solve()
    distance, iterations = _distances(network, flows)
    sink = network.sink
    v = np.zeros(n_d, dtype=np.float64)
    reach = distance[network.demand_node : network.demand_node + n_d] < _UNREACHED
    if distance[sink] >= _UNREACHED:
        raise SolverError("the sink is unreachable in the residual graph")
    v[reach] = (distance[sink] - distance[network.demand_node : network.demand_node + n_d])[
        reach
    ] / COST_SCALE
    v = np.maximum(v, 0.0)
    edge_flow = flows[network.edge_arcs]
    placement_flow = flows[network.placement_arcs]
    u = smallest_supplier_duals(n_s, edge_supplier, edge_weight, v[edge_demand])
    size = placements.size[placements.group]
    u_g = smallest_supplier_duals(
        n_g, placements.group, placements.value, size * v[placements.demand]
    )
    value = float(
        np.dot(edge_flow, edge_weight)
        + np.dot(placement_flow / np.maximum(size, 1), placements.value)
    )
    dual_value = float(np.dot(capacity, u) + u_g.sum() + np.dot(slots, v))
    return AssignmentDuals(v, u, u_g, value, dual_value, edge_flow, placement_flow, iterations)


_UNREACHED = np.iinfo(np.int64).max // 4


class _Network:
    """The relaxation's arcs: supplier arcs, edges, group arcs, placements, sink arcs, bypass."""

    def __init__(
        self,
        capacity: IntArray,
        slots: IntArray,
        edge_supplier: IntArray,
        edge_demand: IntArray,
        edge_weight: FloatArray,
        placements: Placements,
    ) -> None:
        n_s, n_d, n_g = capacity.size, slots.size, placements.size.size
        self.group_node, self.demand_node = n_s, n_s + n_g
        self.source, self.sink = n_s + n_g + n_d, n_s + n_g + n_d + 1
        self.n_nodes = n_s + n_g + n_d + 2
        reach = np.bincount(edge_supplier, minlength=n_s).astype(np.int64)
        supply = np.concatenate((np.minimum(capacity, reach), placements.size)).astype(np.int64)
        total = int(supply.sum())
        size = placements.size[placements.group]
        self.tails = np.concatenate(
            (
                np.full(n_s + n_g, self.source),
                edge_supplier,
                self.group_node + placements.group,
                self.demand_node + np.arange(n_d),
                [self.source],
            )
        ).astype(np.int64)
        self.heads = np.concatenate(
            (
                np.arange(n_s + n_g),
                self.demand_node + edge_demand,
                self.demand_node + placements.demand,
                np.full(n_d, self.sink),
                [self.sink],
            )
        ).astype(np.int64)
        self.capacities = np.concatenate(
            # The free arc never fills up, so the sink stays reachable in the residual graph.
            (supply, np.ones(edge_supplier.size, dtype=np.int64), size, slots, [total + 1])
        ).astype(np.int64)
        per_unit = np.concatenate(
            (
                np.zeros(n_s + n_g),
                edge_weight,
                placements.value / np.maximum(size, 1),
                np.zeros(n_d + 1),
            )
        )
        self.costs = -np.rint(per_unit * COST_SCALE).astype(np.int64)
        start = n_s + n_g
        self.edge_arcs = np.arange(start, start + edge_supplier.size)
        start += edge_supplier.size
        self.placement_arcs = np.arange(start, start + placements.group.size)
        self.total = total

    def solve(self) -> IntArray:
        flow = min_cost_flow.SimpleMinCostFlow()
        arcs = flow.add_arcs_with_capacity_and_unit_cost(
            self.tails.astype(np.int32),
            self.heads.astype(np.int32),
            self.capacities,
            self.costs,
        )
        supplies = np.zeros(self.n_nodes, dtype=np.int64)
        supplies[self.source], supplies[self.sink] = self.total, -self.total
        flow.set_nodes_supplies(np.arange(self.n_nodes, dtype=np.int32), supplies)
        if flow.solve() != flow.OPTIMAL:
            raise SolverError("the relaxation's min-cost flow failed")
        return np.asarray(flow.flows(arcs), dtype=np.int64)


def _distances(network: _Network, flows: IntArray) -> tuple[IntArray, int]:
    """Shortest distances from the source in the residual graph (vectorised Bellman–Ford,
    relaxing only arcs whose tail improved in the previous pass)."""
    forward = flows < network.capacities
    backward = flows > 0
    tails = np.concatenate((network.tails[forward], network.heads[backward]))
    heads = np.concatenate((network.heads[forward], network.tails[backward]))
    costs = np.concatenate((network.costs[forward], -network.costs[backward]))
    order = np.argsort(tails, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    starts = np.searchsorted(tails, np.arange(network.n_nodes + 1))
    distance = np.full(network.n_nodes, _UNREACHED, dtype=np.int64)
    distance[network.source] = 0
    changed = np.array([network.source], dtype=np.int64)
    iterations = 0
    while changed.size:
        iterations += 1
        if iterations > network.n_nodes + 1:
            raise SolverError("negative cycle in an optimal flow's residual graph")
        arcs = _arcs_of(starts, changed)
        candidate = distance[tails[arcs]] + costs[arcs]
        before = distance.copy()
        np.minimum.at(distance, heads[arcs], candidate)
        changed = np.flatnonzero(distance < before)
    return distance, iterations


def _arcs_of(starts: IntArray, nodes: IntArray) -> IntArray:
    """Indices of the arcs leaving `nodes` (arcs sorted by tail, `starts` per node)."""
    lengths = starts[nodes + 1] - starts[nodes]
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.repeat(starts[nodes], lengths)
    offset = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.asarray(first + offset, dtype=np.int64)
