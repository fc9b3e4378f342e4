"""Features of (worker, posting) pairs for the retention model; never gender.

The same function builds the training rows (history placements) and the rows to score
(candidate pairs), so the model sees identical definitions in both.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from matching.labour.tables import EDUCATION_LEVEL, Workforce
from matching.scoring.outcome import check_no_forbidden_features

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def pair_features(
    force: Workforce, worker: IntArray, posting: IntArray, with_group: npt.ArrayLike | None = None
) -> pd.DataFrame:
    """One row per pair. `with_group`: 1 if fellow villagers go along (default: has a group)."""
    w, p = force.workers, force.postings
    age = w["age"].to_numpy(np.float64)[worker]
    wage = p["wage_yuan_month"].to_numpy(np.float64)[posting]
    expected = np.maximum(w["expected_wage_yuan"].to_numpy(np.float64)[worker], 1.0)
    city = force.posting_city[posting]
    group = (force.group_of_worker[worker] >= 0) if with_group is None else with_group
    features = pd.DataFrame(
        {
            "age": age,
            "age_margin": np.minimum(
                age - p["min_age"].to_numpy(np.float64)[posting],
                p["max_age"].to_numpy(np.float64)[posting] - age,
            ),
            "education_level": _education(w)[worker],
            "registered_poor": w["registered_poor"].to_numpy(np.int64)[worker],
            "willing_far": w["willing_far"].to_numpy(np.int64)[worker],
            "skill_share": _share(force, "skill", worker, posting),
            "required_skills": _counts(force, "skill")[posting],
            "certificates_ok": _share(force, "certificate", worker, posting) >= 1.0,
            "distance_km": force.home_to_city_km[worker, city],
            "wage": wage,
            "wage_ratio": wage / expected,
            "housing": p["housing"].to_numpy(np.int64)[posting],
            "meals": p["meals"].to_numpy(np.int64)[posting],
            "with_group": np.asarray(group, dtype=np.int64),
            "paired": force.paired[force.worker_prefecture[worker], city],
            "city_wish": force.city_wish[worker, city],
            "industry_wish": industry_wish(force, worker, posting),
            "industries_given": _given(w["intended_industry_codes"])[worker],
            "cities_given": _given(w["intended_city_codes"])[worker],
            "sector_experience": _lookup(*force.sector_experience, worker, posting),
            "earmarked_for_worker": _earmarked(force, worker, posting),
        }
    )
    features = features.astype(
        {"certificates_ok": np.int64, "paired": np.int64, "city_wish": np.int64}
    )
    check_no_forbidden_features(features.columns)
    return features


def _education(workers: pd.DataFrame) -> FloatArray:
    return np.asarray(workers["education"].map(EDUCATION_LEVEL).fillna(2), dtype=np.float64)


def _matrices(force: Workforce, kind: str) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    return force.skill_matrices if kind == "skill" else force.certificate_matrices


def _counts(force: Workforce, kind: str) -> FloatArray:
    return np.asarray(_matrices(force, kind)[1].sum(axis=1), dtype=np.float64).ravel()


def _share(force: Workforce, kind: str, worker: IntArray, posting: IntArray) -> FloatArray:
    """Share of the posting's required codes the worker has (1 when nothing is required)."""
    has, required = _matrices(force, kind)
    both = np.asarray(has[worker].multiply(required[posting]).sum(axis=1), dtype=np.float64)
    needed = _counts(force, kind)[posting]
    return np.where(needed > 0, both.ravel() / np.maximum(needed, 1.0), 1.0)


def industry_wish(force: Workforce, worker: IntArray, posting: IntArray) -> IntArray:
    """1 if the posting's industry is explicitly among the worker's intended industries."""
    return _lookup(*force.industry_wish, worker, posting)


def _given(lists: pd.Series) -> IntArray:
    return np.asarray(lists.fillna("").astype(str).str.len().to_numpy() > 0, dtype=np.int64)


def _earmarked(force: Workforce, worker: IntArray, posting: IntArray) -> IntArray:
    """1 if the posting is earmarked (not open to all) and for the worker's prefecture."""
    earmarked_any = force.postings["earmarked_prefecture_codes"].fillna("").astype(str) != ""
    marked = earmarked_any.to_numpy()[posting]
    for_me = force.earmarked[posting, force.worker_prefecture[worker]]
    return np.asarray(marked & for_me, dtype=np.int64)


def _lookup(
    table: npt.NDArray[np.bool_], column: IntArray, worker: IntArray, posting: IntArray
) -> IntArray:
    """table[worker, column[posting]], 0 where the posting's code has no column."""
    col = column[posting]
    wished = np.zeros(worker.size, dtype=np.int64)
    known = col >= 0
    wished[known] = table[worker[known], col[known]]
    return wished
