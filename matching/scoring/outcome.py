"""The retention model: probability that a placement still holds after six months.

Gradient-boosted trees (as GeoMatch and Annie MOORE use) wrapped in a calibration step,
because the matcher multiplies the probability with priorities: a score of 0.8 has to mean
eight placements in ten last. Gender is never a feature, whatever the caller passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from matching.errors import InvalidInputError

# Column names (or fragments of them) that must never reach the model.
FORBIDDEN_FEATURES: tuple[str, ...] = ("gender", "sex", "性别")


def check_no_forbidden_features(columns: pd.Index) -> None:
    """Raise when a column looks like a protected attribute the model must not use."""
    for column in map(str, columns):
        if any(word in column.lower() for word in FORBIDDEN_FEATURES):
            raise InvalidInputError(
                f"feature {column!r} is not allowed in the retention model.", item=column
            )


class RetentionModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Calibrated gradient boosting on pair features (one row per worker–posting pair)."""

    def __init__(
        self,
        *,
        max_iter: int = 200,
        learning_rate: float = 0.08,
        max_leaf_nodes: int = 15,
        l2_regularization: float = 1.0,
        calibration: str = "isotonic",
        cv: int = 3,
        n_threads: int | None = 1,
        random_state: int = 0,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization
        self.calibration = calibration
        self.cv = cv
        # One OpenMP thread by default: on a shared 2-core machine more threads spin
        # against other work and ran 20x slower in our measurements; results are identical.
        self.n_threads = n_threads
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike) -> RetentionModel:
        """Fit the boosted trees and their calibration on features X and outcomes y (0/1)."""
        check_no_forbidden_features(X.columns)
        check_two_outcomes(y)
        target = np.asarray(y).astype(np.int64)
        base = HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            l2_regularization=self.l2_regularization,
            random_state=self.random_state,
        )
        # One calibrated model (not an ensemble of cv copies): scoring millions of pairs stays fast.
        self.model_ = CalibratedClassifierCV(
            base, method=self.calibration, cv=self.cv, ensemble=False
        )
        with threadpool_limits(limits=self.n_threads, user_api="openmp"):
            self.model_.fit(X, target)
        self.classes_ = self.model_.classes_
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def predict_proba(self, X: pd.DataFrame) -> npt.NDArray[np.float64]:
        """Columns: probability of failure, probability of retention."""
        check_no_forbidden_features(X.columns)
        with threadpool_limits(limits=self.n_threads, user_api="openmp"):
            return np.asarray(self.model_.predict_proba(X[list(self.feature_names_in_)]))

    def predict(self, X: pd.DataFrame) -> npt.NDArray[np.int64]:
        """1 where retention is the likelier outcome."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(np.int64)

    def retention(self, X: pd.DataFrame) -> npt.NDArray[np.float64]:
        """Predicted probability that each placement lasts six months."""
        return self.predict_proba(X)[:, 1]


def check_two_outcomes(y: npt.ArrayLike) -> None:
    """A model of retention needs both outcomes in its history."""
    values = np.unique(np.asarray(y))
    if values.size < 2:
        only = "nothing" if values.size == 0 else f"only {values[0]!r}"
        raise InvalidInputError(
            f"the placement history has only one outcome (retained_6m is {only} in every "
            "row); retention cannot be learned from it.",
            item="retained_6m",
        )


class LinearRetentionModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """L2-regularised logistic regression on pair features, with its logit in the
    features' own units (`coef_`, `intercept_`).

    A linear logit can be evaluated on a whole grid of workers × postings with a few
    array operations, so the matcher scores every eligible pair, not a shortlist; on the
    placement history it ranks as well as boosted trees (see the README's figures).
    """

    def __init__(self, *, C: float = 1.0, max_iter: int = 2000, random_state: int = 0) -> None:
        self.C = C
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: npt.ArrayLike) -> LinearRetentionModel:
        """Standardise the features, fit, and fold the scaling back into the coefficients."""
        check_no_forbidden_features(X.columns)
        check_two_outcomes(y)
        values = X.to_numpy(np.float64)
        mean = values.mean(axis=0)
        scale = values.std(axis=0)
        scale[scale == 0] = 1.0
        fitted = LogisticRegression(
            C=self.C, max_iter=self.max_iter, random_state=self.random_state
        ).fit((values - mean) / scale, np.asarray(y).astype(np.int64))
        self.coef_ = np.asarray(fitted.coef_[0] / scale, dtype=np.float64)
        self.intercept_ = float(fitted.intercept_[0] - np.dot(self.coef_, mean))
        self.classes_ = fitted.classes_
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def coefficients(self) -> dict[str, float]:
        """The logit's coefficient of each feature, by name."""
        return dict(zip(map(str, self.feature_names_in_), self.coef_.tolist(), strict=True))

    def decision_function(self, X: pd.DataFrame) -> npt.NDArray[np.float64]:
        check_no_forbidden_features(X.columns)
        values = X[list(self.feature_names_in_)].to_numpy(np.float64)
        return np.asarray(values @ self.coef_ + self.intercept_)

    def predict_proba(self, X: pd.DataFrame) -> npt.NDArray[np.float64]:
        """Columns: probability of failure, probability of retention."""
        retained = expit(self.decision_function(X))
        return np.column_stack((1.0 - retained, retained))

    def predict(self, X: pd.DataFrame) -> npt.NDArray[np.int64]:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(np.int64)

    def retention(self, X: pd.DataFrame) -> npt.NDArray[np.float64]:
        """Predicted probability that each placement lasts six months."""
        return self.predict_proba(X)[:, 1]


@dataclass(frozen=True)
class CalibrationReport:
    """How well predicted probabilities rank and match held-out outcomes."""

    n: int
    base_rate: float
    auc: float
    brier: float
    brier_constant: float  # Brier score of always predicting the training base rate
    ece: float  # expected calibration error over equal-width bins

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.__dict__.items()}


def expected_calibration_error(
    y_true: npt.ArrayLike, proba: npt.ArrayLike, *, n_bins: int = 10
) -> float:
    """Weighted mean |observed rate − mean prediction| over equal-width probability bins."""
    y = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(proba, dtype=np.float64)
    bins = np.minimum((p * n_bins).astype(np.int64), n_bins - 1)
    counts = np.bincount(bins, minlength=n_bins)
    observed = np.bincount(bins, weights=y, minlength=n_bins)
    predicted = np.bincount(bins, weights=p, minlength=n_bins)
    filled = counts > 0
    gaps = np.abs(observed[filled] - predicted[filled])
    return float(gaps.sum() / max(y.size, 1))


def calibration_report(
    y_true: npt.ArrayLike, proba: npt.ArrayLike, *, train_base_rate: float | None = None
) -> CalibrationReport:
    """AUC, Brier score (and a constant predictor's) and ECE of predictions `proba`."""
    y = np.asarray(y_true, dtype=np.int64)
    p = np.asarray(proba, dtype=np.float64)
    base = float(y.mean()) if train_base_rate is None else train_base_rate
    return CalibrationReport(
        n=int(y.size),
        base_rate=float(y.mean()),
        auc=float(roc_auc_score(y, p)),
        brier=float(brier_score_loss(y, p)),
        brier_constant=float(brier_score_loss(y, np.full(y.size, base))),
        ece=expected_calibration_error(y, p),
    )


def holdout_report(
    model: RetentionModel | LinearRetentionModel,
    X: pd.DataFrame,
    y: npt.ArrayLike,
    *,
    test_size: float = 0.25,
    random_state: int = 0,
) -> CalibrationReport:
    """Fit a copy of `model` on part of the history and report on the held-out rest."""
    target = np.asarray(y).astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, target, test_size=test_size, random_state=random_state, stratify=target
    )
    fitted = clone(model).fit(X_train, y_train)
    return calibration_report(
        y_test, fitted.retention(X_test), train_base_rate=float(np.mean(y_train))
    )
