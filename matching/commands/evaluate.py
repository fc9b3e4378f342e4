"""`bangfu evaluate`: every policy on the same data, measured with the hidden truth.

Writes evaluation.json (every figure), evaluation.md (tables) and PNG plots into --out,
atomically; shows progress on standard error; Ctrl-C cancels and writes nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from matching.errors import Cancelled, InvalidInputError

if TYPE_CHECKING:
    from matching.data.frames import Dataset
    from matching.data.reference import Reference
    from matching.evaluation.runner import Market, MarketEvaluation

EXIT_INVALID = 2
EXIT_CANCELLED = 130
MARKETS = ("experts", "labour")


@click.command("evaluate")
@click.option(
    "--data",
    "data_dirs",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True,
    help="A generated data directory (repeatable).",
)
@click.option(
    "--scale",
    type=click.Choice(["demo", "county", "province"]),
    default="county",
    show_default=True,
    help="Scale of the data sets generated for --seeds.",
)
@click.option(
    "--seeds", type=int, multiple=True, help="Generate one data set per seed (repeatable)."
)
@click.option("--market", type=click.Choice([*MARKETS, "both"]), default="both", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the policies.")
def evaluate_command(
    data_dirs: tuple[Path, ...],
    scale: str,
    seeds: tuple[int, ...],
    market: str,
    out: Path,
    seed: int,
) -> None:
    """Run Bangfu, today's practice and the upper bound on the same data, and measure every
    plan with the generator's hidden truth (never the learned model).

    \b
    Outputs in --out: evaluation.json (every figure), evaluation.md (tables),
    <market>_<metric>.png and <market>_ratios.png.
    Exit status: 0 done; 2 invalid input; 130 cancelled (nothing written).
    Example: bangfu evaluate --scale county --seeds 2 --seeds 3 --seeds 4 --out out/eval
    """
    from matching.commands.atomic import atomic_directory, check_directory_target
    from matching.commands.progress import StatusLine, cancel_on_interrupt
    from matching.control import CancelToken, controlled
    from matching.data.reference import load_reference
    from matching.evaluation.markets import market_specs
    from matching.evaluation.runner import evaluate

    token = CancelToken()
    try:
        if not data_dirs and not seeds:
            raise InvalidInputError("give --data DIR or --seeds N (or both).", item="--data")
        specs = market_specs(MARKETS if market == "both" else (market,))
        check_directory_target(out, "--out", output_names(specs))
        with cancel_on_interrupt(token), StatusLine() as status, controlled(status, token):
            reference = load_reference()
            datasets = _datasets(data_dirs, scale, seeds, reference)
            evaluations = evaluate(datasets, reference, specs, seed=seed)
            with atomic_directory(out) as staging:
                tables = write_evaluation(staging, evaluations, specs)
    except InvalidInputError as error:
        click.echo(f"invalid input: {error}", err=True)
        sys.exit(EXIT_INVALID)
    except (Cancelled, KeyboardInterrupt):
        click.echo(f"cancelled: nothing was written to {out}", err=True)
        sys.exit(EXIT_CANCELLED)
    click.echo(tables)


def _datasets(
    data_dirs: Sequence[Path], scale: str, seeds: Sequence[int], reference: Reference
) -> list[tuple[str, Dataset]]:
    from matching.control import report
    from matching.data.dataset import load_dataset
    from matching.synth.generate import generate

    found = []
    for directory in data_dirs:
        report(f"load {directory.name}")
        found.append((directory.name, load_dataset(directory, reference)))
    for s in seeds:
        report(f"generate {scale} seed {s}")
        found.append((f"{scale}-{s}", generate(scale, s)))
    return found


def output_names(specs: Sequence[Market]) -> list[str]:
    """Every file an evaluation of these markets writes (an earlier output may be replaced)."""
    names = ["evaluation.json", "evaluation.md"]
    for spec in specs:
        names += [f"{spec.name}_{metric}.png" for metric in spec.headline]
        names.append(f"{spec.name}_ratios.png")
    return names


def write_evaluation(
    out: Path, evaluations: Sequence[MarketEvaluation], specs: Sequence[Market]
) -> str:
    """evaluation.json, evaluation.md and the plots; returns the Markdown."""
    from matching.evaluation.plots import write_plots
    from matching.evaluation.tables import markdown

    figures = {e.market: e.as_dict() for e in evaluations}
    text = json.dumps(figures, ensure_ascii=False, indent=2, default=float)
    (out / "evaluation.json").write_text(text + "\n", encoding="utf-8")
    tables = "\n".join(
        markdown(e, spec.headline) for e, spec in zip(evaluations, specs, strict=True)
    )
    (out / "evaluation.md").write_text(tables, encoding="utf-8")
    for evaluation, spec in zip(evaluations, specs, strict=True):
        write_plots(evaluation, spec.headline, out)
    return tables
