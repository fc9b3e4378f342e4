"""The match-run task: the one module of the service that calls the matchers.

A worker that claimed a run calls `run_claimed`: the scope's data set and decisions are
read from the database in one transaction (a consistent snapshot), the matcher runs with
progress written to the run and the worker's cancel token, and the result is stored in
one transaction — the run `succeeded` with its assignments `proposed`, or nothing at all.

What can happen: an infeasible plan is an answer (`succeeded`, engine status
`infeasible` with the reasons); bad input fails the run with the matcher's message
naming the item (`invalid_input`); a solver bug or anything unexpected fails it with
`solver_error` / `internal_error`; a cancel ends it `cancelled`; a worker shutting down
hands it back to the queue; a worker that lost its lease writes nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
import pandas as pd
from sqlalchemy import insert
from sqlalchemy.orm import Session

from api.audit import notify
from api.database import transaction
from api.database.models import Assignment, AssignmentState, MatchRun, RunState
from api.match_runs.dataset import build_dataset
from api.match_runs.lifecycle import Lease, Sessions, finish, hand_back
from api.match_runs.previous import labour_refusals, plan_decisions, rematch_decisions
from api.match_runs.progress import ProgressWriter
from api.match_runs.scope import scope_counties
from api.notifications.service import coordinator_ids
from api.settings import Settings
from matching.control import CancelToken
from matching.data.decisions import Decisions
from matching.data.frames import Dataset
from matching.data.reference import load_reference
from matching.errors import Cancelled, InvalidInputError, SolverError
from matching.experts import ExpertConfig
from matching.labour import LabourConfig
from matching.runs import MatchResult, run_expert_match, run_labour_match

log = logging.getLogger(__name__)

OPTION_KEYS = ("solver", "time_limit", "seed", "work_limit")
EXPLANATION_KIND_LABELS = {
    "assignment": "匹配",
    "uncovered_need": "未覆盖需求",
    "unplaced_worker": "未安置劳动力",
}
STRICT_REMATCH_INFEASIBLE = (
    "re-match: keeping every other pair of the plan has no feasible plan, so other pairs "
    "may move too (重新匹配：保持其余安排不变无可行方案，其余安排也可能调整)"
)
Config = ExpertConfig | LabourConfig
# The columns a run's assignment rows fill (the others keep their defaults: no id given,
# no decision yet).
ASSIGNMENT_COLUMNS = (
    "run_id",
    "market",
    "expert_id",
    "need_id",
    "worker_id",
    "posting_id",
    "county_code",
    "state",
    "score",
    "days",
    "explanation",
)


def config_for(market: str, options: Mapping[str, Any]) -> Config:
    """The matcher's config with the run's options on top; bad values name `options.X`."""
    base: Config = ExpertConfig() if market == "experts" else LabourConfig()
    given = {key: options[key] for key in OPTION_KEYS if options.get(key) is not None}
    try:
        return replace(base, **given)
    except InvalidInputError as error:
        item = f"options.{error.item}" if error.item else "options"
        raise InvalidInputError(f"{item}: {error}", item=item) from error


@dataclass
class RunContext:
    """What a worker hands the task: its lease, and the flags it shares with the task."""

    sessions: Sessions
    lease: Lease
    settings: Settings
    token: CancelToken = field(default_factory=CancelToken)
    stopping: threading.Event = field(default_factory=threading.Event)  # worker shutting down
    lost: threading.Event = field(default_factory=threading.Event)  # the lease is gone

    def lose(self) -> None:
        self.lost.set()
        self.token.cancel()


@dataclass(frozen=True)
class Inputs:
    market: str
    options: dict[str, Any]
    rematch_need_id: str | None
    dataset: Dataset
    decisions: Decisions | None


class Stopwatch:
    """Seconds per step of a run, for the log line that says where its time went."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.laps[step] = now - self._last
        self._last = now

    def __str__(self) -> str:
        return ", ".join(f"{step} {seconds:.1f} s" for step, seconds in self.laps.items())


def run_claimed(context: RunContext) -> RunState | None:
    """Run the claimed match to its end; the run's final state (None: the lease was lost)."""
    progress = ProgressWriter(context.sessions, context.lease, context.lose)
    watch = Stopwatch()
    try:
        progress.update("loading data", force=True)
        inputs = _read_inputs(context)
        watch.lap("read")
        checkpoint_between(context.token)
        result, warnings = _match(context, inputs, progress)
        watch.lap("match")
        progress.update("storing", force=True)
        state = _store(context, inputs, result, warnings, progress.final("done"), watch)
        log.info(
            "run %s: times %s; %d assignments", context.lease.run_id, watch, len(result.assignments)
        )
        return state
    except Cancelled:
        return _cancelled(context, progress.final("cancelled"))
    except InvalidInputError as error:
        return _fail(context, "invalid_input", str(error), error.item)
    except SolverError as error:
        log.exception("run %s: solver error", context.lease.run_id)
        return _fail(context, "solver_error", str(error))
    except Exception as error:
        log.exception("run %s failed", context.lease.run_id)
        return _fail(context, "internal_error", f"{type(error).__name__}: {error}")


def checkpoint_between(token: CancelToken) -> None:
    """A cancel asked while the data was read stops the run before the matcher starts."""
    if token.cancelled:
        raise Cancelled("the run was cancelled")


def _read_inputs(context: RunContext) -> Inputs:
    with transaction(context.sessions) as session:
        run = session.get_one(MatchRun, context.lease.run_id)
        counties = scope_counties(session, run.scope_kind, run.scope_code)
        dataset = build_dataset(session, run.market, counties)
        if run.market == "experts":
            decisions = plan_decisions(session, dataset, counties)
        else:
            decisions = labour_refusals(session, counties)
        return Inputs(run.market, dict(run.options), run.rematch_need_id, dataset, decisions)


def _match(
    context: RunContext, inputs: Inputs, progress: ProgressWriter
) -> tuple[MatchResult[Any, Any], tuple[str, ...]]:
    config = config_for(inputs.market, inputs.options)
    reference = load_reference(context.settings.reference_dir)
    control: dict[str, Any] = {"progress": progress, "cancel": context.token}
    if isinstance(config, LabourConfig):
        return run_labour_match(inputs.dataset, reference, config, inputs.decisions, **control), ()
    decisions = inputs.decisions or Decisions()
    if inputs.rematch_need_id:
        strict = rematch_decisions(decisions, inputs.rematch_need_id)
        try:
            result = run_expert_match(inputs.dataset, reference, config, strict, **control)
            if result.status != "infeasible":
                return result, ()
        except InvalidInputError:  # the plan's other pairs cannot all stay (days changed…)
            log.info("run %s: strict re-match refused, other pairs may move", context.lease.run_id)
        fallback = run_expert_match(inputs.dataset, reference, config, decisions, **control)
        return fallback, (STRICT_REMATCH_INFEASIBLE,)
    return run_expert_match(inputs.dataset, reference, config, decisions, **control), ()


def run_figures(result: MatchResult[Any, Any]) -> dict[str, Any]:
    """The run's engine figures: the worst status, objective and bound summed over solves."""
    objectives = [s.objective for s in result.solves]
    bounds = [s.bound for s in result.solves]
    objective = sum(o for o in objectives if o is not None) if None not in objectives else None
    bound = sum(b for b in bounds if b is not None) if None not in bounds else None
    gap = None
    if objective is not None and bound is not None:
        gap = max(0.0, bound - objective) / max(1.0, abs(objective))
    return {"status": result.status, "objective": objective, "bound": bound, "gap": gap}


def _left_out(result: MatchResult[Any, Any]) -> dict[str, dict[str, Any]]:
    """Why needs or workers were left out: per reason key, its label and how many."""
    counts: Counter[tuple[str, str]] = Counter(
        (e.reason.key, e.reason.label) for e in result.explanations if e.reason is not None
    )
    return {key: {"label": label, "count": n} for (key, label), n in sorted(counts.items())}


def _summary(result: MatchResult[Any, Any], warnings: tuple[str, ...]) -> dict[str, Any]:
    report = result.report(timings=True)
    return {
        "figures": {**report["summary"], "left_out": _left_out(result)},
        "solves": report["solves"],
        "warnings": [*report["warnings"], *warnings],
        "infeasible_reasons": result.infeasible_reasons(),
        "uncovered": _uncovered(result),
    }


def _uncovered(result: MatchResult[Any, Any]) -> list[dict[str, Any]]:
    """Why each need was left without an expert (the coordinator reviews them); the labour
    market's unplaced workers are too many to keep one by one, their counts are in
    `left_out`."""
    return [e.as_dict() for e in result.explanations if e.kind == "uncovered_need"]


def assignment_rows(
    run_id: int, result: MatchResult[Any, Any], dataset: Dataset
) -> list[dict[str, Any]]:
    """The plan as `proposed` assignment rows, each with its explanation and county."""
    county_of_village = _mapping(dataset.villages, "village_id", "county_code")
    explained = {
        tuple(sorted(e.ids.items())): {**e.as_dict(), "kind_label": EXPLANATION_KIND_LABELS[e.kind]}
        for e in result.explanations
        if e.kind == "assignment"
    }
    frame = result.assignments
    if result.market == "experts":
        village_of_need = _mapping(dataset.needs, "need_id", "village_id")
        return [
            {
                "run_id": run_id,
                "market": "experts",
                "expert_id": str(row.expert_id),
                "need_id": str(row.need_id),
                "county_code": county_of_village[village_of_need[str(row.need_id)]],
                "state": AssignmentState.PROPOSED,
                "score": _number(row.edge_weight),
                "days": int(str(row.days)),
                "explanation": explained.get(
                    (("expert_id", str(row.expert_id)), ("need_id", str(row.need_id)))
                ),
            }
            for row in frame.itertuples(index=False)
        ]
    village_of_worker = _mapping(dataset.workers, "worker_id", "village_id")
    return [
        {
            "run_id": run_id,
            "market": "labour",
            "worker_id": str(row.worker_id),
            "posting_id": str(row.posting_id),
            "county_code": county_of_village[village_of_worker[str(row.worker_id)]],
            "state": AssignmentState.PROPOSED,
            "score": _number(row.edge_weight),
            "explanation": explained.get(
                (("posting_id", str(row.posting_id)), ("worker_id", str(row.worker_id)))
            ),
        }
        for row in frame.itertuples(index=False)
    ]


def _mapping(frame: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    return dict(zip(frame[key].astype(str), frame[value].astype(str), strict=True))


def _number(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)


def _store(
    context: RunContext,
    inputs: Inputs,
    result: MatchResult[Any, Any],
    warnings: tuple[str, ...],
    progress: dict[str, Any],
    watch: Stopwatch,
) -> RunState | None:
    rows = assignment_rows(context.lease.run_id, result, inputs.dataset)
    watch.lap("rows")
    with transaction(context.sessions) as session:
        ended = finish(
            session,
            context.lease,
            RunState.SUCCEEDED,
            summary=_summary(result, warnings),
            progress=progress,
            error=None,
            **run_figures(result),
        )
        if not ended:  # the lease is gone: the run belongs to another attempt now
            return None
        insert_assignments(session, rows)
        if inputs.rematch_need_id:
            _tell_rematch_ready(session, context.lease.run_id, inputs.rematch_need_id)
    watch.lap("store")
    return RunState.SUCCEEDED


def insert_assignments(session: Session, rows: list[dict[str, Any]]) -> None:
    """The plan's rows in one statement: COPY on PostgreSQL, an executemany elsewhere.

    A province labour plan is about 100,000 rows, each with its explanation; COPY streams
    them in one round trip instead of one INSERT per row.
    """
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(Assignment), rows)
        return
    statement = f"COPY {Assignment.__tablename__} ({', '.join(ASSIGNMENT_COLUMNS)}) FROM STDIN"
    driver = connection.connection.driver_connection  # psycopg's, in the session's transaction
    assert driver is not None, "the session's connection is open"
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([_copy_cell(row.get(column)) for column in ASSIGNMENT_COLUMNS])


def _copy_cell(value: Any) -> Any:
    """A value as COPY's text format takes it: JSON as its text, a state as its key."""
    if isinstance(value, dict):  # orjson: a quarter of json.dumps' time on 100,000 rows
        return orjson.dumps(value).decode()
    if isinstance(value, AssignmentState):
        return value.value
    return value


def _tell_rematch_ready(session: Session, run_id: int, need_id: str) -> None:
    """The coordinators who must review a re-match after a decline hear that it is ready."""
    run = session.get(MatchRun, run_id)
    if run is None or run.scope_kind != "county" or run.scope_code is None:
        return
    notify(
        session,
        coordinator_ids(session, run.scope_code),
        "rematch",
        "重新匹配已完成",
        f"需求 {need_id} 的专家谢绝后，第 {run_id} 次重新匹配已完成，请审核后发布。",
        {"run_id": run_id, "need_id": need_id},
    )


def _cancelled(context: RunContext, progress: dict[str, Any]) -> RunState | None:
    if context.lost.is_set():
        return None
    if context.stopping.is_set() and hand_back(context.sessions, context.lease):
        return RunState.QUEUED
    with transaction(context.sessions) as session:
        ended = finish(session, context.lease, RunState.CANCELLED, progress=progress)
    return RunState.CANCELLED if ended else None


def _fail(context: RunContext, code: str, message: str, item: str | None = None) -> RunState | None:
    error = {"code": code, "message": message, "item": item}
    with transaction(context.sessions) as session:
        ended = finish(session, context.lease, RunState.FAILED, error=error)
    return RunState.FAILED if ended else None
