"""Ctrl-C during `bangfu match`: a real SIGINT to a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
BANGFU = [sys.executable, "-c", "from matching.commands.cli import main; main()"]


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_sigint_cancels_and_leaves_the_earlier_output(tmp_path: Path) -> None:
    """SIGINT while matching: exit 130, one line, the earlier output byte-identical."""
    out = tmp_path / "out"
    out.mkdir()
    for name in ("assignments.csv", "summary.json"):
        (out / name).write_text(f"earlier {name}\n", encoding="utf-8")
    before = _snapshot(out)
    process = subprocess.Popen(
        [*BANGFU, "match", "labour", "--data", str(DEMO), "--out", str(out)],
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
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert time.perf_counter() - started < 60
