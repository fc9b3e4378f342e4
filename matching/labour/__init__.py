"""Labour matching (东西部劳务协作): rural workers to partner-city postings.

Optimized mode: the engine maximizes predicted retention weighted by priority, plus the
workers' wishes, over every pair that passes the hard rules (column generation, see
`matching.labour.pricing`), with fellow villagers placed together or not at all. Stable
mode: worker-proposing deferred acceptance on the same pairs, run by the match itself.
"""

from __future__ import annotations

from typing import Any

from matching.labour.config import LabourConfig
from matching.labour.match import LabourRun, run_labour
from matching.labour.model import RetentionFit, train_retention
from matching.labour.report import LabourMatch, build_match
from matching.labour.tables import Workforce


def match_labour(
    force: Workforce, fit: RetentionFit, config: LabourConfig | None = None
) -> LabourMatch:
    """Place workers of `force` in its postings with a fitted retention model."""
    return build_match(run_labour(force, fit, config or LabourConfig()), fit.report.as_dict())


def compare_modes(run: LabourRun) -> dict[str, Any]:
    """The optimized and stable modes' figures, as the run computed them."""
    return run.modes


__all__ = [
    "LabourConfig",
    "LabourMatch",
    "LabourRun",
    "RetentionFit",
    "Workforce",
    "compare_modes",
    "match_labour",
    "run_labour",
    "train_retention",
]
