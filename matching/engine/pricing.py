"""Prices for column generation: the relaxation's supplier prices and a bound over any edges.

Column generation solves a problem on a subset of its possible edges, then asks whether
an edge left out could improve the relaxation. The relaxation (no groups; every edge at a
demand has the demand's load, and all of a demand's slot values are equal, so they fold
into the edge values) is a transportation problem in load units: supplier s offers
`capacity[s]` units, demand d takes up to `slots[d]` edges of `load_d` units each, an
edge at most once. It is solved exactly as a min-cost flow (OR-Tools) with per-unit
values scaled to integers, and the supplier prices γ_s (per unit) are read from the
optimal flow as shortest-path potentials of its residual network.

Given any prices γ ≥ 0, weak duality bounds every plan over a set of edges E by

    Σ_s capacity_s γ_s + Σ_d [ slots_d β_d + Σ_{e ∈ E at d} (r_e − β_d)⁺ ],
    r_e = (value_e − load_e γ_s)⁺,  β_d = the slots_d-th largest r_e at d (0 if fewer),

so the bound over *every* edge is computed directly, not assumed. An edge outside the
subset with r_e above its demand's β_d (its *reduced cost* r_e − β_d > 0) could raise
the subset's relaxation; when none can, the subset's bound holds for all edges.

With the same β, relaxing only the demands' rows (a Lagrangian relaxation) leaves one
0-1 knapsack per supplier, and

    Σ_d slots_d β_d + Σ_s K_s,   K_s = the best knapsack of the edges at s, each worth
    (value_e − β_d)⁺ and weighing load_e, within capacity_s,

bounds every plan too (`knapsack_bound`). Its fractional knapsacks give back the bound
above, so it is never weaker; it is stronger where whole needs cannot fill an expert's
days: on the province lead stage's first period it cut the gap of the plan to the bound
from 0.396 % to 0.331 % (the best multipliers found by 60 subgradient steps, 30 s, gave
0.299 %: not worth their time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from matching.engine.problem import Problem
from matching.errors import InvalidInputError, SolverError
from matching.parallel import in_threads
from matching.sorting import lexsort

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

SCALE = 1e4  # per-unit values are rounded to 1e-4: the prices are exact for those values
# Knapsacks are solved exactly by dynamic programming over capacity while the table (one
# row per supplier, one column per unit of capacity) stays this small; else each one is
# bounded by its fractional knapsack (still a valid bound, as strong as the LP's).
MAX_KNAPSACK_CELLS = 10_000_000


@dataclass(frozen=True)
class Prices:
    """Supplier prices per unit of capacity, and the value each edge adds to a demand."""

    supplier: FloatArray
    edge_value: FloatArray  # value plus stability bonus plus the demand's slot value

    def surplus(self, problem: Problem) -> FloatArray:
        """r_e: what each edge earns above the price of its load (never below 0)."""
        cost = problem.load * self.supplier[problem.edge_supplier]
        return np.maximum(self.edge_value - cost, 0.0)


def edge_values(problem: Problem) -> FloatArray:
    """Each edge's value with its demand's (equal) slot value folded in."""
    counts = np.diff(problem.slot_value_offsets)
    first = problem.first_slot_value
    if np.any(problem.slot_value_flat != np.repeat(first, counts)):
        raise InvalidInputError("pricing needs equal slot values per demand.", item="slot_values")
    return np.asarray(problem.edge_value + first[problem.edge_demand], dtype=np.float64)


def demand_prices(problem: Problem, surplus: FloatArray, member: BoolArray) -> FloatArray:
    """β_d: the slots_d-th largest surplus among the `member` edges of each demand."""
    edges = np.flatnonzero(member & (surplus > 0))
    order = lexsort((-surplus[edges], problem.edge_demand[edges]))
    edges = edges[order]
    demand = problem.edge_demand[edges]
    rank = np.arange(edges.size) - np.searchsorted(demand, demand)
    at_slot = rank == problem.slots[demand] - 1
    beta = np.zeros(problem.n_demands)
    beta[demand[at_slot]] = surplus[edges[at_slot]]
    return beta


def bound(problem: Problem, prices: Prices, member: BoolArray) -> float:
    """The weak-duality bound over the `member` edges (see the module)."""
    surplus = prices.surplus(problem)
    beta = demand_prices(problem, surplus, member)
    above = np.where(member, np.maximum(surplus - beta[problem.edge_demand], 0.0), 0.0)
    return float(problem.capacity @ prices.supplier + problem.slots @ beta + above.sum())


def supplier_prices(
    problem: Problem,
    member: BoolArray,
    part_of_edge: IntArray | None = None,
    value: FloatArray | None = None,
) -> Prices:
    """Optimal supplier prices of the relaxation over the `member` edges. `part_of_edge`:
    parts that share no supplier and no demand (a stage's periods), whose flows are
    independent and are solved side by side. `value`: what each edge earns (default:
    `edge_values`, its value with its demand's slot value folded in)."""
    if problem.has_groups:
        raise InvalidInputError("pricing does not support groups.", item="groups")
    if value is None:
        value = edge_values(problem)
    edges = np.flatnonzero(member & (value > 0))
    load_d = problem.load[edges]
    unit = np.rint(value[edges] / load_d * SCALE).astype(np.int64)
    if part_of_edge is None:
        flow = _solve_flow(problem, edges, unit)
    else:
        flow = _solve_flow_in_parts(problem, edges, unit, part_of_edge[edges])
    potentials = _potentials(problem, edges, unit, flow)
    return Prices(potentials / SCALE, value)


def _solve_flow_in_parts(
    problem: Problem, edges: IntArray, unit: IntArray, part: IntArray
) -> IntArray:
    """`_solve_flow`, one flow per part on threads (the flow solver leaves the interpreter
    lock), when no supplier and no demand has edges in two parts; else one flow."""
    labels, which = np.unique(part, return_inverse=True)
    which = np.asarray(which).ravel()
    if labels.size < 2 or not _separate(problem, edges, which, labels.size):
        return _solve_flow(problem, edges, unit)
    pieces = [np.flatnonzero(which == i) for i in range(labels.size)]
    flows = in_threads(lambda at: _solve_flow(problem, edges[at], unit[at]), pieces)
    flow = np.empty(edges.size, dtype=np.int64)
    for at, piece_flow in zip(pieces, flows, strict=True):
        flow[at] = piece_flow
    return flow


def _separate(problem: Problem, edges: IntArray, which: IntArray, n_parts: int) -> bool:
    """No supplier and no demand has edges in two of the `n_parts` parts."""
    nodes = (
        (problem.edge_supplier[edges], problem.n_suppliers),
        (problem.edge_demand[edges], problem.n_demands),
    )
    for node, n_nodes in nodes:
        seen = np.zeros((n_parts, n_nodes), dtype=bool)
        seen[which, node] = True
        if np.any(seen.sum(axis=0) > 1):
            return False
    return True


def _solve_flow(problem: Problem, edges: IntArray, unit: IntArray) -> IntArray:
    """Units on each of `edges` in a maximum-value flow: source, suppliers, demands, sink."""
    n_s, n_d = problem.n_suppliers, problem.n_demands
    source, sink = n_s + n_d, n_s + n_d + 1
    load = np.zeros(n_d, dtype=np.int64)
    load[problem.edge_demand[edges]] = problem.load[edges]
    total = int(problem.capacity.sum())
    tails = np.r_[np.full(n_s, source), problem.edge_supplier[edges], n_s + np.arange(n_d), source]
    heads = np.r_[np.arange(n_s), n_s + problem.edge_demand[edges], np.full(n_d, sink), sink]
    capacities = np.r_[problem.capacity, problem.load[edges], problem.slots * load, total]
    costs = np.r_[np.zeros(n_s, np.int64), -unit, np.zeros(n_d + 1, np.int64)]
    network = min_cost_flow.SimpleMinCostFlow()
    network.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities.astype(np.int64), costs
    )
    supplies = np.zeros(n_s + n_d + 2, dtype=np.int64)
    supplies[source], supplies[sink] = total, -total
    network.set_nodes_supplies(np.arange(supplies.size, dtype=np.int32), supplies)
    if network.solve() != network.OPTIMAL:
        raise SolverError("the pricing flow was not solved to optimality.")
    flows = network.flows(np.arange(network.num_arcs(), dtype=np.int32))
    return np.asarray(flows[n_s : n_s + edges.size], dtype=np.int64)


def _potentials(problem: Problem, edges: IntArray, unit: IntArray, flow: IntArray) -> FloatArray:
    """γ_s ≥ 0 and π_d ≥ 0 with γ_s + π_d ≥ unit value on every edge that could take more,
    equality on edges carrying flow, γ_s = 0 on suppliers with room and π_d = 0 on demands
    with room: complementary slackness, solved as shortest paths (difference constraints,
    node r = 0, suppliers u = γ, demands z = −π) by Bellman–Ford over a moving frontier.
    """
    n_s, n_d = problem.n_suppliers, problem.n_demands
    root = n_s + n_d
    s, d = problem.edge_supplier[edges], n_s + problem.edge_demand[edges]
    used = np.bincount(s, weights=flow, minlength=n_s)
    room_s = np.flatnonzero(used < problem.capacity)
    taken = np.bincount(d - n_s, weights=flow, minlength=n_d)
    load = np.zeros(n_d, dtype=np.int64)
    load[d - n_s] = problem.load[edges]
    room_d = np.flatnonzero(taken < problem.slots * load)
    single = problem.slots[d - n_s] <= 1
    more = single | (flow < problem.load[edges])  # the edge could carry more
    carries = flow > 0
    tail = np.r_[s[more], d[carries], np.full(n_d, root), n_s + room_d, np.arange(n_s),
                 np.full(room_s.size, root)]  # fmt: skip
    head = np.r_[d[more], s[carries], n_s + np.arange(n_d), np.full(room_d.size, root),
                 np.full(n_s, root), room_s]  # fmt: skip
    weight = np.r_[-unit[more], unit[carries], np.zeros(n_d + room_d.size + n_s + room_s.size)]
    distance = _shortest_paths(root, tail, head, weight.astype(np.int64), n_s + n_d + 1)
    return np.asarray(np.maximum(distance[:n_s], 0), dtype=np.float64)


def _shortest_paths(
    root: int, tail: IntArray, head: IntArray, weight: IntArray, n_nodes: int
) -> IntArray:
    order = np.argsort(tail, kind="stable")
    tail, head, weight = tail[order], head[order], weight[order]
    start = np.searchsorted(tail, np.arange(n_nodes + 1))
    infinity = np.iinfo(np.int64).max // 4
    distance = np.full(n_nodes, infinity, dtype=np.int64)
    distance[root] = 0
    frontier = np.array([root], dtype=np.int64)
    for _ in range(4 * n_nodes + 4):
        if frontier.size == 0:
            return distance
        counts = start[frontier + 1] - start[frontier]
        offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        arcs = np.repeat(start[frontier], counts) + offset
        candidate = distance[tail[arcs]] + weight[arcs]
        before = distance.copy()
        np.minimum.at(distance, head[arcs], candidate)
        frontier = np.flatnonzero(distance < before)
    raise SolverError("pricing potentials did not settle: the flow was not optimal.")


def knapsack_bound(problem: Problem, prices: Prices, member: BoolArray) -> float:
    """The Lagrangian bound over the `member` edges with the demands' rows priced at β
    (see the module): never above `bound` with the same prices. Edges heavier than their
    supplier's capacity are in no plan, so they neither raise β nor enter a knapsack."""
    member = member & problem.edge_fits
    surplus = prices.surplus(problem)
    beta = demand_prices(problem, surplus, member)
    worth = prices.edge_value - beta[problem.edge_demand]
    items = np.flatnonzero(member & (worth > 0))
    best = knapsack_values(
        problem.edge_supplier[items], problem.load[items], worth[items], problem.capacity
    )
    return float(problem.slots @ beta + best.sum())


def knapsack_values(
    supplier: IntArray, load: IntArray, worth: FloatArray, capacity: IntArray
) -> FloatArray:
    """Per supplier, the best 0-1 knapsack of its items (`worth` > 0) within its capacity:
    exact by dynamic programming when the table is small enough, else an upper bound."""
    total_load = np.bincount(supplier, weights=load, minlength=len(capacity))
    best = np.bincount(supplier, weights=worth, minlength=len(capacity)).astype(np.float64)
    tight = np.flatnonzero(total_load > capacity)  # the others take every item
    if len(tight) == 0:
        return best
    width = int(capacity[tight].max()) + 1
    if len(tight) * width > MAX_KNAPSACK_CELLS:
        best[tight] = _fractional_knapsacks(supplier, load, worth, capacity)[tight]
    else:
        best[tight] = _exact_knapsacks(supplier, load, worth, capacity, tight, width)
    return best


def _exact_knapsacks(
    supplier: IntArray,
    load: IntArray,
    worth: FloatArray,
    capacity: IntArray,
    tight: IntArray,
    width: int,
) -> FloatArray:
    """The knapsacks of the `tight` suppliers by dynamic programming, all at once.

    Of the items of one load w at one supplier only the best capacity // w can be in a
    knapsack, so the others are dropped; the rest go in by (load, rank among that
    supplier's items of that load), each step one item per supplier at most, which keeps
    every item used once (0-1, not unbounded)."""
    row = np.full(len(capacity), -1, dtype=np.int64)
    row[tight] = np.arange(len(tight))
    keep = np.flatnonzero(row[supplier] >= 0)
    order = keep[lexsort((-worth[keep], load[keep], supplier[keep]))]
    new_group = np.r_[True, (np.diff(supplier[order]) != 0) | (np.diff(load[order]) != 0)]
    rank = np.arange(len(order)) - np.flatnonzero(new_group)[np.cumsum(new_group) - 1]
    useful = rank < capacity[supplier[order]] // load[order]
    order, rank = order[useful], rank[useful]
    table = np.zeros((len(tight), width))
    if len(order) == 0:  # no item fits anywhere
        return table[:, 0]
    steps = lexsort((rank, load[order]))
    order, rank = order[steps], rank[steps]
    changes = (np.diff(load[order]) != 0) | (np.diff(rank) != 0)
    cut = np.r_[0, np.flatnonzero(changes) + 1, len(order)]
    for a, b in zip(cut[:-1].tolist(), cut[1:].tolist(), strict=True):
        step = order[a:b]
        w = int(load[step[0]])
        rows = row[supplier[step]]
        table[rows, w:] = np.maximum(table[rows, w:], table[rows, : width - w] + worth[step, None])
    values: FloatArray = table[np.arange(len(tight)), capacity[tight]]
    return values


def _fractional_knapsacks(
    supplier: IntArray, load: IntArray, worth: FloatArray, capacity: IntArray
) -> FloatArray:
    """Per supplier, its items by worth per unit of load, as much as the capacity takes."""
    order = lexsort((-worth / load, supplier))
    s, w, v = supplier[order], load[order].astype(np.float64), worth[order]
    start = np.searchsorted(s, np.arange(len(capacity)))
    filled = np.cumsum(w)
    before = filled - w - np.r_[0.0, filled][start[s]]  # load of the better items
    share = np.clip((capacity[s] - before) / w, 0.0, 1.0)
    return np.bincount(s, weights=v * share, minlength=len(capacity)).astype(np.float64)


def placement_bound(problem: Problem, demands: BoolArray) -> float:
    """At most how many places of these demands any plan fills: the knapsack bound of the
    problem that counts one per edge at them and nothing else, at the prices of its
    relaxation (needs uniform loads per demand, no groups, like `supplier_prices`)."""
    member = demands[problem.edge_demand] & problem.edge_fits
    if not member.any():
        return 0.0
    one_each = member.astype(np.float64)
    prices = supplier_prices(problem, member, value=one_each)
    return min(float(problem.slots[demands].sum()), knapsack_bound(problem, prices, member))
