"""Today's practice, as policies to measure the match against.

Each baseline is a coordinator's rule of thumb applied to the same eligible pairs the
match uses (every hard rule of `matching.experts.rules`) and the same capacities (an
expert's service days per quarter):

- `nearest`: needs in urgency order (most urgent first, then by need id); each takes the
  nearest eligible expert who still has the days.
- `own_county`: the same, but a need may only take an expert whose home county is the
  need's county.
- `random_prefecture`: the same order; each need takes an expert drawn at random (seeded)
  among the eligible experts of its own prefecture who still have the days.

A baseline first gives every need one expert, in that order, and then fills the further
places of needs that want several experts in a second pass, in the same order — a
stronger practice than filling each need whole in turn, since it covers more needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.errors import InvalidInputError
from matching.experts.tables import ExpertTables
from matching.sorting import lexsort

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

BASELINES = ("nearest", "own_county", "random_prefecture")

# (candidate pair indices, their distances, need, seed) -> position of the choice
Pick = Callable[[IntArray, FloatArray, int, int], int]


@dataclass(frozen=True)
class PairList:
    """Eligible (need, expert) pairs sorted by need, with the distance of each."""

    need: IntArray
    expert: IntArray
    distance_km: FloatArray

    def __post_init__(self) -> None:
        if self.need.size and np.any(np.diff(self.need) < 0):
            raise InvalidInputError("pairs must be sorted by need.", item="need")


def urgency_order(tables: ExpertTables) -> IntArray:
    """Needs, most urgent first; ties by need id (a coordinator's list)."""
    urgency = tables.needs["urgency"].to_numpy(np.int64)
    need_ids = tables.needs["need_id"].astype(str).to_numpy()
    return lexsort((need_ids, -urgency)).astype(np.int64)


def run_baseline(
    name: str,
    tables: ExpertTables,
    pairs: PairList,
    *,
    county_prefecture: Mapping[str, str],
    seed: int = 0,
    excluded: BoolArray | None = None,
) -> IntArray:
    """Indices into `pairs` of the pairs the baseline `name` assigns.

    `excluded` marks pairs it may not use (declined or forbidden).
    """
    if name not in BASELINES:
        raise InvalidInputError(
            f"unknown baseline {name!r}; choose one of {', '.join(BASELINES)}", item="policy"
        )
    allowed = np.ones(pairs.need.size, dtype=bool) if excluded is None else ~excluded
    if name == "own_county":
        allowed &= _same_area(tables, pairs, "county")
    if name == "random_prefecture":
        allowed &= _same_area(tables, pairs, "prefecture", county_prefecture)
        return _dispatch(tables, pairs, allowed, _random, seed)
    return _dispatch(tables, pairs, allowed, _nearest, seed)


def _nearest(candidates: IntArray, distance: FloatArray, need: int, seed: int) -> int:
    del candidates, need, seed
    return int(np.argmin(distance))  # the first of equally near experts: sorted by expert


def _random(candidates: IntArray, distance: FloatArray, need: int, seed: int) -> int:
    """A draw of its own per need and pick, so one need's change does not reshuffle others."""
    del distance
    rng = np.random.default_rng([seed, need, candidates.size])
    return int(rng.integers(candidates.size))


def _same_area(
    tables: ExpertTables,
    pairs: PairList,
    level: str,
    county_prefecture: Mapping[str, str] | None = None,
) -> BoolArray:
    """Pairs whose expert's home county (or its prefecture) is the need's."""
    need_county = tables.need_village["county_code"].astype(str).to_numpy()[pairs.need]
    expert_county = tables.experts["home_county_code"].astype(str).to_numpy()[pairs.expert]
    if level == "county":
        return np.asarray(need_county == expert_county)
    assert county_prefecture is not None
    lookup = np.vectorize(lambda c: county_prefecture.get(c, "?" + c), otypes=[object])
    return np.asarray(lookup(need_county) == lookup(expert_county))


def _dispatch(
    tables: ExpertTables, pairs: PairList, allowed: BoolArray, pick: Pick, seed: int
) -> IntArray:
    """Two passes over the needs in urgency order: first experts, then further places."""
    n_periods = max(len(tables.periods), 1)
    days = tables.experts["service_days_per_quarter"].to_numpy(np.int64)
    left = np.repeat(days, n_periods)  # per (expert, period)
    need_days = tables.needs["days_needed"].to_numpy(np.int64)
    wanted = tables.needs["experts_wanted"].to_numpy(np.int64)
    start = np.searchsorted(pairs.need, np.arange(tables.n_needs + 1))
    supplier = pairs.expert * n_periods + tables.need_period[pairs.need]
    taken = np.zeros(pairs.need.size, dtype=bool)
    order = urgency_order(tables)
    for places in (np.minimum(wanted, 1), wanted):
        for need in order.tolist():
            here = np.arange(start[need], start[need + 1])
            while taken[here].sum() < places[need]:
                free = here[
                    allowed[here] & ~taken[here] & (left[supplier[here]] >= need_days[need])
                ]
                if free.size == 0:
                    break
                chosen = free[pick(free, pairs.distance_km[free], need, seed)]
                taken[chosen] = True
                left[supplier[chosen]] -= need_days[need]
    return np.flatnonzero(taken).astype(np.int64)
