"""Rural workers (一人一档): who they are, what they can do, where they want to go.

Workers are drawn in proportion to village population. Gender is drawn independently of
everything else, so nothing downstream (skills, wishes, outcomes) depends on it. About a
third of workers belong to a group of two to six fellow villagers who want to go
together (抱团外出).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.data.reference import Reference
from matching.data.tables import join_codes, split_codes
from matching.labour.config import LabourConfig
from matching.scoring.geo import haversine_km
from matching.synth.catalog import Catalog
from matching.synth.households import household_statuses
from matching.synth.jobs import SECTOR_MAX_AGE, SECTOR_WEIGHTS
from matching.synth.licences import licensed_skills
from matching.synth.sampling import IntArray, categorical_rows, draw_from_pools, join_rows, make_ids
from matching.synth.text_people import worker_descriptions
from matching.synth.vocabulary import RAISED

EDUCATION = ("小学", "初中", "高中", "中专", "大专")
# Age at which each level is usually finished: nobody has worked longer than age minus this.
LEAVING_AGE = np.array([13, 16, 18, 18, 21])
EDUCATION_BY_AGE = np.array(
    [[0.05, 0.45, 0.2, 0.2, 0.1], [0.2, 0.5, 0.15, 0.1, 0.05], [0.45, 0.45, 0.05, 0.04, 0.01]]
)
# Ages of the registered labour force, drawn band by band and uniformly inside a band (no
# piles at the ends). Postings take workers from 18, so the registry starts there. The
# shares follow the national migrant-worker monitoring survey (国家统计局《2024年农民工监测
# 调查报告》: outbound migrant workers average 39.0 years, about a third over 50 among all
# migrant workers); the mean of these bands is 39.
AGE_BANDS = np.array([[18, 20], [21, 30], [31, 40], [41, 50], [51, 60]])
AGE_SHARES = np.array([0.03, 0.24, 0.28, 0.25, 0.20])
GROUPED_SHARE = 0.35
CERTIFICATE_SHARE = 0.35
EXPERIENCED_SHARE = 0.6
# Of the workers who will not go far, the share naming a nearby partner city; the others
# name none and hope for work in the province (any city within reach would do).
NEAR_CITY_SHARE = 0.45


def _ages(rng: np.random.Generator, count: int) -> IntArray:
    band = rng.choice(len(AGE_SHARES), size=count, p=AGE_SHARES)
    low, high = AGE_BANDS[band, 0], AGE_BANDS[band, 1]
    return np.asarray(rng.integers(low, high + 1), dtype=np.int64)


def _education(rng: np.random.Generator, age: IntArray) -> IntArray:
    """A level per worker, younger workers schooled longer; never one finished after `age`."""
    band = np.where(age < 30, 0, np.where(age <= 45, 1, 2))
    possible = EDUCATION_BY_AGE[band] * (age[:, None] >= LEAVING_AGE[None, :])
    return categorical_rows(rng, possible)


def _work_years(rng: np.random.Generator, age: IntArray, education: IntArray) -> IntArray:
    """Years of outside work so far: 1 up to the years since leaving school (at most 15)."""
    since_school = age - LEAVING_AGE[education]
    most = np.clip(since_school, 1, 15)
    return np.where(since_school >= 1, rng.integers(1, most + 1), 0).astype(np.int64)


def _sectors(rng: np.random.Generator, age: IntArray) -> list[str]:
    """The sector each worker knows or wants first: one whose postings take their age (a
    55-year-old does not look for assembly-line work that stops at 40)."""
    codes = list(SECTOR_WEIGHTS)
    weights = np.array([SECTOR_WEIGHTS[c] for c in codes])
    oldest = np.array([SECTOR_MAX_AGE[c] for c in codes])
    fits = age[:, None] <= oldest[None, :] + 5
    return [codes[i] for i in categorical_rows(rng, weights[None, :] * fits).tolist()]


def _skills(
    rng: np.random.Generator,
    catalog: Catalog,
    sector: list[str],
    experienced: np.ndarray,
    farm: list[str],
) -> list[str]:
    job = draw_from_pools(rng, catalog.skill_pools, catalog.industry_index(sector), 2)
    farm_skill = draw_from_pools(rng, catalog.skill_pools, catalog.crop_index(farm), 1)
    job_count = np.where(experienced, rng.integers(1, 3, size=len(sector)), 0)
    with_farm = rng.random(len(sector)) < 0.4
    codes = np.concatenate([job, farm_skill], axis=1)
    order = np.where((job_count == 1)[:, None], np.array([[0, 2, 1]]), np.array([[0, 1, 2]]))
    order = np.where((job_count == 0)[:, None], np.array([[2, 0, 1]]), order)
    return join_rows(np.take_along_axis(codes, order, axis=1), job_count + with_farm)


def _certificates(
    rng: np.random.Generator, catalog: Catalog, skills: list[str], licensed: frozenset[str]
) -> list[str]:
    """A licence for every licensed skill (nobody drives a truck without one); the
    certificate of any other skill a third of the time."""
    u = rng.random(len(skills))
    return [
        join_codes(
            catalog.certificate_of_skill[s]
            for s in split_codes(codes)
            if s in catalog.certificate_of_skill and (s in licensed or x < CERTIFICATE_SHARE)
        )
        for codes, x in zip(skills, u.tolist(), strict=True)
    ]


def _intended_industries(
    rng: np.random.Generator, sector: list[str], experienced: np.ndarray, age: IntArray
) -> list[str]:
    others = np.column_stack([_sectors(rng, age), _sectors(rng, age)])
    extra = rng.integers(0, 2, size=len(sector))
    return [
        join_codes([s, *o[:x]] if e else list(o[: x + 1]))
        for s, o, x, e in zip(
            sector, others.tolist(), extra.tolist(), experienced.tolist(), strict=True
        )
    ]


def _intended_cities(
    rng: np.random.Generator,
    ref: Reference,
    villages: pd.DataFrame,
    year: int,
    willing_far: IntArray,
) -> list[str]:
    """Cities each worker names (`villages`: each worker's home village row).

    A worker who will go far names nothing (any city) 30% of the time, else one other city
    after, 70% of the time, the city paired with their prefecture. A worker who will not go
    far names only partner cities within the labour matcher's `near_km` of home, or none.
    """
    active = ref.active_pairings(year)
    paired = dict(zip(active["prefecture_code"], active["partner_city_code"], strict=True))
    # only cities in a pairing that year: nobody wishes for a cooperation that has ended
    cities = ref.partner_cities[ref.partner_cities["city_code"].isin(ref.cities_in_force(year))]
    codes = cities["city_code"].to_numpy().astype(str)
    near = (
        haversine_km(
            villages["lat"].to_numpy(np.float64)[:, None],
            villages["lon"].to_numpy(np.float64)[:, None],
            cities["lat"].to_numpy(np.float64)[None, :],
            cities["lon"].to_numpy(np.float64)[None, :],
        )
        <= LabourConfig().near_km
    )
    size = len(villages)
    other = rng.choice(codes, size=size)
    nearby = np.argmax(near * rng.random(near.shape), axis=1)
    u = rng.random((size, 3))
    far_lists = [
        "" if a < 0.3 else join_codes(([paired[p]] if p in paired and b < 0.7 else []) + [o])
        for p, o, a, b in zip(
            villages["prefecture_code"].astype(str).tolist(),
            other.tolist(),
            u[:, 0].tolist(),
            u[:, 1].tolist(),
            strict=True,
        )
    ]
    names_near = (u[:, 2] < NEAR_CITY_SHARE) & near.any(axis=1)
    return [
        far if wf else (str(codes[n]) if named else "")
        for far, wf, n, named in zip(
            far_lists, willing_far.tolist(), nearby.tolist(), names_near.tolist(), strict=True
        )
    ]


def _groups(rng: np.random.Generator, village: IntArray) -> list[str]:
    """Group ids for runs of 2–6 grouped workers of the same village (villages sorted)."""
    grouped = np.flatnonzero(rng.random(len(village)) < GROUPED_SHARE)
    size = rng.integers(2, 7, size=len(village))
    run_start = np.r_[0, np.flatnonzero(np.diff(village[grouped])) + 1]
    run_id = np.cumsum(np.isin(np.arange(len(grouped)), run_start)) - 1
    position = np.arange(len(grouped)) - run_start[run_id]
    chunk = position // size[village[grouped]]
    keys = run_id * 1000 + chunk
    _, key_index, counts = np.unique(keys, return_inverse=True, return_counts=True)
    ids = np.full(len(village), "", dtype=object)
    real = counts[key_index] >= 2  # a leftover single is not a group
    ids[grouped[real]] = [
        f"G{k + 1:06d}" for k in np.unique(key_index[real], return_inverse=True)[1]
    ]
    return ids.tolist()


def _descriptions(
    rng: np.random.Generator,
    ref: Reference,
    catalog: Catalog,
    frame: pd.DataFrame,
    farm: list[str],
    work_years: IntArray,
) -> list[str]:
    size = len(frame)
    city_name = dict(
        zip(ref.partner_cities["city_code"], ref.partner_cities["name_zh"], strict=True)
    )
    skills = [split_codes(s) for s in frame["skill_codes"].tolist()]
    job_skill = [
        next((c for c in s if catalog.industry_kind[c.split("-")[0]] == "job"), "") for s in skills
    ]
    certs = [split_codes(c) for c in frame["certificate_codes"].tolist()]
    intended = [split_codes(c) for c in frame["intended_industry_codes"].tolist()]
    cities = [split_codes(c) for c in frame["intended_city_codes"].tolist()]
    random_city = rng.choice(list(city_name.values()), size=size)
    fields = {
        "age": frame["age"].astype(str).tolist(),
        "edu": frame["education"].tolist(),
        "city": [
            str(city_name[c[0]]) if c else str(r)
            for c, r in zip(cities, random_city.tolist(), strict=True)
        ],
        "n": work_years.astype(str).tolist(),
        "skill": [catalog.skill_name[s] if s else "" for s in job_skill],
        "verb": ["养" if catalog.crop[f].industry in RAISED else "种" for f in farm],
        "product": [catalog.crop[f].words[0] for f in farm],
        "sector": ["、".join(catalog.industry_name[i] for i in codes) for codes in intended],
        "wage": frame["expected_wage_yuan"].astype(str).tolist(),
        "cert": [catalog.certificate_name[c[0]] if c else "" for c in certs],
    }
    flags = {
        "experienced": [bool(s) for s in job_skill],
        "any_city": [not c for c in cities],
        "grouped": (frame["group_id"] != "").tolist(),
        "stays_near": (frame["willing_far"] == 0).tolist(),
        "has_cert": [bool(c) for c in certs],
    }
    return worker_descriptions(rng, fields, flags)


def make_workers(
    rng: np.random.Generator,
    ref: Reference,
    catalog: Catalog,
    villages: pd.DataFrame,
    count: int,
    year: int,
) -> pd.DataFrame:
    """`count` workers from the given villages, sorted by village."""
    population = villages["population"].to_numpy(dtype=np.float64)
    village = np.sort(rng.choice(len(villages), size=count, p=population / population.sum()))
    age = _ages(rng, count)
    education = _education(rng, age)
    work_years = _work_years(rng, age, education)
    sector = _sectors(rng, age)
    experienced = (rng.random(count) < EXPERIENCED_SHARE) & (work_years > 0)
    # the main crop of the village's main industry, as its county's profile lists it
    farm = catalog.main_crops(
        villages["county_code"].to_numpy()[village].tolist(),
        [split_codes(v)[0] for v in villages["industry_codes"].to_numpy()[village]],
    )
    skills = _skills(rng, catalog, sector, experienced, farm)
    deep = villages["deep_poverty"].to_numpy()[village]
    wage = 3200 + 250 * education + 400 * experienced + rng.normal(0, 400, size=count)
    willing_far = (
        rng.random(count) < np.clip(0.85 - 0.015 * np.maximum(0, age - 35), 0.3, 0.9)
    ).astype(np.int64)
    home = villages.iloc[village].reset_index(drop=True)
    frame = pd.DataFrame(
        {
            "worker_id": make_ids("W", count, 6),
            "village_id": villages["village_id"].to_numpy()[village],
            "registered_poor": (rng.random(count) < 0.3 + 0.2 * deep).astype(np.int64),
            "age": age,
            "gender": np.where(rng.random(count) < 0.6, "男", "女"),
            "education": np.array(EDUCATION)[education],
            "skill_codes": skills,
            "certificate_codes": _certificates(rng, catalog, skills, licensed_skills(ref)),
            "intended_industry_codes": _intended_industries(rng, sector, experienced, age),
            "intended_city_codes": _intended_cities(rng, ref, home, year, willing_far),
            "willing_far": willing_far,
            "expected_wage_yuan": (np.clip(np.round(wage / 100) * 100, 2500, 8000)).astype(
                np.int64
            ),
            "group_id": _groups(rng, village),
        }
    )
    frame["self_description_zh"] = _descriptions(rng, ref, catalog, frame, farm, work_years)
    statuses = household_statuses(rng, frame["registered_poor"].to_numpy())
    frame.insert(list(frame.columns).index("registered_poor") + 1, "household_status", statuses)
    return frame
