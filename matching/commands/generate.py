"""`bangfu generate`: write a seeded synthetic data set as CSV files."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click
from tqdm import tqdm

from matching.commands.atomic import atomic_directory, check_directory_target
from matching.data.dataset import MANIFEST_FILE, write_dataset
from matching.data.specs import TABLE_SPECS
from matching.errors import InvalidInputError
from matching.synth.generate import PROGRESS_STEPS, generate
from matching.synth.scales import SCALES

logger = logging.getLogger(__name__)
EXIT_INVALID = 2


EPILOG = """\b
Outputs (in --out, replaced whole only when every file is written):
  villages.csv, townships.csv, experts.csv, needs.csv, workers.csv, postings.csv,
  placements.csv, visits.csv (UTF-8 CSV, see data/SCHEMA.md) and manifest.json

\b
Exit status:
  0    the data set was written
  2    --out cannot be written (one line); nothing written

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
    show_progress = scale == "province"
    steps = len(PROGRESS_STEPS)
    with tqdm(
        total=steps, desc=f"generate {scale}", file=sys.stderr, disable=not show_progress
    ) as bar:

        def advance(stage: str) -> None:
            bar.set_postfix_str(stage)
            bar.update(1)

        data = generate(scale, seed, progress=advance)
    with atomic_directory(out) as staging:
        write_dataset(data, staging)
    counts = ", ".join(f"{name} {rows}" for name, rows in data.row_counts().items())
    elapsed = time.perf_counter() - started
    click.echo(f"wrote {out} ({scale}, seed {seed}) in {elapsed:.1f} s: {counts}", err=True)
