"""Tests of `bangfu match` on the committed demo data set."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from matching.commands.cli import main
from matching.explain import LABELS

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
FILES = ("assignments.csv", "unassigned.csv", "explanations.jsonl", "summary.json", "config.toml")


def _match(*args: str) -> tuple[int, str, str]:
    """Exit code, standard output, and standard error without its progress lines."""
    result = CliRunner().invoke(main, ["match", *args])
    errors = [line for line in result.stderr.splitlines(True) if not line.startswith("[")]
    return result.exit_code, result.stdout, "".join(errors)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _decimals(value: str) -> int:
    return len(value.split(".")[1]) if "." in value else 0


def _number_or_text(value: str) -> float | str:
    """A cell as a number when it is one (a workbook shows 159.0 as 159)."""
    try:
        return float(value)
    except ValueError:
        return value


@pytest.fixture(scope="module")
def expert_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One expert run with the default options, shared by the tests that read its files."""
    out = tmp_path_factory.mktemp("experts") / "out"
    code, stdout, stderr = _match("experts", "--data", str(DEMO), "--out", str(out), "--xlsx")
    assert code == 0, stderr
    assert "needs covered" in stdout
    return out


@pytest.fixture(scope="module")
def labour_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("labour") / "out"
    code, _, stderr = _match("labour", "--data", str(DEMO), "--out", str(out))
    assert code == 0, stderr
    return out


def test_writes_every_file(expert_out: Path, labour_out: Path) -> None:
    """Both markets write the files; explanations are UTF-8 JSON lines with Chinese labels."""
    for out in (expert_out, labour_out):
        for name in FILES:
            assert (out / name).is_file(), name
        lines = (out / "explanations.jsonl").read_text(encoding="utf-8").splitlines()
        first = json.loads(lines[0])
        assert first["terms"][0]["label"] != first["terms"][0]["key"]
        assert "\\u" not in lines[0]
        report = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert "timings_s" not in report["summary"]
        assert report["status"] in ("optimal", "feasible")
        assert all(s["proven"] == (s["status"] == "optimal") for s in report["solves"])
    assert (expert_out / "config.toml").read_text(encoding="utf-8").startswith("[experts]\n")


def test_expert_tables_read_like_a_spreadsheet(expert_out: Path) -> None:
    """Names beside ids, km to 0.1, scores to 3 digits, flags 0/1, reasons with labels."""
    rows = _rows(expert_out / "assignments.csv")
    header = list(rows[0])
    assert header[:4] == ["expert_id", "expert_name", "need_id", "village_id"]
    assert {"village_name", "township_name", "county_name", "seat_skill_names"} <= set(header)
    for row in rows:
        assert row["expert_name"] and row["village_name"] and row["county_name"]
        assert _decimals(row["distance_km"]) <= 1 and _decimals(row["travel_limit_km"]) <= 1
        assert _decimals(row["text_affinity"]) <= 3 and _decimals(row["edge_weight"]) <= 3
        for flag in ("previous", "deep_poverty_village", "extremely_poor_township"):
            assert row[flag] in ("0", "1")
    assert any(row["county_name"] == "威宁县" for row in rows)
    unassigned = _rows(expert_out / "unassigned.csv")
    assert unassigned
    for row in unassigned:
        assert row["reason_label"] == LABELS[row["reason"]]
        assert re.search("[\u4e00-\u9fff]", row["reason_label"])
        if row["reason"] == "no_candidate":
            assert row["rule_label"] == LABELS[row["rule_removed_most"]]


def test_labour_tables_name_employer_city_and_village(labour_out: Path) -> None:
    """Placements carry the employer, the job, the city and the worker's village by name."""
    rows = _rows(labour_out / "assignments.csv")
    for row in rows:
        assert row["employer_name"] and row["job_title"] and row["partner_city_name"]
        assert row["village_name"] and row["county_name"]
        for flag in ("registered_poor", "deep_poverty_village", "city_wish", "industry_wish"):
            assert row[flag] in ("0", "1")
        assert _decimals(row["predicted_retention"]) <= 3
    unassigned = _rows(labour_out / "unassigned.csv")
    assert all(row["reason_label"] == LABELS[row["reason"]] for row in unassigned)


def test_xlsx_holds_the_same_rows(expert_out: Path) -> None:
    """The workbook read back with openpyxl has the CSV's header and rows."""
    book = openpyxl.load_workbook(expert_out / "assignments.xlsx", read_only=True)
    for sheet, name in (("assignments", "assignments.csv"), ("unassigned", "unassigned.csv")):
        with (expert_out / name).open(encoding="utf-8", newline="") as handle:
            expected = list(csv.reader(handle))
        got = [
            ["" if v is None else str(v) for v in row]
            for row in book[sheet].iter_rows(values_only=True)
        ]
        assert [[_number_or_text(v) for v in row] for row in got] == [
            [_number_or_text(v) for v in row] for row in expected
        ], sheet
    labels = dict(book["columns"].iter_rows(min_row=2, values_only=True))
    assert labels["expert_name"] == "专家姓名"


def test_chinese_labels_and_the_same_bytes_again(expert_out: Path, tmp_path: Path) -> None:
    """--labels zh changes only the header row; the other files are byte-identical."""
    out = tmp_path / "zh"
    code, _, stderr = _match(
        "experts", "--data", str(DEMO), "--out", str(out), "--labels", "zh", "--xlsx"
    )
    assert code == 0, stderr
    en = (expert_out / "assignments.csv").read_text(encoding="utf-8").split("\n", 1)
    zh = (out / "assignments.csv").read_text(encoding="utf-8").split("\n", 1)
    assert zh[0].startswith("专家编号,专家姓名,需求编号,村编号,村名")
    assert zh[1].replace("牵头专家", "lead").replace("团队专家", "team") == en[1]
    for name in ("explanations.jsonl", "summary.json", "config.toml"):
        assert (out / name).read_bytes() == (expert_out / name).read_bytes(), name
    book = openpyxl.load_workbook(out / "assignments.xlsx", read_only=True)
    assert next(book["分配结果"].iter_rows(max_row=1, values_only=True))[0] == "专家编号"


def test_same_input_gives_the_same_files(expert_out: Path, tmp_path: Path) -> None:
    """A second run writes identical files; --timings adds the phase timings."""
    again = tmp_path / "again"
    code, _, stderr = _match(
        "experts", "--data", str(DEMO), "--out", str(again), "--xlsx", "--timings"
    )
    assert code == 0, stderr
    for name in (*FILES, "assignments.xlsx"):
        if name != "summary.json":
            assert (again / name).read_bytes() == (expert_out / name).read_bytes(), name
    report = json.loads((again / "summary.json").read_text(encoding="utf-8"))
    assert report["summary"]["timings_s"]["total"] > 0


def test_a_saved_config_runs_again(expert_out: Path, tmp_path: Path) -> None:
    """config.toml of a run, given to --config, reproduces the plan; options override it."""
    out = tmp_path / "again"
    code, _, stderr = _match(
        "experts", "--data", str(DEMO), "--out", str(out),
        "--config", str(expert_out / "config.toml"), "--seed", "0",
    )  # fmt: skip
    assert code == 0, stderr
    assert (out / "assignments.csv").read_bytes() == (expert_out / "assignments.csv").read_bytes()


def test_previous_and_decline(expert_out: Path, tmp_path: Path) -> None:
    """A re-run with the published plan and one decline drops that pair and keeps most others."""
    rows = _rows(expert_out / "assignments.csv")
    expert, need = rows[0]["expert_id"], rows[0]["need_id"]
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(f"expert_id,need_id,decision\n{expert},{need},decline\n", encoding="utf-8")
    second = tmp_path / "second"
    code, _, stderr = _match(
        "experts", "--data", str(DEMO), "--out", str(second),
        "--previous", str(expert_out / "assignments.csv"), "--decisions", str(decisions),
    )  # fmt: skip
    assert code == 0, stderr
    before = {(r["expert_id"], r["need_id"]) for r in rows}
    after = {(r["expert_id"], r["need_id"]) for r in _rows(second / "assignments.csv")}
    assert (expert, need) not in after
    assert len(before & after) >= 0.9 * (len(before) - 1)
    assert "warning" not in stderr


def test_decisions_for_labour_is_an_error(tmp_path: Path) -> None:
    """--decisions (or --previous) with the labour market: exit 2, one line, nothing written."""
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("expert_id,need_id,decision\n", encoding="utf-8")
    out = tmp_path / "out"
    for option in ("--decisions", "--previous"):
        code, _, stderr = _match(
            "labour", "--data", str(DEMO), "--out", str(out), option, str(decisions)
        )
        assert code == 2
        assert stderr == f"invalid input: {option} applies to the experts market only\n"
    assert not out.exists()


def test_unknown_decision_row_exits_2_naming_file_and_row(tmp_path: Path) -> None:
    """A decisions row naming an unknown need: exit 2, one line with file and row."""
    decisions = tmp_path / "mine.csv"
    decisions.write_text("expert_id,need_id,decision\nE00001,N999999,lock\n", encoding="utf-8")
    code, _, stderr = _match(
        "experts", "--data", str(DEMO), "--out", str(tmp_path / "out"),
        "--decisions", str(decisions),
    )  # fmt: skip
    assert code == 2
    assert stderr == "invalid input: mine.csv row 2: unknown need 'N999999'.\n"


def test_unwritable_out_exits_2_before_computing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An --out that cannot be written is found before the data is even loaded."""
    import matching.data.dataset

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the data was loaded although --out cannot be written")

    monkeypatch.setattr(matching.data.dataset, "load_dataset", fail)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    code, _, stderr = _match("experts", "--data", str(DEMO), "--out", str(blocker / "out"))
    assert code == 2
    assert stderr.startswith(f"invalid input: --out {blocker / 'out'}: cannot write there")
    assert stderr.count("\n") == 1
    code, _, stderr = _match("labour", "--data", str(DEMO), "--out", str(blocker))
    assert (code, stderr.count("\n")) == (2, 1)
    assert "is not a directory" in stderr


def test_out_with_other_files_is_left_alone(tmp_path: Path) -> None:
    """A directory holding files the command does not write is never replaced."""
    out = tmp_path / "documents"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    code, _, stderr = _match("experts", "--data", str(DEMO), "--out", str(out))
    assert code == 2 and "notes.txt" in stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_an_infeasible_stage_exits_3_with_files_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stage that comes back infeasible: files written, the reason on stderr, exit 3."""
    import dataclasses

    import matching.runs

    real = matching.runs.run_expert_match

    def with_infeasible_lead(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        lead = dataclasses.replace(
            result.solves[0], status="infeasible", proven=False, reason="E1 has 5 days\nfor 9"
        )
        return dataclasses.replace(result, solves=(lead, *result.solves[1:]))

    monkeypatch.setattr(matching.runs, "run_expert_match", with_infeasible_lead)
    out = tmp_path / "out"
    code, _, stderr = _match("experts", "--data", str(DEMO), "--out", str(out))
    assert code == 3
    assert stderr == "infeasible: lead: E1 has 5 days\\nfor 9\n"
    report = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert report["status"] == "infeasible"
