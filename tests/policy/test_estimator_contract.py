"""One contract for every scikit-learn estimator of the project.

Every class in `matching` that derives from `sklearn.base.BaseEstimator` must be listed
in `SAMPLES` with data to fit (the discovery test fails when a new one is not), and each
must follow scikit-learn's conventions: `__init__` only stores its parameters, `fit`
returns self, learned attributes end in an underscore, `clone` gives an unfitted copy
with the same parameters that fits to the same answer, and the same `random_state`
gives the same result. The parameter checks are scikit-learn's own
(`sklearn.utils.estimator_checks`); its full `check_estimator` assumes numeric arrays,
which neither a text model nor a model of named pair features takes.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)
from sklearn.utils.validation import check_is_fitted

import matching
from matching.scoring.outcome import LinearRetentionModel, RetentionModel
from matching.scoring.rating import RatingModel
from matching.scoring.text import TextAffinity

TEXTS = [
    "茶树病虫害防治，茶园管理",
    "肉牛养殖与繁育技术",
    "农村电商，辣椒酱网络销售",
    "茶园里茶树生虫了",
    "牛犊繁育问题",
    "辣椒酱想在网上卖",
]


def _history(seed: int = 0, n: int = 400) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "skill_overlap": rng.random(n),
            "distance_km": rng.uniform(100, 2000, n),
            "housing": rng.integers(0, 2, n),
        }
    )
    logit = 2.5 * X.skill_overlap - X.distance_km / 1000 + 0.8 * X.housing
    return X, (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)


def _visits(seed: int = 0, n: int = 300) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "skill_share": rng.random(n),
            "distance_100km": rng.uniform(0, 2, n),
            "expert_id": [f"E{i}" for i in rng.integers(0, 40, n)],
            "village_id": [f"V{i}" for i in rng.integers(0, 30, n)],
        }
    )
    rating = 3 + 1.5 * X.skill_share - 0.5 * X.distance_100km + rng.normal(0, 0.7, n)
    return X, np.clip(np.round(rating), 1, 5)


# Estimator class -> (a small instance, fit arguments, what its answer is).
Answer = Callable[[Any], np.ndarray]
SAMPLES: dict[type, tuple[Callable[[], Any], Callable[[], tuple[Any, ...]], Answer]] = {
    TextAffinity: (
        TextAffinity,
        lambda: (TEXTS,),
        lambda fitted: sp.csr_matrix(fitted.transform(TEXTS)).toarray(),
    ),
    LinearRetentionModel: (
        lambda: LinearRetentionModel(random_state=3),
        _history,
        lambda fitted: fitted.predict_proba(_history()[0]),
    ),
    RatingModel: (
        lambda: RatingModel(random_state=3),
        _visits,
        lambda fitted: fitted.predict(_visits(seed=1)[0]),
    ),
    RetentionModel: (
        lambda: RetentionModel(max_iter=15, cv=2, random_state=3),
        _history,
        lambda fitted: fitted.predict_proba(_history(seed=1)[0]),
    ),
}


def _project_estimators() -> set[type]:
    found: set[type] = set()
    for module in pkgutil.walk_packages(matching.__path__, "matching."):
        loaded = importlib.import_module(module.name)
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, BaseEstimator) and cls.__module__.startswith("matching."):
                found.add(cls)
    return found


def test_every_estimator_of_the_project_is_under_contract() -> None:
    """Each BaseEstimator subclass in matching/ has a sample here (and nothing else does)."""
    assert _project_estimators() == set(SAMPLES)


ESTIMATORS = pytest.mark.parametrize("cls", list(SAMPLES), ids=lambda cls: cls.__name__)


@ESTIMATORS
def test_init_only_stores_parameters(cls: type) -> None:
    """scikit-learn's own checks: default-constructible, nothing but parameters set."""
    make = SAMPLES[cls][0]
    check_parameters_default_constructible(cls.__name__, cls())
    check_no_attributes_set_in_init(cls.__name__, make())
    check_get_params_invariance(cls.__name__, make())
    check_set_params(cls.__name__, make())


@ESTIMATORS
def test_fit_returns_self_and_learns_underscored_attributes(cls: type) -> None:
    """fit returns the estimator; every attribute it adds ends in an underscore."""
    make, data, _ = SAMPLES[cls]
    estimator = make()
    before = set(vars(estimator))
    assert estimator.fit(*data()) is estimator
    learned = set(vars(estimator)) - before
    assert learned, "fit learned nothing"
    assert all(name.endswith("_") and not name.startswith("_") for name in learned), learned
    assert estimator.get_params() == make().get_params(), "fit changed a parameter"


@ESTIMATORS
def test_clone_is_unfitted_and_fits_to_the_same_answer(cls: type) -> None:
    """clone copies the parameters, not the fit; fitted again it answers the same."""
    make, data, answer = SAMPLES[cls]
    fitted = make().fit(*data())
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    np.testing.assert_array_equal(answer(copy.fit(*data())), answer(fitted))


@ESTIMATORS
def test_same_random_state_same_answer(cls: type) -> None:
    """Two fits with the same parameters (random_state included, where there is one) answer
    the same, to the last bit."""
    make, data, answer = SAMPLES[cls]
    first, second = make().fit(*data()), make().fit(*data())
    np.testing.assert_array_equal(answer(first), answer(second))
