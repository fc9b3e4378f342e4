"""`bangfu match experts|labour --data DIR --out DIR`: match a generated data set.

Writes assignments.csv, unassigned.csv, explanations.jsonl (UTF-8, Chinese labels) and
summary.json into --out, and prints a short summary. Exit status 2 on invalid input, 3
when a stage is infeasible (the files are still written; the reason goes to stderr).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from matching.errors import InvalidInputError

if TYPE_CHECKING:
    from matching.outputs import MatchOutput

EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
DIRECTORY = click.Path(file_okay=False, path_type=Path)
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("match")
@click.argument("market", type=click.Choice(["experts", "labour"]))
@click.option("--data", "data_dir", type=DIRECTORY, required=True, help="Generated data directory.")
@click.option("--out", "out_dir", type=DIRECTORY, required=True, help="Directory for the results.")
@click.option(
    "--previous", type=FILE, help="Published assignments.csv (experts: kept if possible)."
)
@click.option(
    "--decisions", type=FILE, help="CSV expert_id,need_id,decision (lock|forbid|decline)."
)
@click.option(
    "--time-limit", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--timings", is_flag=True, help="Include phase timings in summary.json (they vary by run)."
)
def match_command(
    market: str,
    data_dir: Path,
    out_dir: Path,
    previous: Path | None,
    decisions: Path | None,
    time_limit: float,
    seed: int,
    timings: bool,
) -> None:
    """Match experts to village needs, or workers to partner-city postings."""
    from matching.commands.files import write_outputs
    from matching.data.dataset import load_dataset
    from matching.data.decisions import read_decisions
    from matching.data.reference import load_reference
    from matching.experts import ExpertConfig
    from matching.labour import LabourConfig
    from matching.runs import run_expert_match, run_labour_match

    try:
        reference = load_reference()
        dataset = load_dataset(data_dir, reference)
        match: MatchOutput[Any]
        if market == "experts":
            config = ExpertConfig(time_limit=time_limit, seed=seed)
            match = run_expert_match(
                dataset, reference, config, read_decisions(previous, decisions)
            )
        else:
            match = run_labour_match(
                dataset, reference, LabourConfig(time_limit=time_limit, seed=seed)
            )
        write_outputs(out_dir, match, timings=timings)
    except InvalidInputError as error:
        click.echo(f"invalid input: {error}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(readable(market, match.summary))
    reasons = infeasible_reasons(match.summary)
    if reasons:
        click.echo("infeasible: " + "; ".join(reasons), err=True)
        sys.exit(EXIT_INFEASIBLE)


def infeasible_reasons(summary: dict[str, Any]) -> list[str]:
    """The reasons of every engine solve in the summary that came back infeasible."""
    solves = dict(summary.get("stages", {}))
    if "solver" in summary:
        solves["solve"] = summary["solver"]
    return [
        f"{name}: {solve.get('reason') or 'no feasible plan'}"
        for name, solve in solves.items()
        if solve.get("status") == "infeasible"
    ]


def readable(market: str, summary: dict[str, Any]) -> str:
    """A few lines for a coordinator."""
    lines = _expert_lines(summary) if market == "experts" else _labour_lines(summary)
    return "\n".join(f"{label}: {value}" for label, value in lines)


def _expert_lines(s: dict[str, Any]) -> list[tuple[str, str]]:
    lead = s["stages"]["lead"]
    return [
        ("需求覆盖 needs covered", f"{s['needs_covered']}/{s['needs']} ({_pct(s['coverage'])})"),
        ("深度贫困村需求 deep-poverty village needs", _pct(s["coverage_deep_poverty_village"])),
        ("优先需求 priority needs (any flag)", _pct(s["coverage_any_priority"])),
        ("专家 experts used", f"{s['experts_used']}/{s['experts_available']}"),
        ("岗位 places filled", f"{s['places_filled']}/{s['places_wanted']}"),
        ("求解 solver (lead stage)", f"{lead['solver']} {lead['status']}, gap {_gap(lead['gap'])}"),
    ]


def _labour_lines(s: dict[str, Any]) -> list[tuple[str, str]]:
    model = s.get("retention_model", {})
    quality = ", ".join(
        f"{k} {model[k]:.4f}" for k in ("auc", "brier", "brier_constant", "ece") if k in model
    )
    lines = [
        ("安置 workers placed", f"{s['workers_placed']}/{s['workers']}"),
        ("平均预测留岗率 mean predicted retention", _pct(s["mean_predicted_retention"])),
        ("留岗模型 retention model (held out)", quality),
    ]
    for mode, figures in s["modes"].items():
        lines.append(
            (
                f"{mode} mode",
                f"placed {figures['workers_placed']}, expected retained "
                f"{figures['expected_retained']}, blocking pairs {figures['blocking_pairs']}, "
                f"groups split {figures['groups_split']}",
            )
        )
    solver = s["solver"]
    lines.append(
        ("求解 solver", f"{solver['solver']} {solver['status']}, gap {_gap(solver['gap'])}")
    )
    return lines


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _gap(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2g}"
