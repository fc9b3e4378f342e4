"""Labour matching (东西部劳务协作): rural workers to partner-city postings.

Optimized mode: the engine maximizes predicted retention weighted by priority, plus the
workers' wishes, with fellow villagers placed together or not at all. Stable mode:
worker-proposing deferred acceptance on the same candidate pairs, for comparison.
"""

from __future__ import annotations

from matching.labour.config import LabourConfig
from matching.labour.match import LabourRun, run_labour
from matching.labour.model import train_retention
from matching.labour.report import LabourMatch, build_match, compare_modes
from matching.labour.tables import Workforce
from matching.scoring.outcome import RetentionModel


def match_labour(
    force: Workforce,
    model: RetentionModel,
    config: LabourConfig | None = None,
    model_report: dict[str, float] | None = None,
) -> LabourMatch:
    """Place workers of `force` in its postings with a fitted retention model."""
    return build_match(run_labour(force, model, config or LabourConfig()), model_report)


__all__ = [
    "LabourConfig",
    "LabourMatch",
    "LabourRun",
    "Workforce",
    "compare_modes",
    "match_labour",
    "run_labour",
    "train_retention",
]
