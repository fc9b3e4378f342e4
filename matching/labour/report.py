"""Placements, reasons for unplaced workers, explanations, and the two modes compared."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.engine.stable import blocking_pairs
from matching.explain import rounded, term
from matching.labour.match import LabourRun, stable_assignment, stable_market
from matching.outputs import MatchOutput

IntArray = npt.NDArray[np.int64]


LabourMatch = MatchOutput[LabourRun]


def build_match(run: LabourRun, model_report: dict[str, float] | None = None) -> LabourMatch:
    assignments = assignment_frame(run, run.result.chosen)
    unassigned = unassigned_frame(run, assignments)
    explanations = [
        *(assignment_explanation(dict(r)) for r in assignments.to_dict("records")),
        *unassigned.pop("explanation").tolist(),
    ]
    summary = {
        "workers": run.force.n_workers,
        "postings": run.force.n_postings,
        "positions": int(run.force.postings["positions"].sum()),
        **mode_figures(run, run.result.chosen, "optimized"),
        "solver": {
            "status": run.result.status,
            "solver": run.result.solver,
            "gap": run.result.gap if np.isfinite(run.result.gap) else None,
            "reason": run.result.reason,
        },
        "retention_model": model_report or {},
        "timings_s": {k: round(v, 3) for k, v in run.timings.items()},
    }
    return LabourMatch(assignments, unassigned, explanations, summary, run)


def assignment_frame(run: LabourRun, chosen: IntArray) -> pd.DataFrame:
    e, f = run.edges, run.force
    worker, posting = e.worker[chosen], e.posting[chosen]
    group = f.group_of_worker[worker]
    names = np.array([*f.group_names, ""], dtype=object)
    return pd.DataFrame(
        {
            "worker_id": f.workers["worker_id"].to_numpy()[worker],
            "posting_id": f.postings["posting_id"].to_numpy()[posting],
            "partner_city_code": f.postings["partner_city_code"].to_numpy()[posting],
            "group_id": names[group],
            "predicted_retention": e.retention[chosen],
            "priority_factor": e.priority[chosen],
            "registered_poor": f.workers["registered_poor"].to_numpy()[worker],
            "deep_poverty_village": f.worker_village["deep_poverty"].to_numpy()[worker],
            "city_wish": e.city_wish[chosen],
            "industry_wish": e.industry_wish[chosen],
            "wage_term": e.wage_term[chosen],
            "wage_yuan_month": f.postings["wage_yuan_month"].to_numpy()[posting],
            "edge_weight": e.weight[chosen],
        }
    ).sort_values(["posting_id", "worker_id"], ignore_index=True)


def assignment_explanation(row: dict[Any, Any]) -> dict[str, Any]:
    terms = [
        term("predicted_retention", rounded(row["predicted_retention"])),
        term("priority_factor", rounded(row["priority_factor"])),
        term("registered_poor", bool(row["registered_poor"])),
        term("deep_poverty_village", bool(row["deep_poverty_village"])),
        term("city_wish", bool(row["city_wish"])),
        term("industry_wish", bool(row["industry_wish"])),
        term("wage_yuan_month", int(row["wage_yuan_month"])),
        term("wage_term", rounded(row["wage_term"])),
        term("group_id", row["group_id"] or None),
        term("edge_weight", rounded(row["edge_weight"])),
    ]
    return {
        "kind": "assignment",
        "worker_id": row["worker_id"],
        "posting_id": row["posting_id"],
        "terms": terms,
    }


def unassigned_frame(run: LabourRun, assignments: pd.DataFrame) -> pd.DataFrame:
    f, e = run.force, run.edges
    placed = f.workers["worker_id"].isin(assignments["worker_id"]).to_numpy()
    filled_by = assignments.groupby("posting_id")["worker_id"].apply(list).to_dict()
    has_edge = np.zeros(f.n_workers, dtype=bool)
    has_edge[e.worker] = True
    posting_ids = f.postings["posting_id"].to_numpy()
    worker_ids = f.workers["worker_id"].astype(str).tolist()
    starts = np.searchsorted(e.worker, np.arange(f.n_workers))
    ends = np.searchsorted(e.worker, np.arange(f.n_workers), side="right")
    rows = []
    for worker in np.flatnonzero(~placed).tolist():
        worker_id = worker_ids[worker]
        if not has_edge[worker]:
            rule = run.shortlist.rule_that_removed_most(worker)
            funnel = dict(
                zip(
                    ("city", "earmark", "age", "certificate"),
                    run.shortlist.removed[worker].tolist(),
                    strict=True,
                )
            )
            reason = "group_not_placeable" if f.group_of_worker[worker] >= 0 else "no_candidate"
            detail = [term("rule_removed_most", term(rule, rule)), term("removed_by_rule", funnel)]
        else:
            postings = posting_ids[e.posting[starts[worker] : ends[worker]]][:3]
            reason = "used_elsewhere"
            detail = [
                term(
                    "candidates",
                    [{"posting_id": p, "filled_by": filled_by.get(p, [])[:5]} for p in postings],
                )
            ]
        rows.append(
            {
                "worker_id": worker_id,
                "reason": reason,
                "explanation": {
                    "kind": "unplaced_worker",
                    "worker_id": worker_id,
                    "reason": term(reason, reason),
                    "terms": detail,
                },
            }
        )
    return pd.DataFrame(rows, columns=["worker_id", "reason", "explanation"])


def mode_figures(run: LabourRun, chosen: IntArray, mode: str) -> dict[str, Any]:
    """Placed workers, predicted retention, priority shares, blocking pairs, split groups."""
    f, e = run.force, run.edges
    worker = e.worker[chosen]
    retention = e.retention[chosen]
    poor = f.workers["registered_poor"].to_numpy()[worker]
    group = f.group_of_worker[worker]
    postings_of_group = (
        pd.Series(e.posting[chosen][group >= 0]).groupby(group[group >= 0]).nunique()
    )
    placed_members = np.bincount(group[group >= 0], minlength=len(f.group_names))
    sizes = np.bincount(f.group_of_worker[f.group_of_worker >= 0], minlength=len(f.group_names))
    multi = np.zeros(len(f.group_names), dtype=bool)
    multi[postings_of_group.index[postings_of_group > 1].to_numpy(np.int64)] = True
    split = int((multi | ((placed_members > 0) & (placed_members < sizes))).sum())
    return {
        "mode": mode,
        "workers_placed": int(chosen.size),
        "registered_poor_placed": int(poor.sum()),
        "expected_retained": round(float(retention.sum()), 2),
        "mean_predicted_retention": round(float(retention.mean()), 4) if chosen.size else None,
        "blocking_pairs": int(blocking_pairs(stable_market(f, e), chosen).size),
        "groups_split": split,
    }


def compare_modes(run: LabourRun) -> dict[str, Any]:
    """Optimized and stable (deferred acceptance) assignments on the same edges."""
    stable = stable_assignment(run.force, run.edges)
    return {
        "optimized": mode_figures(run, run.result.chosen, "optimized"),
        "stable": mode_figures(run, stable, "stable"),
    }
