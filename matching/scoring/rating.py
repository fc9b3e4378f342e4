"""The rating model: the expected village rating (1–5) of an expert serving a need.

A ridge regression on pair features (skills, text, distance, language, the expert's tier
and role…) plus two shrunken random effects learned from past visits: one per expert (how
their visits went, beyond what the features explain) and one per expert and village (how
this expert's visits to this village went). Effects are means of residuals pulled towards
zero by their noise (empirical Bayes), so an expert or village without history gets the
population's prediction — no penalty that would starve a new expert of work.

The raw prediction is recalibrated on out-of-fold predictions (a line fitted to the
ratings), so a predicted 4.2 means an average rating of 4.2 among such pairs.

Protected attributes (gender, ethnicity) are never features, whatever the caller passes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, train_test_split

from matching.errors import InvalidInputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Column names (or fragments of them) that must never reach the model.
PROTECTED_FEATURES: tuple[str, ...] = ("gender", "sex", "性别", "ethnic", "民族", "nationality")
# Key columns: not features, they say whose random effect a row belongs to.
EXPERT_KEY = "expert_id"
VILLAGE_KEY = "village_id"
KEY_COLUMNS = (EXPERT_KEY, VILLAGE_KEY)
RATING_MIN, RATING_MAX = 1.0, 5.0
# Prior strength (in visits) of an effect lies between these: at least one visit's worth,
# so a single rating never counts in full; the largest when the data show no spread.
_MIN_PRIOR, _MAX_PRIOR = 1.0, 1000.0


def check_no_protected_features(columns: pd.Index) -> None:
    """Raise when a column looks like a protected attribute the model must not use."""
    for column in map(str, columns):
        if any(word in column.lower() for word in PROTECTED_FEATURES):
            raise InvalidInputError(
                f"feature {column!r} is a protected attribute; the rating model refuses it.",
                item=column,
            )


def _features(X: pd.DataFrame) -> list[str]:
    check_no_protected_features(X.columns)
    missing = [k for k in KEY_COLUMNS if k not in X.columns]
    if missing:
        raise InvalidInputError(
            f"rating features lack the key column {missing[0]!r}.", item=missing[0]
        )
    return [str(c) for c in X.columns if c not in KEY_COLUMNS]


def _check_ratings(y: npt.ArrayLike) -> FloatArray:
    target = np.asarray(y, dtype=np.float64)
    if target.size < 2 or not np.all(np.isfinite(target)):
        raise InvalidInputError(
            "the visit history needs at least two finite ratings.", item="rating"
        )
    if target.min() < RATING_MIN or target.max() > RATING_MAX:
        raise InvalidInputError("ratings must lie between 1 and 5.", item="rating")
    return target


def shrunken_means(
    residual: FloatArray, group: IntArray, n_groups: int
) -> tuple[FloatArray, float]:
    """Per group, the mean residual pulled towards 0: sum / (count + prior).

    The prior (in visits) is the noise variance over the variance between groups, both
    estimated from the residuals by moments; it is returned with the means.
    """
    count = np.bincount(group, minlength=n_groups).astype(np.float64)
    total = np.asarray(np.bincount(group, weights=residual, minlength=n_groups), np.float64)
    prior = _prior_strength(residual, group, count, total)
    return total / (count + prior), prior


def _prior_strength(
    residual: FloatArray, group: IntArray, count: FloatArray, total: FloatArray
) -> float:
    seen = count > 0
    mean = np.divide(total, count, out=np.zeros_like(total), where=seen)
    within = residual - mean[group]
    dof = residual.size - int(seen.sum())
    if dof <= 0:
        return _MAX_PRIOR
    noise = float(within @ within) / dof
    between = float(np.mean(mean[seen] ** 2)) - noise * float(np.mean(1.0 / count[seen]))
    if between <= noise / _MAX_PRIOR:
        return _MAX_PRIOR
    return max(noise / between, _MIN_PRIOR)


def _positions(index: pd.Index, values: npt.NDArray[Any] | pd.Series) -> IntArray:
    """Position of each value in `index`, -1 where it is not there."""
    return np.asarray(index.get_indexer(pd.Index(np.asarray(values))), dtype=np.int64)


def _id_positions(index: pd.Index, ids: npt.ArrayLike) -> IntArray:
    """Position of each id, as a string, in `index` (-1 where it is not there).

    Each distinct id is converted and looked up once: 1.5 million pairs name only 10,000
    experts, and converting every one to a fixed-width string was most of the cost.
    """
    values = np.asarray(ids, dtype=object).ravel()
    # Strings only: factorize would merge 1, 1.0 and True (or None and NaN), which convert
    # to different strings.
    if pd.api.types.infer_dtype(values, skipna=False) != "string":
        return _positions(index, np.asarray(values, dtype=str))
    codes, distinct = pd.factorize(values)
    return _positions(index, np.asarray(distinct, dtype=str))[codes]


class RatingModel(RegressorMixin, BaseEstimator):  # type: ignore[misc]
    """Ridge regression plus shrunken expert and expert×village effects, recalibrated.

    X holds numeric feature columns and the key columns `expert_id` and `village_id`;
    y the village ratings (1–5). `coef_` and `intercept_` are in the features' own units,
    `expert_effect(ids)` and `pair_effect(experts, villages)` give the learned effects.
    """

    def __init__(
        self, *, alpha: float = 1.0, n_rounds: int = 4, cv: int = 5, random_state: int = 0
    ) -> None:
        self.alpha = alpha
        self.n_rounds = n_rounds
        self.cv = cv
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike) -> RatingModel:
        """Fit the effects and the ridge by backfitting, then the calibration line."""
        names = _features(X)
        target = _check_ratings(y)
        self._fit_raw(X, names, target)
        self.calibration_ = self._calibration(X, target)
        return self

    def _fit_raw(self, X: pd.DataFrame, names: list[str], target: FloatArray) -> None:
        values = X[names].to_numpy(np.float64)
        mean = values.mean(axis=0)
        scale = values.std(axis=0)
        scale[scale == 0] = 1.0
        self.expert_index_ = pd.Index(pd.unique(X[EXPERT_KEY].astype(str)))
        self.village_index_ = pd.Index(pd.unique(X[VILLAGE_KEY].astype(str)))
        expert = _positions(self.expert_index_, X[EXPERT_KEY].astype(str))
        pair_key = expert * len(self.village_index_) + _positions(
            self.village_index_, X[VILLAGE_KEY].astype(str)
        )
        self.pair_index_ = pd.Index(np.unique(pair_key))
        pair = _positions(self.pair_index_, pair_key)
        expert_effect = np.zeros(len(self.expert_index_))
        pair_effect = np.zeros(len(self.pair_index_))
        ridge = Ridge(alpha=self.alpha)
        for _ in range(max(self.n_rounds, 1)):
            ridge.fit((values - mean) / scale, target - expert_effect[expert] - pair_effect[pair])
            residual = target - ridge.predict((values - mean) / scale)
            expert_effect, self.expert_prior_ = shrunken_means(
                residual - pair_effect[pair], expert, len(self.expert_index_)
            )
            pair_effect, self.pair_prior_ = shrunken_means(
                residual - expert_effect[expert], pair, len(self.pair_index_)
            )
        self.coef_ = np.asarray(ridge.coef_ / scale, dtype=np.float64)
        self.intercept_ = float(ridge.intercept_ - np.dot(self.coef_, mean))
        self.expert_effect_ = expert_effect
        self.pair_effect_ = pair_effect
        self.expert_visits_ = np.bincount(expert, minlength=len(self.expert_index_))
        self.pair_visits_ = np.bincount(pair, minlength=len(self.pair_index_))
        self.feature_names_in_ = np.asarray(names, dtype=object)

    def _calibration(self, X: pd.DataFrame, target: FloatArray) -> tuple[float, float]:
        """Slope and intercept of the ratings on out-of-fold raw predictions."""
        folds = min(self.cv, target.size)
        if folds < 2:
            return (1.0, 0.0)
        raw = np.empty(target.size)
        split = KFold(folds, shuffle=True, random_state=self.random_state)
        for train, test in split.split(X):
            part = clone(self).set_params(cv=1)
            part._fit_raw(X.iloc[train], list(self.feature_names_in_), target[train])
            raw[test] = part.raw_prediction(X.iloc[test])
        spread = float(np.var(raw))
        if spread == 0:
            return (0.0, float(target.mean()))
        slope = float(np.cov(raw, target, bias=True)[0, 1] / spread)
        return (slope, float(target.mean() - slope * raw.mean()))

    def expert_effect(self, expert_ids: npt.ArrayLike) -> FloatArray:
        """Each expert's learned effect (0 without history)."""
        position = _id_positions(self.expert_index_, expert_ids)
        return np.where(position >= 0, self.expert_effect_[position], 0.0)

    def pair_effect(self, expert_ids: npt.ArrayLike, village_ids: npt.ArrayLike) -> FloatArray:
        """Each (expert, village) pair's learned effect (0 without a visit there)."""
        _, position = self._pair_positions(expert_ids, village_ids)
        return np.where(position >= 0, self.pair_effect_[position], 0.0)

    def past_visits(
        self, expert_ids: npt.ArrayLike, village_ids: npt.ArrayLike
    ) -> tuple[IntArray, IntArray]:
        """Past visits of each expert (anywhere) and to each village, from the history."""
        expert, position = self._pair_positions(expert_ids, village_ids)
        anywhere = np.where(expert >= 0, self.expert_visits_[expert], 0)
        here = np.where(position >= 0, self.pair_visits_[position], 0)
        return anywhere.astype(np.int64), here.astype(np.int64)

    def _pair_positions(
        self, expert_ids: npt.ArrayLike, village_ids: npt.ArrayLike
    ) -> tuple[IntArray, IntArray]:
        """Positions of the experts and of the (expert, village) pairs, -1 when unseen."""
        expert = _id_positions(self.expert_index_, expert_ids)
        village = _id_positions(self.village_index_, village_ids)
        known = (expert >= 0) & (village >= 0)
        key = np.where(known, expert * len(self.village_index_) + village, -1)
        return expert, _positions(self.pair_index_, key)

    def raw_prediction(self, X: pd.DataFrame) -> FloatArray:
        """The linear part plus both effects, before calibration."""
        names = _features(X)
        if names != list(self.feature_names_in_):
            X = X[[*self.feature_names_in_, *KEY_COLUMNS]]
        linear = X[list(self.feature_names_in_)].to_numpy(np.float64) @ self.coef_
        effects = self.expert_effect(X[EXPERT_KEY]) + self.pair_effect(
            X[EXPERT_KEY], X[VILLAGE_KEY]
        )
        return np.asarray(linear + self.intercept_ + effects, dtype=np.float64)

    def predict(self, X: pd.DataFrame) -> FloatArray:
        """Calibrated expected rating of each pair, within 1–5."""
        slope, intercept = self.calibration_
        return np.clip(slope * self.raw_prediction(X) + intercept, RATING_MIN, RATING_MAX)


@dataclass(frozen=True)
class RatingReport:
    """Held-out error and calibration of the model, of a constant, and of a reference
    predictor (the current edge weight, mapped onto ratings by a line fitted on the
    training part)."""

    n_train: int
    n_test: int
    rmse: float
    rmse_constant: float
    rmse_reference: float
    mae: float
    mae_constant: float
    mae_reference: float
    calibration_error: float  # mean |observed − predicted| over 10 equal-count bins
    calibration_error_reference: float

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


def calibration_error(y_true: FloatArray, predicted: FloatArray, *, n_bins: int = 10) -> float:
    """Weighted mean |mean rating − mean prediction| over equal-count bins of predictions."""
    if y_true.size == 0:
        return float("nan")
    order = np.argsort(predicted, kind="stable")
    gaps = [
        abs(float(y_true[part].mean() - predicted[part].mean())) * part.size
        for part in np.array_split(order, min(n_bins, y_true.size))
    ]
    return float(sum(gaps) / y_true.size)


def holdout_report(
    model: RatingModel,
    X: pd.DataFrame,
    y: npt.ArrayLike,
    reference: npt.ArrayLike,
    *,
    test_size: float = 0.25,
    random_state: int = 0,
) -> RatingReport:
    """Fit a copy of `model` on part of the history and compare on the held-out rest."""
    target = _check_ratings(y)
    ref = np.asarray(reference, dtype=np.float64)
    train, test = train_test_split(
        np.arange(target.size), test_size=test_size, random_state=random_state
    )
    fitted = clone(model).fit(X.iloc[train], target[train])
    predicted = fitted.predict(X.iloc[test])
    slope, intercept = np.polyfit(ref[train], target[train], 1)
    by_reference = slope * ref[test] + intercept
    constant = np.full(test.size, target[train].mean())
    actual = target[test]
    return RatingReport(
        n_train=int(train.size),
        n_test=int(test.size),
        rmse=_rmse(actual, predicted),
        rmse_constant=_rmse(actual, constant),
        rmse_reference=_rmse(actual, by_reference),
        mae=float(np.mean(np.abs(actual - predicted))),
        mae_constant=float(np.mean(np.abs(actual - constant))),
        mae_reference=float(np.mean(np.abs(actual - by_reference))),
        calibration_error=calibration_error(actual, predicted),
        calibration_error_reference=calibration_error(actual, by_reference),
    )


def _rmse(actual: FloatArray, predicted: FloatArray) -> float:
    return float(np.sqrt(np.mean((actual - predicted) ** 2)))
