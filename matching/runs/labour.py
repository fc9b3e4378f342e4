"""The labour match as a use case: data set in, typed result out."""

from __future__ import annotations

from typing import Any

import pandas as pd

from matching.control import CancelToken, ProgressListener, checkpoint, report
from matching.data.dataset import Dataset
from matching.data.decisions import Decisions
from matching.data.reference import Reference
from matching.labour import (
    LabourConfig,
    LabourMatch,
    LabourRun,
    Workforce,
    compare_modes,
    run_labour,
    train_retention,
)
from matching.labour.report import build_match
from matching.runs.control import collector_paused, run_control
from matching.runs.convert import explanation, mode_figures, retention_quality
from matching.runs.results import LabourFigures, MatchResult, SolveRecord, Summary

LabourResult = MatchResult[LabourRun, LabourConfig]
SOLVE_NAME = "placement"


def workforces(
    dataset: Dataset, reference: Reference, refused: frozenset[tuple[str, str]] = frozenset()
) -> tuple[Workforce, Workforce]:
    """The market to match (open postings, without the `refused` pairs) and the history
    (closed postings)."""
    # Dated pairings: each posting is judged by the pairs in force in its own period.
    pairings = reference.pairings
    counties = reference.counties
    key = frozenset(counties.loc[counties["key_county"] == 1, "county_code"].astype(str))
    status = dataset.postings["status"]

    def force(postings: pd.DataFrame, refused: frozenset[tuple[str, str]]) -> Workforce:
        cities = reference.partner_cities
        return Workforce(
            dataset.workers, postings, dataset.villages, cities, pairings, refused, key
        )

    return force(dataset.postings.loc[status == "open"], refused), force(
        dataset.postings.loc[status == "closed"], frozenset()
    )


def run_labour_match(
    dataset: Dataset,
    reference: Reference,
    config: LabourConfig | None = None,
    decisions: Decisions | None = None,
    *,
    progress: ProgressListener | None = None,
    cancel: CancelToken | None = None,
) -> LabourResult:
    """Train the retention model on the history, place workers in open postings (priced
    over every eligible pair), and compare the plan with stable (deferred acceptance) mode.

    `decisions` holds (worker_id, posting_id) pairs here: its forbidden and declined pairs
    (a coordinator's forbid, a city's rejection) are never proposed. Locks do not apply to
    labour: a plan is a set of offers, and a confirmed hire already takes the worker and
    the position out of every later run.
    """
    config = config or LabourConfig()
    refused = decisions.excluded if decisions is not None else frozenset()
    with run_control(progress, cancel):
        open_force, history = workforces(dataset, reference, refused)
        report("labour: retention model")
        fit = train_retention(history, dataset.placements, random_state=config.seed)
        report("labour: pricing every eligible pair, the engine and stable mode")
        run = run_labour(open_force, fit, config)
        report("labour: explanations")
        with collector_paused():
            match = build_match(run, fit.report.as_dict())
            modes = compare_modes(run)
            checkpoint()
            return labour_result(match, config, modes)


def labour_result(match: LabourMatch, config: LabourConfig, modes: dict[str, Any]) -> LabourResult:
    """The typed result of a labour match, from the matcher's own report."""
    return MatchResult(
        market="labour",
        config=config,
        solves=(SolveRecord.of(SOLVE_NAME, match.run.result),),
        summary=_summary(match, modes),
        explanations=tuple(explanation(raw) for raw in match.explanations),
        assignments=match.assignments,
        unassigned=match.unassigned,
        run=match.run,
    )


def _summary(match: LabourMatch, modes: dict[str, Any]) -> Summary:
    raw = match.summary
    return Summary(
        market="labour",
        suppliers=int(raw["workers"]),
        suppliers_assigned=int(raw["workers_placed"]),
        demands=int(raw["postings"]),
        demands_served=int(match.assignments["posting_id"].nunique()),
        places=int(raw["positions"]),
        places_filled=len(match.assignments),
        unassigned=len(match.unassigned),
        extra=LabourFigures(
            optimized=mode_figures(modes["optimized"]),
            stable=mode_figures(modes["stable"]),
            retention_model=retention_quality(raw.get("retention_model")),
            pricing=dict(raw.get("pricing", {})),
        ),
        timings_s=dict(raw.get("timings_s", {})),
    )
