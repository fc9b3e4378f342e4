"""`bangfu generate`: write a seeded synthetic data set as CSV files."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click
from tqdm import tqdm

from matching.commands.atomic import atomic_directory, check_directory_target
from matching.data.dataset import MANIFEST_FILE, Dataset, write_dataset
from matching.data.specs import TABLE_SPECS
from matching.errors import InvalidInputError
from matching.synth.generate import PROGRESS_STEPS, generate
from matching.synth.scales import SCALES

logger = logging.getLogger(__name__)
EXIT_INVALID = 2
EXIT_CANCELLED = 130


EPILOG = """\b
Outputs (in --out, replaced whole only when every file is written):
  villages.csv, townships.csv, experts.csv, needs.csv, workers.csv, postings.csv,
  placements.csv, visits.csv (UTF-8 CSV, see data/SCHEMA.md) and manifest.json

\b
Exit status:
  0    the data set was written
  2    --out cannot be written (one line); nothing written
  130  cancelled with Ctrl-C; nothing written

\b
Example:
  bangfu generate --scale demo --seed 7 --out data/demo
"""


@click.command("generate", epilog=EPILOG)
@click.option(
    "--scale",
    type=click.Choice(sorted(SCALES)),
    default="demo",
    show_default=True,
    help="demo: 3 counties, a few hundred rows; county: 威宁县; province: all 88 counties.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of every random choice.")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="Directory to write the CSV files and manifest.json into (created if missing).",
)
def generate_command(scale: str, seed: int, out: Path) -> None:
    """Generate a synthetic Guizhou data set (villages, experts, needs, workers, jobs, history)."""
    replaceable = [spec.file_name for spec in TABLE_SPECS.values()] + [MANIFEST_FILE]
    try:
        check_directory_target(out, "--out", replaceable)
    except InvalidInputError as error:
        click.echo(f"invalid input: {error}", err=True)
        sys.exit(EXIT_INVALID)
    started = time.perf_counter()
    try:
        data = _generate(scale, seed)
        with atomic_directory(out) as staging:
            write_dataset(data, staging)
    except KeyboardInterrupt:
        click.echo(f"cancelled: nothing was written to {out}", err=True)
        sys.exit(EXIT_CANCELLED)
    counts = ", ".join(f"{name} {rows}" for name, rows in data.row_counts().items())
    elapsed = time.perf_counter() - started
    click.echo(f"wrote {out} ({scale}, seed {seed}) in {elapsed:.1f} s: {counts}", err=True)


def _generate(scale: str, seed: int) -> Dataset:
    """The data set, with a progress bar at province scale (it takes a few seconds)."""
    with tqdm(
        total=len(PROGRESS_STEPS),
        desc=f"generate {scale}",
        file=sys.stderr,
        disable=scale != "province",
    ) as bar:

        def advance(stage: str) -> None:
            bar.set_postfix_str(stage)
            bar.update(1)

        return generate(scale, seed, progress=advance)
