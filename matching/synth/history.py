"""History: past placements with 6-month outcomes and past expert visits with ratings.

Past assignments imitate hand dispatching: each worker (or need) is offered a handful of
random candidates and takes the best by a rough rule of thumb plus noise, so the history
is neither random nor optimal. Outcomes are then drawn from the hidden truth
(`matching.synth.truth`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.data.dataset import Dataset
from matching.data.reference import Reference
from matching.synth.sampling import IntArray, make_ids
from matching.synth.truth import expected_visit_rating, retention_probability
from matching.synth.truth_features import retention_features, visit_features

PLACEMENT_CANDIDATES = 8
VISIT_CANDIDATES = 20
GROUP_TOGETHER_SHARE = 0.6
RATING_NOISE_SD = 0.7


def _dates_in_periods(rng: np.random.Generator, periods: list[str]) -> list[str]:
    """A random day inside each quarter such as `2025Q3`."""
    years = np.array([int(p[:4]) for p in periods])
    months = np.array([3 * (int(p[-1]) - 1) + 1 for p in periods])
    starts = np.array(
        [f"{y:04d}-{m:02d}-01" for y, m in zip(years, months, strict=True)], dtype="datetime64[D]"
    )
    days = starts + rng.integers(0, 90, size=len(periods)).astype("timedelta64[D]")
    return [str(day) for day in np.datetime_as_string(days, unit="D")]


def _best_candidate(rng: np.random.Generator, score: np.ndarray, candidates: IntArray) -> IntArray:
    noisy = score.reshape(candidates.shape) + rng.gumbel(0.0, 1.0, size=candidates.shape)
    return np.asarray(candidates[np.arange(len(candidates)), noisy.argmax(axis=1)], dtype=np.int64)


def _group_leaders(rng: np.random.Generator, groups: np.ndarray) -> tuple[IntArray, np.ndarray]:
    """Per placed worker: the row whose posting it takes, and whether it went with its group."""
    frame = pd.DataFrame({"group": groups, "row": np.arange(len(groups))})
    grouped = frame[frame["group"] != ""]
    unique_groups = grouped["group"].unique()
    together = pd.Series(rng.random(len(unique_groups)) < GROUP_TOGETHER_SHARE, index=unique_groups)
    first = grouped.groupby("group")["row"].transform("min")
    size = grouped.groupby("group")["row"].transform("size")
    goes = together.reindex(grouped["group"]).to_numpy() & (size.to_numpy() >= 2)
    leader = np.arange(len(groups))
    leader[grouped["row"].to_numpy()[goes]] = first.to_numpy()[goes]
    with_group = np.zeros(len(groups), dtype=bool)
    with_group[grouped["row"].to_numpy()[goes]] = True
    return leader, with_group


def make_placements(
    rng: np.random.Generator, data: Dataset, ref: Reference, count: int
) -> pd.DataFrame:
    """`count` past placements in closed postings, outcomes drawn from the truth."""
    closed = np.flatnonzero(data.postings["status"].to_numpy() == "closed")
    workers = np.sort(
        rng.choice(len(data.workers), size=min(count, len(data.workers)), replace=False)
    )
    candidates = rng.choice(closed, size=(len(workers), PLACEMENT_CANDIDATES))
    pair_workers = np.repeat(workers, PLACEMENT_CANDIDATES)
    f = retention_features(
        data, ref, pair_workers, candidates.ravel(), np.zeros(pair_workers.shape)
    )
    score = 1.5 * f.wants_sector + 1.0 * f.paired + 1.0 * f.required_skill_fit + 0.5 * f.wants_city
    posting = _best_candidate(rng, score, candidates)
    leader, with_group = _group_leaders(rng, data.workers["group_id"].to_numpy()[workers])
    posting = posting[leader]
    worker_ids = data.workers["worker_id"].to_numpy()[workers]
    posting_ids = data.postings["posting_id"].to_numpy()[posting]
    probability = retention_probability(data, worker_ids, posting_ids, with_group, ref)
    return pd.DataFrame(
        {
            "placement_id": make_ids("PL", len(workers), 6),
            "worker_id": worker_ids,
            "posting_id": posting_ids,
            "start_date": _dates_in_periods(
                rng, data.postings["period"].to_numpy()[posting].tolist()
            ),
            "with_group": with_group.astype(np.int64),
            "retained_6m": (rng.random(len(workers)) < probability).astype(np.int64),
        }
    )


def _visit_candidates(rng: np.random.Generator, data: Dataset, needs: IntArray) -> IntArray:
    """Half the candidates share the need's industry (a dispatcher's phone list), half anyone."""
    primary = data.experts["industry_codes"].str.split(";").str[0].to_numpy().astype(str)
    order = np.argsort(primary, kind="stable")
    wanted = data.needs["industry_code"].to_numpy().astype(str)[needs]
    start = np.searchsorted(primary[order], wanted, side="left")
    count = np.searchsorted(primary[order], wanted, side="right") - start
    half = VISIT_CANDIDATES // 2
    offsets = (rng.random((len(needs), half)) * count[:, None]).astype(np.int64)
    same = order[np.minimum(start[:, None] + offsets, len(order) - 1)]
    anyone = rng.integers(0, len(data.experts), size=(len(needs), VISIT_CANDIDATES - half))
    same = np.where(count[:, None] > 0, same, anyone[:, :1])
    return np.concatenate([same, anyone], axis=1).astype(np.int64)


def make_visits(rng: np.random.Generator, data: Dataset) -> pd.DataFrame:
    """One past visit per closed need, by a hand-dispatched expert, rated by the village."""
    needs = np.flatnonzero(data.needs["status"].to_numpy() == "closed")
    candidates = _visit_candidates(rng, data, needs)
    pair_needs = np.repeat(needs, VISIT_CANDIDATES)
    f = visit_features(data, candidates.ravel(), pair_needs)
    beyond_radius = np.maximum(0.0, f.distance_km / f.max_travel_km - 1.0)
    score = (
        2.0 * f.industry_match + 1.0 * f.specialty_fit - f.distance_km / 100.0 - 2.0 * beyond_radius
    )
    expert = _best_candidate(rng, score, candidates)
    expert_ids = data.experts["expert_id"].to_numpy()[expert]
    need_ids = data.needs["need_id"].to_numpy()[needs]
    rating = expected_visit_rating(data, expert_ids, need_ids) + rng.normal(
        0, RATING_NOISE_SD, size=len(needs)
    )
    days = np.minimum(
        data.needs["days_needed"].to_numpy()[needs],
        data.experts["service_days_per_quarter"].to_numpy()[expert],
    )
    return pd.DataFrame(
        {
            "visit_id": make_ids("VS", len(needs), 6),
            "expert_id": expert_ids,
            "need_id": need_ids,
            "village_id": data.needs["village_id"].to_numpy()[needs],
            "visit_date": _dates_in_periods(rng, data.needs["period"].to_numpy()[needs].tolist()),
            "days": np.maximum(days, 1).astype(np.int64),
            "rating": np.clip(np.round(rating), 1, 5).astype(np.int64),
        }
    )
