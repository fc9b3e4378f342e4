"""Policies compared across data sets: ratios with bootstrap intervals, shares of the bound.

A `SetOutcomes` holds, for one data set, each policy's outcome figures (plain numbers
measured with the hidden truth). `compare` turns several of them into the figures the
issue asks for: Bangfu against each baseline as a ratio, Bangfu as a share of the upper
bound, each with a percentile bootstrap interval over the data sets (generator seeds).
With a single data set there is nothing to resample, and the interval is left out rather
than faked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matching.errors import InvalidInputError

Figures = Mapping[str, float]


@dataclass(frozen=True)
class SetOutcomes:
    """One data set: its name and, per policy, the outcome figures."""

    name: str
    policies: Mapping[str, Figures]


@dataclass(frozen=True)
class Ratio:
    """`policy`'s figure divided by `against`'s, the mean over data sets and its interval."""

    metric: str
    policy: str
    against: str
    per_set: tuple[float, ...]
    mean: float
    low: float | None
    high: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "metric": self.metric,
            "policy": self.policy,
            "against": self.against,
            "per_set": list(self.per_set),
            "mean": self.mean,
            "low": self.low,
            "high": self.high,
        }


def bootstrap_interval(
    values: Sequence[float], *, seed: int, resamples: int = 2000, level: float = 0.95
) -> tuple[float, float] | None:
    """Percentile interval of the mean of `values`; None for fewer than two values."""
    data = np.asarray(values, dtype=np.float64)
    if data.size < 2:
        return None
    if not 0 < level < 1:
        raise InvalidInputError("level must lie strictly between 0 and 1.", item="level")
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, size=(resamples, data.size))].mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)


def ratio(
    sets: Sequence[SetOutcomes], metric: str, policy: str, against: str, *, seed: int = 0
) -> Ratio:
    """`policy` / `against` on `metric` in every data set, with a bootstrap interval."""
    per_set = tuple(_ratio_in(s, metric, policy, against) for s in sets)
    interval = bootstrap_interval(per_set, seed=seed)
    low, high = interval if interval is not None else (None, None)
    return Ratio(metric, policy, against, per_set, float(np.mean(per_set)), low, high)


def _ratio_in(outcomes: SetOutcomes, metric: str, policy: str, against: str) -> float:
    numerator = _figure(outcomes, policy, metric)
    denominator = _figure(outcomes, against, metric)
    if denominator == 0:
        return float("inf") if numerator > 0 else 1.0
    return numerator / denominator


def _figure(outcomes: SetOutcomes, policy: str, metric: str) -> float:
    try:
        return float(outcomes.policies[policy][metric])
    except KeyError as error:
        raise InvalidInputError(
            f"data set {outcomes.name!r} has no figure {metric!r} for policy {policy!r}.",
            item=f"{outcomes.name}.{policy}.{metric}",
        ) from error


def best_baseline(outcomes: SetOutcomes, metric: str, baselines: Sequence[str]) -> str:
    """The baseline with the highest `metric` in this data set (first on ties)."""
    return max(baselines, key=lambda name: _figure(outcomes, name, metric))


def against_best_baseline(
    sets: Sequence[SetOutcomes],
    metric: str,
    baselines: Sequence[str],
    *,
    policy: str = "bangfu",
    seed: int = 0,
) -> Ratio:
    """`policy` against whichever baseline is best in each data set."""
    per_set = tuple(_ratio_in(s, metric, policy, best_baseline(s, metric, baselines)) for s in sets)
    interval = bootstrap_interval(per_set, seed=seed)
    low, high = interval if interval is not None else (None, None)
    mean = float(np.mean(per_set))
    return Ratio(metric, policy, "best_baseline", per_set, mean, low, high)
