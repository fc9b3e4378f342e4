"""`bangfu evaluate` end to end on the demo data (experts market)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from matching.commands.cli import main

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def test_evaluate_writes_figures_tables_and_plots(tmp_path: Path) -> None:
    """Every expert policy is measured; Bangfu covers at least what each baseline covers."""
    out = tmp_path / "eval"
    args = ["evaluate", "--market", "experts", "--data", str(DEMO), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    figures = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    policies = figures["experts"]["data_sets"]["demo"]
    assert set(policies) == {"bangfu", "nearest", "own_county", "random_prefecture", "upper_bound"}
    covered = {name: p["coverage_of_coverable"] for name, p in policies.items()}
    assert all(covered["bangfu"] >= covered[b] for b in ("nearest", "own_county"))
    assert all(p["churn_after_decline"] >= 0 for p in policies.values())
    assert "| demo |" in (out / "evaluation.md").read_text(encoding="utf-8")
    assert (out / "experts_ratios.png").read_bytes().startswith(b"\x89PNG")


def test_evaluate_without_data_is_invalid(tmp_path: Path) -> None:
    """Neither --data nor --seeds: exit 2 with one line, nothing written."""
    result = CliRunner().invoke(main, ["evaluate", "--out", str(tmp_path / "eval")])
    assert result.exit_code == 2
    assert "--data" in result.output
    assert not (tmp_path / "eval").exists()
