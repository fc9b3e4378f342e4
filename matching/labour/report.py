"""Placements, reasons for unplaced workers, explanations, and the two modes compared."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.explain import rounded, term
from matching.labour.match import LabourRun
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
        **run.modes["optimized"],
        "solver": {
            "status": run.result.status,
            "solver": run.result.solver,
            "gap": run.result.gap if np.isfinite(run.result.gap) else None,
            "reason": run.result.reason,
        },
        # Over every eligible pair, not only the engine's: see matching.labour.pricing.
        "pricing": {
            **run.pricing.as_dict(),
            "objective": round(run.result.objective, 4),
            "gap_to_full_bound": _rounded_gap(run.proven_gap()),
        },
        "modes": run.modes,
        "retention_model": model_report or {},
        "timings_s": {k: round(v, 3) for k, v in run.timings.items()},
    }
    return LabourMatch(assignments, unassigned, explanations, summary, run)


def _rounded_gap(gap: float) -> float | None:
    return round(gap, 6) if np.isfinite(gap) else None


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
        if not has_edge[worker] and not run.has_eligible[worker]:
            rule = run.rule_that_removed_most(worker)
            funnel = dict(
                zip(
                    ("city", "earmark", "age", "certificate"),
                    run.removed[worker].tolist(),
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
