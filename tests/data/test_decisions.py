"""Tests of reading coordinators' decision files."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.data.decisions import read_decisions
from matching.errors import InvalidInputError


def test_decisions_file_without_decision_column_is_invalid(tmp_path: Path) -> None:
    """A decisions CSV lacking the decision column is invalid input that names the column."""
    path = tmp_path / "decisions.csv"
    path.write_text("expert_id,need_id\nE1,N1\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="decision"):
        read_decisions(None, path)


def test_decisions_are_sorted_by_kind(tmp_path: Path) -> None:
    """Each row lands in the set of its decision kind."""
    path = tmp_path / "decisions.csv"
    path.write_text(
        "expert_id,need_id,decision\nE1,N1,lock\nE2,N1,forbid\nE3,N2,decline\n", encoding="utf-8"
    )
    decisions = read_decisions(None, path)
    assert decisions.locked == {("E1", "N1")}
    assert decisions.forbidden == {("E2", "N1")}
    assert decisions.declined == {("E3", "N2")}
