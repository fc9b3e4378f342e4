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


def test_unknown_expert_or_need_names_the_file_and_row(tmp_path: Path) -> None:
    """A decided pair naming an expert or need not in the data is invalid input."""
    path = tmp_path / "decisions.csv"
    path.write_text(
        "expert_id,need_id,decision\nE1,N1,lock\nE1,N2,forbid\nE7,N1,decline\n", encoding="utf-8"
    )
    decisions = read_decisions(None, path)
    decisions.check_known({"E1", "E7"}, {"N1", "N2"})
    with pytest.raises(InvalidInputError, match=r"^decisions\.csv row 3: unknown need 'N2'\.$"):
        decisions.check_known({"E1", "E7"}, {"N1"})
    with pytest.raises(InvalidInputError, match=r"^decisions\.csv row 2: unknown expert 'E1'\.$"):
        decisions.check_known({"E7"}, {"N1"})


def test_previous_pairs_are_counted_against_the_data(tmp_path: Path) -> None:
    """How many published pairs name a known expert and need."""
    path = tmp_path / "assignments.csv"
    path.write_text("expert_id,need_id,role\nE1,N1,lead\nE2,N9,lead\n", encoding="utf-8")
    decisions = read_decisions(path, None)
    assert decisions.previous_matched({"E1", "E2"}, {"N1"}) == 1
    assert decisions.previous_matched(set(), set()) == 0


def test_a_plan_with_chinese_headers_or_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """A published plan written with --labels zh, or saved again by a spreadsheet, still reads."""
    path = tmp_path / "assignments.csv"
    path.write_text("专家编号,专家姓名,需求编号\nE1,张三,N1\n", encoding="utf-8-sig")
    assert read_decisions(path, None).previous == {("E1", "N1")}


def test_a_bad_decision_kind_names_the_row(tmp_path: Path) -> None:
    """An unknown decision word names the file and the row."""
    path = tmp_path / "decisions.csv"
    path.write_text("expert_id,need_id,decision\nE1,N1,lock\nE2,N1,keep\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"decisions\.csv row 3: decision must be one of"):
        read_decisions(None, path)
