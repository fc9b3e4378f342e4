"""The labour match end to end: every eligible pair priced, the engine, and stable mode."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from matching.engine.duals import AssignmentDuals
from matching.engine.problem import Problem
from matching.engine.result import Result
from matching.engine.solvers import solve
from matching.labour.config import LabourConfig
from matching.labour.model import RetentionFit
from matching.labour.modes import compare_modes
from matching.labour.pricing import PricedMarket, PricingReport, price
from matching.labour.rules import RULES
from matching.labour.tables import Workforce
from matching.labour.weights import LabourEdges, Scorer
from matching.sorting import lexsort

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class LabourRun:
    force: Workforce
    config: LabourConfig
    removed: IntArray  # workers × rules: postings each hard rule removed, in funnel order
    has_eligible: npt.NDArray[np.bool_]  # per worker: a posting passes every rule
    edges: LabourEdges
    problem: Problem
    result: Result
    pricing: PricingReport
    duals: AssignmentDuals  # of the last restricted LP: posting and worker duals
    modes: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)

    def rule_that_removed_most(self, worker: int) -> str:
        return RULES[int(np.argmax(self.removed[worker]))]

    def proven_gap(self) -> float:
        """(bound over every eligible pair − objective) / max(1, |objective|)."""
        objective = self.result.objective
        return (self.pricing.full_bound - objective) / max(1.0, abs(objective))


def engine_pairs(market: PricedMarket, slack: float) -> tuple[IntArray, IntArray]:
    """The (worker, posting) pairs the integer solve needs (see
    `PricedMarket.engine_columns`), with every member's pair of the group options among
    them, sorted by worker then posting."""
    columns, groups, options = market.columns, market.groups, market.options
    pairs, chosen_options = market.engine_columns(slack)
    worker = [columns.worker[pairs]]
    posting = [columns.posting[pairs]]
    for g, j in zip(
        groups.group[chosen_options].tolist(), groups.posting[chosen_options].tolist(), strict=True
    ):
        members = options.members[g]
        worker.append(members)
        posting.append(np.full(members.size, j, dtype=np.int64))
    w, p = np.concatenate(worker), np.concatenate(posting)
    order = lexsort((p, w))
    return w[order], p[order]


def engine_edges(scorer: Scorer, market: PricedMarket) -> LabourEdges:
    """The engine's pairs with every term of their weights."""
    return scorer.edges(*engine_pairs(market, scorer.config.engine_slack))


def build_problem(force: Workforce, edges: LabourEdges) -> Problem:
    """Workers (capacity 1) to postings (positions as slots); groups together or not at all."""
    return placement_problem(
        force, edges.worker, edges.posting, edges.weight, groups_of(force, edges.worker)
    )


def groups_of(force: Workforce, worker: IntArray) -> dict[str, list[int]]:
    """The engine's groups: the members among `worker` of each group, by group name."""
    groups: dict[str, list[int]] = {}
    names = force.group_names
    for member in np.unique(worker).tolist():
        group = int(force.group_of_worker[member])
        if group >= 0:
            groups.setdefault(names[group], []).append(member)
    return groups


def placement_problem(
    force: Workforce,
    worker: IntArray,
    posting: IntArray,
    weight: npt.ArrayLike,
    groups: dict[str, list[int]] | None = None,
) -> Problem:
    """Workers (capacity 1) to postings (positions as slots), one edge per (worker, posting)."""
    return Problem.from_arrays(
        supplier_ids=force.workers["worker_id"].astype(str).tolist(),
        capacity=np.ones(force.n_workers, dtype=np.int64),
        demand_ids=force.postings["posting_id"].astype(str).tolist(),
        slots=force.postings["positions"].to_numpy(np.int64),
        edge_supplier=worker,
        edge_demand=posting,
        weight=weight,
        groups=groups,
    )


def solve_placement(problem: Problem, config: LabourConfig) -> Result:
    """The engine on a placement problem, with the matcher's solver settings."""
    return solve(
        problem,
        solver=config.solver,
        work_limit=config.work_limit,
        time_limit=config.time_limit,
        seed=config.seed,
    )


def run_labour(force: Workforce, fit: RetentionFit, config: LabourConfig) -> LabourRun:
    """Price every eligible pair, solve on the priced pairs, compare with stable mode."""
    started = time.perf_counter()
    scorer = Scorer(force, config, fit.model, fit.employers.rates(force))
    market = price(force, config, scorer)
    priced = time.perf_counter()
    edges = engine_edges(scorer, market)
    problem = build_problem(force, edges)
    result = solve_placement(problem, config)
    solved = time.perf_counter()
    logger.info("labour: %s by %s, gap %.2g", result.status, result.solver, result.gap)
    modes = compare_modes(force, edges, result.chosen)
    compared = time.perf_counter()
    timings = {
        "pricing": priced - started,
        "solve": solved - priced,
        "stable_mode": compared - solved,
        "total": compared - started,
    }
    return LabourRun(
        force, config, market.removed, market.has_eligible, edges, problem, result,
        market.report, market.duals, modes, timings,
    )  # fmt: skip
