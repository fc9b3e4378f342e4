"""Experts: tier, role, home base, specialties, languages, service days and travel radius.

Proportions follow the programme in DOMAIN.md (about 500 deputy heads, 1,000
commissioners and 8,500 advisers a year, plus expert-group members). Province experts
live in Guiyang, prefecture experts in their prefecture's seat county, county experts in
the scale's counties; county experts mostly know what their county's villages grow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.data.reference import Reference
from matching.data.tables import join_codes, split_codes
from matching.synth import names
from matching.synth.catalog import Catalog
from matching.synth.sampling import (
    IntArray,
    categorical_rows,
    draw_from_pools,
    jitter,
    make_ids,
)
from matching.synth.text_people import expert_profiles
from matching.synth.vocabulary import (
    ANIMAL,
    ANIMAL_INDUSTRIES,
    COUNTY_ORGS,
    PREFECTURE_ORGS,
    PROVINCE_ORGS,
    TITLES,
)

ROLES = ("科技副职", "科技特派员", "农业辅导员", "专家组成员")
ROLE_SHARES = np.array([0.05, 0.10, 0.70, 0.15])
TIERS = ("省级", "市级", "县级")
# P(tier | role), rows in ROLES order
TIER_GIVEN_ROLE = np.array([[0.3, 0.4, 0.3], [0.3, 0.4, 0.3], [0.0, 0.15, 0.85], [0.5, 0.4, 0.1]])
SERVICE_DAYS = {0: (40, 60), 1: (20, 40), 2: (10, 30), 3: (5, 15)}  # role -> days per quarter
TRAVEL_KM = {0: (250, 400), 1: (100, 200), 2: (30, 80)}  # tier -> max travel distance
ELEMENT_SHARE = 0.15
TEAM_SIZE = 5


def _home_counties(
    rng: np.random.Generator, ref: Reference, villages: pd.DataFrame, tier: IntArray
) -> list[str]:
    counties = ref.counties
    guiyang = counties.loc[
        (counties["prefecture_code"] == "guiyang") & (counties["kind"] == "区"), "county_code"
    ]
    seats = counties.drop_duplicates("prefecture_code").set_index("prefecture_code")["county_code"]
    scale_prefectures = villages["prefecture_code"].unique()
    province = rng.choice(guiyang.to_numpy(), size=len(tier))
    prefecture = seats.reindex(rng.choice(scale_prefectures, size=len(tier))).to_numpy()
    county = villages["county_code"].to_numpy()[rng.integers(0, len(villages), size=len(tier))]
    chosen = np.where(tier == 0, province, np.where(tier == 1, prefecture, county))
    return [str(code) for code in chosen]


def _local_village(rng: np.random.Generator, villages: pd.DataFrame, home: list[str]) -> IntArray:
    """A random village of the expert's home county (any village when it has none)."""
    order = np.argsort(villages["county_code"].to_numpy(), kind="stable")
    sorted_codes = villages["county_code"].to_numpy()[order]
    start = np.searchsorted(sorted_codes, home, side="left")
    count = np.searchsorted(sorted_codes, home, side="right") - start
    anywhere = rng.integers(0, len(villages), size=len(home))
    local = order[
        np.minimum(start + (rng.random(len(home)) * count).astype(np.int64), len(order) - 1)
    ]
    return np.where(count > 0, local, anywhere).astype(np.int64)


def _primary_industries(
    rng: np.random.Generator, ref: Reference, villages: pd.DataFrame, local: IntArray
) -> list[str]:
    industry_codes = villages["industry_codes"].to_numpy().astype(str)
    own = [split_codes(str(industry_codes[i])) for i in local.tolist()]
    featured = [
        items[int(u * len(items))] for items, u in zip(own, rng.random(len(own)), strict=True)
    ]
    element = rng.choice(ref.industry_codes("element"), size=len(own))
    chosen = np.where(rng.random(len(own)) < ELEMENT_SHARE, element, featured)
    return [str(code) for code in chosen]


def _specialties(
    rng: np.random.Generator, catalog: Catalog, primary: list[str], counties: list[str]
) -> list[str]:
    """1–4 skills of the primary industry (of one crop the county grows, for a featured
    industry), and 30% of the time one of another industry."""
    crops = catalog.draw_crops(rng, counties, primary)
    main = draw_from_pools(rng, catalog.skill_pools, catalog.pool_rows(crops, primary), 4)
    counts = rng.integers(1, 5, size=len(primary))
    service_rows = np.flatnonzero([catalog.industry_kind[c] != "job" for c in catalog.industries])
    second = draw_from_pools(
        rng, catalog.skill_pools, rng.choice(service_rows, size=len(primary)), 1
    )
    with_second = (rng.random(len(primary)) < 0.3).tolist()
    return [
        join_codes([*row[:n], *(extra if more else [])])
        for row, n, extra, more in zip(
            main.tolist(), counts.tolist(), second.tolist(), with_second, strict=True
        )
    ]


def _teams(
    tier: IntArray, role: IntArray, primary: list[str], rng: np.random.Generator
) -> list[str]:
    """Expert-group members and 40% of commissioners form teams of five by tier and industry."""
    in_team = (role == 3) | ((role == 1) & (rng.random(len(role)) < 0.4))
    members = np.flatnonzero(in_team)
    order = members[np.lexsort((np.array(primary)[members], tier[members]))]
    team_ids = np.full(len(role), "", dtype=object)
    team_ids[order] = [f"TM{1 + k // TEAM_SIZE:04d}" for k in range(len(order))]
    return team_ids.tolist()


def _uniform_int(
    rng: np.random.Generator, ranges: dict[int, tuple[int, int]], keys: IntArray
) -> IntArray:
    low = np.array([ranges[int(k)][0] for k in keys])
    high = np.array([ranges[int(k)][1] for k in keys])
    return rng.integers(low, high + 1).astype(np.int64)


def _languages(
    rng: np.random.Generator, villages: pd.DataFrame, local: IntArray, tier: IntArray
) -> list[str]:
    """Chinese always; county experts often speak their county's language too."""
    local_language = [split_codes(v)[0] for v in villages["language_codes"].to_numpy()[local]]
    speaks = rng.random(len(tier)) < np.where(tier == 2, 0.5, 0.1)
    return [
        join_codes([lang, "zh"]) if s and lang != "zh" else "zh"
        for lang, s in zip(local_language, speaks.tolist(), strict=True)
    ]


def _available_periods(rng: np.random.Generator, size: int, periods: tuple[str, ...]) -> list[str]:
    available = rng.random((size, len(periods))) < 0.9
    available[~available.any(axis=1), 0] = True
    return [
        join_codes(p for p, ok in zip(periods, row, strict=True) if ok)
        for row in available.tolist()
    ]


def _organisations(
    rng: np.random.Generator, ref: Reference, tier: IntArray, home: list[str]
) -> list[str]:
    county_name = ref.counties.set_index("county_code")["short_name_zh"]
    prefecture_of = ref.counties.set_index("county_code")["prefecture_code"]
    prefecture_name = ref.prefectures.set_index("prefecture_code")["short_name_zh"]
    home_county = county_name.reindex(home).to_numpy()
    home_prefecture = prefecture_name.reindex(prefecture_of.reindex(home)).to_numpy()
    province = rng.choice(PROVINCE_ORGS, size=len(tier))
    prefecture = [
        p + o
        for p, o in zip(home_prefecture, rng.choice(PREFECTURE_ORGS, size=len(tier)), strict=True)
    ]
    county = [
        c + o for c, o in zip(home_county, rng.choice(COUNTY_ORGS, size=len(tier)), strict=True)
    ]
    chosen = np.where(tier == 0, province, np.where(tier == 1, prefecture, county))
    return [str(name) for name in chosen]


def _titles(rng: np.random.Generator, catalog: Catalog, industries: list[str]) -> list[str]:
    kind = [
        ANIMAL if (c := split_codes(i)[0]) in ANIMAL_INDUSTRIES else catalog.industry_kind[c]
        for i in industries
    ]
    u = rng.random(len(industries))
    return [TITLES[k][int(x * len(TITLES[k]))] for k, x in zip(kind, u.tolist(), strict=True)]


def _profiles(
    rng: np.random.Generator, ref: Reference, catalog: Catalog, frame: pd.DataFrame, tier: IntArray
) -> list[str]:
    size = len(frame)
    language_name = ref.languages.set_index("language_code")["name_zh"]
    county_name = ref.counties.set_index("county_code")["short_name_zh"]
    specialties = [split_codes(s) for s in frame["specialty_codes"]]
    local_language = [
        next((c for c in split_codes(v) if c != "zh"), "") for v in frame["language_codes"]
    ]
    fields = {
        "name": frame["name_zh"].tolist(),
        "org": _organisations(rng, ref, tier, frame["home_county_code"].tolist()),
        "title": _titles(rng, catalog, frame["industry_codes"].tolist()),
        "tier": frame["tier"].tolist(),
        "role": frame["role"].tolist(),
        "industry": [catalog.industry_name[split_codes(c)[0]] for c in frame["industry_codes"]],
        "years": rng.integers(3, 31, size=size).astype(str).tolist(),
        "skills": ["、".join(catalog.skill_name[c] for c in codes) for codes in specialties],
        "county": county_name.reindex(rng.choice(ref.counties["county_code"], size=size)).tolist(),
        "lang": [str(language_name.get(c, "")) if c else "" for c in local_language],
        "n": rng.integers(2, 12, size=size).astype(str).tolist(),
        "days": rng.integers(30, 120, size=size).astype(str).tolist(),
    }
    return expert_profiles(rng, fields)


def make_experts(
    rng: np.random.Generator,
    ref: Reference,
    catalog: Catalog,
    villages: pd.DataFrame,
    count: int,
    periods: tuple[str, ...],
) -> pd.DataFrame:
    """`count` experts serving the scale's villages."""
    role = rng.choice(len(ROLES), size=count, p=ROLE_SHARES).astype(np.int64)
    tier = categorical_rows(rng, TIER_GIVEN_ROLE[role])
    home = _home_counties(rng, ref, villages, tier)
    local = _local_village(rng, villages, home)
    primary = _primary_industries(rng, ref, villages, local)
    local_counties = villages["county_code"].to_numpy()[local].astype(str).tolist()
    specialties = _specialties(rng, catalog, primary, local_counties)
    seats = ref.counties.set_index("county_code").reindex(home)
    frame = pd.DataFrame(
        {
            "expert_id": make_ids("E", count, 5),
            "name_zh": names.person_names(rng, count),
            "tier": np.array(TIERS)[tier],
            "role": np.array(ROLES)[role],
            "home_county_code": home,
            "lat": jitter(rng, seats["lat"].to_numpy(), 0.05),
            "lon": jitter(rng, seats["lon"].to_numpy(), 0.05),
            "industry_codes": [
                join_codes(c.split("-")[0] for c in split_codes(s)) for s in specialties
            ],
            "specialty_codes": specialties,
            "language_codes": _languages(rng, villages, local, tier),
            "service_days_per_quarter": _uniform_int(rng, SERVICE_DAYS, role),
            "max_travel_km": _uniform_int(rng, TRAVEL_KM, tier),
            "team_id": _teams(tier, role, primary, rng),
            "available_periods": _available_periods(rng, count, periods),
        }
    )
    frame["profile_zh"] = _profiles(rng, ref, catalog, frame, tier)
    return frame
