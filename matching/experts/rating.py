"""The expert match's rating model: training on past visits, edge weights from the
predicted rating, and the terms that explain a choice.

Features are in `matching.experts.rating_features` (never gender or ethnicity). Past
visits enter as the model's shrunken effects of the expert and of the expert in this
village (`matching.scoring.rating`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.experts.candidates import ExpertCandidates
from matching.experts.config import ExpertConfig
from matching.experts.rating_features import (
    content_terms,
    content_weight,
    expert_side,
    pair_features,
)
from matching.experts.rules import PairContext
from matching.experts.tables import ExpertTables
from matching.explain import term
from matching.scoring.rating import (
    EXPERT_KEY,
    RATING_MAX,
    RATING_MIN,
    VILLAGE_KEY,
    RatingModel,
    RatingReport,
    holdout_report,
)

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Fewer rated visits than this: the content weights are used instead of a model.
MIN_VISITS = 30

# Explanation groups: key -> feature columns ("expert" / "pair": the learned effects).
# Their Chinese labels are in `matching.explain.LABELS` (text_affinity: 文本相似度).
REASONS: dict[str, tuple[str, ...]] = {
    "skill_fit": ("skill_share",),
    "text_affinity": ("text_affinity",),
    "close_by": ("distance_100km", "distance_share"),
    "same_county": ("same_county",),
    "speaks_language": ("speaks_asked_language", "lacks_asked_language"),
    "industry_match": ("industry_match",),
    "expert_standing": (
        "province_tier",
        "prefecture_tier",
        "deputy_head",
        "commissioner",
        "specialties",
        "languages",
        "experience_years",
    ),
    "past_rating": ("expert",),
    "past_rating_in_village": ("pair",),
}


def rating_term(key: str, value: Any) -> dict[str, Any]:
    return term(key, value)


@dataclass(frozen=True)
class RatingFit:
    """A model fitted on every visit, its held-out report, and the features' context."""

    model: RatingModel
    report: RatingReport
    visits: int

    def as_dict(self) -> dict[str, Any]:
        return {"visits": self.visits, **self.report.as_dict()}


def history_frame(
    tables: ExpertTables, context: PairContext
) -> tuple[pd.DataFrame, FloatArray, FloatArray] | None:
    """Features, ratings and today's weight of every past visit with a known expert and
    need; None without enough history."""
    visits, past = tables.visits, tables.past_needs
    if visits is None or past is None or context.text_model is None:
        return None
    past = past.loc[past["need_id"].isin(visits["need_id"])]
    known = visits["need_id"].isin(past["need_id"]) & visits["expert_id"].isin(
        tables.experts["expert_id"]
    )
    visits = visits.loc[known & visits["rating"].notna()]
    if len(visits) < MIN_VISITS:
        return None
    history = ExpertTables(tables.experts, past, tables.villages, tables.key_counties)
    need = np.asarray(
        pd.Index(history.needs["need_id"]).get_indexer(visits["need_id"]), dtype=np.int64
    )
    expert = np.asarray(
        pd.Index(tables.experts["expert_id"]).get_indexer(visits["expert_id"]), dtype=np.int64
    )
    need_text = context.text_model.transform(history.needs["description_zh"].tolist())
    terms = content_terms(history, need_text, context.expert_text, need, expert, context.config)
    X = pair_features(history, expert_side(history), need, expert, terms)
    travel = tables.experts["max_travel_km"].to_numpy(np.float64)[expert]
    reference = content_weight(context.config, terms, travel)
    return X, visits["rating"].to_numpy(np.float64), reference


def train_rating(tables: ExpertTables, context: PairContext) -> RatingFit | None:
    """The rating model fitted on all past visits, with the report of a copy fitted on 75%."""
    found = history_frame(tables, context)
    if found is None:
        logger.info("rating model: not enough rated visits, content weights are used")
        return None
    X, y, reference = found
    model = RatingModel(random_state=context.config.seed)
    report = holdout_report(model, X, y, reference, random_state=context.config.seed)
    return RatingFit(model.fit(X, y), report, len(y))


def weight_of_rating(rating: FloatArray, config: ExpertConfig) -> FloatArray:
    """1 → 0 and 5 → max_edge_weight: the tier gap keeps dominating any rating difference."""
    share = (rating - RATING_MIN) / (RATING_MAX - RATING_MIN)
    return np.asarray(np.clip(share, 0.0, 1.0) * config.max_edge_weight, dtype=np.float64)


def reason_contributions(fit: RatingFit, X: pd.DataFrame) -> pd.DataFrame:
    """Per pair and reason group: its part of the calibrated predicted rating."""
    model = fit.model
    slope = model.calibration_[0]
    names = list(model.feature_names_in_)
    linear = X[names].to_numpy(np.float64) * model.coef_
    column = {name: i for i, name in enumerate(names)}
    expert_part = model.expert_effect(X[EXPERT_KEY])
    pair_part = model.pair_effect(X[EXPERT_KEY], X[VILLAGE_KEY])
    parts: dict[str, FloatArray] = {}
    for key, features in REASONS.items():
        if features == ("expert",):
            parts[key] = slope * expert_part
        elif features == ("pair",):
            parts[key] = slope * pair_part
        else:
            parts[key] = slope * linear[:, [column[f] for f in features]].sum(axis=1)
    return pd.DataFrame(parts)


@dataclass(frozen=True)
class RatedPairs:
    """The fitted model and, per need, the mean reason contributions over its eligible
    pairs: what a chosen expert's terms are compared with in its explanation."""

    fit: RatingFit
    need_means: pd.DataFrame  # n_needs × REASONS

    def reasons(self, X: pd.DataFrame, need: IntArray, top: int = 3) -> list[list[dict[str, Any]]]:
        """Per pair: the reason groups that lift it most above its need's average eligible
        expert, best first (only those that lift it by at least 0.01 rating points; past
        ratings only when the expert's own were good)."""
        own = reason_contributions(self.fit, X)
        lift = own.to_numpy() - self.need_means.to_numpy()[need]
        keys = list(REASONS)
        # "Rated well before" only for an expert whose own past ratings were above the
        # features' prediction, not for one without history among worse-rated colleagues.
        for key in ("past_rating", "past_rating_in_village"):
            column = keys.index(key)
            lift[own[key].to_numpy() <= 0, column] = 0.0
        found: list[list[dict[str, Any]]] = []
        for row in lift:
            order = np.argsort(-row, kind="stable")[:top]
            found.append(
                [rating_term(keys[i], round(float(row[i]), 3)) for i in order if row[i] >= 0.01]
            )
        return found


def apply_rating(
    fit: RatingFit, tables: ExpertTables, candidates: ExpertCandidates, config: ExpertConfig
) -> tuple[ExpertCandidates, RatedPairs]:
    """Candidates weighted by the predicted rating, and each need's average reasons."""
    eligible = candidates.eligible
    X = pair_features(tables, expert_side(tables), eligible.rows, eligible.cols, candidates.terms)
    weights = weight_of_rating(fit.model.predict(X), config)
    parts = reason_contributions(fit, X)
    count = np.maximum(np.bincount(eligible.rows, minlength=tables.n_needs), 1)
    means = pd.DataFrame(
        {
            key: np.bincount(eligible.rows, weights=parts[key], minlength=tables.n_needs) / count
            for key in REASONS
        }
    )
    return candidates.rescored(weights, config.top_k), RatedPairs(fit, means)


def chosen_features(
    rated: RatedPairs, context: PairContext, need: IntArray, expert: IntArray
) -> pd.DataFrame:
    """Model input of chosen pairs (recomputed: few pairs, no need to keep every pair's)."""
    tables = context.tables
    terms = content_terms(
        tables, context.need_text, context.expert_text, need, expert, context.config
    )
    return pair_features(tables, expert_side(tables), need, expert, terms)
