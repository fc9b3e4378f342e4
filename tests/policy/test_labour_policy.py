"""The labour market's policy, tested through what the matcher returns.

Small hand-built markets (rows copied from the demo data set, then set by hand) where
exactly one answer follows the policy: registered-poor workers and workers from
deep-poverty villages come first when everything else is equal; the comparison with
deferred acceptance counts the groups that mode splits; gender never reaches the
retention model, neither when it is trained nor when it predicts.

The retention model is replaced by a fitted stand-in that scores every pair alike (or by
age, where a posting must prefer someone), so that only the policy decides.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from matching.data.reference import Reference, load_reference
from matching.errors import InvalidInputError
from matching.labour import LabourConfig, Workforce, compare_modes, match_labour
from matching.labour.features import FEATURES
from matching.labour.model import EmployerHistory, RetentionFit
from matching.scoring.outcome import CalibrationReport, LinearRetentionModel, RetentionModel
from matching.synth.generate import generate

CITY = "shenzhen"


def flat_retention(by_age: bool = False) -> RetentionFit:
    """A fitted model whose every pair is equally likely to last (logit of 0.6), or
    slightly more likely for older workers, with no employer history."""
    model = LinearRetentionModel()
    model.feature_names_in_ = np.asarray(FEATURES, dtype=object)
    model.coef_ = np.where(np.asarray(FEATURES) == "age_c", 0.01 if by_age else 0.0, 0.0)
    model.intercept_ = float(np.log(0.6 / 0.4))
    model.classes_ = np.array([0, 1])
    report = CalibrationReport(
        n=0, base_rate=0.6, auc=0.5, brier=0.24, brier_constant=0.24, ece=0.0
    )
    history = EmployerHistory(pd.Series([], dtype=str), np.zeros(0, dtype=np.int64))
    return RetentionFit(model, report, history)


@pytest.fixture(scope="module")
def reference() -> Reference:
    return load_reference()


@pytest.fixture(scope="module")
def templates() -> dict[str, pd.DataFrame]:
    demo = generate("demo", 7)
    return {"workers": demo.workers, "postings": demo.postings, "villages": demo.villages}


def _villages(templates: dict[str, pd.DataFrame], deep: list[int]) -> pd.DataFrame:
    """Villages at one place, differing only in the deep-poverty flag."""
    rows = pd.concat([templates["villages"].iloc[[0]]] * len(deep), ignore_index=True)
    rows["village_id"] = [f"V{i}" for i in range(len(deep))]
    rows["deep_poverty"] = deep
    return rows


def _workers(templates: dict[str, pd.DataFrame], rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Identical workers who want to go to Shenzhen, with the given changes."""
    base = templates["workers"].iloc[[0]]
    frame = pd.concat([base] * len(rows), ignore_index=True)
    frame = frame.assign(
        worker_id=[f"W{i}" for i in range(len(rows))],
        village_id="V0",
        registered_poor=0,
        age=30,
        education="初中",
        skill_codes="",
        certificate_codes="",
        intended_industry_codes="",
        intended_city_codes=CITY,
        willing_far=1,
        expected_wage_yuan=4000,
        group_id="",
    )
    for i, changes in enumerate(rows):
        for column, value in changes.items():
            frame.loc[i, column] = value
    return frame


def _postings(templates: dict[str, pd.DataFrame], positions: list[int]) -> pd.DataFrame:
    """Open postings in Shenzhen, open to everyone; the first pays best."""
    base = templates["postings"].iloc[[0]]
    frame = pd.concat([base] * len(positions), ignore_index=True)
    return frame.assign(
        posting_id=[f"P{i}" for i in range(len(positions))],
        partner_city_code=CITY,
        positions=positions,
        wage_yuan_month=[6000 - 500 * i for i in range(len(positions))],
        required_skill_codes="",
        required_certificate_codes="",
        min_age=18,
        max_age=60,
        housing=1,
        meals=1,
        earmarked_prefecture_codes="",
        status="open",
    )


def _force(
    reference: Reference,
    workers: pd.DataFrame,
    postings: pd.DataFrame,
    villages: pd.DataFrame,
) -> Workforce:
    return Workforce(
        workers, postings, villages, reference.partner_cities, reference.active_pairings(2026)
    )


def _placed(force: Workforce, fit: RetentionFit) -> set[str]:
    match = match_labour(force, fit, LabourConfig(solver="cpsat"))
    return set(match.assignments["worker_id"].astype(str))


@pytest.mark.parametrize("poor_first", [True, False])
def test_a_registered_poor_worker_wins_an_equal_contest(
    poor_first: bool, reference: Reference, templates: dict[str, pd.DataFrame]
) -> None:
    """Two equal workers, one position: the one from a registered-poor household (a 脱贫户
    in 2026) gets it."""
    poor = 0 if poor_first else 1
    households = [
        {"registered_poor": int(i == poor), "household_status": "脱贫户" if i == poor else "一般"}
        for i in range(2)
    ]
    workers = _workers(templates, households)
    force = _force(reference, workers, _postings(templates, [1]), _villages(templates, [0]))
    assert _placed(force, flat_retention()) == {f"W{poor}"}


@pytest.mark.parametrize("deep_first", [True, False])
def test_a_deep_poverty_village_wins_an_equal_contest(
    deep_first: bool, reference: Reference, templates: dict[str, pd.DataFrame]
) -> None:
    """Two equal workers from villages at one place: the deep-poverty village's gets it."""
    deep = 0 if deep_first else 1
    villages = _villages(templates, [int(i == deep) for i in range(2)])
    workers = _workers(templates, [{"village_id": f"V{i}"} for i in range(2)])
    force = _force(reference, workers, _postings(templates, [1]), villages)
    assert _placed(force, flat_retention()) == {f"W{deep}"}


def test_stable_mode_reports_the_group_it_splits(
    reference: Reference, templates: dict[str, pd.DataFrame]
) -> None:
    """A pair of fellow villagers and an older worker all want the better posting (2 places).

    Deferred acceptance keeps the older worker and one of the pair there and sends the other
    to the second posting: one group split, and the summary must say so. The optimized mode
    keeps the pair together.
    """
    workers = _workers(
        templates,
        [{"group_id": "G1"}, {"group_id": "G1"}, {"age": 50}],
    )
    force = _force(reference, workers, _postings(templates, [2, 2]), _villages(templates, [0]))
    match = match_labour(force, flat_retention(by_age=True), LabourConfig(solver="cpsat"))
    modes = compare_modes(match.run)
    assert modes["stable"]["groups_split"] == 1
    assert modes["stable"]["workers_placed"] == 3
    assert modes["optimized"]["groups_split"] == 0
    placed = match.assignments.set_index("worker_id")["posting_id"].astype(str)
    assert placed["W0"] == placed["W1"]


def _history(n: int = 300) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"age": rng.integers(18, 60, n), "distance_km": rng.uniform(0, 2000, n)})
    return X, (rng.random(n) < 0.6).astype(np.int64)


MODELS = {
    "linear": lambda: LinearRetentionModel(),
    "boosted": lambda: RetentionModel(max_iter=10, cv=2),
}


@pytest.mark.parametrize("kind", list(MODELS))
@pytest.mark.parametrize("column", ["gender", "Sex", "性别"])
def test_gender_is_refused_when_predicting(column: str, kind: str) -> None:
    """A fitted retention model refuses a gender column at predict time, not only in fit."""
    X, y = _history()
    model = MODELS[kind]().fit(X, y)
    with_gender = X.assign(**{column: np.where(np.arange(len(X)) % 2, "男", "女")})
    for predict in (model.predict_proba, model.retention, model.predict):
        with pytest.raises(InvalidInputError, match=column):
            predict(with_gender)


@pytest.mark.parametrize("kind", list(MODELS))
@pytest.mark.parametrize("column", ["gender", "性别"])
def test_gender_is_refused_when_training(column: str, kind: str) -> None:
    """Training on a gender column is refused too."""
    X, y = _history()
    with pytest.raises(InvalidInputError, match=column):
        MODELS[kind]().fit(X.assign(**{column: 1}), y)
