"""Solving a stage over every eligible pair by pricing (column generation).

A stage's problem is built over every pair that passes the hard rules, but the engine is
given only a start set (the top k per need, published and locked pairs). Rounds then
price the set's relaxation (`matching.engine.pricing`: supplier prices from an exact
min-cost flow), scan every eligible edge outside the set for a positive reduced cost and
add the best of them per demand, until none is left (or the few left could raise the
bound by at most `SETTLED` of it: they then join without another flow, and the prices'
bound, still valid, is within that share of the exact relaxation). Then the set's
relaxation bound is the relaxation bound over all eligible edges, and for any plan x on
the full set

    value(x) ≤ set's bound + Σ_{e outside the set} reduced_cost_e · x_e,

so the best plan on the full set is worth at most max(the engine's bound on the set,
the set's bound + the largest outside reduced cost) — and never more than the prices'
weak-duality bound over every edge, nor than their knapsack bound over every edge (one
knapsack of needs per expert within his days, `matching.engine.pricing.knapsack_bound`:
whole needs seldom fill an expert's days exactly, so it is the lowest of the three on the
province's expert stages). The smallest is reported: a gap to it holds for every eligible
pair, not only the shortlist. Edges that could beat a quick greedy plan
(reduced cost above −(bound − plan)) join before the one exact solve, while there are few
of them, so a plan proven optimal on the set is optimal on every eligible pair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from matching.engine.pricing import (
    Prices,
    bound,
    demand_prices,
    knapsack_bound,
    supplier_prices,
)
from matching.engine.problem import Problem
from matching.engine.result import Result, Status
from matching.engine.solvers import solve
from matching.experts.split import restricted, solve_in_parts
from matching.sorting import lexsort

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

# Prices are exact for values rounded to 1e-4 per day, so reduced costs carry noise of
# about that much per day of load: below this, a reduced cost counts as zero.
TOLERANCE = 1e-3
ADDED_PER_DEMAND = 8  # edges added per demand and round: a few, so the LP stays small
MAX_ROUNDS = 50
# Pricing stops once the edges left outside could raise the relaxation bound by at most
# this share of it. The last rounds of the province lead stage add 22 and then 1 edge for
# a change of 2e-7 of the bound, each for an exact flow of 3–4 s.
SETTLED = 1e-6
MAX_CLOSING_EDGES = 5_000  # edges that could beat the plan, solved again when this few


@dataclass(frozen=True)
class PricingReport:
    """What pricing did for one stage."""

    eligible: int  # edges of the stage over every eligible pair
    start: int  # edges given to the engine before pricing
    priced: int  # edges pricing added to them
    rounds: int  # LP solves
    proven: bool  # no eligible edge left with a positive reduced cost
    relaxation: float  # the prices' bound over the set: its LP optimum (within SETTLED)
    bound: float  # the bound over every eligible pair (inf when not proven)

    def as_dict(self) -> dict[str, int | float | bool | None]:
        return {
            "eligible_pairs": self.eligible,
            "start_pairs": self.start,
            "pairs_priced": self.priced,
            "rounds": self.rounds,
            "full_set_bound_proven": self.proven,
            "full_set_bound": self.bound if math.isfinite(self.bound) else None,
        }


class Limits(NamedTuple):
    work: float  # counted work per solve: decides the answer
    time: float  # seconds: a safety stop


def solve_priced(
    problem: Problem,
    start: BoolArray,
    part_of_edge: IntArray,
    *,
    solver: str,
    work_limit: float,
    time_limit: float,
    seed: int,
) -> tuple[Result, PricingReport]:
    """Solve `problem` with pricing from the `start` edges; chosen edges index `problem`."""
    member = start.copy() | problem.fixed
    rounds, prices, gain = _price(problem, member, 0, part_of_edge)
    # Edges that could beat a quick greedy plan join before the one exact solve, so a plan
    # proven optimal on the set is optimal on every eligible pair (see `_with_full_bound`).
    guess = solve(restricted(problem, np.flatnonzero(member)), solver="greedy", seed=seed)
    closing = _could_beat(problem, member, prices, gain, guess.objective)
    if 0 < closing.sum() <= MAX_CLOSING_EDGES:
        # No new pricing round: the closing edges have reduced cost ≤ TOLERANCE, so the
        # prices stay dual feasible for the larger set and its bound (computed from them
        # over the new set) rises by at most TOLERANCE per closing edge.
        member |= closing
    limits = Limits(work_limit, time_limit)
    result = _solve_members(problem, member, part_of_edge, solver, limits, seed)
    return _with_full_bound(problem, member, start, prices, result, rounds)


def _price(
    problem: Problem, member: BoolArray, rounds: int, part_of_edge: IntArray | None = None
) -> tuple[int, Prices, FloatArray]:
    """Add positive-reduced-cost edges until none is left (or the rounds run out); the
    last prices and the reduced costs they give outside the (unchanged since) set.
    Parts of a stage that share no expert and no need are priced side by side."""
    while True:
        prices = supplier_prices(problem, member, part_of_edge)
        rounds += 1
        gain = _outside_gain(problem, member, prices)
        positive = np.flatnonzero(gain > TOLERANCE)
        if positive.size == 0 or rounds >= MAX_ROUNDS:
            return rounds, prices, gain
        if _settled(problem, member, prices, gain):
            # The last few positive edges join without another flow: the prices' bound
            # over the larger set is still valid (weak duality), and within SETTLED of
            # the exact relaxation, which another flow would only confirm.
            member[positive] = True
            return rounds, prices, np.where(member, -np.inf, gain)
        member[_best_per_demand(problem.edge_demand[positive], gain[positive], positive)] = True


def _settled(problem: Problem, member: BoolArray, prices: Prices, gain: FloatArray) -> bool:
    """Whether every outside edge together could raise the set's relaxation bound by at
    most SETTLED of it: per demand, the bound with more edges is at most the bound with
    the set plus the outside edges' positive reduced costs (its β is one choice of many)."""
    rise = float(np.maximum(gain, 0.0).sum())
    return rise <= SETTLED * abs(bound(problem, prices, member))


def _outside_gain(problem: Problem, member: BoolArray, prices: Prices) -> FloatArray:
    """Reduced cost of every edge outside the set (−inf inside): r_e − β_d."""
    surplus = prices.surplus(problem)
    beta = demand_prices(problem, surplus, member)
    return np.where(member, -np.inf, surplus - beta[problem.edge_demand])


def _best_per_demand(demand: IntArray, gain: npt.NDArray[np.float64], edges: IntArray) -> IntArray:
    order = lexsort((edges, -gain, demand))
    demand, edges = demand[order], edges[order]
    first = np.searchsorted(demand, demand)  # first position of each edge's demand
    rank = np.arange(demand.size) - first
    return edges[rank < ADDED_PER_DEMAND]


def _solve_members(
    problem: Problem,
    member: BoolArray,
    part_of_edge: IntArray,
    solver: str,
    limits: Limits,
    seed: int,
) -> Result:
    members = np.flatnonzero(member).astype(np.int64)
    sub = restricted(problem, members)
    result = solve_in_parts(
        sub,
        part_of_edge[members],
        solver=solver,
        work_limit=limits.work,
        time_limit=limits.time,
        seed=seed,
    )
    return replace(result, chosen=members[result.chosen])


def _could_beat(
    problem: Problem, member: BoolArray, prices: Prices, gain: FloatArray, objective: float
) -> BoolArray:
    """Outside edges (reduced costs `gain` under `prices`) that some plan better than
    `objective` might use."""
    slack = bound(problem, prices, member) - objective
    return np.asarray(gain > -slack + 1e-9, dtype=bool)


def _with_full_bound(
    problem: Problem,
    member: BoolArray,
    start: BoolArray,
    prices: Prices,
    result: Result,
    rounds: int,
) -> tuple[Result, PricingReport]:
    """The bound over every eligible edge: the best of three valid ones.

    The prices' weak-duality and knapsack bounds over all edges always hold; when no
    outside edge has a positive reduced cost, a plan using outside edges is also worth at
    most the set's bound plus the best outside reduced cost, and one using none at most
    the engine's bound.
    """
    relaxation = bound(problem, prices, member)
    every_edge = np.ones(problem.n_edges, dtype=bool)
    everywhere = min(
        bound(problem, prices, every_edge), knapsack_bound(problem, prices, every_edge)
    )
    best_outside = float(_outside_gain(problem, member, prices).max(initial=-np.inf))
    proven = best_outside <= TOLERANCE
    full = everywhere
    if best_outside <= 0:
        full = min(everywhere, max(result.bound, relaxation + best_outside))
    start_count = int((start | problem.fixed).sum())
    report = PricingReport(
        eligible=problem.n_edges,
        start=start_count,
        priced=int(member.sum()) - start_count,
        rounds=rounds,
        proven=proven,
        relaxation=relaxation,
        bound=full,
    )
    return _rebounded(result, full), report


def _rebounded(result: Result, bound: float) -> Result:
    """The result with the full-set bound: optimal only when that bound is met."""
    if result.status == "infeasible":
        return result
    gap_closed = bound - result.objective <= 1e-9 * max(1.0, abs(result.objective))
    status: Status = "optimal" if gap_closed else "feasible"
    return replace(result, bound=bound, status=status)
