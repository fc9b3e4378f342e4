"""What a solve returns, and the objective and feasibility checks every solver shares."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from matching.engine.problem import Problem

Status = Literal["optimal", "feasible", "infeasible"]
# Why a search ended before it proved its answer: its counted work budget ran out (the
# answer is reproducible), or the wall-clock safety stop fired (it may not be).
StopReason = Literal["work_limit", "time_limit"]

# Status "optimal" means proven within this relative gap (see matching.engine.solvers.scaling).
OPTIMALITY_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Result:
    """The outcome of `matching.solve`.

    `objective` is recomputed from the problem's original float weights; `bound` is
    a proven upper bound on any feasible objective; `gap` is
    `(bound - objective) / max(1, |objective|)`. An infeasible result has objective
    and bound `-inf`, an empty `chosen` and a `reason` that names the items.

    `stopped_by` is None when the solver ran to its end, `"work_limit"` when its counted
    work budget stopped it (the same problem and options give the same result anywhere)
    and `"time_limit"` when the wall-clock safety stop fired first (the result may then
    differ between runs; `reproducible` is False).

    `slot_objective` is the part of `objective` that comes from slot values (set by
    `matching.solve`); the rest, `edge_objective`, is what the edges' weights and the
    stability bonus give. When slot values dominate (every job must be placed, or
    deep-poverty tiers) the whole-objective `gap` reads tiny even when the choice among
    edges is far from proven; `edge_gap` is the same absolute gap relative to
    `edge_objective` instead: `(bound - objective) / max(1, |edge_objective|)`.
    """

    status: Status
    objective: float
    bound: float
    chosen: npt.NDArray[np.int64]
    solver: str
    reason: str | None = None
    timings: Mapping[str, float] = field(default_factory=dict)
    stats: Mapping[str, Any] = field(default_factory=dict)
    stopped_by: StopReason | None = None
    slot_objective: float = 0.0

    @property
    def reproducible(self) -> bool:
        """False when the wall-clock safety stop decided where the search ended."""
        return self.stopped_by != "time_limit"

    @property
    def gap(self) -> float:
        if self.status == "infeasible":
            return math.inf
        return max(0.0, self.bound - self.objective) / max(1.0, abs(self.objective))

    @property
    def edge_objective(self) -> float:
        """The objective less its slot values: edge weights plus stability bonus."""
        return self.objective - self.slot_objective

    @property
    def edge_gap(self) -> float:
        """The absolute gap relative to the edge part of the objective (see the class)."""
        if self.status == "infeasible":
            return math.inf
        return max(0.0, self.bound - self.objective) / max(1.0, abs(self.edge_objective))

    def assignments(self, problem: Problem) -> list[tuple[str, str]]:
        """The chosen edges as (supplier id, demand id) pairs, in edge order."""
        return [
            (problem.supplier_ids[s], problem.demand_ids[d])
            for s, d in zip(
                problem.edge_supplier[self.chosen].tolist(),
                problem.edge_demand[self.chosen].tolist(),
                strict=True,
            )
        ]


def infeasible(solver: str, reason: str, **timings: float) -> Result:
    return Result(
        status="infeasible",
        objective=-math.inf,
        bound=-math.inf,
        chosen=np.zeros(0, dtype=np.int64),
        solver=solver,
        reason=reason,
        timings=timings,
    )


def demand_counts(problem: Problem, chosen: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return np.bincount(problem.edge_demand[chosen], minlength=problem.n_demands)


def objective_value(problem: Problem, chosen: npt.NDArray[np.int64]) -> float:
    """The objective of a set of edges, summed exactly (math.fsum) from the original values."""
    return math.fsum(problem.edge_value[chosen].tolist()) + slot_objective_value(problem, chosen)


def slot_objective_value(problem: Problem, chosen: npt.NDArray[np.int64]) -> float:
    """The slot values a set of edges earns, summed exactly."""
    counts = demand_counts(problem, chosen)
    lengths = np.diff(problem.slot_value_offsets)
    starts = problem.slot_value_offsets[:-1]
    used = starts + np.minimum(counts, lengths)
    # The slot values earned, term by term (not a prefix-sum difference), for an exact sum.
    slot_terms = problem.slot_value_flat[_ranges(starts, used)]
    return math.fsum(slot_terms.tolist())


def _ranges(starts: npt.NDArray[np.int64], stops: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Concatenation of range(start, stop) for each pair, without a Python loop."""
    lengths = stops - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    offsets = np.repeat(starts - (ends - lengths), lengths)
    ranges: npt.NDArray[np.int64] = np.arange(total, dtype=np.int64) + offsets
    return ranges


def violations(problem: Problem, chosen: npt.NDArray[np.int64]) -> list[str]:
    """Every broken constraint of a set of edges, in words; empty when feasible."""
    found: list[str] = []
    if len(np.unique(chosen)) != len(chosen):
        found.append("an edge is chosen twice")
    used = np.bincount(
        problem.edge_supplier[chosen], weights=problem.load[chosen], minlength=problem.n_suppliers
    )
    for s in np.flatnonzero(used > problem.capacity)[:5]:
        found.append(
            f"supplier {problem.supplier_ids[s]!r} carries load {int(used[s])} "
            f"over capacity {int(problem.capacity[s])}"
        )
    counts = demand_counts(problem, chosen)
    for d in np.flatnonzero(counts > problem.slots)[:5]:
        found.append(
            f"demand {problem.demand_ids[d]!r} has {int(counts[d])} suppliers "
            f"for {int(problem.slots[d])} slots"
        )
    missing = np.setdiff1d(np.flatnonzero(problem.fixed), chosen)
    found.extend(f"fixed edge {problem.edge_name(int(e))} is not chosen" for e in missing[:5])
    found.extend(_group_violations(problem, chosen))
    return found


def _group_violations(problem: Problem, chosen: npt.NDArray[np.int64]) -> list[str]:
    found: list[str] = []
    if not problem.has_groups:
        return found
    demand_of = np.full(problem.n_suppliers, -1, dtype=np.int64)
    times = np.bincount(problem.edge_supplier[chosen], minlength=problem.n_suppliers)
    demand_of[problem.edge_supplier[chosen]] = problem.edge_demand[chosen]
    for g, members in enumerate(problem.group_members()):
        gid = problem.group_ids[g]
        if np.any(times[members] > 1):
            found.append(f"a member of group {gid!r} is assigned more than once")
        places = set(demand_of[members].tolist())
        if len(places) > 1:
            found.append(f"group {gid!r} is split or partly placed")
    return found


def first_stop(*reasons: StopReason | None) -> StopReason | None:
    """The stop reason of a solve made of several searches: a fired safety stop wins."""
    if "time_limit" in reasons:
        return "time_limit"
    return "work_limit" if "work_limit" in reasons else None
