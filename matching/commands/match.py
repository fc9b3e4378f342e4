"""`bangfu match experts|labour --data DIR --out DIR`: match a data set, write the plan.

Everything goes through `matching.runs`; this module parses options, shows progress,
turns Ctrl-C into a cancel, and writes the files atomically.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from matching.errors import Cancelled, InvalidInputError

if TYPE_CHECKING:
    from matching.runs import MatchConfig, MatchResult

EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
EXIT_CANCELLED = 130
DIRECTORY = click.Path(file_okay=False, path_type=Path)
OUTPUT = click.Path(path_type=Path)  # checked by check_directory_target, in one line
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)

EPILOG = """\b
Outputs (in --out, replaced whole only when every file is written):
  assignments.csv     one row per assignment, names beside ids
  unassigned.csv      every uncovered need or unplaced worker, with the reason
  explanations.jsonl  why each pair was chosen or each gap left (key, 中文 label, value)
  summary.json        status of each engine solve, and the figures
  config.toml         the exact configuration of the run (reusable with --config)
  assignments.xlsx    both tables as a workbook (with --xlsx)

\b
Exit status:
  0    a plan was made
  2    invalid input (one line naming the file, row or field); nothing written
  3    an engine stage is infeasible (files written; the reason on standard error)
  130  cancelled with Ctrl-C; nothing written

\b
Example:
  bangfu match experts --data data/demo --out out/experts --labels zh --xlsx
"""


@click.command("match", epilog=EPILOG)
@click.argument("market", type=click.Choice(["experts", "labour"]))
@click.option("--data", "data_dir", type=DIRECTORY, required=True, help="Data set directory.")
@click.option("--out", "out_dir", type=OUTPUT, required=True, help="Directory for the results.")
@click.option(
    "--previous", type=FILE, help="Published assignments.csv to keep if possible (experts only)."
)
@click.option(
    "--decisions",
    type=FILE,
    help="CSV expert_id,need_id,decision (lock|forbid|decline) (experts only).",
)
@click.option(
    "--config", "config_file", type=FILE, help="TOML configuration (as written to config.toml)."
)
@click.option("--solver", help="Engine solver (auto, flow, cpsat, decompose, greedy).")
@click.option(
    "--work-limit",
    type=click.FloatRange(min=0, min_open=True),
    help="Counted work per engine solve; decides the answer "
    "[default: the config's, 1.5 for experts, 0.6 for labour].",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    help="Safety stop in seconds per engine stage, reported when it fires "
    "[default: the config's, 600].",
)
@click.option("--seed", type=int, help="Seed of every random choice [default: 0].")
@click.option(
    "--labels",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Header of the tables: English keys (for programs) or Chinese labels (for people).",
)
@click.option("--xlsx", is_flag=True, help="Also write assignments.xlsx.")
@click.option(
    "--timings", is_flag=True, help="Include phase timings in summary.json (they vary by run)."
)
def match_command(
    market: str,
    data_dir: Path,
    out_dir: Path,
    previous: Path | None,
    decisions: Path | None,
    config_file: Path | None,
    solver: str | None,
    work_limit: float | None,
    time_limit: float | None,
    seed: int | None,
    labels: str,
    xlsx: bool,
    timings: bool,
) -> None:
    """Match experts to village needs, or workers to partner-city postings."""
    from matching.commands.atomic import check_directory_target
    from matching.commands.files import OUTPUT_FILES
    from matching.commands.progress import StatusLine, cancel_on_interrupt, in_worker
    from matching.control import CancelToken, controlled

    token = CancelToken()
    try:
        if market == "labour" and (decisions or previous):
            option = "--decisions" if decisions else "--previous"
            raise InvalidInputError(f"{option} applies to the experts market only", item=option)
        config = match_config(market, config_file, solver, work_limit, time_limit, seed)
        check_directory_target(out_dir, "--out", OUTPUT_FILES)
        with cancel_on_interrupt(token), StatusLine() as status, controlled(status, token):
            work = partial(_run_and_write, market, data_dir, out_dir, config, previous, decisions)
            result = in_worker(partial(work, labels=labels, xlsx=xlsx, timings=timings))
    except InvalidInputError as error:
        click.echo(_one_line(f"invalid input: {error}"), err=True)
        sys.exit(EXIT_INVALID)
    except (Cancelled, KeyboardInterrupt):
        click.echo(f"cancelled: nothing was written to {out_dir}", err=True)
        sys.exit(EXIT_CANCELLED)
    _finish(result)


def _run_and_write(
    market: str,
    data_dir: Path,
    out_dir: Path,
    config: MatchConfig,
    previous: Path | None,
    decisions: Path | None,
    *,
    labels: str,
    xlsx: bool,
    timings: bool,
) -> MatchResult[Any, Any]:
    """Load, match, and write the files whole into `out_dir` unless cancelled first."""
    from matching.commands.atomic import atomic_directory
    from matching.commands.files import write_outputs
    from matching.commands.readable import readable_tables
    from matching.control import checkpoint, report

    result, dataset, reference = _run(market, data_dir, config, previous, decisions)
    report("writing files")
    tables = readable_tables(result, dataset, reference)
    with atomic_directory(out_dir) as staging:
        write_outputs(staging, result, tables, labels=labels, xlsx=xlsx, timings=timings)
        checkpoint()
    return result


def _run(
    market: str,
    data_dir: Path,
    config: MatchConfig,
    previous: Path | None,
    decisions: Path | None,
) -> tuple[MatchResult[Any, Any], Any, Any]:
    from matching.control import checkpoint, report
    from matching.data.dataset import load_dataset
    from matching.data.decisions import read_decisions
    from matching.data.reference import load_reference
    from matching.experts import ExpertConfig
    from matching.runs import run_expert_match, run_labour_match

    report("loading data")
    reference = load_reference()
    dataset = load_dataset(data_dir, reference)
    checkpoint()
    result: MatchResult[Any, Any]
    if isinstance(config, ExpertConfig):
        result = run_expert_match(dataset, reference, config, read_decisions(previous, decisions))
    else:
        result = run_labour_match(dataset, reference, config)
    return result, dataset, reference


def match_config(
    market: str,
    config_file: Path | None,
    solver: str | None,
    work_limit: float | None,
    time_limit: float | None,
    seed: int | None,
) -> MatchConfig:
    """The config file's values (or the defaults) with the options given on top."""
    from dataclasses import replace

    from matching.experts import ExpertConfig
    from matching.labour import LabourConfig
    from matching.runs import load_config

    base: MatchConfig = (
        load_config(config_file, market)
        if config_file
        else ExpertConfig()
        if market == "experts"
        else LabourConfig()
    )
    given: dict[str, Any] = {
        "solver": solver,
        "work_limit": work_limit,
        "time_limit": time_limit,
        "seed": seed,
    }
    return replace(base, **{k: v for k, v in given.items() if v is not None})


def _finish(result: MatchResult[Any, Any]) -> None:
    click.echo(readable(result))
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    reasons = result.infeasible_reasons()
    if reasons:
        click.echo(_one_line("infeasible: " + "; ".join(reasons)), err=True)
        sys.exit(EXIT_INFEASIBLE)


def _one_line(text: str) -> str:
    return "\\n".join(text.splitlines())


def readable(result: MatchResult[Any, Any]) -> str:
    """A few lines for a coordinator."""
    from matching.runs import ExpertFigures

    s = result.summary
    served = f"{s.demands_served}/{s.demands}"
    if isinstance(s.extra, ExpertFigures):
        covered = f"{served} ({_pct(s.extra.coverage)})"
        lines = [("需求覆盖 needs covered", covered), *_expert_lines(s.extra)]
    else:
        lines = [("岗位 postings with workers", served), *_labour_lines(s.extra)]
    experts = s.market == "experts"
    lines[1:1] = [
        (
            "岗位 places filled" if experts else "岗位 positions filled",
            f"{s.places_filled}/{s.places}",
        ),
        (
            "专家 experts used" if experts else "安置 workers placed",
            f"{s.suppliers_assigned}/{s.suppliers}",
        ),
    ]
    for solve in result.solves:
        gap = "n/a" if solve.gap is None else f"{solve.gap:.2g}"
        lines.append((f"求解 solve {solve.name}", f"{solve.solver} {solve.status}, gap {gap}"))
    return "\n".join(f"{label}: {value}" for label, value in lines)


def _expert_lines(x: Any) -> list[tuple[str, str]]:
    lines = [
        ("深度贫困村需求 deep-poverty village needs", _pct(x.coverage_deep_poverty_village)),
        ("优先需求 priority needs (any flag)", _pct(x.coverage_any_priority)),
        ("沿用上期 pairs kept from previous", str(x.pairs_kept_from_previous)),
    ]
    deep = x.deep_poverty_first
    if deep:
        proven = "已证明最多 proven most" if deep["proven_most"] else "未证明 not proven"
        kind = "确切 exact" if deep.get("coverable_exact") else "上界 a bound"
        lines.append(
            (
                "深度贫困村覆盖上限 deep-poverty needs covered / coverable at most",
                f"{deep['covered']} / {deep['coverable_at_most']} ({kind}; {proven})",
            )
        )
    return lines


def _labour_lines(x: Any) -> list[tuple[str, str]]:
    retention = _pct(x.optimized.mean_predicted_retention)
    lines = [("平均预测留岗率 mean predicted retention", retention)]
    model = x.retention_model
    if model is not None:
        quality = (
            f"auc {model.auc:.4f}, brier {model.brier:.4f} "
            f"(constant {model.brier_constant:.4f}), ece {model.ece:.4f}"
        )
        lines.append(("留岗模型 retention model (held out)", quality))
    for mode, f in (("optimized", x.optimized), ("stable", x.stable)):
        lines.append(
            (
                f"{mode} mode",
                f"placed {f.workers_placed}, expected retained {f.expected_retained}, "
                f"blocking pairs {f.blocking_pairs}, groups split {f.groups_split}",
            )
        )
    return lines


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"
