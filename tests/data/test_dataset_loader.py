"""Loading a data directory: bad values are reported with file, row and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from matching.data.dataset import load_dataset
from matching.errors import InvalidInputError


def _copy_with(
    demo_dir: Path, tmp_path: Path, file_name: str, row: int, column: str, value: str
) -> Path:
    target = tmp_path / "data"
    shutil.copytree(demo_dir, target)
    frame = pd.read_csv(target / file_name, dtype=str, keep_default_na=False)
    frame.loc[row, column] = value
    frame.to_csv(target / file_name, index=False, encoding="utf-8")
    return target


def test_non_integer_names_file_row_and_column(demo_dir: Path, tmp_path: Path) -> None:
    """A text in an integer column is reported as workers.csv, row 4, column age."""
    broken = _copy_with(demo_dir, tmp_path, "workers.csv", 2, "age", "三十")
    with pytest.raises(InvalidInputError, match=r"workers\.csv, row 4, column age"):
        load_dataset(broken)


@pytest.mark.parametrize("value", ["inf", "1e400", "-inf", "1e30"])
def test_infinite_or_huge_integer_is_refused(demo_dir: Path, tmp_path: Path, value: str) -> None:
    """'inf' or '1e400' in an integer column is reported, not turned into garbage."""
    broken = _copy_with(demo_dir, tmp_path, "workers.csv", 2, "age", value)
    with pytest.raises(InvalidInputError, match=r"workers\.csv, row 4, column age"):
        load_dataset(broken)


def test_unknown_reference_names_file_row_and_column(demo_dir: Path, tmp_path: Path) -> None:
    """A worker in a village that does not exist is reported where it is."""
    broken = _copy_with(demo_dir, tmp_path, "workers.csv", 9, "village_id", "V999999")
    with pytest.raises(
        InvalidInputError, match=r"workers\.csv, row 11, column village_id.*V999999"
    ):
        load_dataset(broken)


def test_unknown_code_in_a_list_is_reported(demo_dir: Path, tmp_path: Path) -> None:
    """An unknown skill inside a `;` list is reported with its row."""
    broken = _copy_with(demo_dir, tmp_path, "needs.csv", 0, "skill_codes", "TEA-01;XYZ-99")
    with pytest.raises(InvalidInputError, match=r"needs\.csv, row 2, column skill_codes.*XYZ-99"):
        load_dataset(broken)


def test_bad_flag_and_duplicate_key_are_reported(demo_dir: Path, tmp_path: Path) -> None:
    """A flag of 2 and a repeated id are both refused with their location."""
    broken = _copy_with(demo_dir, tmp_path, "villages.csv", 0, "deep_poverty", "2")
    with pytest.raises(InvalidInputError, match=r"villages\.csv, row 2, column deep_poverty"):
        load_dataset(broken)
    duplicate = _copy_with(demo_dir, tmp_path / "again", "experts.csv", 1, "expert_id", "E00001")
    with pytest.raises(InvalidInputError, match=r"experts\.csv, row 3, column expert_id"):
        load_dataset(duplicate)


def test_missing_column_is_named(demo_dir: Path, tmp_path: Path) -> None:
    """A table without a documented column is refused naming file and column."""
    target = tmp_path / "data"
    shutil.copytree(demo_dir, target)
    frame = pd.read_csv(target / "postings.csv", dtype=str, keep_default_na=False)
    frame.drop(columns="wage_yuan_month").to_csv(target / "postings.csv", index=False)
    with pytest.raises(
        InvalidInputError, match=r"postings\.csv: missing column\(s\) wage_yuan_month"
    ):
        load_dataset(target)


def test_missing_file_is_named(demo_dir: Path, tmp_path: Path) -> None:
    """A data directory without visits.csv is refused naming the file."""
    target = tmp_path / "data"
    shutil.copytree(demo_dir, target)
    (target / "visits.csv").unlink()
    with pytest.raises(InvalidInputError, match=r"visits\.csv"):
        load_dataset(target)
