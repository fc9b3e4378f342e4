"""Hard rules and the cheap pre-score of (worker, posting) pairs.

Rules, as a funnel in this order: the posting's city is acceptable to the worker (on
their list, or any city when the list is empty; within `near_km` of home unless they
will go far), the posting is open to the worker's prefecture (earmarked postings only
take workers from paired prefectures), the worker's age is in range, and the worker
holds every required certificate.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matching.labour.config import LabourConfig
from matching.labour.tables import Workforce

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

RULES = ("city", "earmark", "age", "certificate")


def acceptable_cities(force: Workforce, config: LabourConfig) -> BoolArray:
    """Workers × cities a worker accepts."""
    near = force.home_to_city_km <= config.near_km
    far_ok = force.workers["willing_far"].to_numpy(np.int64)[:, None] == 1
    return np.asarray(force.intended_cities & (far_ok | near), dtype=bool)


def person_rules(force: Workforce, rows: IntArray, posts: IntArray) -> dict[str, BoolArray]:
    """Age and certificate rules, and refused pairs, for workers `rows` × postings `posts`
    (dense)."""
    age, least, greatest = force.age_limits
    age_of = age[rows][:, None]
    in_range = (age_of >= least[posts]) & (age_of <= greatest[posts])
    needed = force.certificates_needed[posts]
    if needed.any():
        held, required = force.certificate_matrices
        have = (held[rows] @ required[posts].T).toarray()
        certified = have >= needed[None, :]
    else:
        certified = np.ones((rows.size, posts.size), dtype=bool)
    return {"age": in_range, "certificate": certified, "decision": not_refused(force, rows, posts)}


def not_refused(force: Workforce, rows: IntArray, posts: IntArray) -> BoolArray:
    """False where the pair was refused (a city's rejection or a coordinator's forbid)."""
    allowed = np.ones((rows.size, posts.size), dtype=bool)
    refused = force.refused_postings
    if refused:
        for i, worker in enumerate(rows.tolist()):
            if worker in refused:
                allowed[i] = ~np.isin(posts, refused[worker])
    return allowed


def pre_score(
    force: Workforce, config: LabourConfig, rows: IntArray, posts: IntArray
) -> FloatArray:
    """A cheap stand-in for the final weight, to shortlist postings before the model runs."""
    held, required = force.skill_matrices
    needed = np.asarray(required[posts].sum(axis=1)).ravel()
    overlap = (held[rows] @ required[posts].T).toarray()
    skill = np.where(needed > 0, overlap / np.maximum(needed, 1.0), 1.0)
    expected = np.maximum(force.workers["expected_wage_yuan"].to_numpy(np.float64)[rows], 1.0)
    wage = force.postings["wage_yuan_month"].to_numpy(np.float64)[posts]
    city = force.city_wish[rows][:, force.posting_city[posts]]
    table, column = force.industry_wish
    industry = np.zeros((rows.size, posts.size), dtype=bool)
    known = column[posts] >= 0
    industry[:, known] = table[rows][:, column[posts][known]]
    housing = force.postings["housing"].to_numpy(np.float64)[posts]
    return (
        0.5 * skill
        + 0.2 * housing
        + config.city_weight * city
        + config.industry_weight * industry
        + wage_term(wage[None, :], expected[:, None]) * max(config.wage_weight, 0.1)
    )


def wage_term(wage: npt.ArrayLike, expected: npt.ArrayLike) -> FloatArray:
    """Relative wage above the worker's hope, clipped to [-0.5, 0.5]."""
    ratio = np.asarray(wage, dtype=np.float64) / np.maximum(np.asarray(expected, np.float64), 1.0)
    return np.asarray(np.clip(ratio - 1.0, -0.5, 0.5))
