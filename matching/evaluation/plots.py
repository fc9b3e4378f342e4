"""Plots of an evaluation, written as PNG files next to its figures.

matplotlib is imported here only, with the non-interactive Agg backend, so nothing else
in `matching` pays for it and no display is needed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from matching.evaluation.runner import MarketEvaluation


def write_plots(evaluation: MarketEvaluation, headline: tuple[str, ...], out: Path) -> list[Path]:
    """One bar chart per headline metric and one chart of the ratios; returns paths."""
    import matplotlib

    matplotlib.use("Agg")
    written = [_policy_bars(evaluation, metric, out) for metric in headline]
    written.append(_ratio_chart(evaluation, out))
    return written


def _policy_bars(evaluation: MarketEvaluation, metric: str, out: Path) -> Path:
    import matplotlib.pyplot as plt

    policies = list(evaluation.sets[0].policies)
    values = np.array([[s.policies[p][metric] for p in policies] for s in evaluation.sets])
    mean = values.mean(axis=0)
    spread = np.vstack([mean - values.min(axis=0), values.max(axis=0) - mean])
    figure, axes = plt.subplots(figsize=(8, 4))
    axes.bar(policies, mean, yerr=spread, capsize=4, color=_colours(policies))
    axes.set_ylabel(metric)
    axes.set_title(f"{evaluation.market}: {metric} (mean over {len(evaluation.sets)} data sets,"
                   " bars span min–max)")  # fmt: skip
    axes.tick_params(axis="x", labelrotation=20)
    figure.tight_layout()
    path = out / f"{evaluation.market}_{metric}.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _ratio_chart(evaluation: MarketEvaluation, out: Path) -> Path:
    import matplotlib.pyplot as plt

    ratios = evaluation.ratios
    labels = [
        f"{r.metric}\nvs {r.against}"
        if r.policy == "bangfu"
        else f"{r.metric}: {r.policy}\nvs {r.against}"
        for r in ratios
    ]
    mean = np.array([r.mean for r in ratios])
    low = np.array([r.low if r.low is not None else r.mean for r in ratios])
    high = np.array([r.high if r.high is not None else r.mean for r in ratios])
    figure, axes = plt.subplots(figsize=(9, 0.45 * len(ratios) + 1.5))
    positions = np.arange(len(ratios))
    axes.errorbar(mean, positions, xerr=[mean - low, high - mean], fmt="o", capsize=4)
    axes.axvline(1.0, color="grey", linewidth=1)
    axes.set_yticks(positions, labels, fontsize=7)
    axes.invert_yaxis()
    axes.set_xlabel("Bangfu / other (95 % bootstrap interval over data sets)")
    figure.tight_layout()
    path = out / f"{evaluation.market}_ratios.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _colours(policies: list[str]) -> list[str]:
    palette = {"bangfu": "#c0392b", "upper_bound": "#7f8c8d", "upper_bound_priority": "#95a5a6"}
    return [palette.get(p, "#2980b9") for p in policies]
