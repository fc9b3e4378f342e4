"""History: past placements with 6-month outcomes and past expert visits with ratings.

Past assignments imitate hand dispatching, imperfect but never against the rules: a
dispatcher offers each worker (or need) a few candidates that pass every hard rule the
matchers apply — checked with the matchers' own rule functions — and the best one by a
rough rule of thumb plus noise is taken, first come first served while a posting has
positions (or an expert has service days) left. So the history is neither random nor
optimal, and never illegal. Outcomes are then drawn from the hidden truth
(`matching.synth.truth`).

Placements start 2024–2025, so the age rule is checked with the age the worker had in the
posting's year. Visits obey every expert rule except availability: the data keep experts'
available periods for the planning periods only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matching.data.dataset import Dataset
from matching.data.reference import Reference
from matching.experts.config import ExpertConfig
from matching.experts.rules import RULES as EXPERT_RULES
from matching.experts.rules import PairContext
from matching.experts.tables import ExpertTables
from matching.labour.config import LabourConfig
from matching.labour.eligible import eligible_blocks, group_options
from matching.labour.tables import Workforce
from matching.scoring.candidates import top_k_per_row
from matching.synth.sampling import FloatArray, IntArray, make_ids
from matching.synth.scales import PLANNING_YEAR
from matching.synth.truth import expected_visit_rating, retention_probability
from matching.synth.truth_features import retention_features

PLACEMENT_CANDIDATES = 12
VISIT_CANDIDATES = 6
GROUP_TOGETHER_SHARE = 0.6
# Workers a dispatcher looks at, as a multiple of the placements to make: not everyone who
# is offered something takes it, and full postings turn people away.
WORKER_POOL_FACTOR = 2
RATING_NOISE_SD = 0.7
# Visit rules that the history checks (availability is only known for the planning periods).
HISTORY_VISIT_RULES = tuple(rule for rule in EXPERT_RULES if rule not in ("industry", "period"))


def _dates_in_periods(rng: np.random.Generator, periods: list[str]) -> list[str]:
    """A random day inside each quarter such as `2025Q3`."""
    years = np.array([int(p[:4]) for p in periods])
    months = np.array([3 * (int(p[-1]) - 1) + 1 for p in periods])
    starts = np.array(
        [f"{y:04d}-{m:02d}-01" for y, m in zip(years, months, strict=True)], dtype="datetime64[D]"
    )
    days = starts + rng.integers(0, 90, size=len(periods)).astype("timedelta64[D]")
    return [str(day) for day in np.datetime_as_string(days, unit="D")]


def history_workforces(
    data: Dataset, ref: Reference, workers: IntArray
) -> list[tuple[Workforce, IntArray]]:
    """Per year of the closed postings: the workers `workers` (table rows) with the age they
    had that year, that year's closed postings, and those postings' table rows."""
    postings = data.postings
    closed = np.flatnonzero(postings["status"].to_numpy() == "closed")
    year = postings["period"].astype(str).str.slice(0, 4).astype(int).to_numpy()[closed]
    pool = data.workers.iloc[workers].copy()
    current_age = pool["age"].to_numpy(np.int64)
    forces = []
    for y in sorted(set(year.tolist())):
        rows = closed[year == y].astype(np.int64)
        pool["age"] = current_age - (PLANNING_YEAR - y)
        force = Workforce(
            pool,
            postings.iloc[rows],
            data.villages,
            ref.partner_cities,
            ref.active_pairings(y),
        )
        forces.append((force, rows))
    return forces


@dataclass(frozen=True)
class Offers:
    """Per pool worker, up to `PLACEMENT_CANDIDATES` eligible postings (table rows, -1 pads),
    best first by the dispatcher's noisy rule of thumb; per group, the postings it may take."""

    postings: IntArray
    group_members: list[IntArray]  # pool positions
    group_postings: list[IntArray]  # table rows


def _rough_scores(
    data: Dataset, ref: Reference, workers: IntArray, postings: IntArray
) -> FloatArray:
    """A dispatcher's rule of thumb: the sector the worker asked for, the paired city, the
    required skill, the city the worker named."""
    f = retention_features(data, ref, workers, postings, np.zeros(workers.shape))
    return np.asarray(
        1.5 * f.wants_sector + 1.0 * f.paired + 1.0 * f.required_skill_fit + 0.5 * f.wants_city,
        dtype=np.float64,
    )


def _offers(rng: np.random.Generator, data: Dataset, ref: Reference, workers: IntArray) -> Offers:
    config = LabourConfig()
    k = PLACEMENT_CANDIDATES
    keys = np.full((workers.size, 0), -np.inf)
    found = np.full((workers.size, 0), -1, dtype=np.int64)
    members: list[IntArray] = []
    group_posts: list[IntArray] = []
    for force, rows in history_workforces(data, ref, workers):
        year_keys = np.full((workers.size, k), -np.inf)
        year_found = np.full((workers.size, k), -1, dtype=np.int64)
        for block in eligible_blocks(force, config):
            if block.posts.size == 0:
                continue
            random_key = np.where(block.allowed, rng.random(block.allowed.shape), -np.inf)
            take = min(k, block.posts.size)
            top = np.argpartition(-random_key, take - 1, axis=1)[:, :take]
            taken_keys = np.take_along_axis(random_key, top, axis=1)
            year_keys[block.rows, :take] = taken_keys
            # fewer allowed postings than `take`: the rest of the row is no offer
            year_found[block.rows, :take] = np.where(
                np.isfinite(taken_keys), rows[block.posts[top]], -1
            )
        keys = np.concatenate([keys, year_keys], axis=1)
        found = np.concatenate([found, year_found], axis=1)
        options = group_options(force, config)
        members.extend(options.members)
        group_posts.extend(rows[p] for p in options.postings)
    # a few random eligible postings of either year, then ordered by the rule of thumb
    pick = np.argsort(-keys, axis=1, kind="stable")[:, :k]
    offered = np.take_along_axis(found, pick, axis=1)
    valid = offered >= 0
    score = np.full(offered.shape, -np.inf)
    at_worker, at_slot = np.nonzero(valid)
    score[at_worker, at_slot] = _rough_scores(
        data, ref, workers[at_worker], offered[at_worker, at_slot]
    ) + rng.gumbel(0.0, 1.0, size=at_worker.size)
    order = np.argsort(-score, axis=1, kind="stable")
    ranked = np.where(
        np.take_along_axis(valid, order, axis=1), np.take_along_axis(offered, order, axis=1), -1
    )
    return Offers(ranked.astype(np.int64), members, group_posts)


def _dispatch(
    rng: np.random.Generator, data: Dataset, offers: Offers, count: int
) -> tuple[IntArray, IntArray, np.ndarray]:
    """First come first served while positions last: groups that go together first, then
    single workers in random order, until `count` are placed. Returns pool positions,
    posting table rows and whether each went with their group."""
    room = data.postings["positions"].to_numpy(np.int64).copy()
    placed: dict[int, tuple[int, bool]] = {}
    for g in rng.permutation(len(offers.group_members)).tolist():
        team, options = offers.group_members[g], offers.group_postings[g]
        if rng.random() >= GROUP_TOGETHER_SHARE or options.size == 0:
            continue
        fits = options[room[options] >= team.size]
        if fits.size == 0 or len(placed) + team.size > count:
            continue
        posting = int(fits[rng.integers(0, fits.size)])
        room[posting] -= team.size
        placed.update({int(m): (posting, True) for m in team.tolist()})
    for worker in rng.permutation(offers.postings.shape[0]).tolist():
        if len(placed) >= count:
            break
        if worker in placed:
            continue
        for posting in offers.postings[worker].tolist():
            if posting >= 0 and room[posting] > 0:
                room[posting] -= 1
                placed[worker] = (posting, False)
                break
    who = np.array(sorted(placed), dtype=np.int64)
    where = np.array([placed[w][0] for w in who.tolist()], dtype=np.int64)
    together = np.array([placed[w][1] for w in who.tolist()], dtype=bool)
    return who, where, together


def make_placements(
    rng: np.random.Generator, data: Dataset, ref: Reference, count: int
) -> pd.DataFrame:
    """At most `count` past placements in closed postings, outcomes drawn from the truth."""
    size = min(len(data.workers), WORKER_POOL_FACTOR * count)
    workers = np.sort(rng.choice(len(data.workers), size=size, replace=False)).astype(np.int64)
    offers = _offers(rng, data, ref, workers)
    pool, posting, with_group = _dispatch(rng, data, offers, count)
    worker_ids = data.workers["worker_id"].to_numpy()[workers[pool]]
    posting_ids = data.postings["posting_id"].to_numpy()[posting]
    probability = retention_probability(data, worker_ids, posting_ids, with_group, ref)
    return pd.DataFrame(
        {
            "placement_id": make_ids("PL", len(pool), 6),
            "worker_id": worker_ids,
            "posting_id": posting_ids,
            "start_date": _dates_in_periods(
                rng, data.postings["period"].to_numpy()[posting].tolist()
            ),
            "with_group": with_group.astype(np.int64),
            "retained_6m": (rng.random(len(pool)) < probability).astype(np.int64),
        }
    )


def visit_context(data: Dataset) -> PairContext:
    """The expert matcher's pair rules over the closed needs (no text: it is no rule)."""
    closed = data.needs.loc[data.needs["status"] == "closed"]
    tables = ExpertTables(data.experts, closed, data.villages)
    no_text_needs = sp.csr_matrix((tables.n_needs, 1))
    no_text_experts = sp.csr_matrix((tables.n_experts, 1))
    return PairContext(tables, ExpertConfig(), no_text_needs, no_text_experts)


def visit_allowed(context: PairContext, rows: IntArray, experts: IntArray) -> np.ndarray:
    """Closed needs `rows` × experts `experts` (all of the needs' industry): the pair passes
    every rule the history checks."""
    block = context.block(rows, experts)
    allowed = np.ones((rows.size, experts.size), dtype=bool)
    for rule in HISTORY_VISIT_RULES:
        allowed &= block.passes[rule]
    return allowed


def _visit_scorer(
    rng: np.random.Generator, context: PairContext, rows: IntArray, experts: IntArray
) -> Callable[[IntArray], FloatArray]:
    """Noisy rough scores of needs `rows[local]` × `experts`; -inf where a rule fails."""

    def score_block(local: IntArray) -> FloatArray:
        block = context.block(rows[local], experts)
        allowed = visit_allowed(context, rows[local], experts)
        rough = 2.0 * block.skill_share - block.distance_km / 100.0
        noisy = rough + rng.gumbel(0.0, 1.0, size=rough.shape)
        return np.where(allowed, noisy, -np.inf)

    return score_block


def _visit_lists(rng: np.random.Generator, context: PairContext) -> IntArray:
    """Per closed need, up to `VISIT_CANDIDATES` eligible experts, best first by a rough rule
    (the asked skills, closeness) plus noise; -1 pads."""
    tables = context.tables
    lists = np.full((tables.n_needs, VISIT_CANDIDATES), -1, dtype=np.int64)
    industries = tables.needs["industry_code"].astype(str).to_numpy()
    for industry in sorted(set(industries.tolist())):
        rows = np.flatnonzero(industries == industry).astype(np.int64)
        experts = tables.experts_in_industry.get(industry, np.zeros(0, dtype=np.int64))
        if experts.size == 0:
            continue

        def score_block(
            local: IntArray, rows: IntArray = rows, experts: IntArray = experts
        ) -> FloatArray:
            block = context.block(rows[local], experts)
            allowed = visit_allowed(context, rows[local], experts)
            rough = 2.0 * block.skill_share - block.distance_km / 100.0
            noisy = rough + rng.gumbel(0.0, 1.0, size=rough.shape)
            return np.where(allowed, noisy, -np.inf)

        found = top_k_per_row(score_block, rows.size, VISIT_CANDIDATES, block_size=256)
        slot = np.zeros(found.rows.size, dtype=np.int64)
        if found.rows.size:
            start = np.r_[0, np.flatnonzero(np.diff(found.rows)) + 1]
            run = np.repeat(start, np.diff(np.r_[start, found.rows.size]))
            slot = np.arange(found.rows.size) - run
        lists[rows[found.rows], slot] = experts[found.cols]
    return lists


def make_visits(rng: np.random.Generator, data: Dataset) -> pd.DataFrame:
    """Past visits to closed needs by hand-dispatched experts, rated by the village.

    Needs come in random order and take the first expert on their list with enough
    service days left that quarter; a need nobody eligible could serve got no visit.
    """
    context = visit_context(data)
    tables = context.tables
    lists = _visit_lists(rng, context)
    days_needed = tables.needs["days_needed"].to_numpy(np.int64)
    period = tables.need_period
    left = np.repeat(
        tables.experts["service_days_per_quarter"].to_numpy(np.int64)[:, None],
        len(tables.periods),
        axis=1,
    )
    chosen = np.full(tables.n_needs, -1, dtype=np.int64)
    for need in rng.permutation(tables.n_needs).tolist():
        for expert in lists[need].tolist():
            if expert >= 0 and left[expert, period[need]] >= days_needed[need]:
                left[expert, period[need]] -= days_needed[need]
                chosen[need] = expert
                break
    served = np.flatnonzero(chosen >= 0)
    expert_ids = tables.experts["expert_id"].to_numpy()[chosen[served]]
    need_ids = tables.needs["need_id"].to_numpy()[served]
    rating = expected_visit_rating(data, expert_ids, need_ids) + rng.normal(
        0, RATING_NOISE_SD, size=served.size
    )
    return pd.DataFrame(
        {
            "visit_id": make_ids("VS", served.size, 6),
            "expert_id": expert_ids,
            "need_id": need_ids,
            "village_id": tables.needs["village_id"].to_numpy()[served],
            "visit_date": _dates_in_periods(
                rng, tables.needs["period"].astype(str).to_numpy()[served].tolist()
            ),
            "days": days_needed[served],
            "rating": np.clip(np.round(rating), 1, 5).astype(np.int64),
        }
    )
