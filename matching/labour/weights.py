"""Edge weights of (worker, posting) pairs: predicted retention × priority plus wishes.

`weight = retention × priority + city_weight × city wish + industry_weight × industry
wish + wage_weight × wage term`, with `priority = 1 + poor_bonus × supported household
(脱贫户 or 监测对象) + deep_village_bonus × deep-poverty village + key_county_bonus × key
county`. The same weight is computed for aligned pairs
(edges handed to the engine) and for grids of workers × postings (every eligible pair is
scored this way once, block by block).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from matching.labour.config import LabourConfig
from matching.labour.features import (
    Columns,
    PairShape,
    grid_logit,
    pair_features,
    spread_lookups,
)
from matching.labour.rules import wage_term
from matching.labour.tables import Workforce
from matching.scoring.outcome import LinearRetentionModel

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

    def take(self, keep: IntArray) -> LabourEdges:
        return LabourEdges(*(np.asarray(getattr(self, f))[keep] for f in self.__dataclass_fields__))


def priority(force: Workforce, config: LabourConfig, worker: IntArray) -> FloatArray:
    """1 + bonuses for supported households, deep-poverty villages and key counties."""
    poor = force.supported_household[worker]
    deep = force.worker_village["deep_poverty"].to_numpy(np.float64)[worker]
    key = force.key_county[worker]
    return np.asarray(
        1.0
        + config.poor_bonus * poor
        + config.deep_village_bonus * deep
        + config.key_county_bonus * key
    )


@dataclass(frozen=True)
class Scorer:
    """The fitted model, the employers' past retention per posting, and the weights."""

    force: Workforce
    config: LabourConfig
    model: LinearRetentionModel
    employer_rate: FloatArray
    columns: Columns = field(init=False)
    priority: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", Columns.of(self.force))
        everyone = np.arange(self.force.n_workers, dtype=np.int64)
        object.__setattr__(self, "priority", priority(self.force, self.config, everyone))

    def grid(self, rows: IntArray, posts: IntArray) -> FloatArray:
        """Weights of every pair of workers `rows` × postings `posts` (rules not applied)."""
        f, c = self.force, self.config
        coefficients = self.model.coefficients()
        intercept = self.model.intercept_
        logit = grid_logit(
            coefficients, intercept, f, rows, posts, self.employer_rate, self.columns
        )
        weight = expit(logit, out=logit)
        weight *= self.priority[rows][:, None]
        lookups = [
            (c.city_weight, f.city_wish, f.posting_city),
            (c.industry_weight, *f.industry_wish),
        ]
        spread_lookups(weight, rows, posts, [t for t in lookups if t[0]])
        if c.wage_weight:
            # wage_term, computed in place: the grid is every eligible pair of the block.
            wage = self.columns.wage[posts][None, :] / self.columns.expected_wage[rows][:, None]
            wage -= 1.0
            np.clip(wage, -0.5, 0.5, out=wage)
            wage *= c.wage_weight
            weight += wage
        return np.asarray(weight, dtype=np.float64)

    def edges(self, worker: IntArray, posting: IntArray) -> LabourEdges:
        """Every term of the weight of aligned pairs (`worker[i]`, `posting[i]`)."""
        f, c = self.force, self.config
        if worker.size:
            X = pair_features(f, worker, posting, employer_rate=self.employer_rate)
            retention = self.model.retention(X)
        else:
            retention = np.zeros(0, dtype=np.float64)
        shape = PairShape(worker, posting, grid=False)
        city = shape.lookup(f.city_wish, f.posting_city)
        industry = shape.lookup(*f.industry_wish)
        expected = f.workers["expected_wage_yuan"].to_numpy(np.float64)[worker]
        wage = wage_term(f.postings["wage_yuan_month"].to_numpy(np.float64)[posting], expected)
        prio = priority(f, c, worker)
        weight = (
            retention * prio
            + c.city_weight * city
            + c.industry_weight * industry
            + c.wage_weight * wage
        )
        return LabourEdges(worker, posting, retention, prio, city, industry, wage, weight)
