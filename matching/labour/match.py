"""The labour match end to end: shortlists, retention, weights, the engine, and stable mode."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matching.engine.problem import Problem
from matching.engine.result import Result
from matching.engine.solvers import solve
from matching.engine.stable import TwoSidedMarket, deferred_acceptance
from matching.labour.candidates import Shortlist, shortlist
from matching.labour.config import LabourConfig
from matching.labour.features import industry_wish, pair_features
from matching.labour.rules import wage_term
from matching.labour.tables import Workforce
from matching.scoring.candidates import Candidates
from matching.scoring.outcome import RetentionModel

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class LabourEdges:
    """Edges handed to the engine, with the terms of their weights."""

    worker: IntArray
    posting: IntArray
    retention: FloatArray
    priority: FloatArray
    city_wish: FloatArray
    industry_wish: FloatArray
    wage_term: FloatArray
    weight: FloatArray


@dataclass(frozen=True)
class LabourRun:
    force: Workforce
    config: LabourConfig
    shortlist: Shortlist
    edges: LabourEdges
    problem: Problem
    result: Result
    timings: dict[str, float] = field(default_factory=dict)


def priority(force: Workforce, config: LabourConfig, worker: IntArray) -> FloatArray:
    """1 + bonuses for registered-poor households and deep-poverty villages."""
    poor = force.workers["registered_poor"].to_numpy(np.float64)[worker]
    deep = force.worker_village["deep_poverty"].to_numpy(np.float64)[worker]
    return 1.0 + config.poor_bonus * poor + config.deep_village_bonus * deep


def score_edges(
    force: Workforce, config: LabourConfig, model: RetentionModel, pairs: Candidates
) -> LabourEdges:
    """Predicted retention and weight of every shortlisted pair, then the top k per worker."""
    worker, posting = pairs.rows, pairs.cols
    retention = (
        model.retention(pair_features(force, worker, posting))
        if worker.size
        else np.zeros(0, dtype=np.float64)
    )
    expected = force.workers["expected_wage_yuan"].to_numpy(np.float64)[worker]
    wage = wage_term(force.postings["wage_yuan_month"].to_numpy(np.float64)[posting], expected)
    city = force.city_wish[worker, force.posting_city[posting]].astype(np.float64)
    industry = industry_wish(force, worker, posting).astype(np.float64)
    prio = priority(force, config, worker)
    weight = (
        retention * prio
        + config.city_weight * city
        + config.industry_weight * industry
        + config.wage_weight * wage
    )
    edges = LabourEdges(worker, posting, retention, prio, city, industry, wage, weight)
    return _top_k(force, edges, config.top_k)


def _top_k(force: Workforce, edges: LabourEdges, k: int) -> LabourEdges:
    """Keep each worker's k best postings; a group keeps the k best by its members' mean."""
    group = force.group_of_worker[edges.worker]
    key = np.where(group >= 0, force.n_workers + group, edges.worker)
    mean = _group_mean(key, edges.posting, edges.weight)
    order = np.lexsort((edges.posting, -mean, edges.worker))
    rank = _rank(edges.worker[order])
    keep = np.sort(order[rank < k])
    return LabourEdges(*(np.asarray(getattr(edges, f))[keep] for f in edges.__dataclass_fields__))


def _group_mean(key: IntArray, posting: IntArray, weight: FloatArray) -> FloatArray:
    pair = key * (int(posting.max(initial=0)) + 1) + posting
    unique, inverse = np.unique(pair, return_inverse=True)
    sums = np.bincount(inverse, weights=weight, minlength=unique.size)
    counts = np.bincount(inverse, minlength=unique.size)
    return np.asarray(sums / counts)[inverse]


def _rank(sorted_group: IntArray) -> IntArray:
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_group)) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, sorted_group.size]))
    return np.asarray(np.arange(sorted_group.size) - first, dtype=np.int64)


def build_problem(force: Workforce, edges: LabourEdges) -> Problem:
    """Workers (capacity 1) to postings (positions as slots); groups together or not at all."""
    groups: dict[str, list[int]] = {}
    names = force.group_names
    for worker in np.unique(edges.worker).tolist():
        group = int(force.group_of_worker[worker])
        if group >= 0:
            groups.setdefault(names[group], []).append(worker)
    return Problem.from_arrays(
        supplier_ids=force.workers["worker_id"].astype(str).tolist(),
        capacity=np.ones(force.n_workers, dtype=np.int64),
        demand_ids=force.postings["posting_id"].astype(str).tolist(),
        slots=force.postings["positions"].to_numpy(np.int64),
        edge_supplier=edges.worker,
        edge_demand=edges.posting,
        weight=edges.weight,
        groups=groups,
    )


def run_labour(force: Workforce, model: RetentionModel, config: LabourConfig) -> LabourRun:
    started = time.perf_counter()
    short = shortlist(force, config)
    listed = time.perf_counter()
    edges = score_edges(force, config, model, short.pairs)
    scored = time.perf_counter()
    problem = build_problem(force, edges)
    result = solve(problem, solver=config.solver, time_limit=config.time_limit, seed=config.seed)
    solved = time.perf_counter()
    logger.info("labour: %s by %s, gap %.2g", result.status, result.solver, result.gap)
    timings = {
        "shortlist": listed - started,
        "retention_and_weights": scored - listed,
        "solve": solved - scored,
        "total": solved - started,
    }
    return LabourRun(force, config, short, edges, problem, result, timings)


def stable_market(force: Workforce, edges: LabourEdges) -> TwoSidedMarket:
    """Workers rank by their own wishes and wage; postings rank by predicted retention."""
    return TwoSidedMarket(
        n_workers=force.n_workers,
        capacity=force.postings["positions"].to_numpy(np.int64),
        worker=edges.worker,
        posting=edges.posting,
        worker_score=edges.city_wish + edges.industry_wish + 2.0 * edges.wage_term,
        posting_score=edges.retention,
    )


def stable_assignment(force: Workforce, edges: LabourEdges) -> IntArray:
    """Edges chosen by worker-proposing deferred acceptance (groups are not kept together)."""
    return deferred_acceptance(stable_market(force, edges))
