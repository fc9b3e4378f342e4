"""Tests of the retention model and its calibration report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from matching.errors import InvalidInputError
from matching.scoring.outcome import (
    LinearRetentionModel,
    RetentionModel,
    calibration_report,
    expected_calibration_error,
    holdout_report,
)


def _history(n: int = 3000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Pairs whose retention depends on skills fit, distance and housing, plus noise."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "skill_overlap": rng.random(n),
            "distance_km": rng.uniform(100, 2000, n),
            "housing": rng.integers(0, 2, n),
            "wage": rng.uniform(3000, 8000, n),
        }
    )
    logit = 2.5 * X.skill_overlap - X.distance_km / 1000 + 0.8 * X.housing - 0.3
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


def test_fit_returns_self_and_learned_attributes() -> None:
    """fit returns the estimator; learned attributes end in an underscore."""
    X, y = _history(600)
    model = RetentionModel(max_iter=30)
    assert model.fit(X, y) is model
    assert list(model.feature_names_in_) == list(X.columns)
    assert set(model.classes_) == {0, 1}
    assert clone(model).get_params() == model.get_params()


def test_same_seed_same_predictions() -> None:
    """The same random_state gives the same probabilities."""
    X, y = _history(800)
    first = RetentionModel(max_iter=30, random_state=3).fit(X, y).retention(X)
    second = RetentionModel(max_iter=30, random_state=3).fit(X, y).retention(X)
    assert np.array_equal(first, second)


@pytest.mark.parametrize("column", ["gender", "worker_gender", "性别", "Sex"])
def test_gender_is_never_a_feature(column: str) -> None:
    """A gender column is refused at fit and at predict time."""
    X, y = _history(200)
    with pytest.raises(InvalidInputError):
        RetentionModel(max_iter=5).fit(X.assign(**{column: 1}), y)


def test_beats_constant_on_held_out_history() -> None:
    """Held-out AUC is well above 0.5 and Brier beats predicting the base rate."""
    X, y = _history()
    report = holdout_report(RetentionModel(max_iter=60), X, y)
    assert report.auc > 0.65
    assert report.brier < report.brier_constant
    assert report.ece < 0.06


def test_ece_of_perfect_calibration_is_small() -> None:
    """Outcomes drawn from the predicted probabilities give a small ECE."""
    rng = np.random.default_rng(1)
    p = rng.random(20000)
    y = (rng.random(p.size) < p).astype(int)
    assert expected_calibration_error(y, p) < 0.02
    assert expected_calibration_error(y, np.clip(p + 0.3, 0, 1)) > 0.15


def test_report_fields() -> None:
    """The report carries AUC, Brier and the constant predictor's Brier."""
    report = calibration_report([0, 1, 1, 0], [0.2, 0.8, 0.6, 0.4])
    assert report.auc == 1.0
    assert report.brier_constant == pytest.approx(0.25)
    assert report.as_dict()["n"] == 4


def test_linear_model_follows_estimator_conventions() -> None:
    """fit returns self, clone works, the logit in feature units equals decision_function,
    gender is refused and a single outcome is invalid input."""
    X, y = _history(2000)
    model = LinearRetentionModel()
    assert model.fit(X, y) is model
    assert clone(model).get_params() == model.get_params()
    by_hand = X.to_numpy() @ np.array(list(model.coefficients().values())) + model.intercept_
    assert np.allclose(by_hand, model.decision_function(X))
    assert calibration_report(y, model.retention(X)).auc > 0.7
    with pytest.raises(InvalidInputError):
        LinearRetentionModel().fit(X.assign(gender=1), y)
    with pytest.raises(InvalidInputError, match="only one outcome"):
        LinearRetentionModel().fit(X, np.ones(len(y), dtype=int))
