"""Every policy of a market on every data set, measured with the truth, then compared.

`evaluate(datasets, markets, seed)` is what `bangfu evaluate` runs: for each data set it
asks the market for its policies' plans (Bangfu, today's practice, the upper bound),
measures each plan with the hidden truth, and compares Bangfu with each baseline, with
the best baseline of each data set and with the upper bound over all data sets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from matching.control import checkpoint, report
from matching.data.frames import Dataset
from matching.data.reference import Reference
from matching.evaluation.compare import Ratio, SetOutcomes, against_best_baseline, ratio


@dataclass(frozen=True)
class Measured:
    """One data set measured: per policy its figures under the truth, and extra figures
    about the data set (e.g. the learned model against the truth)."""

    policies: Mapping[str, Mapping[str, float]]
    extras: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Market:
    """How to evaluate one market: its policies, how to measure a plan, what to compare."""

    name: str
    measure: Callable[[Dataset, Reference, int], Measured]  # (dataset, reference, seed)
    baselines: tuple[str, ...]
    upper_bound: str
    # metrics compared with the baselines and the upper bound, in report order
    headline: tuple[str, ...]
    # further references Bangfu is compared with (e.g. the bound no learned model can pass)
    yardsticks: tuple[str, ...] = ()
    # references measured against the best baseline: what the best plans under the rules
    # reach, so a target ratio can be checked against what is reachable at all
    ceilings: tuple[str, ...] = ()


@dataclass(frozen=True)
class MarketEvaluation:
    market: str
    sets: tuple[SetOutcomes, ...]
    ratios: tuple[Ratio, ...]
    extras: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "market": self.market,
            "data_sets": {s.name: {p: dict(f) for p, f in s.policies.items()} for s in self.sets},
            "ratios": [r.as_dict() for r in self.ratios],
            "extras": {name: dict(figures) for name, figures in self.extras.items()},
        }


def evaluate(
    datasets: Sequence[tuple[str, Dataset]],
    reference: Reference,
    markets: Sequence[Market],
    *,
    seed: int = 0,
) -> list[MarketEvaluation]:
    """Measure every market's policies on every data set and compare them."""
    return [_evaluate_market(datasets, reference, market, seed) for market in markets]


def _evaluate_market(
    datasets: Sequence[tuple[str, Dataset]], reference: Reference, market: Market, seed: int
) -> MarketEvaluation:
    sets: list[SetOutcomes] = []
    extras: dict[str, Mapping[str, Any]] = {}
    for name, dataset in datasets:
        report(f"{market.name}: {name}")
        measured = market.measure(dataset, reference, seed)
        sets.append(SetOutcomes(name, {p: dict(f) for p, f in measured.policies.items()}))
        extras[name] = measured.extras
        checkpoint()
    return MarketEvaluation(market.name, tuple(sets), _ratios(sets, market, seed), extras)


def _ratios(sets: Sequence[SetOutcomes], market: Market, seed: int) -> tuple[Ratio, ...]:
    found: list[Ratio] = []
    for metric in market.headline:
        found.append(against_best_baseline(sets, metric, market.baselines, seed=seed))
        found.extend(ratio(sets, metric, "bangfu", b, seed=seed) for b in market.baselines)
        found.append(ratio(sets, metric, "bangfu", market.upper_bound, seed=seed))
        found.extend(ratio(sets, metric, "bangfu", y, seed=seed) for y in market.yardsticks)
        found.extend(
            against_best_baseline(sets, metric, market.baselines, policy=c, seed=seed)
            for c in market.ceilings
        )
    return tuple(found)
