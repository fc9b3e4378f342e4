"""Tests of the `bangfu` command's version, help, progress line and generate/solve outputs."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from matching.commands.cli import main
from matching.commands.progress import StatusLine, describe
from matching.control import Progress

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "village_experts.json"


def test_version() -> None:
    """`bangfu --version` prints the package version."""
    from importlib.metadata import version

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"bangfu, version {version('bangfu')}\n"


@pytest.mark.parametrize("command", ["match", "generate", "solve"])
def test_help_lists_outputs_exit_codes_and_an_example(command: str) -> None:
    """Each subcommand's help says what it writes, how it exits, and shows one example."""
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    for heading in ("Outputs", "Exit status:", "Example:"):
        assert heading in result.output
    assert f"  bangfu {command} " in result.output
    assert "  2 " in result.output


def test_progress_line_shows_phase_objective_and_bound() -> None:
    """During a solve the line holds the phase, elapsed time, best objective and bound."""
    line = describe(Progress("experts: lead stage", 3.0, 4019.4639, 4021.07), 12.34)
    assert line == "[   12.3 s] experts: lead stage  best 4019.46  bound 4021.07"
    assert describe(Progress("loading data", 0.1), 1.0) == "[    1.0 s] loading data"


def test_progress_in_a_log_is_one_line_per_phase_after_a_second() -> None:
    """A run under a second shows nothing; a longer one writes a phase once to a file,
    and no more often than the log interval."""
    quick = io.StringIO()
    with StatusLine(quick) as status:
        status(Progress("loading data", 0.0))
    assert quick.getvalue() == ""
    log = io.StringIO()
    with StatusLine(log, log_every_s=0.5) as status:
        status(Progress("loading data", 0.0))
        time.sleep(1.3)
        for objective in (1.0, 2.0, 3.0):
            status(Progress("labour: the engine", 1.3, objective, 9.0))
            time.sleep(0.3)
        for rounds in range(8):  # phases faster than the interval: not every one is logged
            status(Progress(f"polish: pass {rounds}", 2.2))
            time.sleep(0.1)
        time.sleep(0.6)
    lines = [line.split("] ", 1)[1] for line in log.getvalue().splitlines()]
    assert lines[:2] == ["loading data", "labour: the engine"]
    assert 3 <= len(lines) < 2 + 8 and lines[-1] == "polish: pass 7"


def test_generate_and_solve_refuse_an_unwritable_target(tmp_path: Path) -> None:
    """`generate --out` and `solve -o` under a plain file: exit 2 with one line."""
    blocker = tmp_path / "plain-file"
    blocker.write_text("x", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["generate", "--out", str(blocker / "data")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "cannot write there" in result.stderr
    result = runner.invoke(main, ["solve", str(EXAMPLE), "-o", str(blocker / "s.json")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "cannot write there" in result.stderr


def test_solve_replaces_its_output_file(tmp_path: Path) -> None:
    """`solve -o` writes the whole solution and leaves no temporary beside it."""
    path = tmp_path / "solution.json"
    path.write_text("earlier", encoding="utf-8")
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8").startswith("{")
    assert [p.name for p in tmp_path.iterdir()] == ["solution.json"]
