"""What a run returns, typed: solve records, explanation terms, summary figures.

These are the shapes the command writes and the service stores. Everything here is plain
data (no numpy scalars): `as_dict()` gives the JSON the files hold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Generic, Literal, TypeAlias, TypeVar

import pandas as pd

from matching.engine.result import Result, Status

Market = Literal["experts", "labour"]
RunT = TypeVar("RunT")
ConfigT = TypeVar("ConfigT")

# Worst first: the status of a whole run is the worst of its solves.
_STATUS_ORDER: tuple[Status, ...] = ("infeasible", "feasible", "optimal")


@dataclass(frozen=True)
class SolveRecord:
    """One engine solve: which stage, which solver, and what it proved.

    `objective` and `bound` are None when they do not exist (infeasible; no bound from
    `greedy`); `proven` is True when the plan is proven optimal (status `optimal`).
    `edge_objective` is the objective less its slot values and `edge_gap` the gap relative
    to it (see `matching.engine.result.Result.edge_gap`): the gap on what the solver can
    still change, when slot values make the whole-objective gap read tiny.
    """

    name: str
    solver: str
    status: Status
    objective: float | None
    bound: float | None
    gap: float | None
    proven: bool
    reason: str | None = None
    # None: the solver finished; "work_limit": counted work ran out (reproducible);
    # "time_limit": the wall-clock safety stop fired (the plan may differ between runs).
    stopped_by: str | None = None
    edge_objective: float | None = None
    edge_gap: float | None = None

    @classmethod
    def of(cls, name: str, result: Result) -> SolveRecord:
        return cls(
            name=name,
            solver=result.solver,
            status=result.status,
            objective=_finite(result.objective),
            bound=_finite(result.bound),
            gap=_finite(result.gap),
            proven=result.status == "optimal",
            reason=result.reason,
            stopped_by=result.stopped_by,
            edge_objective=_finite(result.edge_objective),
            edge_gap=_finite(result.edge_gap),
        )


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


TermValue: TypeAlias = (
    "bool | int | float | str | Term | list[TermValue] | dict[str, TermValue] | None"
)


@dataclass(frozen=True)
class Term:
    """One explained quantity: the program's key, the person's (Chinese) label, the value."""

    key: str
    label: str
    value: TermValue

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "value": _plain(self.value)}


def _plain(value: TermValue) -> Any:
    if isinstance(value, Term):
        return value.as_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Explanation:
    """Why a pair was chosen, or why a need or worker was left out.

    `kind` is `assignment`, `uncovered_need` or `unplaced_worker`; `ids` names the subject
    with the market's keys (`expert_id`/`need_id` or `worker_id`/`posting_id`); `reason` is
    set for what was left out.
    """

    kind: str
    ids: Mapping[str, str]
    terms: tuple[Term, ...]
    reason: Term | None = None

    def term(self, key: str) -> Term | None:
        return next((t for t in self.terms if t.key == key), None)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, **self.ids}
        if self.reason is not None:
            out["reason"] = self.reason.as_dict()
        out["terms"] = [t.as_dict() for t in self.terms]
        return out


@dataclass(frozen=True)
class ExpertFigures:
    """Figures only the expert market has. Coverage is the share of open needs (of that
    kind) with a lead expert; None when there is no such need."""

    coverage: float | None
    coverage_deep_poverty_village: float | None
    coverage_any_priority: float | None
    coverage_no_priority: float | None
    pairs_kept_from_previous: int
    # Per stage, over every eligible pair: eligible and priced pairs, rounds, the
    # full-set bound and whether it is proven (see matching.experts.pricing).
    pricing: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Needs in deep-poverty villages: eligible, covered, and at most how many any plan of
    # the lead stage covers (see matching.experts.deep_poverty); empty when not checked.
    deep_poverty_first: Mapping[str, Any] = field(default_factory=dict)
    market: Literal["experts"] = "experts"


@dataclass(frozen=True)
class ModeFigures:
    """One labour plan measured: placed, priority placed, predicted retention, fairness."""

    workers_placed: int
    registered_poor_placed: int
    expected_retained: float
    mean_predicted_retention: float | None
    blocking_pairs: int
    groups_split: int


@dataclass(frozen=True)
class RetentionQuality:
    """The retention model on held-out placements (see `matching.scoring.outcome`)."""

    n: int
    base_rate: float
    auc: float
    brier: float
    brier_constant: float
    ece: float


@dataclass(frozen=True)
class LabourFigures:
    """Figures only the labour market has: the optimized plan and stable (deferred
    acceptance) mode on the same candidate pairs, and the retention model's quality."""

    optimized: ModeFigures
    stable: ModeFigures
    retention_model: RetentionQuality | None
    # Over every eligible pair: eligible and priced pairs, rounds, the full-set bound,
    # whether it is proven and the plan's gap to it (see matching.labour.pricing).
    pricing: Mapping[str, Any] = field(default_factory=dict)
    market: Literal["labour"] = "labour"


@dataclass(frozen=True)
class Summary:
    """Figures with the same meaning in both markets, and the market's own in `extra`.

    Suppliers are experts or workers; demands are open needs or open postings; places are
    the experts the needs want or the postings' positions; a demand is served when it has
    at least one assignment (for needs: a lead expert).
    """

    market: Market
    suppliers: int
    suppliers_assigned: int
    demands: int
    demands_served: int
    places: int
    places_filled: int
    unassigned: int
    extra: ExpertFigures | LabourFigures
    timings_s: Mapping[str, float] = field(default_factory=dict, compare=False)

    def as_dict(self, *, timings: bool = False) -> dict[str, Any]:
        out = asdict(self)
        out["timings_s"] = dict(self.timings_s)
        if not timings:
            del out["timings_s"]
        return out


@dataclass(frozen=True)
class MatchResult(Generic[RunT, ConfigT]):
    """A finished run: what was asked (`config`), what the engine proved (`solves`), the
    plan (`assignments`, `unassigned`: pandas frames keyed by the market's ids), why
    (`explanations`), the figures (`summary`), notes for people (`warnings`), and the
    matcher's `run` object with its inputs and intermediate results."""

    market: Market
    config: ConfigT
    solves: tuple[SolveRecord, ...]
    summary: Summary
    explanations: tuple[Explanation, ...]
    assignments: pd.DataFrame
    unassigned: pd.DataFrame
    run: RunT
    warnings: tuple[str, ...] = ()

    @property
    def status(self) -> Status:
        """The worst status over the engine solves (`optimal` only if every one is)."""
        return min((s.status for s in self.solves), key=_STATUS_ORDER.index, default="optimal")

    def infeasible_reasons(self) -> list[str]:
        """`stage: reason` for every solve that came back infeasible."""
        return [
            f"{s.name}: {s.reason or 'no feasible plan'}"
            for s in self.solves
            if s.status == "infeasible"
        ]

    def report(self, *, timings: bool = False) -> dict[str, Any]:
        """The JSON of summary.json: market, status, the solves and the summary."""
        return {
            "market": self.market,
            "status": self.status,
            "solves": [asdict(s) for s in self.solves],
            "summary": self.summary.as_dict(timings=timings),
            "warnings": list(self.warnings),
        }
