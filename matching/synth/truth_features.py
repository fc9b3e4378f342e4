"""Pair features the ground truth is written in, computed for many pairs at once.

Every feature here is observable in the generated tables; the truth adds hidden effects
on top (see `matching.synth.truth`). Multi-valued code columns become sparse multi-hot
matrices so that a million pairs cost a few sparse row products, not a Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from matching.data.dataset import Dataset
from matching.data.reference import Reference
from matching.data.tables import codes_matrix
from matching.scoring.geo import haversine_km
from matching.synth.scales import PLANNING_YEAR

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

# The ground truth measures distance on a sphere of 6371 km (the matchers use the IUGG mean
# radius); kept so that a seed keeps generating the same dataset.
TRUTH_EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class RetentionFeatures:
    """One array per feature, one entry per (worker, posting) pair."""

    required_skill_fit: Floats
    sector_experience: Floats
    certificate_missing: Floats
    wants_sector: Floats
    wants_city: Floats
    distance_km: Floats
    willing_far: Floats
    wage: Floats
    expected_wage: Floats
    age: Floats
    outside_age_range: Floats
    housing: Floats
    meals: Floats
    with_group: Floats
    paired: Floats
    registered_poor: Floats


@dataclass(frozen=True)
class VisitFeatures:
    """One array per feature, one entry per (expert, need) pair."""

    specialty_fit: Floats
    industry_match: Floats
    speaks_asked_language: Floats
    lacks_asked_language: Floats
    distance_km: Floats
    max_travel_km: Floats
    province_tier: Floats
    prefecture_tier: Floats
    deputy_head: Floats


def _rows(matrix: Any, rows: Ints) -> Any:
    return matrix[rows]


def _row_sum(matrix: Any) -> Floats:
    return np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()


def _overlap(left: Any, left_rows: Ints, right: Any, right_rows: Ints) -> Floats:
    """Number of codes row `left_rows[i]` of `left` shares with row `right_rows[i]` of `right`."""
    return _row_sum(_rows(left, left_rows).multiply(_rows(right, right_rows)))


def _entries(matrix: Any, rows: Ints, columns: Ints) -> Floats:
    return np.asarray(matrix[rows, columns], dtype=np.float64).ravel()


def _wants(matrix: Any, rows: Ints, columns: Ints) -> Floats:
    """1 if the wanted code is listed, 0 if not, 0.5 if the worker listed nothing."""
    listed = _row_sum(_rows(matrix, rows)) > 0
    return np.where(listed, _entries(matrix, rows, columns), 0.5)


def _code_position(values: pd.Series | NDArray[Any], vocabulary: list[str]) -> Ints:
    wanted = pd.Index(np.asarray(values, dtype=str))
    return np.asarray(pd.Index(vocabulary).get_indexer(wanted), dtype=np.int64)


def _city_prefecture_pairs(ref: Reference, cities: list[str], prefectures: list[str]) -> Floats:
    pairs = np.zeros((len(cities), len(prefectures)))
    active = ref.active_pairings(PLANNING_YEAR)
    rows = _code_position(active["partner_city_code"].to_numpy(), cities)
    columns = _code_position(active["prefecture_code"].to_numpy(), prefectures)
    pairs[rows, columns] = 1.0
    return pairs


def retention_features(
    data: Dataset, ref: Reference, workers: Ints, postings: Ints, with_group: Floats
) -> RetentionFeatures:
    """Features of the pairs (`workers[i]`, `postings[i]`), given as table row positions."""
    unique_w, w = np.unique(workers, return_inverse=True)
    unique_p, p = np.unique(postings, return_inverse=True)
    wf = data.workers.iloc[unique_w]
    pf = data.postings.iloc[unique_p]
    skills = ref.skills["skill_code"].tolist()
    industries = ref.industries["industry_code"].tolist()
    cities = ref.partner_cities["city_code"].tolist()
    prefectures = ref.prefectures["prefecture_code"].tolist()
    worker_skills = codes_matrix(wf["skill_codes"], skills)
    required = codes_matrix(pf["required_skill_codes"], skills)
    skill_industry = codes_matrix(ref.skills["industry_code"], industries)
    worker_industries = (worker_skills @ skill_industry).tocsr()
    worker_industries.data[:] = 1.0
    certificates = ref.certificates["certificate_code"].tolist()
    needed_certs = codes_matrix(pf["required_certificate_codes"], certificates)
    held_certs = codes_matrix(wf["certificate_codes"], certificates)
    sector = _code_position(pf["industry_code"].to_numpy(), industries)[p]
    city = _code_position(pf["partner_city_code"].to_numpy(), cities)[p]
    villages = data.villages.set_index("village_id").reindex(wf["village_id"])
    prefecture = _code_position(villages["prefecture_code"].to_numpy(), prefectures)[w]
    n_required = _row_sum(required)[p]
    matched = _overlap(worker_skills, w, required, p)
    city_coords = ref.partner_cities[["lat", "lon"]].to_numpy()[city]
    earmarked = codes_matrix(pf["earmarked_prefecture_codes"], prefectures)
    pairs = _city_prefecture_pairs(ref, cities, prefectures)
    age = wf["age"].to_numpy(dtype=np.float64)[w]
    return RetentionFeatures(
        required_skill_fit=np.where(n_required > 0, matched / np.maximum(n_required, 1), 1.0),
        sector_experience=_entries(worker_industries, w, sector),
        certificate_missing=(
            _row_sum(needed_certs)[p] > _overlap(needed_certs, p, held_certs, w)
        ).astype(np.float64),
        wants_sector=_wants(codes_matrix(wf["intended_industry_codes"], industries), w, sector),
        wants_city=_wants(codes_matrix(wf["intended_city_codes"], cities), w, city),
        distance_km=haversine_km(
            villages["lat"].to_numpy()[w],
            villages["lon"].to_numpy()[w],
            city_coords[:, 0],
            city_coords[:, 1],
            radius_km=TRUTH_EARTH_RADIUS_KM,
        ),
        willing_far=wf["willing_far"].to_numpy(dtype=np.float64)[w],
        wage=pf["wage_yuan_month"].to_numpy(dtype=np.float64)[p],
        expected_wage=wf["expected_wage_yuan"].to_numpy(dtype=np.float64)[w],
        age=age,
        outside_age_range=(
            (age < pf["min_age"].to_numpy()[p]) | (age > pf["max_age"].to_numpy()[p])
        ).astype(np.float64),
        housing=pf["housing"].to_numpy(dtype=np.float64)[p],
        meals=pf["meals"].to_numpy(dtype=np.float64)[p],
        with_group=np.asarray(with_group, dtype=np.float64),
        paired=np.maximum(_entries(earmarked, p, prefecture), pairs[city, prefecture]),
        registered_poor=wf["registered_poor"].to_numpy(dtype=np.float64)[w],
    )


def visit_features(data: Dataset, experts: Ints, needs: Ints) -> VisitFeatures:
    """Features of the pairs (`experts[i]`, `needs[i]`), given as table row positions."""
    unique_e, e = np.unique(experts, return_inverse=True)
    unique_n, n = np.unique(needs, return_inverse=True)
    ef = data.experts.iloc[unique_e]
    nf = data.needs.iloc[unique_n]
    skills = sorted(
        set(";".join(ef["specialty_codes"]).split(";"))
        | set(";".join(nf["skill_codes"]).split(";"))
    )
    specialties = codes_matrix(ef["specialty_codes"], skills)
    wanted = codes_matrix(nf["skill_codes"], skills)
    n_wanted = np.maximum(_row_sum(wanted)[n], 1.0)
    expert_industries = ef["industry_codes"].to_numpy()[e]
    need_industry = nf["industry_code"].to_numpy()[n]
    asked = nf["language_code"].to_numpy()[n]
    spoken = ef["language_codes"].to_numpy()[e]
    speaks = np.array(
        [a in s.split(";") for a, s in zip(asked.tolist(), spoken.tolist(), strict=True)]
    )
    has_ask = asked != ""
    villages = data.villages.set_index("village_id").reindex(nf["village_id"])
    tier = ef["tier"].to_numpy()[e]
    return VisitFeatures(
        specialty_fit=_overlap(specialties, e, wanted, n) / n_wanted,
        industry_match=np.array(
            [
                i in s.split(";")
                for i, s in zip(need_industry.tolist(), expert_industries.tolist(), strict=True)
            ],
            dtype=np.float64,
        ),
        speaks_asked_language=(has_ask & speaks).astype(np.float64),
        lacks_asked_language=(has_ask & ~speaks).astype(np.float64),
        distance_km=haversine_km(
            ef["lat"].to_numpy()[e],
            ef["lon"].to_numpy()[e],
            villages["lat"].to_numpy()[n],
            villages["lon"].to_numpy()[n],
            radius_km=TRUTH_EARTH_RADIUS_KM,
        ),
        max_travel_km=ef["max_travel_km"].to_numpy(dtype=np.float64)[e],
        province_tier=(tier == "省级").astype(np.float64),
        prefecture_tier=(tier == "市级").astype(np.float64),
        deputy_head=(ef["role"].to_numpy()[e] == "科技副职").astype(np.float64),
    )
