"""The expert match end to end: candidates, two engine stages, explanations, summary."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matching.data.decisions import Decisions
from matching.data.tables import split_codes
from matching.engine.result import Result
from matching.errors import InvalidInputError
from matching.experts.candidates import ExpertCandidates, generate
from matching.experts.config import ExpertConfig
from matching.experts.deep_poverty import DeepPovertyCheck, check_deep_poverty
from matching.experts.fill import fill_open_places
from matching.experts.pool import EdgePool, Weights, build_pool
from matching.experts.pricing import PricingReport, solve_priced
from matching.experts.rating import RatedPairs, apply_rating, train_rating
from matching.experts.rules import PairContext
from matching.experts.stages import (
    Seat,
    Stage,
    Suppliers,
    lead_stage,
    suppliers_of,
    team_seats,
    team_stage,
)
from matching.experts.tables import ExpertTables
from matching.outputs import MatchOutput
from matching.scoring.text import TextAffinity
from matching.sorting import lexsort

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ExpertRun:
    """Everything the explanations need: inputs, pool, stages and their results."""

    tables: ExpertTables
    config: ExpertConfig
    decisions: Decisions
    context: PairContext
    candidates: ExpertCandidates
    pool: EdgePool
    suppliers: Suppliers
    stages: tuple[Stage, ...]
    results: tuple[Result, ...]
    pricing: tuple[PricingReport, ...]
    chosen: IntArray  # pool edges
    role: tuple[str, ...]  # per chosen edge: lead, team or locked
    seat_skills: tuple[tuple[str, ...], ...]  # per chosen edge
    timings: dict[str, float] = field(default_factory=dict)
    rated: RatedPairs | None = None  # the rating model behind the weights, when one was used
    deep_poverty: DeepPovertyCheck | None = None  # the lead plan against the most coverable


ExpertMatch = MatchOutput[ExpertRun]


def run_stages(
    tables: ExpertTables,
    config: ExpertConfig,
    decisions: Decisions,
    weights: Weights | None = None,
) -> ExpertRun:
    """Candidates, the lead stage, then the team stage, each priced over every eligible pair.

    `weights` replaces the edge weights (the same rules, pairs and priorities with another
    objective: an evaluation's upper bound under a known outcome model).
    """
    started = time.perf_counter()
    context = pair_context(tables, config)
    candidates = generate(context)
    rating_started = time.perf_counter()
    rated = None
    if weights is None and config.edge_model == "rating":
        fit = train_rating(tables, context)
        if fit is not None:
            candidates, rated = apply_rating(fit, tables, candidates, config)
    rating_time = time.perf_counter() - rating_started
    pool = build_pool(context, candidates, decisions, weights)
    suppliers = suppliers_of(tables, pool)
    scored = time.perf_counter()
    ids = (
        tables.experts["expert_id"].astype(str).tolist(),
        tables.needs["need_id"].astype(str).tolist(),
    )
    previous = pool.index_of(decisions.previous, ids)
    lead_locks, team_locks = _split_locks(pool, pool.index_of(decisions.locked, ids))
    # All locks must fit together (else invalid input, naming the expert); the lead stage
    # then plans only the days the team locks leave, so it cannot crowd them out.
    _remaining_capacity(tables, pool, suppliers, np.concatenate([lead_locks, team_locks]))
    lead_capacity = _remaining_capacity(tables, pool, suppliers, team_locks)
    lead = lead_stage(tables, config, pool, suppliers, lead_locks, previous, lead_capacity)
    lead_result, lead_pricing = _solve(lead, pool, tables, config)
    # A plan within the solver's gap may leave a need uncovered that a free expert fits.
    lead_chosen = fill_open_places(lead.problem, lead_result.chosen)
    lead_edges = lead.pool_edge[lead_chosen]
    deep = tables.priority_flags["deep_poverty_village"].to_numpy() == 1
    deep_poverty = check_deep_poverty(lead.problem, lead_chosen, deep, config.seed)
    seats = _open_seats(tables, pool, lead_edges, team_locks)
    remaining = _remaining_capacity(
        tables, pool, suppliers, np.concatenate([lead_edges, team_locks])
    )
    taken = np.concatenate([lead_edges, team_locks])
    team = team_stage(tables, config, pool, suppliers, seats, remaining, taken, previous)
    team_result, team_pricing = _solve(team, pool, tables, config)
    team_chosen = fill_open_places(team.problem, team_result.chosen)
    team_edges = team.pool_edge[team_chosen]
    seat_of = team.problem.edge_demand[team_chosen]
    chosen = np.concatenate([lead_edges, team_locks, team_edges])
    roles = (
        ("lead",) * lead_edges.size + ("locked",) * team_locks.size + ("team",) * team_edges.size
    )
    asked = lead.seat_skills
    seat_skills = (
        tuple(asked[int(pool.need[i])] for i in lead_edges)
        + tuple(asked[int(pool.need[i])] for i in team_locks)
        + tuple(team.seat_skills[int(s)] for s in seat_of)
    )
    timings = {
        "scoring": scored - started,
        "rating_model": rating_time,
        "total": time.perf_counter() - started,
    }
    return ExpertRun(
        tables, config, decisions, context, candidates, pool, suppliers,
        (lead, team), (lead_result, team_result), (lead_pricing, team_pricing),
        chosen, roles, seat_skills, timings, rated, deep_poverty,
    )  # fmt: skip


def pair_context(tables: ExpertTables, config: ExpertConfig) -> PairContext:
    """Text vectors of needs and experts (fitted on both), for scoring pairs block by block."""
    profiles = tables.experts["profile_zh"].tolist()
    descriptions = tables.needs["description_zh"].tolist()
    # One pass over the texts: fitting and vectorising both count every text's n-grams.
    text_model = TextAffinity()
    vectors = text_model.fit_transform([*profiles, *descriptions])
    return PairContext(
        tables, config, vectors[len(profiles) :], vectors[: len(profiles)], text_model
    )


def _solve(
    stage: Stage, pool: EdgePool, tables: ExpertTables, config: ExpertConfig
) -> tuple[Result, PricingReport]:
    period = tables.need_period[stage.need_of_edge]
    result, pricing = solve_priced(
        stage.problem,
        pool.start[stage.pool_edge],
        period,
        solver=config.solver,
        work_limit=config.work_limit,
        time_limit=config.time_limit,
        seed=config.seed,
    )
    logger.info("%s: %s, gap %.2g, %s", result.solver, result.status, result.gap, pricing)
    return result, pricing


def _split_locks(pool: EdgePool, locked: IntArray) -> tuple[IntArray, IntArray]:
    """The first lock of each need (by expert) is its lead; further locks join its team."""
    order = lexsort((pool.expert[locked], pool.need[locked]))
    locked = locked[order]
    first = np.r_[True, np.diff(pool.need[locked]) != 0] if locked.size else np.zeros(0, bool)
    return locked[first], locked[~first]


def _open_seats(
    tables: ExpertTables, pool: EdgePool, lead_edges: IntArray, team_locks: IntArray
) -> list[Seat]:
    """Team places of every need whose lead was found and that wants more than one expert."""
    specialties = tables.experts["specialty_codes"]
    wanted = tables.needs["experts_wanted"].to_numpy(np.int64)
    covered: dict[int, set[str]] = {}
    count: dict[int, int] = {}
    for i in np.r_[lead_edges, team_locks].tolist():
        need = int(pool.need[i])
        covered.setdefault(need, set()).update(split_codes(specialties.iloc[pool.expert[i]]))
        count[need] = count.get(need, 0) + 1
    seats: list[Seat] = []
    for need in sorted(covered):
        seats.extend(team_seats(tables, need, covered[need], int(wanted[need]) - count[need]))
    return seats


def _remaining_capacity(
    tables: ExpertTables, pool: EdgePool, suppliers: Suppliers, used_edges: IntArray
) -> IntArray:
    load = tables.needs["days_needed"].to_numpy(np.int64)[pool.need[used_edges]]
    used = np.bincount(
        suppliers.of_edge[used_edges], weights=load, minlength=len(suppliers.ids)
    ).astype(np.int64)
    remaining = suppliers.capacity - used
    if np.any(remaining < 0):
        supplier = suppliers.ids[int(np.argmin(remaining))]
        raise InvalidInputError(
            f"locked pairs exceed the service days of {supplier}.", item=supplier
        )
    return remaining
