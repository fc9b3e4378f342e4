"""Optimized and stable mode side by side, computed by the labour run itself.

Stable mode runs worker-proposing deferred acceptance on the same edges the engine saw:
workers rank postings by their own wishes and wage, postings rank workers by predicted
retention. Its figures and the optimized plan's are reported together.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.engine.stable import TwoSidedMarket, blocking_pairs, deferred_acceptance
from matching.labour.tables import Workforce
from matching.labour.weights import LabourEdges

IntArray = npt.NDArray[np.int64]


def stable_market(force: Workforce, edges: LabourEdges) -> TwoSidedMarket:
    """Workers rank by their own wishes and wage; postings rank by predicted retention."""
    return TwoSidedMarket(
        n_workers=force.n_workers,
        capacity=force.postings["positions"].to_numpy(np.int64),
        worker=edges.worker,
        posting=edges.posting,
        worker_score=edges.city_wish + edges.industry_wish + 2.0 * edges.wage_term,
        posting_score=edges.retention,
    )


def stable_assignment(force: Workforce, edges: LabourEdges) -> IntArray:
    """Edges chosen by worker-proposing deferred acceptance (groups are not kept together)."""
    return deferred_acceptance(stable_market(force, edges))


def groups_split(force: Workforce, worker: IntArray, posting: IntArray) -> int:
    """Groups placed in part, or spread over several postings."""
    n = len(force.group_names)
    group = force.group_of_worker[worker]
    inside = group >= 0
    postings_of_group = pd.Series(posting[inside]).groupby(group[inside]).nunique()
    placed_members = np.bincount(group[inside], minlength=n)
    sizes = np.bincount(force.group_of_worker[force.group_of_worker >= 0], minlength=n)
    multi = np.zeros(n, dtype=bool)
    multi[postings_of_group.index[postings_of_group > 1].to_numpy(np.int64)] = True
    return int((multi | ((placed_members > 0) & (placed_members < sizes))).sum())


def mode_figures(
    force: Workforce, edges: LabourEdges, chosen: IntArray, mode: str
) -> dict[str, Any]:
    """Placed workers, predicted retention, priority shares, blocking pairs, split groups."""
    worker = edges.worker[chosen]
    retention = edges.retention[chosen]
    poor = force.workers["registered_poor"].to_numpy()[worker]
    return {
        "mode": mode,
        "workers_placed": int(chosen.size),
        "registered_poor_placed": int(poor.sum()),
        "expected_retained": round(float(retention.sum()), 2),
        "mean_predicted_retention": round(float(retention.mean()), 4) if chosen.size else None,
        "blocking_pairs": int(blocking_pairs(stable_market(force, edges), chosen).size),
        "groups_split": groups_split(force, worker, edges.posting[chosen]),
    }


def compare_modes(force: Workforce, edges: LabourEdges, chosen: IntArray) -> dict[str, Any]:
    """Optimized (`chosen`) and stable (deferred acceptance) assignments on the same edges."""
    stable = stable_assignment(force, edges)
    return {
        "optimized": mode_figures(force, edges, chosen, "optimized"),
        "stable": mode_figures(force, edges, stable, "stable"),
    }
