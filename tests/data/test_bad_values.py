"""Every bad value named: file, row and column, through `load_dataset` and `bangfu match`.

Each case breaks one rule of data/SCHEMA.md in a copy of the demo data set; the loader
must refuse it with `InvalidInputError` naming the file, the row (file line) and the
column, and `bangfu match` must exit 2 with that one line, never a traceback.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from matching.commands.cli import main
from matching.data.dataset import load_dataset
from matching.errors import InvalidInputError

Edit = Callable[[pd.DataFrame], tuple[int, str]]


@dataclass(frozen=True)
class Case:
    """A file to change, how (returns the 0-based data row and the column it broke)."""

    file_name: str
    edit: Edit
    says: str  # a word the message must hold, besides the location


def _set(column: str, value: str, row: int = 0) -> Edit:
    def edit(frame: pd.DataFrame) -> tuple[int, str]:
        frame.loc[row, column] = value
        return row, column

    return edit


def _swap_coordinates(frame: pd.DataFrame) -> tuple[int, str]:
    frame.loc[3, ["lat", "lon"]] = frame.loc[3, ["lon", "lat"]].to_numpy()
    return 3, "lat"


def _ages_crossed(frame: pd.DataFrame) -> tuple[int, str]:
    frame.loc[5, ["min_age", "max_age"]] = ["40", "30"]
    return 5, "max_age"


def _open_need_in(period: str) -> Edit:
    def edit(frame: pd.DataFrame) -> tuple[int, str]:
        row = int((frame["status"] == "open").to_numpy().nonzero()[0][0])
        frame.loc[row, "period"] = period
        return row, "period"

    return edit


def _group_member_moved(frame: pd.DataFrame) -> tuple[int, str]:
    """The second member of the first group moves to a village of another worker."""
    grouped = frame.index[frame["group_id"] != ""]
    first_group = frame.loc[grouped[0], "group_id"]
    members = frame.index[frame["group_id"] == first_group]
    other = frame.loc[frame["village_id"] != frame.loc[members[0], "village_id"], "village_id"]
    frame.loc[members[1], "village_id"] = other.iloc[0]
    return int(members[1]), "village_id"


def _spaced_reference(frame: pd.DataFrame) -> tuple[int, str]:
    """A trailing space in a worker's village: a worker without a group, so that no group
    check speaks first."""
    row = int(frame.index[frame["group_id"] == ""][0])
    frame.loc[row, "village_id"] = str(frame.loc[row, "village_id"]) + " "
    return row, "village_id"


def _spaced_key(frame: pd.DataFrame) -> tuple[int, str]:
    frame.loc[2, "village_id"] = frame.loc[2, "village_id"] + " "
    return 2, "village_id"


CASES = {
    "latitude out of range": Case("villages.csv", _set("lat", "126.5", 4), "latitude"),
    "swapped coordinates": Case("villages.csv", _swap_coordinates, "lat"),
    "village outside Guizhou": Case("villages.csv", _set("lat", "31.2", 7), "Guizhou"),
    "longitude outside Guizhou": Case("villages.csv", _set("lon", "113.3", 1), "Guizhou"),
    "township longitude out of range": Case("townships.csv", _set("lon", "-200"), "longitude"),
    "expert latitude out of range": Case("experts.csv", _set("lat", "95"), "latitude"),
    "negative expected wage": Case("workers.csv", _set("expected_wage_yuan", "-3000", 6), "wage"),
    "negative posting wage": Case("postings.csv", _set("wage_yuan_month", "-4500", 2), "wage"),
    "max_age below min_age": Case("postings.csv", _ages_crossed, "min_age"),
    "need without skills": Case("needs.csv", _set("skill_codes", "", 3), "codes"),
    "need with four skills": Case(
        "needs.csv", _set("skill_codes", "TEA-01;TEA-02;TEA-03;TEA-04", 3), "codes"
    ),
    "expert without skills": Case("experts.csv", _set("specialty_codes", "", 8), "codes"),
    "need period not planned": Case("needs.csv", _open_need_in("2027Q3"), "planning period"),
    "worker older than the schema": Case("workers.csv", _set("age", "65", 10), "16..60"),
    "worker younger than the schema": Case("workers.csv", _set("age", "15", 11), "16..60"),
    "posting age beyond the schema": Case("postings.csv", _set("max_age", "70", 1), "16..60"),
    "group across villages": Case("workers.csv", _group_member_moved, "group"),
    "trailing space in an id": Case("villages.csv", _spaced_key, "spaces"),
    "trailing space in a reference": Case("workers.csv", _spaced_reference, "spaces"),
}


def _broken_copy(demo_dir: Path, tmp_path: Path, case: Case) -> tuple[Path, str]:
    """A copy of the demo set with one file changed; returns it and the expected location."""
    target = tmp_path / "data"
    shutil.copytree(demo_dir, target)
    path = target / case.file_name
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row, column = case.edit(frame)
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return target, f"{case.file_name}, row {row + 2}, column {column}"


def _run_match(data: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["match", "experts", "--data", str(data), "--out", str(out)])
    return result.exit_code, result.output


@pytest.mark.parametrize("name", list(CASES))
def test_loader_names_file_row_and_column(name: str, demo_dir: Path, tmp_path: Path) -> None:
    """load_dataset refuses the bad value with its file, row and column."""
    case = CASES[name]
    broken, where = _broken_copy(demo_dir, tmp_path, case)
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(broken)
    message = str(caught.value)
    assert message.startswith(where), message
    assert case.says in message, message


@pytest.mark.parametrize("name", list(CASES))
def test_match_exits_2_with_one_line(name: str, demo_dir: Path, tmp_path: Path) -> None:
    """`bangfu match` exits 2 with one line naming file, row and column; no traceback."""
    broken, where = _broken_copy(demo_dir, tmp_path, CASES[name])
    code, output = _run_match(broken, tmp_path / "out")
    assert code == 2, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and where in lines[0], output
    assert "Traceback" not in output


def test_empty_file_is_named(demo_dir: Path, tmp_path: Path) -> None:
    """An empty needs.csv (not even a header) is named, with its first row, not a pandas error."""
    target = tmp_path / "data"
    shutil.copytree(demo_dir, target)
    (target / "needs.csv").write_bytes(b"")
    with pytest.raises(InvalidInputError, match=r"needs\.csv: the file is empty; row 1 must be"):
        load_dataset(target)
    code, output = _run_match(target, tmp_path / "out")
    assert code == 2 and "needs.csv" in output and "empty" in output, output
    assert len(output.strip().splitlines()) == 1 and "Traceback" not in output


def test_header_only_file_is_an_empty_table(demo_dir: Path, tmp_path: Path) -> None:
    """A file with its header and no rows is a valid, empty table (not an error)."""
    target = tmp_path / "data"
    shutil.copytree(demo_dir, target)
    header = (target / "visits.csv").read_text(encoding="utf-8").splitlines()[0]
    (target / "visits.csv").write_text(header + "\n", encoding="utf-8")
    assert len(load_dataset(target).visits) == 0


def test_generated_data_keeps_every_rule(county_data: object, tmp_path: Path) -> None:
    """The generator's county scale passes every rule the loader checks."""
    from matching.data.dataset import Dataset, write_dataset

    assert isinstance(county_data, Dataset)
    write_dataset(county_data, tmp_path)
    assert len(load_dataset(tmp_path).workers) == len(county_data.workers)
