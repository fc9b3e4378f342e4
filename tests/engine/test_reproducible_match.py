"""The same data and options give the same files, on a busy machine as on a quiet one.

A county-scale expert match (威宁县, generated with seed 7: 400 villages, 300 experts)
runs once as it is and once with a core kept busy by another process, which makes
each of its engine stages take several times longer in wall-clock time. Its lead stage
does not prove optimality within the default work limit, so this is exactly the case
where a limit counted in seconds would stop the search at a different point. The files
`bangfu match experts` writes must be equal byte for byte.

The wall-clock limit is set far out of reach (`--time-limit 900`): it is only a safety
stop, and a run it stops is reported as such and not expected to be reproducible (on this
2-core machine, kept busy, the default 60 s split over two quarters fired in the lead
stage; the engine's tests check that it is reported).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from matching.commands.cli import main
from matching.data.dataset import Dataset, write_dataset


@contextmanager
def busy_cores(count: int = 1) -> Iterator[None]:
    """`count` spinning processes for the duration of the block."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def _match(data: Path, out: Path) -> dict[str, bytes]:
    command = ["match", "experts", "--data", str(data), "--out", str(out), "--time-limit", "900"]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


@pytest.mark.slow
def test_county_expert_match_is_byte_identical_under_load(
    county_data: Dataset, tmp_path: Path
) -> None:
    """Two runs, the second with a core kept busy, write identical files."""
    data = tmp_path / "county"
    write_dataset(county_data, data)
    quiet = _match(data, tmp_path / "quiet")
    with busy_cores():
        loaded = _match(data, tmp_path / "loaded")
    assert set(quiet) >= {"assignments.csv", "summary.json"}
    assert quiet.keys() == loaded.keys()
    for name in quiet:
        assert quiet[name] == loaded[name], f"{name} differs between the two runs"
