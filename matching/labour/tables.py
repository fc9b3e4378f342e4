"""The labour matcher's input: workers, open postings, villages, cities, pairings, history."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from matching.data.reference import pairings_in_force, period_year
from matching.data.tables import codes_matrix, require_columns, vocabulary
from matching.scoring.geo import haversine_km

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

WORKER_COLUMNS = (
    "worker_id", "village_id", "registered_poor", "age", "education", "skill_codes",
    "certificate_codes", "intended_industry_codes", "intended_city_codes", "willing_far",
    "expected_wage_yuan", "group_id",
)  # fmt: skip
POSTING_COLUMNS = (
    "posting_id", "partner_city_code", "industry_code", "positions", "wage_yuan_month",
    "required_skill_codes", "required_certificate_codes", "min_age", "max_age", "housing",
    "meals", "earmarked_prefecture_codes",
)  # fmt: skip
EDUCATION_LEVEL = {"小学": 1, "初中": 2, "高中": 3, "中专": 3, "大专": 4}


@dataclass(frozen=True, eq=False)
class Workforce:
    """Workers and postings of one market (open ones to match, or the history's)."""

    workers: pd.DataFrame
    postings: pd.DataFrame
    villages: pd.DataFrame
    cities: pd.DataFrame  # partner_cities: city_code, lat, lon
    # partner_city_code, prefecture_code, and optionally since_year / until_year: with the
    # years, a pair counts for a posting only in the posting's year (its `period`).
    pairings: pd.DataFrame
    # (worker_id, posting_id) pairs never to propose: a city rejected the worker for the
    # posting, or a coordinator forbade the pair. Pairs naming no worker or posting here
    # are ignored (closed postings, workers out of scope).
    refused: frozenset[tuple[str, str]] = frozenset()
    # The national key counties (国家乡村振兴重点帮扶县): a priority after deep-poverty villages.
    key_counties: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        require_columns(self.workers, WORKER_COLUMNS, "workers")
        require_columns(self.postings, POSTING_COLUMNS, "postings")
        object.__setattr__(self, "workers", self.workers.reset_index(drop=True).copy())
        object.__setattr__(self, "postings", self.postings.reset_index(drop=True).copy())

    @property
    def n_workers(self) -> int:
        return len(self.workers)

    @property
    def n_postings(self) -> int:
        return len(self.postings)

    @cached_property
    def worker_village(self) -> pd.DataFrame:
        village = self.villages.set_index("village_id").loc[self.workers["village_id"]]
        return village.reset_index()

    @cached_property
    def supported_household(self) -> FloatArray:
        """1 for a 脱贫户 or 监测对象 (2026 status), else 0; without the status column, the
        registered-poor flag."""
        if "household_status" in self.workers.columns:
            status = self.workers["household_status"].astype(str)
            return np.asarray(status.isin(("脱贫户", "监测对象")), dtype=np.float64)
        return self.workers["registered_poor"].to_numpy(np.float64)

    @cached_property
    def key_county(self) -> FloatArray:
        """1 for a worker whose village lies in a key county, else 0."""
        if "county_code" not in self.worker_village.columns:
            return np.zeros(self.n_workers)
        counties = self.worker_village["county_code"].astype(str)
        return np.asarray(counties.isin(self.key_counties), dtype=np.float64)

    @cached_property
    def refused_postings(self) -> dict[int, IntArray]:
        """Worker index → indices of the postings refused to them (only workers with any)."""
        if not self.refused:
            return {}
        worker_at = {w: i for i, w in enumerate(self.workers["worker_id"].astype(str))}
        posting_at = {p: j for j, p in enumerate(self.postings["posting_id"].astype(str))}
        refused: dict[int, list[int]] = {}
        for worker_id, posting_id in sorted(self.refused):
            if worker_id in worker_at and posting_id in posting_at:
                refused.setdefault(worker_at[worker_id], []).append(posting_at[posting_id])
        return {i: np.asarray(js, dtype=np.int64) for i, js in refused.items()}

    @cached_property
    def city_index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.cities["city_code"].astype(str))}

    @cached_property
    def posting_city(self) -> IntArray:
        return np.asarray(self.postings["partner_city_code"].map(self.city_index), dtype=np.int64)

    @cached_property
    def prefecture_index(self) -> dict[str, int]:
        codes = set(self.villages["prefecture_code"].astype(str)) | set(
            self.pairings["prefecture_code"].astype(str)
        )
        return {c: i for i, c in enumerate(sorted(codes))}

    @cached_property
    def worker_prefecture(self) -> IntArray:
        codes = self.worker_village["prefecture_code"].astype(str)
        return np.asarray(codes.map(self.prefecture_index), dtype=np.int64)

    @cached_property
    def home_to_city_km(self) -> FloatArray:
        """Workers × cities great-circle distance from the home village."""
        v = self.worker_village
        return haversine_km(
            v["lat"].to_numpy(np.float64)[:, None],
            v["lon"].to_numpy(np.float64)[:, None],
            self.cities["lat"].to_numpy(np.float64),
            self.cities["lon"].to_numpy(np.float64),
        )

    @cached_property
    def intended_cities(self) -> npt.NDArray[np.bool_]:
        """Workers × cities: the city is on the worker's list (an empty list means any)."""
        cells = list(self.workers["intended_city_codes"])
        table: npt.NDArray[np.bool_] = codes_matrix(cells, self.city_index).toarray() > 0
        table[~table.any(axis=1)] = True
        return table

    @cached_property
    def posting_year(self) -> IntArray | None:
        """Each posting's year (from its period), or None when postings carry no period."""
        if "period" not in self.postings.columns:
            return None
        return np.array([period_year(p) for p in self.postings["period"]], dtype=np.int64)

    def pairs_in_force(self, year: int | None) -> pd.DataFrame:
        """The pairings in force in `year` (all of them for undated pairings or year None)."""
        if year is None or "since_year" not in self.pairings.columns:
            return self.pairings
        return pairings_in_force(self.pairings, year)

    def _paired_table(self, year: int | None) -> npt.NDArray[np.bool_]:
        table = np.zeros((len(self.prefecture_index), len(self.city_index)), dtype=bool)
        pairs = self.pairs_in_force(year)
        for city, prefecture in zip(
            pairs["partner_city_code"], pairs["prefecture_code"], strict=True
        ):
            if city in self.city_index and prefecture in self.prefecture_index:
                table[self.prefecture_index[prefecture], self.city_index[city]] = True
        return table

    @cached_property
    def paired(self) -> npt.NDArray[np.bool_]:
        """Prefectures × cities: the city is the prefecture's east–west partner in the year
        of this market's latest posting (a model feature; the earmark rule checks each
        posting's own year, see `earmarked`)."""
        years = self.posting_year
        return self._paired_table(int(years.max()) if years is not None and years.size else None)

    @cached_property
    def posting_paired(self) -> npt.NDArray[np.bool_]:
        """Postings × prefectures: paired with the posting's city in the posting's year."""
        table = np.zeros((self.n_postings, len(self.prefecture_index)), dtype=bool)
        years = self.posting_year
        city = self.posting_city
        for year in sorted(set(years.tolist())) if years is not None else [None]:
            rows = np.flatnonzero(years == year) if years is not None else np.arange(table.shape[0])
            known = rows[city[rows] >= 0]
            table[known] = self._paired_table(year)[:, city[known]].T
        return table

    @cached_property
    def earmarked(self) -> npt.NDArray[np.bool_]:
        """Postings × prefectures: the posting takes workers from there (open = all).

        An earmark counts only for prefectures paired with the posting's city in the
        posting's year: a posting earmarked for a prefecture its city is not paired with
        then takes nobody from there (`load_dataset` refuses such rows up front).
        """
        marks = codes_matrix(self.postings["earmarked_prefecture_codes"], self.prefecture_index)
        table: npt.NDArray[np.bool_] = marks.toarray() > 0
        open_to_all = ~table.any(axis=1)
        table &= self.posting_paired
        table[open_to_all] = True
        return table

    @cached_property
    def skill_matrices(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Workers × skills held, postings × skills required."""
        return _pair_matrices(self, "skill_codes", "required_skill_codes")

    @cached_property
    def certificate_matrices(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Workers × certificates held, postings × certificates required."""
        return _pair_matrices(self, "certificate_codes", "required_certificate_codes")

    @cached_property
    def age_limits(self) -> tuple[IntArray, IntArray, IntArray]:
        """Each worker's age, each posting's least and greatest age (read once: the rules
        are checked block by block and group by group)."""
        p = self.postings
        return (
            self.workers["age"].to_numpy(np.int64),
            p["min_age"].to_numpy(np.int64),
            p["max_age"].to_numpy(np.int64),
        )

    @cached_property
    def certificates_needed(self) -> IntArray:
        """How many certificates each posting requires."""
        return np.asarray(self.certificate_matrices[1].sum(axis=1), dtype=np.int64).ravel()

    @cached_property
    def city_wish(self) -> npt.NDArray[np.bool_]:
        """Workers × cities: the city is explicitly on the worker's list."""
        table, _ = listed(self.workers["intended_city_codes"], self.cities["city_code"])
        return _aligned(table, self.workers["intended_city_codes"], self.cities["city_code"])

    @cached_property
    def industry_wish(self) -> tuple[npt.NDArray[np.bool_], IntArray]:
        """Workers × industries wished, and each posting's industry column (-1: none wished)."""
        return listed(self.workers["intended_industry_codes"], self.postings["industry_code"])

    @cached_property
    def sector_experience(self) -> tuple[npt.NDArray[np.bool_], IntArray]:
        """Workers × industries of the skills they hold (a skill code's prefix is its industry),
        and each posting's industry column (-1: nobody has a skill there)."""
        prefixes = (
            self.workers["skill_codes"]
            .fillna("")
            .astype(str)
            .str.replace(r"-[^;]*", "", regex=True)
        )
        return listed(prefixes, self.postings["industry_code"])

    @cached_property
    def group_names(self) -> list[str]:
        """Ids of the groups of two or more workers, sorted; a group's index is its position."""
        ids = self.workers["group_id"].fillna("").astype(str)
        sizes = ids[ids != ""].value_counts()
        return sorted(sizes[sizes >= 2].index)

    @cached_property
    def group_of_worker(self) -> IntArray:
        """Index of the worker's group in `group_names`, or -1."""
        position = {g: i for i, g in enumerate(self.group_names)}
        ids = self.workers["group_id"].fillna("").astype(str)
        return np.array([position.get(g, -1) for g in ids], dtype=np.int64)


def listed(lists: pd.Series, values: pd.Series) -> tuple[npt.NDArray[np.bool_], IntArray]:
    """Rows × codes table of explicit list entries, and each value's column (-1 if unknown)."""
    index = vocabulary([lists, values])
    table = codes_matrix(lists, index).toarray() > 0
    column = np.array([index.get(str(v), -1) for v in values], dtype=np.int64)
    return table, column


def _pair_matrices(
    force: Workforce, worker_col: str, posting_col: str
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    index = vocabulary([force.workers[worker_col], force.postings[posting_col]])
    return (
        codes_matrix(force.workers[worker_col], index, dtype=np.float32),
        codes_matrix(force.postings[posting_col], index, dtype=np.float32),
    )


def _aligned(
    table: npt.NDArray[np.bool_], lists: pd.Series, values: pd.Series
) -> npt.NDArray[np.bool_]:
    """Reorder the columns of a `listed` table to the order of `values`."""
    index = vocabulary([lists, values])
    columns = np.array([index[str(v)] for v in values], dtype=np.int64)
    return table[:, columns]
