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
from matching.sorting import lexsort
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
# Element industries by field; the field decides an expert's organisation and title.
ELEMENT_FIELDS = {
    "ECOM": "commerce",
    "MKT": "commerce",
    "FIN": "finance",
    "PARTY": "party",
    "ORG": "rural_org",
    "LINK": "rural_org",
}
# Organisations by field and tier (province, prefecture, county).
ORGANISATIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    "crop": (
        ("省农业科学院", "贵州大学农学院", "省植保植检站", "省农业技术推广总站"),
        ("{prefecture}农业科学研究所", "{prefecture}经济作物站", "{prefecture}农业技术推广站"),
        ("{county}农业技术推广站", "{county}农业农村局", "{county}农业服务中心"),
    ),
    ANIMAL: (
        ("省畜牧兽医研究所", "贵州大学动物科学学院", "省水产研究所"),
        ("{prefecture}畜牧水产站", "{prefecture}动物疫病预防控制中心"),
        ("{county}畜牧兽医站", "{county}农业农村局", "{county}畜牧水产服务中心"),
    ),
    "commerce": (
        ("省商务厅", "省供销合作社", "贵州大学经济学院"),
        ("{prefecture}商务局", "{prefecture}供销合作社"),
        ("{county}电子商务服务中心", "{county}供销合作社", "{county}商务局"),
    ),
    "finance": (
        ("省农村信用社联合社", "贵州大学经济学院"),
        ("{prefecture}财政局", "{prefecture}农村商业银行"),
        ("{county}农村信用合作联社", "{county}财政局"),
    ),
    "party": (
        ("省委党校",),
        ("{prefecture}委党校", "{prefecture}委组织部"),
        ("{county}委组织部", "{county}委党校"),
    ),
    "rural_org": (
        ("省农业农村厅", "贵州大学农学院"),
        ("{prefecture}农业农村局",),
        ("{county}农村经营管理站", "{county}农业农村局", "{county}供销合作社"),
    ),
    "training": (
        ("省农业农村厅", "省农业科学院", "贵州农业职业学院"),
        ("{prefecture}农业农村局", "{prefecture}职业技术学院"),
        ("{county}农业农村局", "{county}中等职业学校", "{county}农业技术推广站"),
    ),
}
# Titles by field, senior first.
FIELD_TITLES: dict[str, tuple[str, ...]] = {
    "crop": ("研究员", "副研究员", "高级农艺师", "农艺师", "助理农艺师", "技术员"),
    ANIMAL: ("研究员", "副研究员", "高级畜牧师", "兽医师", "畜牧师", "助理兽医师"),
    "commerce": ("教授", "高级经济师", "经济师", "助理经济师", "电商专干"),
    "finance": ("高级经济师", "经济师", "信贷部经理", "助理经济师", "客户经理"),
    "party": ("教授", "副教授", "讲师", "组织员", "干部"),
    "rural_org": ("高级农经师", "农经师", "科长", "助理农经师", "干部"),
    "training": ("研究员", "高级农艺师", "讲师", "农艺师", "助教", "技术员"),
}
# Fields younger than a working life: nobody has done them for longer (农村电商 took off
# with the national e-commerce-in-villages programme from 2014).
FIELD_SINCE = {"ECOM": 2014}
# Per tier, the slice of a field's titles drawn from: (first, last counted from the end).
TITLE_RANGE = {0: (0, -2), 1: (1, -1), 2: (2, 0)}
PROFILE_YEAR = 2026


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
    rng: np.random.Generator,
    catalog: Catalog,
    primary: list[str],
    counties: list[str],
    field: list[str],
) -> list[str]:
    """1–4 skills of the primary industry (of one crop the county grows, for a featured
    industry), and 30% of the time one of another industry of the same field (a tea
    specialist may know fruit, never e-commerce or pigs)."""
    crops = catalog.draw_crops(rng, counties, primary)
    main = draw_from_pools(rng, catalog.skill_pools, catalog.pool_rows(crops, primary), 4)
    counts = rng.integers(1, 5, size=len(primary))
    by_field: dict[str, list[str]] = {}
    for code in catalog.industries:
        if catalog.industry_kind[code] != "job":
            by_field.setdefault(field_of(catalog, code), []).append(code)
    u = rng.random(len(primary))
    other = [by_field[f][int(x * len(by_field[f]))] for f, x in zip(field, u.tolist(), strict=True)]
    second = draw_from_pools(rng, catalog.skill_pools, catalog.industry_index(other), 1)
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
    order = members[lexsort((np.array(primary)[members], tier[members]))]
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


def field_of(catalog: Catalog, industry: str) -> str:
    """The field of an industry, which decides where its experts work: crops, animals, or
    one of the element fields (commerce, finance, party, rural organisation, training)."""
    if industry in ANIMAL_INDUSTRIES:
        return ANIMAL
    if catalog.industry_kind[industry] == "featured":
        return "crop"
    return ELEMENT_FIELDS.get(industry, "training")


def _organisations(
    rng: np.random.Generator, ref: Reference, tier: IntArray, home: list[str], field: list[str]
) -> list[str]:
    """An organisation of the expert's tier and field, in their home county or prefecture."""
    counties = ref.counties.set_index("county_code")
    prefecture_name = ref.prefectures.set_index("prefecture_code")["name_zh"]
    county = counties["short_name_zh"].reindex(home).astype(str).tolist()
    prefecture = prefecture_name.reindex(counties["prefecture_code"].reindex(home)).astype(str)
    u = rng.random(len(home))
    chosen = []
    for t, f, c, p, x in zip(
        tier.tolist(), field, county, prefecture.tolist(), u.tolist(), strict=True
    ):
        options = ORGANISATIONS[f][t]
        chosen.append(options[int(x * len(options))].format(county=c, prefecture=p))
    return chosen


def _titles(rng: np.random.Generator, tier: IntArray, field: list[str]) -> list[str]:
    """A professional title of the field, more senior at higher tiers."""
    u = rng.random(len(field))
    chosen = []
    for t, f, x in zip(tier.tolist(), field, u.tolist(), strict=True):
        titles = FIELD_TITLES[f]
        # province experts: the senior end of the list; county experts: the junior end
        low, high = (
            (0, len(titles) - 2) if t == 0 else (1, len(titles) - 1) if t == 1 else (2, len(titles))
        )
        chosen.append(titles[low + int(x * (high - low))])
    return chosen


def _career_years(
    rng: np.random.Generator, primary: list[str], size: int
) -> tuple[IntArray, IntArray]:
    """Age and years in the field: work starts at 22 at the earliest, and a field is no
    older than the programme it belongs to (rural e-commerce since 2014)."""
    age = rng.integers(28, 59, size=size)
    most = age - 22
    since = np.array([FIELD_SINCE.get(code, 0) for code in primary])
    most = np.where(since > 0, np.minimum(most, PROFILE_YEAR - since), most)
    years = rng.integers(2, np.maximum(most, 2) + 1)
    return age.astype(np.int64), years.astype(np.int64)


def _profiles(
    rng: np.random.Generator,
    ref: Reference,
    catalog: Catalog,
    frame: pd.DataFrame,
    tier: IntArray,
    primary: list[str],
) -> list[str]:
    """Profiles that agree with the row: organisation and title of the expert's tier and
    field, years that fit their age and field, yearly field days within four quarters of
    their service days."""
    size = len(frame)
    field = [field_of(catalog, code) for code in primary]
    language_name = ref.languages.set_index("language_code")["name_zh"]
    county_name = ref.counties.set_index("county_code")["short_name_zh"]
    specialties = [split_codes(s) for s in frame["specialty_codes"]]
    local_language = [
        next((c for c in split_codes(v) if c != "zh"), "") for v in frame["language_codes"]
    ]
    _, years = _career_years(rng, primary, size)
    quarterly = frame["service_days_per_quarter"].to_numpy(np.int64)
    yearly = np.maximum(10, (4 * quarterly * rng.uniform(0.6, 0.9, size=size)) // 10 * 10)
    fields = {
        "name": frame["name_zh"].tolist(),
        "org": _organisations(rng, ref, tier, frame["home_county_code"].tolist(), field),
        "title": _titles(rng, tier, field),
        "tier": frame["tier"].tolist(),
        "role": frame["role"].tolist(),
        "industry": [catalog.industry_name[code] for code in primary],
        "years": years.astype(str).tolist(),
        "skills": ["、".join(catalog.skill_name[c] for c in codes) for codes in specialties],
        "county": county_name.reindex(rng.choice(ref.counties["county_code"], size=size)).tolist(),
        "lang": [str(language_name.get(c, "")) if c else "" for c in local_language],
        "n": rng.integers(2, 12, size=size).astype(str).tolist(),
        "stay": np.minimum(rng.integers(1, 4, size=size), years).astype(str).tolist(),
        "days": yearly.astype(np.int64).astype(str).tolist(),
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
    fields = [field_of(catalog, c) for c in primary]
    specialties = _specialties(rng, catalog, primary, local_counties, fields)
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
    frame["profile_zh"] = _profiles(rng, ref, catalog, frame, tier, primary)
    return frame
