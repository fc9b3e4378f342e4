"""Tests of `bangfu match` on the committed demo data set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from matching.commands.cli import main

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.mark.parametrize("market", ["experts", "labour"])
def test_writes_assignments_explanations_and_summary(market: str, tmp_path: Path) -> None:
    """The command writes the four files; explanations are UTF-8 JSON lines with Chinese labels."""
    result = CliRunner().invoke(
        main, ["match", market, "--data", str(DEMO), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    for name in ("assignments.csv", "unassigned.csv", "explanations.jsonl", "summary.json"):
        assert (tmp_path / name).is_file()
    lines = (tmp_path / "explanations.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert first["terms"][0]["label"] != first["terms"][0]["key"]
    assert "\\u" not in lines[0]
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert "timings_s" not in summary


@pytest.mark.parametrize("market", ["experts", "labour"])
def test_same_input_gives_the_same_files(market: str, tmp_path: Path) -> None:
    """Two runs write identical files; --timings adds the phase timings to the summary."""
    runs = [tmp_path / "a", tmp_path / "b"]
    for out in runs:
        result = CliRunner().invoke(main, ["match", market, "--data", str(DEMO), "--out", str(out)])
        assert result.exit_code == 0, result.output
    for name in ("assignments.csv", "unassigned.csv", "explanations.jsonl", "summary.json"):
        assert (runs[0] / name).read_bytes() == (runs[1] / name).read_bytes(), name
    timed = tmp_path / "timed"
    CliRunner().invoke(
        main, ["match", market, "--data", str(DEMO), "--out", str(timed), "--timings"]
    )
    assert json.loads((timed / "summary.json").read_text(encoding="utf-8"))["timings_s"]


def test_previous_and_decline(tmp_path: Path) -> None:
    """A re-run with the published plan and one decline drops that pair and keeps most others."""
    runner = CliRunner()
    first = tmp_path / "first"
    runner.invoke(main, ["match", "experts", "--data", str(DEMO), "--out", str(first)])
    rows = (first / "assignments.csv").read_text(encoding="utf-8").splitlines()
    expert, need = rows[1].split(",")[:2]
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(f"expert_id,need_id,decision\n{expert},{need},decline\n", encoding="utf-8")
    second = tmp_path / "second"
    result = runner.invoke(
        main,
        ["match", "experts", "--data", str(DEMO), "--out", str(second),
         "--previous", str(first / "assignments.csv"), "--decisions", str(decisions)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    before = {tuple(r.split(",")[:2]) for r in rows[1:]}
    after_rows = (second / "assignments.csv").read_text(encoding="utf-8").splitlines()[1:]
    after = {tuple(r.split(",")[:2]) for r in after_rows}
    assert (expert, need) not in after
    assert len(before & after) >= 0.9 * (len(before) - 1)


def test_infeasible_reasons_name_the_stage() -> None:
    """An infeasible stage or solve is reported with its reason; feasible ones are not."""
    from matching.commands.match import infeasible_reasons

    summary = {
        "stages": {
            "lead": {"status": "infeasible", "reason": "supplier 'E1@2026Q1' has capacity 5"},
            "team": {"status": "optimal", "reason": None},
        }
    }
    assert infeasible_reasons(summary) == ["lead: supplier 'E1@2026Q1' has capacity 5"]
    assert infeasible_reasons({"solver": {"status": "infeasible", "reason": None}}) == [
        "solve: no feasible plan"
    ]
    assert infeasible_reasons({"solver": {"status": "feasible"}}) == []
