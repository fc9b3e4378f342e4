"""`bangfu solve`: files, standard input, exit statuses, determinism and the summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from matching.commands.cli import main

DATA = Path(__file__).parent / "problems"
BANGFU = Path(sys.executable).parent / "bangfu"


def _run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(main, ["solve", *args], input=stdin)


def test_writes_a_solution_file(tmp_path: Path) -> None:
    """`solve FILE -o OUT` writes a bangfu.solution/1 document and exits 0."""
    out = tmp_path / "solution.json"
    result = _run(str(DATA / "conflict.json"), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    solution = json.loads(out.read_text("utf-8"))
    assert solution["format"] == "bangfu.solution/1"
    assert (solution["status"], solution["objective"], solution["solver"]) == (
        "optimal",
        17,
        "flow",
    )
    pairs = {(a["supplier"], a["demand"]) for a in solution["assignments"]}
    assert pairs == {("E1", "N2"), ("E2", "N1")}


def test_reads_standard_input() -> None:
    """'-' reads the problem from standard input; the solution goes to standard output."""
    result = _run("-", "--solver", "cpsat", stdin=(DATA / "group_together.json").read_bytes())
    assert result.exit_code == 0, result.stderr
    solution = json.loads(result.stdout)
    assert (solution["status"], solution["objective"], solution["solver"]) == (
        "optimal",
        18,
        "cpsat",
    )


def test_infeasible_exits_3_and_still_writes_the_solution(tmp_path: Path) -> None:
    """Exit 3 for an infeasible problem; the solution file holds the status and reason."""
    out = tmp_path / "solution.json"
    result = _run(str(DATA / "group_pinned_without_edge.json"), "-o", str(out))
    assert result.exit_code == 3
    solution = json.loads(out.read_text("utf-8"))
    assert solution["status"] == "infeasible" and solution["objective"] is None
    assert all(name in solution["reason"] for name in ("G1", "J1", "W2"))
    assert "infeasible" in result.stderr


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (b'{"format": "bangfu.assignment/1", "suppliers": [', ["not valid JSON"]),
        (
            b'{"format": "bangfu.assignment/1", "suppliers": [{"id": "E1", "capacity": -2}],'
            b' "demands": [], "edges": []}',
            ["E1", "capacity"],
        ),
        (
            b'{"format": "bangfu.assignment/1", "suppliers": [], "demands": [],'
            b' "edges": [{"supplier": "E9", "demand": "N1", "weight": 1}]}',
            ["edges[0]", "E9"],
        ),
    ],
    ids=["broken JSON", "negative capacity", "unknown supplier"],
)
def test_invalid_input_exits_2_with_one_line(text: bytes, names: list[str]) -> None:
    """Exit 2 for invalid input, with exactly one line on standard error naming the problem."""
    result = _run("-", stdin=text)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert all(name in lines[0] for name in names), lines[0]
    assert result.stdout == ""


def test_missing_file_exits_2(tmp_path: Path) -> None:
    """A problem file that cannot be read is invalid input, named on one line."""
    result = _run(str(tmp_path / "absent.json"))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "absent.json" in result.stderr


def test_flow_on_groups_exits_2() -> None:
    """Asking for the flow on a problem with groups is invalid input, not a fallback."""
    result = _run(str(DATA / "group_together.json"), "--solver", "flow")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "flow" in result.stderr


def test_unknown_solver_name_is_a_usage_error() -> None:
    """An unknown --solver name is refused before anything is solved."""
    result = _run(str(DATA / "conflict.json"), "--solver", "simplex")
    assert result.exit_code == 2 and "simplex" in result.stderr


@pytest.mark.parametrize(
    ("name", "solver"),
    [("conflict", "flow"), ("group_together", "cpsat"), ("service_days_knapsack", "cpsat")],
)
def test_same_file_same_bytes(tmp_path: Path, name: str, solver: str) -> None:
    """Two runs on the same file write byte-for-byte identical solutions."""
    outputs = []
    for run in range(2):
        out = tmp_path / f"{run}.json"
        result = _run(str(DATA / f"{name}.json"), "--solver", solver, "-o", str(out))
        assert result.exit_code == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_timings_only_on_request(tmp_path: Path) -> None:
    """Timings, which vary between runs, appear in the stats only with --timings."""
    result = _run(str(DATA / "conflict.json"), "--timings")
    assert result.exit_code == 0
    assert set(json.loads(result.stdout)["stats"]["timings"]) >= {"build", "solve"}


def test_summary_is_readable(tmp_path: Path) -> None:
    """--summary prints status, objective and who goes where; with -o the file is written too."""
    out = tmp_path / "solution.json"
    result = _run(str(DATA / "deep_poverty_first_slot.json"), "--summary", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "status    optimal (solver flow)" in result.stdout
    assert "objective 620" in result.stdout
    assert "E1 -> N2" in result.stdout and "E2 -> N1" in result.stdout
    assert "2 pairs; 2 of 2 demands served" in result.stdout
    assert json.loads(out.read_text("utf-8"))["objective"] == 620


def test_summary_of_an_infeasible_problem() -> None:
    """The summary of an infeasible problem gives the reason and the exit status is 3."""
    result = _run(str(DATA / "fixed_overfill_supplier.json"), "--summary")
    assert result.exit_code == 3
    assert "status    infeasible" in result.stdout and "reason" in result.stdout
    assert "'E1'" in result.stdout


def test_installed_command_reads_standard_input() -> None:
    """The installed `bangfu` script solves a problem piped to it and exits 0."""
    completed = subprocess.run(
        [str(BANGFU), "solve", "-"],
        input=(DATA / "stability_keeps_old_pair.json").read_bytes(),
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["objective"] == 85


def test_invalid_input_stays_on_one_line_with_a_line_break_in_an_id() -> None:
    """An id holding a line break still gives one line on standard error."""
    text = json.dumps(
        {
            "format": "bangfu.assignment/1",
            "suppliers": [{"id": "E\n1", "capacity": 1}],
            "demands": [{"id": "N1", "slots": 1}],
            "edges": [{"supplier": "E\n1", "demand": "N1", "weight": "high"}],
        }
    ).encode()
    result = _run("-", stdin=text)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "weight" in result.stderr
