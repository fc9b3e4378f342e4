"""Assignments, reasons for uncovered needs, explanations and the summary of an expert run."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.data.tables import split_codes
from matching.experts.match import ExpertMatch, ExpertRun
from matching.experts.rating import chosen_features, rating_term
from matching.experts.rules import RULES
from matching.explain import rounded, term
from matching.scoring.text import pair_cosine


def build_match(run: ExpertRun) -> ExpertMatch:
    assignments = assignment_frame(run)
    unassigned = unassigned_frame(run, assignments)
    explanations = [
        *(assignment_explanation(dict(row)) for row in assignments.to_dict("records")),
        *(row["explanation"] for row in unassigned.to_dict("records")),
    ]
    return ExpertMatch(
        assignments=assignments.drop(columns=_REASON_TERMS, errors="ignore"),
        unassigned=unassigned.drop(columns="explanation"),
        explanations=explanations,
        summary=summary(run, assignments),
        run=run,
    )


def assignment_frame(run: ExpertRun) -> pd.DataFrame:
    """One row per chosen (expert, need) with the terms of its weight."""
    t, pool, chosen = run.tables, run.pool, run.chosen
    need, expert = pool.need[chosen], pool.expert[chosen]
    village = t.need_village
    distance = run.config.distance(
        village["lat"].to_numpy(np.float64)[need],
        village["lon"].to_numpy(np.float64)[need],
        t.experts["lat"].to_numpy(np.float64)[expert],
        t.experts["lon"].to_numpy(np.float64)[expert],
    )
    previous = {(e, n) for e, n in run.decisions.previous}
    expert_ids = t.experts["expert_id"].astype(str).to_numpy()[expert]
    need_ids = t.needs["need_id"].astype(str).to_numpy()[need]
    frame = pd.DataFrame(
        {
            "expert_id": expert_ids,
            "need_id": need_ids,
            "village_id": t.needs["village_id"].to_numpy()[need],
            "period": t.needs["period"].astype(str).to_numpy()[need],
            "days": t.needs["days_needed"].to_numpy(np.int64)[need],
            "role": list(run.role),
            "seat_skills": [";".join(s) for s in run.seat_skills],
            "edge_weight": pool.weight[chosen],
            "text_affinity": pair_cosine(
                run.context.need_text, run.context.expert_text, need, expert
            ),
            "distance_km": np.asarray(distance, dtype=np.float64),
            "travel_limit_km": t.experts["max_travel_km"].to_numpy(np.float64)[expert],
            "asked_skills": t.needs["skill_codes"].to_numpy()[need],
            "specialties": t.experts["specialty_codes"].to_numpy()[expert],
            "priority_tier": t.tier[need],
            "urgency": t.needs["urgency"].to_numpy(np.int64)[need],
            "previous": [(e, n) in previous for e, n in zip(expert_ids, need_ids, strict=True)],
        }
    )
    for flag in t.priority_flags.columns:
        frame[flag] = t.priority_flags[flag].to_numpy()[need]
    _add_rating_columns(run, frame, need, expert)
    return frame.sort_values(["need_id", "role", "expert_id"], ignore_index=True)


_REASON_TERMS = "rating_reason_terms"


def _add_rating_columns(run: ExpertRun, frame: pd.DataFrame, need: Any, expert: Any) -> None:
    """Predicted rating, past visits and the reasons that lift the pair above its need's
    average eligible expert, when the weights came from the rating model."""
    if run.rated is None:
        return
    X = chosen_features(run.rated, run.context, need, expert)
    model = run.rated.fit.model
    frame["predicted_rating"] = model.predict(X)
    anywhere, here = model.past_visits(X["expert_id"], X["village_id"])
    frame["past_visits"] = anywhere
    frame["past_visits_in_village"] = here
    reasons = run.rated.reasons(X, need)
    frame["rating_reasons"] = [";".join(str(t["key"]) for t in r) for r in reasons]
    # The terms with their values, for the explanations only (dropped from the table).
    frame[_REASON_TERMS] = pd.Series(reasons, index=frame.index, dtype=object)


def _rating_terms(row: dict[Any, Any]) -> list[dict[str, Any]]:
    if "predicted_rating" not in row:
        return []
    return [
        rating_term("predicted_rating", rounded(row["predicted_rating"])),
        rating_term("past_visits", int(row["past_visits"])),
        rating_term("past_visits_in_village", int(row["past_visits_in_village"])),
        rating_term("rating_reasons", row[_REASON_TERMS]),
    ]


def assignment_explanation(row: dict[Any, Any]) -> dict[str, Any]:
    asked = split_codes(row["asked_skills"])
    has = set(split_codes(row["specialties"]))
    bonus = row["previous"]
    terms = [
        term("role", row["role"]),
        term("seat_skills", split_codes(row["seat_skills"])),
        term("matched_skills", [s for s in asked if s in has]),
        term("missing_skills", [s for s in asked if s not in has]),
        term("text_affinity", rounded(row["text_affinity"])),
        term("distance_km", rounded(row["distance_km"], 1)),
        term("travel_limit_km", rounded(row["travel_limit_km"], 1)),
        term("priority_tier", int(row["priority_tier"])),
        term("deep_poverty_village", bool(row["deep_poverty_village"])),
        term("extremely_poor_township", bool(row["extremely_poor_township"])),
        term("key_county", bool(row["key_county"])),
        term("urgency", int(row["urgency"])),
        term("edge_weight", rounded(row["edge_weight"])),
        term("stability_bonus", bool(bonus)),
        *_rating_terms(row),
    ]
    return {
        "kind": "assignment",
        "expert_id": row["expert_id"],
        "need_id": row["need_id"],
        "terms": terms,
    }


def unassigned_frame(run: ExpertRun, assignments: pd.DataFrame) -> pd.DataFrame:
    """Every need without a lead expert, with the reason and its explanation."""
    covered = set(assignments["need_id"])
    need_ids = run.tables.needs["need_id"].astype(str).tolist()
    where = _assigned_needs(assignments)
    # The pool is sorted by need: each need's edges are one slice of it.
    bounds = np.searchsorted(run.pool.need, np.arange(len(need_ids) + 1))
    expert_ids = run.tables.experts["expert_id"].astype(str).to_numpy()
    rows = []
    for need, need_id in enumerate(need_ids):
        if need_id in covered:
            continue
        in_pool = np.arange(bounds[need], bounds[need + 1])
        reason, detail = _reason(run, need, in_pool, expert_ids, where)
        rows.append(
            {
                "need_id": need_id,
                "reason": reason,
                "priority_tier": int(run.tables.tier[need]),
                "explanation": {
                    "kind": "uncovered_need",
                    "need_id": need_id,
                    "reason": term(reason, reason),
                    "terms": detail,
                },
            }
        )
    return pd.DataFrame(rows, columns=["need_id", "reason", "priority_tier", "explanation"])


def _assigned_needs(assignments: pd.DataFrame) -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for expert_id, need_id in zip(assignments["expert_id"], assignments["need_id"], strict=True):
        where.setdefault(str(expert_id), []).append(str(need_id))
    return where


def _reason(
    run: ExpertRun,
    need: int,
    in_pool: npt.NDArray[np.int64],
    expert_ids: npt.NDArray[np.object_],
    where: dict[str, list[str]],
) -> tuple[str, list[dict[str, Any]]]:
    """Why `need` has no lead; `in_pool` are its pool edges, in pool order."""
    funnel = {rule: int(run.candidates.removed[need, i]) for i, rule in enumerate(RULES)}
    if run.candidates.passing[need] == 0 and in_pool.size == 0:
        rule = run.candidates.rule_that_removed_most(need)
        return "no_candidate", [
            term("rule_removed_most", term(rule, rule)),
            term("removed_by_rule", funnel),
        ]
    if in_pool.size == 0:
        return "excluded_by_decision", [term("removed_by_rule", funnel)]
    candidates = [
        {"expert_id": e, "assigned_to": where.get(e, [])}
        for e in expert_ids[run.pool.expert[in_pool[:5]]]
    ]
    return "used_elsewhere", [term("candidates", candidates)]


def summary(run: ExpertRun, assignments: pd.DataFrame) -> dict[str, Any]:
    t = run.tables
    covered = t.needs["need_id"].isin(assignments["need_id"]).to_numpy()
    flags = t.priority_flags
    wanted = int(t.needs["experts_wanted"].sum())
    stages = {
        name: {
            "status": r.status,
            "gap": r.gap if np.isfinite(r.gap) else None,
            "solver": r.solver,
            "reason": r.reason,
            "pricing": p.as_dict(),
        }
        for name, r, p in zip(("lead", "team"), run.results, run.pricing, strict=True)
    }
    return {
        "needs": int(t.n_needs),
        "needs_covered": int(covered.sum()),
        "coverage": _share(covered),
        "coverage_deep_poverty_village": _share(covered[flags["deep_poverty_village"] == 1]),
        "coverage_any_priority": _share(covered[t.tier > 0]),
        "coverage_no_priority": _share(covered[t.tier == 0]),
        "places_wanted": wanted,
        "places_filled": len(assignments),
        "experts_available": int(t.n_experts),
        "experts_used": int(assignments["expert_id"].nunique()),
        "pairs_kept_from_previous": int(assignments["previous"].sum()),
        "rating_model": None if run.rated is None else run.rated.fit.as_dict(),
        "stages": stages,
        "deep_poverty_first": None if run.deep_poverty is None else run.deep_poverty.as_dict(),
        "timings_s": {k: round(v, 3) for k, v in run.timings.items()},
    }


def _share(mask: np.ndarray) -> float | None:
    return round(float(mask.mean()), 4) if mask.size else None
