"""Ratios against baselines and their bootstrap intervals over data sets."""

from __future__ import annotations

import pytest

from matching.errors import InvalidInputError
from matching.evaluation.compare import (
    SetOutcomes,
    against_best_baseline,
    bootstrap_interval,
    ratio,
)


def _sets() -> list[SetOutcomes]:
    return [
        SetOutcomes("s1", {"bangfu": {"kept": 120}, "hand": {"kept": 100}, "wage": {"kept": 80}}),
        SetOutcomes("s2", {"bangfu": {"kept": 130}, "hand": {"kept": 90}, "wage": {"kept": 100}}),
        SetOutcomes("s3", {"bangfu": {"kept": 110}, "hand": {"kept": 100}, "wage": {"kept": 50}}),
    ]


def test_ratio_per_set_and_mean() -> None:
    """Each data set's ratio is policy / baseline; the mean is their average."""
    found = ratio(_sets(), "kept", "bangfu", "hand")
    assert found.per_set == pytest.approx((1.2, 130 / 90, 1.1))
    assert found.mean == pytest.approx((1.2 + 130 / 90 + 1.1) / 3)
    assert found.low is not None and found.high is not None
    assert found.low <= found.mean <= found.high


def test_best_baseline_is_chosen_per_set() -> None:
    """In s2 the wage baseline is the stronger one, so Bangfu is compared with it there."""
    found = against_best_baseline(_sets(), "kept", ["hand", "wage"])
    assert found.per_set == pytest.approx((1.2, 1.3, 1.1))
    assert found.against == "best_baseline"


def test_interval_is_deterministic_and_within_the_values() -> None:
    """The same seed gives the same interval; a mean cannot leave the data's range."""
    values = [0.9, 1.1, 1.3, 1.0, 1.2]
    first = bootstrap_interval(values, seed=3)
    assert first == bootstrap_interval(values, seed=3)
    assert first is not None
    assert min(values) <= first[0] < first[1] <= max(values)


def test_no_interval_from_one_data_set() -> None:
    """One data set has nothing to resample: no interval rather than a fake one."""
    assert bootstrap_interval([1.4], seed=0) is None
    single = ratio(_sets()[:1], "kept", "bangfu", "hand")
    assert single.low is None and single.high is None and single.mean == pytest.approx(1.2)


def test_missing_figure_names_set_policy_and_metric() -> None:
    """Asking for a figure a policy lacks is an error naming all three."""
    with pytest.raises(InvalidInputError, match=r"s1.*retained.*bangfu"):
        ratio(_sets(), "retained", "bangfu", "hand")
