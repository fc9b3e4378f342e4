"""Ctrl-C during `bangfu match`: a real SIGINT to a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_WRITE_PROBLEM = """
import sys
from benchmarks.instances import grouped_labour_problem
from matching.engine.io import dump_problem
open(sys.argv[1], "wb").write(dump_problem(grouped_labour_problem(20_000, 1_000, 6, seed=1)))
"""
BANGFU = [sys.executable, "-c", "from matching.commands.cli import main; main()"]


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_sigint_cancels_and_leaves_the_earlier_output(tmp_path: Path) -> None:
    """SIGINT while matching: exit 130, one line, the earlier output byte-identical.

    On a county data set: a demo match can end within the second before progress shows.
    """
    county = tmp_path / "county"
    subprocess.run([*BANGFU, "generate", "--scale", "county", "--seed", "3", "--out",
                    str(county)], check=True, timeout=120, capture_output=True)  # fmt: skip
    out = tmp_path / "out"
    out.mkdir()
    for name in ("assignments.csv", "summary.json"):
        (out / name).write_text(f"earlier {name}\n", encoding="utf-8")
    before = _snapshot(out)
    process = subprocess.Popen(
        [*BANGFU, "match", "labour", "--data", str(county), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    # Progress shows once a run has lasted a second: then it is surely computing.
    first = process.stderr.readline()
    assert first.startswith("[") and " s] " in first, first
    process.send_signal(signal.SIGINT)
    started = time.perf_counter()
    stdout, rest = process.communicate(timeout=120)
    lines = [line for line in rest.splitlines() if not line.startswith("[")]
    assert process.returncode == 130, rest
    assert lines == [f"cancelled: nothing was written to {out}"]
    assert stdout == ""
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county", "out"]
    assert time.perf_counter() - started < 60


def test_sigint_stops_a_cpsat_solve_and_writes_nothing(tmp_path: Path) -> None:
    """SIGINT during a long CP-SAT search: `bangfu solve` exits 130 and writes no file.

    CP-SAT would otherwise catch the signal itself and return its plan cut short as if
    nothing had happened.
    """
    problem = tmp_path / "problem.json"
    # The benchmarks' labour-shaped instance: CP-SAT does not close its gap in minutes.
    subprocess.run(
        [sys.executable, "-c", _WRITE_PROBLEM, str(problem)], cwd=ROOT, check=True, timeout=120
    )
    solution = tmp_path / "solution.json"
    process = subprocess.Popen(
        [*BANGFU, "solve", str(problem), "--solver", "cpsat", "--time-limit", "120",
         "--work-limit", "1000", "-o", str(solution)],
        stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    seen = b""
    while b"solve: cpsat" not in seen:  # the status shows once the search has run a second
        chunk = process.stderr.read1(256)  # type: ignore[attr-defined]
        assert chunk, seen
        seen += chunk
    process.send_signal(signal.SIGINT)
    started = time.perf_counter()
    _, rest = process.communicate(timeout=110)
    assert process.returncode == 130
    assert rest.decode().rstrip().endswith("cancelled: nothing was written")
    assert not solution.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["problem.json"]
    assert time.perf_counter() - started < 60  # well before the 120 s limit
