"""The hidden truth's retention on grids of workers × postings, for the upper bound.

`matching.synth.truth.retention_probability` takes aligned id arrays; the upper bound
needs the true probability of every eligible pair (277 million at province scale), so
this module evaluates the same documented logit (`retention_logit`, the same hidden
effects) on blocks of workers × postings. `check_against_truth` compares it with the
official function on sample pairs; evaluation refuses to go on if they differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from matching.data.dataset import Dataset
from matching.errors import SolverError
from matching.labour.features import Columns, PairShape
from matching.labour.tables import Workforce
from matching.scoring.geo import haversine_km
from matching.synth.truth import (
    EMPLOYER_EFFECT_SD,
    WORKER_EFFECT_SD,
    hidden_effect,
    retention_logit,
    retention_probability,
)
from matching.synth.truth_features import TRUTH_EARTH_RADIUS_KM, RetentionFeatures

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TruthGrid:
    """True retention of workers × postings of `force` (the open market of `dataset`)."""

    dataset: Dataset
    force: Workforce
    priority: FloatArray | None = None  # per worker: multiply the probability by this
    # Integrate the worker's hidden effect out instead of adding it: what a model that
    # knows the documented logit and every employer's effect, but not the person, expects.
    worker_effect_known: bool = True
    columns: Columns = field(init=False)
    effect: FloatArray = field(init=False)  # per worker
    employer: FloatArray = field(init=False)  # per posting
    distance_km: FloatArray = field(init=False)  # workers × cities, on the truth's sphere

    def __post_init__(self) -> None:
        f = self.force
        seed = int(self.dataset.manifest.get("seed", 0))
        ids = f.workers["worker_id"].to_numpy()
        employers = f.postings["employer_id"].to_numpy()
        village = f.worker_village
        object.__setattr__(self, "columns", Columns.of(f))
        object.__setattr__(self, "effect", hidden_effect(ids, seed, "worker", WORKER_EFFECT_SD))
        object.__setattr__(
            self, "employer", hidden_effect(employers, seed, "employer", EMPLOYER_EFFECT_SD)
        )
        distance = haversine_km(
            village["lat"].to_numpy(np.float64)[:, None],
            village["lon"].to_numpy(np.float64)[:, None],
            f.cities["lat"].to_numpy(np.float64),
            f.cities["lon"].to_numpy(np.float64),
            radius_km=TRUTH_EARTH_RADIUS_KM,
        )
        object.__setattr__(self, "distance_km", distance)

    def grid(
        self, rows: IntArray, posts: IntArray, dtype: type[np.floating[Any]] = np.float64
    ) -> npt.NDArray[np.floating[Any]]:
        """True probability (× priority, if given) of workers `rows` at postings `posts`,
        group members counted as going with their fellow villagers (an optimistic bound),
        stored as `dtype`."""
        f, c = self.force, self.columns
        shape = PairShape(rows, posts, grid=True)
        needed = shape.of_posting(c.skills_required)
        given_i = shape.of_worker(c.industries_given)
        given_c = shape.of_worker(c.cities_given)
        city = f.posting_city[posts]
        prefecture = f.worker_prefecture[rows]
        marked = (f.earmarked[posts][:, prefecture].T & c.earmarked[posts][None, :]).astype(float)
        features = RetentionFeatures(
            required_skill_fit=np.where(
                needed > 0, shape.overlap(*f.skill_matrices) / np.maximum(needed, 1), 1.0
            ),
            sector_experience=shape.lookup(*f.sector_experience),
            certificate_missing=np.zeros((1, 1)),  # eligible pairs hold every certificate
            wants_sector=np.where(given_i > 0, shape.lookup(*f.industry_wish), 0.5),
            wants_city=np.where(given_c > 0, shape.lookup(f.city_wish, f.posting_city), 0.5),
            distance_km=self.distance_km[rows][:, city],
            willing_far=shape.of_worker(c.willing_far),
            wage=shape.of_posting(c.wage),
            expected_wage=shape.of_worker(f.workers["expected_wage_yuan"].to_numpy(np.float64)),
            age=shape.of_worker(c.age),
            outside_age_range=np.zeros((1, 1)),  # eligible pairs are in the age range
            housing=shape.of_posting(c.housing),
            meals=shape.of_posting(c.meals),
            with_group=(f.group_of_worker[rows] >= 0).astype(np.float64)[:, None],
            paired=np.maximum(marked, f.paired[f.worker_prefecture[rows]][:, city]),
            registered_poor=shape.of_worker(c.registered_poor),
        )
        logit = retention_logit(features) + self.employer[posts][None, :]
        if self.worker_effect_known:
            logit += self.effect[rows][:, None]
        else:
            # E[expit(x + e)] for e ~ N(0, sd²), by the probit approximation.
            logit /= np.sqrt(1.0 + np.pi * WORKER_EFFECT_SD**2 / 8.0)
        probability = np.asarray(expit(logit), dtype=np.float64)
        if self.priority is not None:
            probability *= self.priority[rows][:, None]
        return probability.astype(dtype, copy=False)

    def aligned(self, rows: IntArray, posts: IntArray) -> FloatArray:
        """`grid` of aligned pairs (rows[i], posts[i]): one grid column per posting."""
        weight = np.zeros(rows.size, dtype=np.float64)
        order = np.argsort(posts, kind="stable")
        starts = np.flatnonzero(np.r_[True, posts[order][1:] != posts[order][:-1]])
        for first, last in zip(starts, np.r_[starts[1:], order.size], strict=True):
            at = order[first:last]
            weight[at] = self.grid(rows[at], posts[at[:1]])[:, 0]
        return weight

    def check_against_truth(self, rows: IntArray, posts: IntArray) -> None:
        """The grid on pairs (rows[i], posts[i]) equals the official truth function."""
        if rows.size == 0:
            return
        mine = np.array(
            [self.grid(rows[i : i + 1], posts[i : i + 1])[0, 0] for i in range(rows.size)]
        )
        if self.priority is not None:
            mine = mine / self.priority[rows]
        official = retention_probability(
            self.dataset,
            self.force.workers["worker_id"].to_numpy()[rows],
            self.force.postings["posting_id"].to_numpy()[posts],
            with_group=self.force.group_of_worker[rows] >= 0,
        )
        worst = float(np.max(np.abs(mine - official)))
        if worst > 1e-9:
            raise SolverError(f"the truth grid differs from the truth by {worst:.3g}; a bug")
