"""`bangfu solve PROBLEM.json`: solve a problem file and write its solution.

Exit status: 0 optimal or feasible, 3 infeasible (the solution is still written,
with the reason), 2 invalid input (one line on standard error naming the problem).
"""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path

import click

from matching.commands.atomic import atomic_file, check_file_target
from matching.commands.progress import StatusLine, cancel_on_interrupt, in_worker
from matching.control import CancelToken, controlled
from matching.engine.io import dump_solution, parse_problem
from matching.engine.problem import Problem
from matching.engine.result import Result
from matching.engine.solvers import DEFAULT_WORK_LIMIT, SOLVER_NAMES, solve
from matching.errors import Cancelled, InvalidInputError

EXIT_INFEASIBLE = 3
EXIT_INVALID = 2
EXIT_CANCELLED = 130


EPILOG = """\b
Outputs:
  the solution (bangfu.solution/1 JSON: status, objective, bound, gap, solver,
  assignments, stats, reason when infeasible) to -o FILE (replaced only when
  wholly written) or standard output; --summary prints a readable summary

\b
Exit status:
  0    optimal or feasible
  2    invalid input or an unwritable -o (one line naming the item); nothing written
  3    infeasible (the solution is still written, with the reason)
  130  cancelled with Ctrl-C; nothing written

\b
Example:
  bangfu solve data/examples/village_experts.json --summary
"""


@click.command("solve", epilog=EPILOG)
@click.argument("problem_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Solution file (default: standard output).",
)
@click.option("--solver", type=click.Choice(SOLVER_NAMES), default="auto", show_default=True)
@click.option(
    "--work-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_WORK_LIMIT,
    show_default=True,
    help="Counted work (CP-SAT deterministic time) for the general path; decides the answer.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Wall-clock safety stop in seconds; the solution says stopped_by when it fires.",
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option(
    "--summary",
    is_flag=True,
    help="Print a readable summary (instead of the JSON when there is no -o).",
)
@click.option(
    "--timings",
    is_flag=True,
    help="Include timings in the solution's stats (they vary from run to run).",
)
def solve_command(
    problem_file: str,
    output: str | None,
    solver: str,
    work_limit: float,
    time_limit: float,
    seed: int,
    summary: bool,
    timings: bool,
) -> None:
    """Solve a bangfu.assignment/1 PROBLEM_FILE ('-' reads standard input)."""
    started = time.perf_counter()
    if output:
        _check_output(Path(output))
    try:
        problem = parse_problem(_read(problem_file))
        read_seconds = time.perf_counter() - started
        token = CancelToken()
        with StatusLine() as status, cancel_on_interrupt(token), controlled(status, token):
            work = partial(
                solve,
                problem,
                solver=solver,
                work_limit=work_limit,
                time_limit=time_limit,
                seed=seed,
            )
            result = in_worker(work)
    except InvalidInputError as error:
        # One line even when an id in the message holds a line break.
        message = "\\n".join(f"invalid problem {problem_file}: {error}".splitlines())
        click.echo(message, err=True)
        sys.exit(EXIT_INVALID)
    except (Cancelled, KeyboardInterrupt):
        click.echo("cancelled: nothing was written", err=True)
        sys.exit(EXIT_CANCELLED)
    solution = dump_solution(result, problem, timings=timings)
    if output:
        with atomic_file(Path(output)) as staging:
            staging.write_bytes(solution)
    elif not summary:
        sys.stdout.buffer.write(solution)
    if summary:
        click.echo(format_summary(problem, result, read_seconds))
    if result.status == "infeasible":
        click.echo(f"infeasible: {result.reason}", err=True)
        sys.exit(EXIT_INFEASIBLE)


def _check_output(path: Path) -> None:
    """An -o that cannot be written is found before the problem is even read."""
    try:
        check_file_target(path, "-o")
    except InvalidInputError as error:
        click.echo(f"invalid input: {error}", err=True)
        sys.exit(EXIT_INVALID)


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise InvalidInputError(f"cannot read: {error.strerror}", item=path) from error


def format_summary(problem: Problem, result: Result, read_seconds: float) -> str:
    """A few lines a coordinator can read: status, value, and who goes where."""
    assignments = result.assignments(problem)
    filled = len({d for _, d in assignments})
    lines = [
        f"problem   {problem.n_suppliers} suppliers, {problem.n_demands} demands, "
        f"{problem.n_edges} candidate edges, {len(problem.group_ids)} groups",
        f"status    {result.status} (solver {result.solver})",
    ]
    if result.status == "infeasible":
        lines.append(f"reason    {result.reason}")
        return "\n".join(lines)
    lines += [
        f"objective {result.objective:.6g}   bound {result.bound:.6g}   gap {result.gap:.3%}",
        f"edges     {result.edge_objective:.6g} of it from edge weights and bonus; "
        f"gap on that part {result.edge_gap:.3%}",
        f"assigned  {len(assignments)} pairs; {filled} of {problem.n_demands} demands served",
        f"time      read {read_seconds:.3f}s, "
        + ", ".join(f"{k} {v:.3f}s" for k, v in result.timings.items()),
    ]
    shown = 20
    lines += [f"  {s} -> {d}" for s, d in assignments[:shown]]
    if len(assignments) > shown:
        lines.append(f"  ... and {len(assignments) - shown} more")
    return "\n".join(lines)
