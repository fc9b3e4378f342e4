"""What every expert policy is measured on: the open needs, their eligible pairs, and how
many needs any plan could cover at once.

*Coverable.* A need is *eligible* when at least one expert passes every hard rule for it.
Not every eligible need can be covered at once: experts' days per quarter run out. The
number of **coverable** needs is the optimum of the maximum-coverage problem over every
eligible pair — each need at most one expert, each (expert, quarter) within its service
days, a need's days as the load — solved by the engine with pricing over all eligible
pairs. We use its proven upper bound (rounded down), which is the maximum itself when the
solve is proven optimal: a share of it can only understate a policy. Deep-poverty
coverable needs are the same optimum over the needs of priority tier ≥ 1 (any of the
deep-poverty village, extremely-poor-township or deep-poverty-county flags, as the
matcher defines priority), ignoring the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.data.dataset import Dataset
from matching.data.reference import Reference
from matching.engine.problem import Problem
from matching.experts import ExpertConfig, ExpertTables
from matching.experts.baselines import PairList
from matching.experts.candidates import ExpertCandidates, generate
from matching.experts.match import pair_context
from matching.experts.pricing import solve_priced
from matching.runs import expert_tables
from matching.sorting import lexsort

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Coverable:
    """The most needs of a kind any plan could cover at once (a proven upper bound)."""

    needs: int  # needs of this kind
    eligible: int  # needs of this kind with at least one eligible expert
    coverable: int  # floor of the proven bound of the maximum-coverage problem
    proven_optimal: bool  # the bound is attained: `coverable` is the maximum itself


@dataclass(frozen=True)
class ExpertSetting:
    """Tables, eligible pairs (with distances) and coverable counts of one data set."""

    tables: ExpertTables
    config: ExpertConfig
    candidates: ExpertCandidates
    pairs: PairList
    county_prefecture: dict[str, str]
    all_needs: Coverable
    priority_needs: Coverable


def expert_setting(
    dataset: Dataset, reference: Reference, config: ExpertConfig | None = None
) -> ExpertSetting:
    """Everything policy-independent, computed once per data set."""
    config = config or ExpertConfig()
    tables = expert_tables(dataset, reference)
    candidates = generate(pair_context(tables, config))
    eligible = candidates.eligible
    order = lexsort((eligible.cols, eligible.rows))
    need, expert = eligible.rows[order], eligible.cols[order]
    village = tables.need_village
    distance = config.distance(
        village["lat"].to_numpy(np.float64)[need],
        village["lon"].to_numpy(np.float64)[need],
        tables.experts["lat"].to_numpy(np.float64)[expert],
        tables.experts["lon"].to_numpy(np.float64)[expert],
    )
    pairs = PairList(need, expert, np.asarray(distance, dtype=np.float64))
    counties = reference.counties
    county_prefecture = dict(
        zip(
            counties["county_code"].astype(str),
            counties["prefecture_code"].astype(str),
            strict=True,
        )
    )
    start = _top_k_start(candidates, need, expert, tables.n_experts)
    return ExpertSetting(
        tables=tables,
        config=config,
        candidates=candidates,
        pairs=pairs,
        county_prefecture=county_prefecture,
        all_needs=coverable(tables, pairs, start, np.ones(tables.n_needs, dtype=bool), config),
        priority_needs=coverable(tables, pairs, start, tables.tier > 0, config),
    )


def _top_k_start(
    candidates: ExpertCandidates, need: IntArray, expert: IntArray, n_experts: int
) -> BoolArray:
    top = candidates.pairs
    return np.isin(need * n_experts + expert, top.rows * n_experts + top.cols)


def coverable(
    tables: ExpertTables,
    pairs: PairList,
    start: BoolArray,
    needs: BoolArray,
    config: ExpertConfig,
) -> Coverable:
    """Maximum coverage of the `needs` marked, over every eligible pair (see the module)."""
    keep = needs[pairs.need]
    need, expert = pairs.need[keep], pairs.expert[keep]
    n_periods = max(len(tables.periods), 1)
    key = expert * n_periods + tables.need_period[need]
    suppliers, supplier_of = np.unique(key, return_inverse=True)
    days = tables.experts["service_days_per_quarter"].to_numpy(np.int64)
    problem = Problem.from_arrays(
        supplier_ids=[str(k) for k in suppliers.tolist()],
        capacity=days[suppliers // n_periods],
        demand_ids=[str(n) for n in range(tables.n_needs)],
        slots=np.ones(tables.n_needs, dtype=np.int64),
        edge_supplier=supplier_of.astype(np.int64),
        edge_demand=need,
        weight=np.ones(need.size),
        load=tables.needs["days_needed"].to_numpy(np.int64)[need],
    )
    result, _ = solve_priced(
        problem,
        start[keep],
        tables.need_period[need],
        solver=config.solver,
        work_limit=config.work_limit,
        time_limit=config.time_limit,
        seed=config.seed,
    )
    bound = result.bound if math.isfinite(result.bound) else float(np.unique(need).size)
    return Coverable(
        needs=int(needs.sum()),
        eligible=int(np.unique(need).size),
        coverable=min(math.floor(bound + 1e-6), int(np.unique(need).size)),
        proven_optimal=result.status == "optimal",
    )
