"""The flow relaxation behind `decompose`: the problem's LP relaxation, as a min-cost flow.

It applies when every edge at a demand has the same load (a need's days are the same
whoever serves it) and group members' edges have load 1. Flow is counted in load units
(service days): supplier s sends at most `capacity[s]` units; edge e carries up to
`load[e]` units at value/load per unit; demand d takes up to `load_d * slots[d]` units,
its k-th slot value spread over the k-th block of `load_d` units. A group is one node
sending up to |group| units to the demands it can go to as a whole, at the placement's
value per member. A unit flow that fills whole edges and whole groups is an assignment
of the same value, so the flow optimum bounds the true optimum from above; edges and
groups it fills only in part mark where the relaxation and the problem differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from matching.control import report
from matching.engine.problem import Problem
from matching.engine.result import objective_value
from matching.engine.solvers.presolve import GroupPlacements, useful_free_edges
from matching.engine.solvers.scaling import choose_scaling
from matching.errors import SolverError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_INT_RANGE = 2.0**60


def relaxation_applies(problem: Problem) -> bool:
    """Uniform loads per demand, and unit loads on every group member's edge."""
    lowest = np.full(problem.n_demands, np.iinfo(np.int64).max)
    highest = np.zeros(problem.n_demands, dtype=np.int64)
    np.minimum.at(lowest, problem.edge_demand, problem.load)
    np.maximum.at(highest, problem.edge_demand, problem.load)
    used = highest > 0
    grouped = problem.group_of_supplier[problem.edge_supplier] >= 0
    return bool(np.all(lowest[used] == highest[used]) and np.all(problem.load[grouped] == 1))


@dataclass(frozen=True)
class RelaxedSolution:
    """The whole edges and groups of the relaxation's optimum, and where it was fractional."""

    chosen: IntArray
    unsettled: BoolArray  # per demand: an edge or group there was filled only in part
    bound: float
    fractional_edges: int
    fractional_groups: int


def solve_relaxation(problem: Problem) -> RelaxedSolution:
    """Solve the unit flow; the problem must pass `relaxation_applies`."""
    return _UnitNetwork(problem).solve()


class _UnitNetwork:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.unit = _demand_load(problem)
        placements = GroupPlacements(problem)
        self.placements = placements
        fixed_edges = np.flatnonzero(problem.fixed & (_edge_group(problem) < 0))
        pinned = _pinned_placements(problem, placements)
        self.preset = np.sort(
            np.concatenate((fixed_edges, *(placements.edges_of(int(i)) for i in pinned)))
        ).astype(np.int64)
        settled_groups = np.zeros(len(problem.group_ids), dtype=np.bool_)
        settled_groups[placements.group[pinned]] = True
        self.edges = np.flatnonzero(useful_free_edges(problem) & ~problem.fixed)
        self.open_placements = np.flatnonzero(~settled_groups[placements.group])
        preset_count = np.bincount(problem.edge_demand[self.preset], minlength=problem.n_demands)
        self.slots_left = problem.slots - preset_count
        self.capacity_left = problem.capacity - np.bincount(
            problem.edge_supplier[self.preset],
            weights=problem.load[self.preset],
            minlength=problem.n_suppliers,
        ).astype(np.int64)
        self.preset_count = preset_count

    def solve(self) -> RelaxedSolution:
        p, pl = self.problem, self.placements
        n_s, n_g, n_d = p.n_suppliers, len(p.group_ids), p.n_demands
        group_node, demand_node = n_s, n_s + n_g
        source, sink = n_s + n_g + n_d, n_s + n_g + n_d + 1
        sizes = np.bincount(p.group_of_supplier[p.group_of_supplier >= 0], minlength=n_g)
        open_groups = np.unique(pl.group[self.open_placements])
        sink_demand, sink_value, sink_capacity = self._sink_arcs()
        edge_load = p.load[self.edges]
        place_size = pl.size[self.open_placements]
        supply = np.concatenate((self._supplier_supply(), sizes[open_groups]))
        total = int(supply.sum())
        tails = np.concatenate(
            (
                np.full(n_s + len(open_groups), source),
                p.edge_supplier[self.edges],
                group_node + pl.group[self.open_placements],
                demand_node + sink_demand,
                [source],
            )
        )
        heads = np.concatenate(
            (
                np.arange(n_s),
                group_node + open_groups,
                demand_node + p.edge_demand[self.edges],
                demand_node + pl.demand[self.open_placements],
                np.full(len(sink_demand), sink),
                [sink],
            )
        )
        capacities = np.concatenate((supply, edge_load, place_size, sink_capacity, [total]))
        unit_values = np.concatenate(
            (
                np.zeros(len(supply)),
                p.edge_value[self.edges] / edge_load,
                pl.value[self.open_placements] / place_size,
                sink_value,
                [0.0],
            )
        )
        scaling = choose_scaling(unit_values, _INT_RANGE / (source + 3))
        flow = min_cost_flow.SimpleMinCostFlow()
        arcs = flow.add_arcs_with_capacity_and_unit_cost(
            tails.astype(np.int32), heads.astype(np.int32), capacities, -scaling.apply(unit_values)
        )
        supplies = np.zeros(sink + 1, dtype=np.int64)
        supplies[source], supplies[sink] = total, -total
        flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
        report("relaxation: solving")
        solved = flow.solve()
        report("relaxation: solved")
        if solved != flow.OPTIMAL:
            raise SolverError("the relaxation's min-cost flow failed; this is a bug")
        amounts = flow.flows(arcs)
        relaxed_value = float(np.dot(amounts, unit_values))
        preset_value = objective_value(p, self.preset) if len(self.preset) else 0.0
        bound = preset_value + relaxed_value + scaling.error_bound(2 * total)
        start = len(supply)
        return self._decode(amounts[start:], edge_load, place_size, bound)

    def _decode(
        self, amounts: IntArray, edge_load: IntArray, place_size: IntArray, bound: float
    ) -> RelaxedSolution:
        p, pl = self.problem, self.placements
        edge_flow = amounts[: len(self.edges)]
        place_flow = amounts[len(self.edges) : len(self.edges) + len(self.open_placements)]
        unsettled = np.zeros(p.n_demands, dtype=np.bool_)
        partial_edge = (edge_flow > 0) & (edge_flow < edge_load)
        unsettled[p.edge_demand[self.edges[partial_edge]]] = True
        full_place = place_flow == place_size
        partial_place = (place_flow > 0) & ~full_place
        # A group with any partial placement has no whole one (its units are spent).
        broken = np.zeros(len(p.group_ids), dtype=np.bool_)
        broken[pl.group[self.open_placements[partial_place]]] = True
        unsettled[pl.demand[self.open_placements[partial_place]]] = True
        whole = self.open_placements[full_place & ~broken[pl.group[self.open_placements]]]
        chosen = np.concatenate(
            (
                self.preset,
                self.edges[edge_flow == edge_load],
                *(pl.edges_of(int(i)) for i in whole),
            )
        )
        return RelaxedSolution(
            chosen=np.sort(chosen).astype(np.int64),
            unsettled=unsettled,
            bound=bound,
            fractional_edges=int(partial_edge.sum()),
            fractional_groups=int(broken.sum()),
        )

    def _supplier_supply(self) -> IntArray:
        """What each supplier outside groups can send: its capacity, or what its edges take."""
        p = self.problem
        reach = np.bincount(
            p.edge_supplier[self.edges], weights=p.load[self.edges], minlength=p.n_suppliers
        ).astype(np.int64)
        return np.minimum(np.maximum(self.capacity_left, 0), reach)

    def _sink_arcs(self) -> tuple[IntArray, FloatArray, IntArray]:
        """Per demand: one block of `unit` units per remaining slot value, then the rest."""
        p = self.problem
        lengths = np.diff(p.slot_value_offsets)
        taken = np.minimum(self.preset_count, lengths)
        valued = np.minimum(lengths - taken, self.slots_left)
        demand_of_block = np.repeat(np.arange(p.n_demands), valued)
        position = np.arange(int(valued.sum())) - np.repeat(np.cumsum(valued) - valued, valued)
        first = p.slot_value_offsets[:-1] + taken
        block_value = p.slot_value_flat[np.repeat(first, valued) + position]
        plain = self.slots_left - valued
        has_plain = np.flatnonzero(plain > 0)
        unit = self.unit
        return (
            np.concatenate((demand_of_block, has_plain)).astype(np.int64),
            np.concatenate((block_value / unit[demand_of_block], np.zeros(len(has_plain)))),
            np.concatenate((unit[demand_of_block], unit[has_plain] * plain[has_plain])),
        )


def _demand_load(problem: Problem) -> IntArray:
    """The load of a demand's edges (uniform, checked by `relaxation_applies`), else 1."""
    unit = np.ones(problem.n_demands, dtype=np.int64)
    unit[problem.edge_demand] = problem.load
    return unit


def _edge_group(problem: Problem) -> IntArray:
    return problem.group_of_supplier[problem.edge_supplier]


def _pinned_placements(problem: Problem, placements: GroupPlacements) -> IntArray:
    """Placements that contain a fixed edge (presolve has checked they are consistent)."""
    if not len(placements):
        return np.zeros(0, dtype=np.int64)
    hits = np.add.reduceat(problem.fixed[placements.edges], placements.start[:-1])
    return np.flatnonzero(hits > 0).astype(np.int64)
