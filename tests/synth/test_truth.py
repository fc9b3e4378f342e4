"""The hidden truth is vectorized, bounded, gender-blind and learnable."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_predict

from matching.data.dataset import Dataset
from matching.data.reference import load_reference
from matching.errors import InvalidInputError
from matching.synth.truth import expected_visit_rating, retention_probability, visit_quality
from matching.synth.truth_features import retention_features


def _random_pairs(data: Dataset, size: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    workers = rng.choice(data.workers["worker_id"].to_numpy(), size=size)
    postings = rng.choice(data.postings["posting_id"].to_numpy(), size=size)
    return workers, postings


def test_retention_is_vectorized_and_bounded(county_data: Dataset) -> None:
    """Many pairs at once give one probability each, inside [0, 1]."""
    workers, postings = _random_pairs(county_data, 20_000)
    probability = retention_probability(county_data, workers, postings)
    assert probability.shape == (20_000,)
    assert ((probability >= 0) & (probability <= 1)).all()
    assert probability.std() > 0.05


def test_retention_of_a_pair_does_not_depend_on_its_batch(county_data: Dataset) -> None:
    """A pair's probability is the same alone or inside a larger batch."""
    workers, postings = _random_pairs(county_data, 50)
    batch = retention_probability(county_data, workers, postings)
    alone = [
        retention_probability(county_data, [w], [p])[0]
        for w, p in zip(workers[:5], postings[:5], strict=True)
    ]
    assert np.allclose(batch[:5], alone)


def test_gender_has_no_effect_on_retention(county_data: Dataset) -> None:
    """Swapping every worker's gender leaves every true probability unchanged."""
    workers, postings = _random_pairs(county_data, 2_000)
    swapped = county_data.workers.assign(
        gender=county_data.workers["gender"].map({"男": "女", "女": "男"})
    )
    other = dataclasses.replace(county_data, workers=swapped)
    assert np.array_equal(
        retention_probability(county_data, workers, postings),
        retention_probability(other, workers, postings),
    )


def test_going_with_the_group_raises_retention(county_data: Dataset) -> None:
    """The same pairs are likelier to last when the worker goes with fellow villagers."""
    workers, postings = _random_pairs(county_data, 1_000)
    alone = retention_probability(county_data, workers, postings, with_group=False)
    together = retention_probability(county_data, workers, postings, with_group=True)
    assert (together > alone).all()


def test_visit_quality_is_bounded_and_rating_on_scale(county_data: Dataset) -> None:
    """Visit quality lies in (0, 1) and the expected rating in [1, 5]."""
    rng = np.random.default_rng(1)
    experts = rng.choice(county_data.experts["expert_id"].to_numpy(), size=5_000)
    needs = rng.choice(county_data.needs["need_id"].to_numpy(), size=5_000)
    quality = visit_quality(county_data, experts, needs)
    rating = expected_visit_rating(county_data, experts, needs)
    assert ((quality > 0) & (quality < 1)).all()
    assert ((rating >= 1) & (rating <= 5)).all()


def test_unknown_id_is_refused(county_data: Dataset) -> None:
    """An id that is not in the data set raises InvalidInputError naming it."""
    with pytest.raises(InvalidInputError, match="W999999"):
        retention_probability(county_data, ["W999999"], [county_data.postings["posting_id"].iat[0]])


def test_history_outcomes_are_learnable(county_data: Dataset) -> None:
    """A plain logistic model on observable features beats a constant clearly (AUC > 0.65)."""
    placements = county_data.placements
    workers = county_data.workers.set_index("worker_id").index.get_indexer(placements["worker_id"])
    postings = county_data.postings.set_index("posting_id").index.get_indexer(
        placements["posting_id"]
    )
    features = retention_features(
        county_data, load_reference(), workers, postings, placements["with_group"].to_numpy(float)
    )
    table = np.column_stack([np.asarray(v, dtype=float) for v in vars(features).values()])
    table = (table - table.mean(axis=0)) / (table.std(axis=0) + 1e-9)
    outcome = placements["retained_6m"].to_numpy()
    predicted = cross_val_predict(
        LogisticRegression(max_iter=1000), table, outcome, cv=5, method="predict_proba"
    )
    assert roc_auc_score(outcome, predicted[:, 1]) > 0.65
