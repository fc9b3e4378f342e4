"""Features of (worker, posting) pairs for the retention model; never gender.

One definition serves two shapes: aligned pairs (`worker[i]`, `posting[i]`) — the training
rows from the placement history — and a grid of workers × postings, which the matcher
scores block by block over every eligible pair. Each feature is a worker-side, a
posting-side or a pair array that broadcasts to either shape, so the model sees the same
definitions in training and in matching.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from matching.labour.tables import EDUCATION_LEVEL, Workforce
from matching.scoring.outcome import check_no_forbidden_features

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# A posting whose employer has no placement history gets this prior retention rate
# weight (pseudo-placements) when its own history is blended in.
EMPLOYER_PRIOR_WEIGHT = 10.0


@dataclass(frozen=True)
class PairShape:
    """Which pairs: aligned (`grid` False) or every worker × every posting (`grid` True)."""

    worker: IntArray
    posting: IntArray
    grid: bool

    def of_worker(self, values: npt.ArrayLike) -> FloatArray:
        column = np.asarray(values, dtype=np.float64)[self.worker]
        return column[:, None] if self.grid else column

    def of_posting(self, values: npt.ArrayLike) -> FloatArray:
        row = np.asarray(values, dtype=np.float64)[self.posting]
        return row[None, :] if self.grid else row

    def lookup(self, table: BoolArray, column: IntArray) -> FloatArray:
        """table[worker, column[posting]], 0 where the posting's code has no column."""
        col = column[self.posting]
        known = col >= 0
        if self.grid:
            grid = np.zeros((self.worker.size, self.posting.size), dtype=np.float64)
            grid[:, known] = table[self.worker][:, col[known]]
            return grid
        found = np.zeros(self.worker.size, dtype=np.float64)
        found[known] = table[self.worker[known], col[known]]
        return found

    def overlap(self, held: sp.csr_matrix, required: sp.csr_matrix) -> FloatArray:
        """How many required codes of the posting the worker holds."""
        if self.grid:
            return np.asarray((held[self.worker] @ required[self.posting].T).toarray(), np.float64)
        both = held[self.worker].multiply(required[self.posting]).sum(axis=1)
        return np.asarray(both, dtype=np.float64).ravel()


@dataclass(frozen=True)
class Columns:
    """The workers' and postings' numeric columns the features read, computed once."""

    age: FloatArray
    expected_wage: FloatArray
    education: FloatArray
    registered_poor: FloatArray
    willing_far: FloatArray
    industries_given: FloatArray
    cities_given: FloatArray
    wage: FloatArray
    skills_required: FloatArray
    housing: FloatArray
    meals: FloatArray
    earmarked: BoolArray  # per posting: earmarked for some prefectures (not open to all)
    distance_1000km: FloatArray  # workers × cities
    paired: FloatArray  # workers × cities

    @classmethod
    def of(cls, force: Workforce) -> Columns:
        w, p = force.workers, force.postings
        return cls(
            age=w["age"].to_numpy(np.float64),
            expected_wage=np.maximum(w["expected_wage_yuan"].to_numpy(np.float64), 1.0),
            education=_education(w),
            registered_poor=w["registered_poor"].to_numpy(np.float64),
            willing_far=w["willing_far"].to_numpy(np.float64),
            industries_given=_given(w["intended_industry_codes"]),
            cities_given=_given(w["intended_city_codes"]),
            wage=p["wage_yuan_month"].to_numpy(np.float64),
            skills_required=_counts(force.skill_matrices[1]),
            housing=p["housing"].to_numpy(np.float64),
            meals=p["meals"].to_numpy(np.float64),
            earmarked=(p["earmarked_prefecture_codes"].fillna("").astype(str) != "").to_numpy(),
            distance_1000km=force.home_to_city_km / 1000.0,
            paired=force.paired[force.worker_prefecture].astype(np.float64),
        )


def feature_arrays(
    force: Workforce,
    shape: PairShape,
    with_group: npt.ArrayLike,
    employer_rate: FloatArray,
    columns: Columns | None = None,
) -> dict[str, FloatArray]:
    """Every feature as a broadcastable array. `with_group` is per worker of the shape
    (aligned: per pair); `employer_rate` per posting of `force` (its past retention)."""
    c = Columns.of(force) if columns is None else columns
    age_c = (shape.of_worker(c.age) - 35.0) / 10.0
    wage = shape.of_posting(c.wage)
    city = force.posting_city
    skill_needed = shape.of_posting(c.skills_required)
    group = np.asarray(with_group, dtype=np.float64)
    return {
        "age_c": age_c,
        "age_c_squared": age_c**2,
        "education_level": shape.of_worker(c.education),
        "registered_poor": shape.of_worker(c.registered_poor),
        "willing_far": shape.of_worker(c.willing_far),
        "industries_given": shape.of_worker(c.industries_given),
        "cities_given": shape.of_worker(c.cities_given),
        "with_group": group[:, None] if shape.grid else group,
        "skill_share": np.where(
            skill_needed > 0, shape.overlap(*force.skill_matrices) / np.maximum(skill_needed, 1), 1
        ),
        "required_skills": skill_needed,
        "sector_experience": shape.lookup(*force.sector_experience),
        "industry_wish": shape.lookup(*force.industry_wish),
        "city_wish": shape.lookup(force.city_wish, city),
        "distance_1000km": _city_value(shape, c.distance_1000km, city),
        "paired": _city_value(shape, c.paired, city),
        "log_wage_ratio": np.clip(np.log(wage / shape.of_worker(c.expected_wage)), -0.5, 0.5),
        "wage_thousands": wage / 1000.0,
        "housing": shape.of_posting(c.housing),
        "meals": shape.of_posting(c.meals),
        "earmarked_for_worker": _earmarked(force, shape, c.earmarked),
        "employer_retention": shape.of_posting(employer_rate),
        # Matching scores only eligible pairs (every certificate held, age in range); past
        # placements did not always keep these rules, so the model learns their effect.
        "certificate_missing": _certificate_missing(force, shape),
        "outside_age_range": _outside_age_range(force, shape),
    }


FEATURES = (
    "age_c", "age_c_squared", "education_level", "registered_poor", "willing_far",
    "industries_given", "cities_given", "with_group", "skill_share", "required_skills",
    "sector_experience", "industry_wish", "city_wish", "distance_1000km", "paired",
    "log_wage_ratio", "wage_thousands", "housing", "meals", "earmarked_for_worker",
    "employer_retention", "certificate_missing", "outside_age_range",
)  # fmt: skip


def pair_features(
    force: Workforce,
    worker: IntArray,
    posting: IntArray,
    with_group: npt.ArrayLike | None = None,
    employer_rate: FloatArray | None = None,
) -> pd.DataFrame:
    """One row per aligned pair. `with_group`: 1 if fellow villagers go along (default: the
    worker has a group); `employer_rate`: per posting (default: no history, the prior)."""
    worker = np.asarray(worker, dtype=np.int64)
    posting = np.asarray(posting, dtype=np.int64)
    group = (force.group_of_worker[worker] >= 0) if with_group is None else with_group
    rate = no_history_rate(force) if employer_rate is None else employer_rate
    arrays = feature_arrays(force, PairShape(worker, posting, grid=False), group, rate)
    features = pd.DataFrame(
        {k: np.broadcast_to(arrays[k], worker.shape).astype(np.float64) for k in FEATURES}
    )
    check_no_forbidden_features(features.columns)
    return features


def _distinct_columns(keys: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct columns of `keys` (small integers, −1 allowed) and, per column, which
    one it is: each column read as one number in mixed radix, then a 1-d unique (a unique
    over the columns of a 2-d array is several times slower)."""
    radix = keys.max(axis=1, initial=-1) + 2
    if float(np.prod(radix.astype(np.float64))) >= 2.0**62:
        combos, which = np.unique(keys, axis=1, return_inverse=True)
        return combos, np.asarray(which).ravel()
    code = np.zeros(keys.shape[1], dtype=np.int64)
    for row, base in zip(keys, radix.tolist(), strict=True):
        code = code * base + (row + 1)
    _, first, which = np.unique(code, return_index=True, return_inverse=True)
    return keys[:, first], np.asarray(which).ravel()


class Lookups:
    """Σ factor × table[worker, column[posting]] over a fixed set of postings (0 where a
    posting's column is −1): summed once per distinct combination of the postings'
    columns on a small table, then spread over the postings."""

    def __init__(self, posts: IntArray, terms: list[tuple[float, npt.NDArray[Any], IntArray]]):
        self.terms = terms
        if terms:
            keys = np.stack([column[posts] for _, _, column in terms])
            self.combos, self.which = _distinct_columns(keys)

    def add_to(self, grid: FloatArray, rows: IntArray) -> None:
        """grid (rows × the postings) += the terms."""
        if not self.terms:
            return
        small = np.zeros((rows.size, self.combos.shape[1]))
        for (factor, table, _), col in zip(self.terms, self.combos, strict=True):
            known = col >= 0
            small[:, known] += factor * table[rows][:, col[known]]
        grid += np.take(small, self.which, axis=1)


@dataclass(frozen=True)
class LinearTerms:
    """The linear model's worker-only and posting-only terms, for every worker and every
    posting, summed once per model (a grid only slices them): the features of
    `feature_arrays` that vary with one side, and the per-posting parts of the pair
    features; group members are scored as going with their fellow villagers."""

    beta: dict[str, float]
    by_worker: FloatArray
    by_posting: FloatArray
    skill_scale: FloatArray  # per posting: β × 1 / required skills (0 if none required)
    log_wage: FloatArray
    log_expected: FloatArray

    @classmethod
    def of(
        cls,
        coefficients: dict[str, float],
        intercept: float,
        force: Workforce,
        employer_rate: FloatArray,
        columns: Columns,
    ) -> LinearTerms:
        beta, c = coefficients, columns
        everyone = np.arange(force.n_workers, dtype=np.int64)
        every_posting = np.arange(force.n_postings, dtype=np.int64)
        group = force.group_of_worker >= 0
        of_rows = feature_arrays(
            force, PairShape(everyone, every_posting[:0], grid=True), group, employer_rate, c
        )
        of_posts = feature_arrays(
            force, PairShape(everyone[:0], every_posting, grid=True), group[:0], employer_rate, c
        )
        by_worker = np.full(everyone.size, intercept)
        by_posting = np.zeros(every_posting.size)
        pair = []
        for name in FEATURES:
            if of_rows[name].shape[0] == everyone.size and of_rows[name].shape[1] == 1:
                by_worker += beta[name] * of_rows[name][:, 0]
            elif of_rows[name].shape == (1, 1):
                by_worker += beta[name] * of_rows[name][0, 0]
            elif of_posts[name].shape == (1, every_posting.size):
                by_posting += beta[name] * of_posts[name][0]
            else:
                pair.append(name)
        if set(pair) != _PAIR_FEATURES:
            raise RuntimeError(f"pair features {sorted(pair)} are not all summed by LogitGrid")
        needed = c.skills_required
        # skill_share: held / required skills, 1 where the posting requires none.
        by_posting += beta["skill_share"] * (needed == 0)
        skill_scale = beta["skill_share"] * np.where(needed > 0, 1.0 / np.maximum(needed, 1.0), 0)
        return cls(
            beta, by_worker, by_posting, skill_scale, np.log(c.wage), np.log(c.expected_wage)
        )


class LogitGrid:
    """The linear model's logit on workers `rows` × postings `posts`, row chunk by row
    chunk.

    The features of `feature_arrays`, summed in fewer passes over the grid (it is scored
    for every eligible pair): worker-only and posting-only features come summed as vectors
    (`LinearTerms`), and features of a worker and the posting's city, industry or earmark
    are weighted and summed on a small table, then spread over the postings. A caller
    takes chunks of a few rows so that each pass over a chunk stays in the processor's
    cache."""

    def __init__(
        self,
        terms: LinearTerms,
        force: Workforce,
        columns: Columns,
        rows: IntArray,
        posts: IntArray,
    ) -> None:
        beta, c = terms.beta, columns
        self.rows, self.beta = rows, beta
        self.by_worker = terms.by_worker[rows]
        self.by_posting = terms.by_posting[posts]
        self.skill_scale = terms.skill_scale[posts]
        held, required = force.skill_matrices
        # Both sides are sparse (a worker holds about one skill, a posting requires fewer):
        # a sparse product made dense beats a sparse × dense product here.
        self.held, self.required_t = held[rows], required[posts].T.tocsr()
        city = force.posting_city
        self.lookups = Lookups(
            posts,
            [(beta["city_wish"], force.city_wish, city),
             (beta["distance_1000km"], c.distance_1000km, city),
             (beta["paired"], c.paired, city),
             (beta["sector_experience"], *force.sector_experience),
             (beta["industry_wish"], *force.industry_wish)],
        )  # fmt: skip
        self.earmark = _EarmarkTable(force, posts, c.earmarked, beta["earmarked_for_worker"])
        self.log_wage = terms.log_wage[posts]
        self.log_expected = terms.log_expected[rows]

    def chunk(self, lo: int, hi: int) -> FloatArray:
        """The logit of rows `lo:hi` × every posting."""
        rows = self.rows[lo:hi]
        logit = np.asarray((self.held[lo:hi] @ self.required_t).toarray(), dtype=np.float64)
        logit *= self.skill_scale
        logit += self.by_worker[lo:hi, None]
        logit += self.by_posting[None, :]
        self.lookups.add_to(logit, rows)
        self.earmark.add_to(logit, rows)
        wage_ratio = self.log_wage[None, :] - self.log_expected[lo:hi, None]
        np.clip(wage_ratio, -0.5, 0.5, out=wage_ratio)
        wage_ratio *= self.beta["log_wage_ratio"]
        logit += wage_ratio
        return logit


_PAIR_FEATURES = {
    "skill_share", "sector_experience", "industry_wish", "city_wish", "distance_1000km",
    "paired", "log_wage_ratio", "earmarked_for_worker",
}  # fmt: skip


class _EarmarkTable:
    """factor × earmarked_for_worker: one row per prefecture, gathered per worker."""

    def __init__(self, force: Workforce, posts: IntArray, marked: BoolArray, factor: float):
        self.force = force
        self.table = factor * (force.earmarked[posts].T & marked[posts][None, :])
        self.any = bool(self.table.any())

    def add_to(self, grid: FloatArray, rows: IntArray) -> None:
        if self.any:
            grid += self.table[self.force.worker_prefecture[rows]]


def no_history_rate(force: Workforce) -> FloatArray:
    """Employer retention for postings without any history: NaN-free, the neutral prior."""
    return np.full(force.n_postings, NEUTRAL_RATE)


NEUTRAL_RATE = 0.5


def employer_rates(
    employers: pd.Series, history_employers: pd.Series, retained: npt.ArrayLike, prior: float
) -> FloatArray:
    """Smoothed past retention of each employer in `employers`: (retained + prior × m) /
    (placements + m). An employer never seen gets the prior."""
    outcomes = pd.Series(np.asarray(retained, dtype=np.float64)).groupby(
        np.asarray(history_employers, dtype=str)
    )
    sums, counts = outcomes.sum(), outcomes.count()
    keys = np.asarray(employers, dtype=str)
    s = sums.reindex(keys).fillna(0.0).to_numpy(np.float64)
    n = counts.reindex(keys).fillna(0.0).to_numpy(np.float64)
    return np.asarray((s + prior * EMPLOYER_PRIOR_WEIGHT) / (n + EMPLOYER_PRIOR_WEIGHT))


def _certificate_missing(force: Workforce, shape: PairShape) -> FloatArray:
    if shape.grid:
        return np.zeros((1, 1))  # grids are scored on eligible pairs only
    held, required = force.certificate_matrices
    needed = np.asarray(required.sum(axis=1), dtype=np.float64).ravel()[shape.posting]
    return np.asarray(shape.overlap(held, required) < needed, dtype=np.float64)


def _outside_age_range(force: Workforce, shape: PairShape) -> FloatArray:
    if shape.grid:
        return np.zeros((1, 1))  # grids are scored on eligible pairs only
    age = force.workers["age"].to_numpy(np.float64)[shape.worker]
    low = force.postings["min_age"].to_numpy(np.float64)[shape.posting]
    high = force.postings["max_age"].to_numpy(np.float64)[shape.posting]
    return np.asarray((age < low) | (age > high), dtype=np.float64)


def _city_value(shape: PairShape, table: npt.ArrayLike, city: IntArray) -> FloatArray:
    """table[worker, city of posting] for a workers × cities table of numbers."""
    values = np.asarray(table, dtype=np.float64)
    col = city[shape.posting]
    if shape.grid:
        return np.asarray(values[shape.worker][:, col])
    return np.asarray(values[shape.worker, col])


def _education(workers: pd.DataFrame) -> FloatArray:
    return np.asarray(workers["education"].map(EDUCATION_LEVEL).fillna(2), dtype=np.float64)


def _counts(required: sp.csr_matrix) -> FloatArray:
    return np.asarray(required.sum(axis=1), dtype=np.float64).ravel()


def industry_wish(force: Workforce, worker: IntArray, posting: IntArray) -> IntArray:
    """1 if the posting's industry is explicitly among the worker's intended industries."""
    wished = PairShape(worker, posting, grid=False).lookup(*force.industry_wish)
    return wished.astype(np.int64)


def _given(lists: pd.Series) -> FloatArray:
    return np.asarray(lists.fillna("").astype(str).str.len().to_numpy() > 0, dtype=np.float64)


def _earmarked(force: Workforce, shape: PairShape, marked: BoolArray) -> FloatArray:
    """1 if the posting is earmarked (not open to all) and for the worker's prefecture."""
    prefecture = force.worker_prefecture[shape.worker]
    if shape.grid:
        for_me = force.earmarked[shape.posting][:, prefecture].T
        return np.asarray(for_me & marked[shape.posting][None, :], dtype=np.float64)
    for_me = force.earmarked[shape.posting, prefecture]
    return np.asarray(for_me & marked[shape.posting], dtype=np.float64)
