"""The expert evaluation on the demo data set: deterministic, and the upper bound is one."""

from __future__ import annotations

import pytest

from matching.data.dataset import Dataset, load_dataset
from matching.data.reference import Reference, load_reference
from matching.evaluation.experts import (
    EXPERT_POLICIES,
    ExpertOutcome,
    ExpertPlan,
    expert_outcomes,
    expert_plans,
)
from matching.evaluation.experts_churn import expert_churn
from matching.evaluation.experts_setting import ExpertSetting, expert_setting


@pytest.fixture(scope="module")
def demo() -> tuple[Dataset, Reference, ExpertSetting]:
    reference = load_reference()
    dataset = load_dataset("data/demo", reference)
    return dataset, reference, expert_setting(dataset, reference)


@pytest.fixture(scope="module")
def plans(demo: tuple[Dataset, Reference, ExpertSetting]) -> dict[str, ExpertPlan]:
    dataset, reference, setting = demo
    return expert_plans(dataset, reference, seed=4, setting=setting)


@pytest.fixture(scope="module")
def outcomes(
    demo: tuple[Dataset, Reference, ExpertSetting], plans: dict[str, ExpertPlan]
) -> dict[str, ExpertOutcome]:
    dataset, reference, setting = demo
    return {
        name: expert_outcomes(dataset, reference, p, setting=setting) for name, p in plans.items()
    }


def test_every_policy_has_a_plan(plans: dict[str, ExpertPlan]) -> None:
    """One plan per policy, in the declared order, each assigning something."""
    assert tuple(plans) == EXPERT_POLICIES
    assert all(plan.policy == name and plan.need_id for name, plan in plans.items())


def test_evaluation_is_deterministic_for_a_seed(
    demo: tuple[Dataset, Reference, ExpertSetting],
    plans: dict[str, ExpertPlan],
    outcomes: dict[str, ExpertOutcome],
) -> None:
    """The same seed gives the same plans and the same figures, from a fresh setting."""
    dataset, reference, _ = demo
    again = expert_plans(dataset, reference, seed=4)
    assert again == plans
    assert expert_outcomes(dataset, reference, again["nearest"]) == outcomes["nearest"]


def test_upper_bound_beats_every_policy_on_true_rating(
    outcomes: dict[str, ExpertOutcome],
) -> None:
    """No policy's sum of true ratings exceeds the upper bound's."""
    best = outcomes["upper_bound"].true_rating_sum
    for name, outcome in outcomes.items():
        assert outcome.true_rating_sum <= best + 1e-9, name


def test_coverage_never_exceeds_what_is_coverable(outcomes: dict[str, ExpertOutcome]) -> None:
    """Coverable is a proven maximum: no policy covers more, and the figures are shares."""
    for outcome in outcomes.values():
        assert outcome.needs_covered <= outcome.coverable <= outcome.needs
        assert outcome.priority_covered <= outcome.priority_coverable
        assert 0 < outcome.mean_true_rating <= 5 and 0 < outcome.day_use <= 1


def test_churn_after_one_decline(
    demo: tuple[Dataset, Reference, ExpertSetting], plans: dict[str, ExpertPlan]
) -> None:
    """Bangfu keeps every published pair but the declined one on the demo set."""
    dataset, reference, setting = demo
    churn = expert_churn(dataset, reference, plans["bangfu"], seed=4, setting=setting)
    assert (churn.declined_expert, churn.declined_need) in plans["bangfu"].pairs
    assert churn.pairs_moved == 0
    assert churn.pairs_after >= churn.pairs_before - 1
