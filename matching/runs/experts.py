"""The expert match as a use case: data set in, typed result out."""

from __future__ import annotations

from typing import Any

from matching.control import CancelToken, ProgressListener, checkpoint, report
from matching.data.dataset import Dataset
from matching.data.decisions import Decisions
from matching.data.reference import Reference
from matching.experts import ExpertConfig, ExpertMatch, ExpertRun, ExpertTables, run_stages
from matching.experts.report import build_match
from matching.runs.control import collector_paused, run_control
from matching.runs.convert import explanation
from matching.runs.results import ExpertFigures, MatchResult, SolveRecord, Summary

ExpertResult = MatchResult[ExpertRun, ExpertConfig]
STAGE_NAMES = ("lead", "team")


def expert_tables(dataset: Dataset, reference: Reference) -> ExpertTables:
    """Open needs, all experts, villages, the key counties, and the past visits with the
    closed needs they served (the rating model's history)."""
    counties = reference.counties
    key = frozenset(counties.loc[counties["key_county"] == 1, "county_code"].astype(str))
    needs = dataset.needs.loc[dataset.needs["status"] == "open"]
    past = dataset.needs.loc[dataset.needs["status"] == "closed"]
    return ExpertTables(dataset.experts, needs, dataset.villages, key, dataset.visits, past)


def run_expert_match(
    dataset: Dataset,
    reference: Reference,
    config: ExpertConfig | None = None,
    decisions: Decisions | None = None,
    *,
    progress: ProgressListener | None = None,
    cancel: CancelToken | None = None,
) -> ExpertResult:
    """Match the open needs of `dataset` with its experts.

    Decisions must name experts and needs of the data set (else `InvalidInputError`
    naming the decisions row); published pairs that match nothing give a warning.
    """
    config = config or ExpertConfig()
    decisions = decisions or Decisions()
    expert_ids = set(dataset.experts["expert_id"].astype(str))
    need_ids = set(dataset.needs["need_id"].astype(str))
    decisions.check_known(expert_ids, need_ids)
    warnings = _previous_warnings(decisions, decisions.previous_matched(expert_ids, need_ids))
    with run_control(progress, cancel):
        report("experts: candidates and engine stages")
        run = run_stages(expert_tables(dataset, reference), config, decisions)
        report("experts: explanations")
        with collector_paused():
            match = build_match(run)
            checkpoint()
            return expert_result(match, config, warnings)


def _previous_warnings(decisions: Decisions, matched: int) -> tuple[str, ...]:
    total = len(decisions.previous)
    if matched == total:
        return ()
    message = f"previous plan: {matched} of {total} pairs name an expert and a need of the data" + (
        "; nothing of it can be kept" if matched == 0 else ""
    )
    return (message,)


def expert_result(
    match: ExpertMatch, config: ExpertConfig, warnings: tuple[str, ...] = ()
) -> ExpertResult:
    """The typed result of an expert match, from the matcher's own report."""
    return MatchResult(
        market="experts",
        config=config,
        solves=tuple(
            SolveRecord.of(name, result)
            for name, result in zip(STAGE_NAMES, match.run.results, strict=True)
        ),
        summary=_summary(match.summary, len(match.unassigned), match.run),
        explanations=tuple(explanation(raw) for raw in match.explanations),
        assignments=match.assignments,
        unassigned=match.unassigned,
        run=match.run,
        warnings=warnings,
    )


def _summary(raw: dict[str, Any], unassigned: int, run: ExpertRun) -> Summary:
    return Summary(
        market="experts",
        suppliers=int(raw["experts_available"]),
        suppliers_assigned=int(raw["experts_used"]),
        demands=int(raw["needs"]),
        demands_served=int(raw["needs_covered"]),
        places=int(raw["places_wanted"]),
        places_filled=int(raw["places_filled"]),
        unassigned=unassigned,
        extra=ExpertFigures(
            coverage=raw["coverage"],
            coverage_deep_poverty_village=raw["coverage_deep_poverty_village"],
            coverage_any_priority=raw["coverage_any_priority"],
            coverage_no_priority=raw["coverage_no_priority"],
            pairs_kept_from_previous=int(raw["pairs_kept_from_previous"]),
            pricing={
                stage: report.as_dict()
                for stage, report in zip(STAGE_NAMES, run.pricing, strict=True)
            },
            deep_poverty_first=raw.get("deep_poverty_first") or {},
        ),
        timings_s=dict(raw.get("timings_s", {})),
    )
