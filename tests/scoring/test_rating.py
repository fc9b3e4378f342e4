"""Tests of the rating model: protected attributes, effects, cold start, calibration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matching.errors import InvalidInputError
from matching.scoring.rating import (
    RatingModel,
    calibration_error,
    holdout_report,
    shrunken_means,
)


def _visits(n: int = 2000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Visits rated by skill share, distance and a hidden effect per expert, plus noise."""
    rng = np.random.default_rng(seed)
    expert = rng.integers(0, 200, n)
    effect = rng.normal(0, 0.5, 200)
    X = pd.DataFrame(
        {
            "skill_share": rng.random(n),
            "distance_100km": rng.uniform(0, 2, n),
            "expert_id": [f"E{i}" for i in expert],
            "village_id": [f"V{i}" for i in rng.integers(0, 300, n)],
        }
    )
    expected = 3.0 + 1.2 * X.skill_share - 0.4 * X.distance_100km + effect[expert]
    rating = np.clip(np.round(expected + rng.normal(0, 0.6, n)), 1, 5)
    return X, rating, effect


@pytest.mark.parametrize(
    "column", ["gender", "expert_gender", "性别", "Sex", "ethnic_code", "民族"]
)
def test_protected_attributes_are_refused(column: str) -> None:
    """A gender or ethnicity column is refused at fit and at predict time."""
    X, y, _ = _visits(300)
    with pytest.raises(InvalidInputError, match="protected"):
        RatingModel().fit(X.assign(**{column: 1}), y)
    fitted = RatingModel().fit(X, y)
    with pytest.raises(InvalidInputError, match="protected"):
        fitted.predict(X.assign(**{column: 1}))


def test_bad_input_names_the_problem() -> None:
    X, y, _ = _visits(100)
    with pytest.raises(InvalidInputError, match="village_id"):
        RatingModel().fit(X.drop(columns="village_id"), y)
    with pytest.raises(InvalidInputError, match="between 1 and 5"):
        RatingModel().fit(X, y + 4)


def test_learns_the_features_and_each_experts_effect() -> None:
    """Coefficients near the generating ones; effects follow the hidden ones."""
    X, y, effect = _visits()
    model = RatingModel().fit(X, y)
    coef = dict(zip(model.feature_names_in_, model.coef_, strict=True))
    assert coef["skill_share"] == pytest.approx(1.2, abs=0.2)
    assert coef["distance_100km"] == pytest.approx(-0.4, abs=0.15)
    learned = model.expert_effect([f"E{i}" for i in range(200)])
    assert np.corrcoef(learned, effect)[0, 1] > 0.7


def test_a_new_expert_gets_the_populations_prediction_not_a_penalty() -> None:
    """Without history the effect is 0: between the best and the worst known experts, and
    equal to the prediction from the features alone."""
    X, y, _ = _visits()
    model = RatingModel().fit(X, y)
    pair = X.iloc[[0]]
    new = pair.assign(expert_id="E_new", village_id="V_new")
    known = [pair.assign(expert_id=f"E{i}") for i in range(200)]
    predictions = [float(model.predict(p)[0]) for p in known]
    assert model.expert_effect(["E_new"])[0] == 0.0
    assert min(predictions) < float(model.predict(new)[0]) < max(predictions)
    slope, intercept = model.calibration_
    features = new[list(model.feature_names_in_)].to_numpy() @ model.coef_ + model.intercept_
    assert float(model.predict(new)[0]) == pytest.approx(slope * features[0] + intercept)


def test_shrinkage_pulls_pure_noise_to_zero() -> None:
    """Groups that differ only by noise get (almost) no effect; real spread survives."""
    rng = np.random.default_rng(1)
    group = rng.integers(0, 100, 1000)
    noise_means, noise_prior = shrunken_means(rng.normal(0, 1, 1000), group, 100)
    spread = rng.normal(0, 1, 100)
    real_means, real_prior = shrunken_means(spread[group] + rng.normal(0, 1, 1000), group, 100)
    assert noise_prior > 10 * real_prior
    assert np.abs(noise_means).max() < np.abs(real_means).max() / 3


def test_holdout_beats_constant_and_reference_and_is_calibrated() -> None:
    """On held-out visits the model errs less than a constant and than a reference score
    that knows only the skill share; its calibration error is small."""
    X, y, _ = _visits()
    report = holdout_report(RatingModel(), X, y, X["skill_share"].to_numpy())
    assert report.rmse < report.rmse_reference < report.rmse_constant
    assert report.mae < report.mae_constant
    assert report.calibration_error < 0.1
    assert report.n_train + report.n_test == len(y)


def test_calibration_error_sees_a_shift() -> None:
    y = np.linspace(1, 5, 100)
    assert calibration_error(y, y) == 0.0
    assert calibration_error(y, y + 0.5) == pytest.approx(0.5)


def test_id_positions_convert_each_id_to_a_string_as_before() -> None:
    """Looking up distinct ids once gives the positions of the elementwise conversion."""
    from matching.scoring.rating import _id_positions, _positions

    index = pd.Index(["E1", "E2", "7", "nan"])
    ids = np.array(["E2", "E9", 7, "E1", float("nan"), "E2", None], dtype=object)
    expected = _positions(index, np.asarray(ids, dtype=str))
    assert _id_positions(index, ids).tolist() == expected.tolist() == [1, -1, 2, 0, 3, 1, -1]
    assert _id_positions(index, pd.Series(["E1", "E1"])).tolist() == [0, 0]
    assert _id_positions(index, np.array([], dtype=object)).tolist() == []
    assert _id_positions(index, np.array(["7", "E1", "E3"], dtype=object)).tolist() == [2, 0, -1]
