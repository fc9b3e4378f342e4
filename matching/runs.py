"""The use cases: from a data set to a match. The command, the benchmarks and the service
all come through here."""

from __future__ import annotations

import re

import pandas as pd

from matching.data.dataset import Dataset
from matching.data.decisions import Decisions
from matching.data.reference import Reference
from matching.experts import ExpertConfig, ExpertMatch, ExpertTables, match_experts
from matching.labour import LabourConfig, LabourMatch, Workforce, match_labour, train_retention


def expert_tables(dataset: Dataset, reference: Reference) -> ExpertTables:
    """Open needs, all experts, villages and the deep-poverty counties."""
    counties = reference.counties
    deep = frozenset(counties.loc[counties["deep_poverty"] == 1, "county_code"].astype(str))
    needs = dataset.needs.loc[dataset.needs["status"] == "open"]
    return ExpertTables(dataset.experts, needs, dataset.villages, deep)


def _planning_year(dataset: Dataset) -> int:
    periods = dataset.manifest.get("planning_periods") or sorted(set(dataset.postings["period"]))
    found = re.match(r"(\d{4})", str(periods[0])) if len(periods) else None
    return int(found.group(1)) if found else 9999


def workforces(dataset: Dataset, reference: Reference) -> tuple[Workforce, Workforce]:
    """The market to match (open postings) and the history (closed postings)."""
    pairings = reference.active_pairings(_planning_year(dataset))
    status = dataset.postings["status"]

    def force(postings: pd.DataFrame) -> Workforce:
        return Workforce(
            dataset.workers, postings, dataset.villages, reference.partner_cities, pairings
        )

    return force(dataset.postings.loc[status == "open"]), force(
        dataset.postings.loc[status == "closed"]
    )


def run_expert_match(
    dataset: Dataset,
    reference: Reference,
    config: ExpertConfig | None = None,
    decisions: Decisions | None = None,
) -> ExpertMatch:
    """Match the open needs of `dataset` with its experts."""
    return match_experts(expert_tables(dataset, reference), config, decisions)


def run_labour_match(
    dataset: Dataset, reference: Reference, config: LabourConfig | None = None
) -> LabourMatch:
    """Train the retention model on the history and place workers in open postings (the
    match also compares its plan with stable, deferred-acceptance mode)."""
    config = config or LabourConfig()
    open_force, history = workforces(dataset, reference)
    fit = train_retention(history, dataset.placements, random_state=config.seed)
    return match_labour(open_force, fit, config)
