"""The evaluation runner on a toy market: figures per data set, ratios, tables and plots."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.data.frames import Dataset
from matching.data.reference import Reference, load_reference
from matching.evaluation.plots import write_plots
from matching.evaluation.runner import Market, Measured, evaluate
from matching.evaluation.tables import markdown


def _toy_measure(dataset: Dataset, reference: Reference, seed: int) -> Measured:
    """Figures that depend on the data set's worker count, so each set differs."""
    n = float(len(dataset.workers))
    policies = {
        "bangfu": {"kept": 0.9 * n},
        "hand": {"kept": 0.6 * n},
        "wage": {"kept": 0.5 * n + seed},
        "upper_bound": {"kept": n},
    }
    return Measured(policies, {"workers": n})


TOY = Market("toy", _toy_measure, ("hand", "wage"), "upper_bound", ("kept",))


@pytest.fixture(scope="module")
def toy_sets(county_data: Dataset) -> list[tuple[str, Dataset]]:
    half = Dataset(**{**county_data.tables(), "workers": county_data.workers.iloc[:100]})
    return [("full", county_data), ("cut", half)]


def test_every_policy_measured_on_every_set(toy_sets: list[tuple[str, Dataset]]) -> None:
    """One SetOutcomes per data set, with every policy the market names."""
    (result,) = evaluate(toy_sets, load_reference(), [TOY], seed=0)
    assert [s.name for s in result.sets] == ["full", "cut"]
    assert set(result.sets[1].policies) == {"bangfu", "hand", "wage", "upper_bound"}
    assert result.sets[1].policies["bangfu"]["kept"] == pytest.approx(90.0)
    assert result.extras["cut"] == {"workers": 100.0}


def test_ratios_against_best_baseline_each_baseline_and_the_bound(
    toy_sets: list[tuple[str, Dataset]],
) -> None:
    """Bangfu keeps 1.5 × the hand rule and 90 % of the bound in every set."""
    (result,) = evaluate(toy_sets, load_reference(), [TOY], seed=0)
    by_against = {r.against: r for r in result.ratios}
    assert by_against["best_baseline"].mean == pytest.approx(1.5)
    assert by_against["upper_bound"].per_set == pytest.approx((0.9, 0.9))
    assert set(by_against) == {"best_baseline", "hand", "wage", "upper_bound"}


def test_ceilings_are_measured_against_the_best_baseline(
    toy_sets: list[tuple[str, Dataset]],
) -> None:
    """A ceiling says how far any plan gets past the best baseline: the bound keeps
    n / 0.6 n = 1.667 × the hand rule in every set; the table names the policy."""
    market = Market("toy", _toy_measure, ("hand", "wage"), "upper_bound", ("kept",),
                    ceilings=("upper_bound",))  # fmt: skip
    (result,) = evaluate(toy_sets, load_reference(), [market], seed=0)
    (ceiling,) = [r for r in result.ratios if r.policy == "upper_bound"]
    assert ceiling.against == "best_baseline"
    assert ceiling.per_set == pytest.approx((1 / 0.6, 1 / 0.6))
    assert "| kept | upper_bound | best_baseline | 1.667 |" in markdown(result, ("kept",))


def test_tables_and_plots_are_written(toy_sets: list[tuple[str, Dataset]], tmp_path: Path) -> None:
    """The Markdown names every policy and data set; the plots are non-empty PNG files."""
    (result,) = evaluate(toy_sets, load_reference(), [TOY], seed=0)
    text = markdown(result, TOY.headline)
    assert "| full |" in text and "upper_bound" in text and "best_baseline" in text
    paths = write_plots(result, TOY.headline, tmp_path)
    assert [p.name for p in paths] == ["toy_kept.png", "toy_ratios.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in paths)
