"""The markets `bangfu evaluate` knows: how each measures its policies with the truth."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from matching.data.frames import Dataset
from matching.data.reference import Reference
from matching.errors import InvalidInputError
from matching.evaluation.experts import expert_outcomes, expert_plans
from matching.evaluation.experts_churn import expert_churn
from matching.evaluation.experts_model import rating_model_vs_truth
from matching.evaluation.experts_setting import expert_setting
from matching.evaluation.labour import labour_outcomes, labour_plans, retention_model_vs_truth
from matching.evaluation.runner import Market, Measured
from matching.experts import ExpertConfig


def measure_experts(dataset: Dataset, reference: Reference, seed: int) -> Measured:
    """Every expert policy's outcome under the truth, with its churn after one decline."""
    config = ExpertConfig(seed=seed)
    setting = expert_setting(dataset, reference, config)
    plans = expert_plans(dataset, reference, seed=seed, config=config, setting=setting)
    measured: dict[str, Mapping[str, float]] = {}
    for name, plan in plans.items():
        figures = dict(expert_outcomes(dataset, reference, plan, setting=setting).as_dict())
        churn = expert_churn(dataset, reference, plan, seed=seed, config=config, setting=setting)
        figures["churn_after_decline"] = float(churn.pairs_moved)
        measured[name] = figures
    model = rating_model_vs_truth(dataset, setting, plans["bangfu"])
    return Measured(measured, {} if model is None else {"rating_model_vs_truth": model.as_dict()})


def measure_labour(dataset: Dataset, reference: Reference, seed: int) -> Measured:
    """Every labour policy's outcome under the truth, and the learned model against it."""
    plans = labour_plans(dataset, reference, seed=seed)
    measured = {name: _numbers(labour_outcomes(dataset, reference, plan).as_dict())
                for name, plan in plans.items()}  # fmt: skip
    model = retention_model_vs_truth(dataset, reference, plans["bangfu"], seed=seed)
    return Measured(measured, {"retention_model_vs_truth": model.as_dict()})


def _numbers(figures: Mapping[str, object]) -> dict[str, float]:
    """The numeric figures (a policy's name is not a figure)."""
    return {k: float(v) for k, v in figures.items() if isinstance(v, int | float)}


EXPERTS = Market(
    name="experts",
    measure=measure_experts,
    baselines=("nearest", "own_county", "random_prefecture"),
    upper_bound="upper_bound",
    headline=("coverage_of_coverable", "priority_coverage_of_coverable", "mean_true_rating"),
)

LABOUR = Market(
    name="labour",
    measure=measure_labour,
    baselines=("hand_dispatch", "greedy_wage", "first_come"),
    upper_bound="upper_bound",
    headline=("retained", "poor_retained", "placed"),
    yardsticks=("observable_bound", "poor_ceiling"),
    ceilings=("upper_bound", "observable_bound", "poor_ceiling"),
)

MARKETS: dict[str, Market] = {"experts": EXPERTS, "labour": LABOUR}


def market_specs(names: Iterable[str]) -> list[Market]:
    """The markets named, in the order given."""
    found = []
    for name in names:
        if name not in MARKETS:
            raise InvalidInputError(
                f"unknown market {name!r}; known: {', '.join(MARKETS)}.", item="market"
            )
        found.append(MARKETS[name])
    return found
