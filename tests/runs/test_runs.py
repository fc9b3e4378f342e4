"""Tests of the use-case boundary `matching.runs` on the committed demo data set."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from matching.control import CancelToken, Progress
from matching.data.dataset import Dataset, load_dataset
from matching.data.decisions import Decisions, read_decisions
from matching.data.reference import Reference, load_reference
from matching.errors import Cancelled, InvalidInputError
from matching.experts import ExpertConfig
from matching.runs import (
    ExpertFigures,
    ExpertResult,
    Explanation,
    LabourFigures,
    LabourResult,
    SolveRecord,
    Summary,
    Term,
    run_expert_match,
    run_labour_match,
)

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.fixture(scope="module")
def demo() -> tuple[Dataset, Reference]:
    reference = load_reference()
    return load_dataset(DEMO, reference), reference


@pytest.fixture(scope="module")
def expert_run(demo: tuple[Dataset, Reference]) -> tuple[ExpertResult, list[Progress]]:
    events: list[Progress] = []
    return run_expert_match(*demo, progress=events.append), events


@pytest.fixture(scope="module")
def labour_run(demo: tuple[Dataset, Reference]) -> tuple[LabourResult, list[Progress]]:
    events: list[Progress] = []
    return run_labour_match(*demo, progress=events.append), events


def _check_solve(solve: SolveRecord) -> None:
    assert solve.status in ("optimal", "feasible", "infeasible")
    assert solve.proven == (solve.status == "optimal")
    if solve.status == "infeasible":
        assert solve.objective is None and solve.reason
    else:
        assert solve.objective is not None and solve.gap is not None and solve.gap >= 0
        assert solve.bound is None or solve.bound >= solve.objective - 1e-6


def _check_explanations(explanations: tuple[Explanation, ...], keys: tuple[str, str]) -> None:
    assert explanations
    for explanation in explanations:
        assert all(isinstance(t, Term) and t.key and t.label for t in explanation.terms)
        assert set(explanation.ids) <= set(keys)
        assert (explanation.reason is None) == (explanation.kind == "assignment")
    json.dumps([e.as_dict() for e in explanations], ensure_ascii=False)


def _check_summary(summary: Summary, assignments: int, unassigned: int) -> None:
    assert summary.places_filled == assignments
    assert summary.unassigned == unassigned
    assert 0 <= summary.suppliers_assigned <= summary.suppliers
    assert 0 <= summary.demands_served <= summary.demands
    assert summary.places_filled <= summary.places


def test_expert_result_is_typed(expert_run: tuple[ExpertResult, list[Progress]]) -> None:
    """The expert run returns one record per engine stage, typed terms and figures."""
    result, _ = expert_run
    assert [s.name for s in result.solves] == ["lead", "team"]
    for solve in result.solves:
        _check_solve(solve)
    assert {"expert_id", "need_id"} <= set(result.assignments.columns)
    assert "need_id" in result.unassigned.columns
    _check_explanations(result.explanations, ("expert_id", "need_id"))
    _check_summary(result.summary, len(result.assignments), len(result.unassigned))
    assert isinstance(result.summary.extra, ExpertFigures)
    assert result.summary.demands_served == result.assignments["need_id"].nunique()
    assert result.run.config is result.config
    assert "timings_s" not in json.dumps(result.report())


def test_labour_result_is_typed(labour_run: tuple[LabourResult, list[Progress]]) -> None:
    """The labour run has one solve, the same summary shape, and its own figures in extra."""
    result, _ = labour_run
    assert [s.name for s in result.solves] == ["placement"]
    _check_solve(result.solves[0])
    assert {"worker_id", "posting_id"} <= set(result.assignments.columns)
    assert "worker_id" in result.unassigned.columns
    _check_explanations(result.explanations, ("worker_id", "posting_id"))
    _check_summary(result.summary, len(result.assignments), len(result.unassigned))
    extra = result.summary.extra
    assert isinstance(extra, LabourFigures)
    assert extra.optimized.workers_placed == result.summary.suppliers_assigned
    assert extra.stable.blocking_pairs == 0  # deferred acceptance is stable
    assert extra.retention_model is not None and 0 < extra.retention_model.auc < 1
    json.dumps(result.report(timings=True))


def test_both_markets_share_the_summary_fields(
    expert_run: tuple[ExpertResult, list[Progress]],
    labour_run: tuple[LabourResult, list[Progress]],
) -> None:
    """Shared figures are the same fields; only `extra` differs in type."""
    expert, labour = expert_run[0].summary, labour_run[0].summary
    assert type(expert) is type(labour) is Summary
    shared = set(expert.as_dict()) - {"extra"}
    assert shared == set(labour.as_dict()) - {"extra"}
    assert (expert.market, labour.market) == ("experts", "labour")
    assert expert.extra.market == "experts" and labour.extra.market == "labour"


def test_progress_reports_the_phases_in_order(
    expert_run: tuple[ExpertResult, list[Progress]],
    labour_run: tuple[LabourResult, list[Progress]],
) -> None:
    """The listener hears each phase of a run, and the engine's solves inside them, with
    elapsed time that never goes back."""
    for (_, events), first in ((expert_run, "experts: "), (labour_run, "labour: ")):
        phases = [e.phase for e in events]
        own = [p for p in dict.fromkeys(phases) if p.startswith(first)]
        assert len(own) >= 2 and phases[0].startswith(first)
        assert any(not p.startswith(first) for p in phases), "the engine reports too"
        elapsed = [e.elapsed_s for e in events]
        assert elapsed == sorted(elapsed)


def test_same_input_gives_the_same_result(
    demo: tuple[Dataset, Reference], expert_run: tuple[ExpertResult, list[Progress]]
) -> None:
    """A second run returns equal solves, summary and assignments."""
    again = run_expert_match(*demo)
    first = expert_run[0]
    assert again.summary == first.summary
    assert [dataclasses.replace(s, objective=None) for s in again.solves] == [
        dataclasses.replace(s, objective=None) for s in first.solves
    ]
    assert again.assignments.equals(first.assignments)


def test_a_cancelled_token_stops_the_run(demo: tuple[Dataset, Reference]) -> None:
    """A token cancelled during the run raises Cancelled at the next phase; nothing returns."""
    token = CancelToken()
    seen: list[str] = []

    def cancel_at_second_phase(progress: Progress) -> None:
        seen.append(progress.phase)
        if len(set(seen)) == 2:
            token.cancel()

    with pytest.raises(Cancelled):
        run_labour_match(*demo, progress=cancel_at_second_phase, cancel=token)
    assert len(set(seen)) == 2
    cancelled = CancelToken()
    cancelled.cancel()
    with pytest.raises(Cancelled):
        run_expert_match(*demo, cancel=cancelled)


def test_a_decision_on_an_unknown_expert_names_file_and_row(
    demo: tuple[Dataset, Reference], tmp_path: Path
) -> None:
    """A decisions row naming an expert or need not in the data set is invalid input."""
    path = tmp_path / "decisions.csv"
    known_expert = str(demo[0].experts["expert_id"].iloc[0])
    known_need = str(demo[0].needs["need_id"].iloc[0])
    path.write_text(
        "expert_id,need_id,decision\n"
        f"{known_expert},{known_need},forbid\n"
        f"E99999,{known_need},lock\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError, match=r"decisions\.csv row 3: unknown expert 'E99999'"):
        run_expert_match(*demo, None, read_decisions(None, path))
    path.write_text(f"expert_id,need_id,decision\n{known_expert},N0,decline\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"decisions\.csv row 2: unknown need 'N0'"):
        run_expert_match(*demo, None, read_decisions(None, path))


def test_a_previous_plan_matching_nothing_warns_with_counts(
    demo: tuple[Dataset, Reference],
) -> None:
    """Published pairs that name nothing of the data set give a warning with the counts."""
    decisions = Decisions(previous=frozenset({("E99998", "N0"), ("E99999", "N1")}))
    result = run_expert_match(*demo, ExpertConfig(), decisions)
    assert result.warnings == (
        "previous plan: 0 of 2 pairs name an expert and a need of the data; "
        "nothing of it can be kept",
    )
    assert result.summary.extra.market == "experts"
    assert isinstance(result.summary.extra, ExpertFigures)
    assert result.summary.extra.pairs_kept_from_previous == 0


def test_status_is_the_worst_solve_and_infeasible_reasons_name_the_stage(
    expert_run: tuple[ExpertResult, list[Progress]],
) -> None:
    """One infeasible stage makes the run infeasible; its reason names the stage."""
    result, _ = expert_run
    lead, team = result.solves
    stuck = dataclasses.replace(
        lead, status="infeasible", objective=None, bound=None, gap=None, proven=False,
        reason="supplier 'E1@2026Q1' has capacity 5",
    )  # fmt: skip
    feasible = dataclasses.replace(team, status="feasible", proven=False)
    assert dataclasses.replace(result, solves=(lead, feasible)).status == "feasible"
    broken = dataclasses.replace(result, solves=(stuck, feasible))
    assert broken.status == "infeasible"
    assert broken.infeasible_reasons() == ["lead: supplier 'E1@2026Q1' has capacity 5"]
    assert broken.report()["solves"][0]["proven"] is False
