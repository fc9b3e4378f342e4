"""Townships and villages: where they are, who lives there, what they grow.

Villages are spread over the scale's counties with more poor villages in deep-poverty
counties and few in Guiyang's urban districts. Deep-poverty villages are drawn without
replacement, weighted towards deep-poverty counties and the extremely poor townships. A
village's featured industries come from its county's industry profile
(`data/reference/county_industries.csv`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.data.reference import Reference
from matching.data.tables import join_codes
from matching.synth import names
from matching.synth.catalog import Catalog
from matching.synth.sampling import (
    IntArray,
    categorical_rows,
    jitter,
    make_ids,
    parse_weights,
)
from matching.synth.scales import ScaleSpec

VILLAGES_PER_TOWNSHIP = 8
# share of a group's villages where the group's own language is still spoken daily
# (illustrative: Tujia and Gelao communities mostly speak Chinese at home)
SPEAKS_OWN_LANGUAGE = {
    "miao": 0.85,
    "buyi": 0.6,
    "dong": 0.8,
    "yi": 0.5,
    "shui": 0.85,
    "tujia": 0.1,
    "gelao": 0.05,
}
# at most this many featured industries per village (1, 2 or 3, as often each)
MAX_VILLAGE_INDUSTRIES = 3


def select_counties(ref: Reference, spec: ScaleSpec) -> pd.DataFrame:
    """The scale's counties, in reference order."""
    counties = ref.counties
    if spec.county_codes:
        counties = counties[counties["county_code"].isin(spec.county_codes)]
    return counties.reset_index(drop=True)


def _villages_per_county(rng: np.random.Generator, counties: pd.DataFrame, total: int) -> IntArray:
    weight = (
        1.0
        + 1.5 * counties["deep_poverty"].to_numpy()
        - 0.7 * (counties["kind"] == "区").to_numpy()
    )
    floor = min(3, total // len(counties))
    extra = rng.multinomial(total - floor * len(counties), weight / weight.sum())
    return np.asarray(extra + floor, dtype=np.int64)


def _extremely_poor(
    rng: np.random.Generator, township_county: IntArray, deep: IntArray, count: int
) -> IntArray:
    """Flag `count` townships: one in each deep-poverty county first, then the rest at random."""
    flags = np.zeros(len(township_county), dtype=np.int64)
    eligible = np.flatnonzero(deep[township_county] == 1)
    if len(eligible) == 0:
        eligible = np.arange(len(township_county))
    shuffled = rng.permutation(eligible)
    _, first_of_county = np.unique(township_county[shuffled], return_index=True)
    ordered = np.concatenate([shuffled[first_of_county], np.delete(shuffled, first_of_county)])
    flags[ordered[:count]] = 1
    return flags


def _townships_per_county(villages_per_county: IntArray) -> IntArray:
    return np.maximum(2, -(-villages_per_county // VILLAGES_PER_TOWNSHIP)).astype(np.int64)


def make_townships(
    rng: np.random.Generator, counties: pd.DataFrame, per_county: IntArray, poor_townships: int
) -> pd.DataFrame:
    """`per_county[c]` townships in county `c`, with synthetic names, flags and seats."""
    county_index = np.repeat(np.arange(len(counties)), per_county)
    township_names: list[str] = []
    for count in per_county.tolist():
        township_names += names.place_names(rng, count, ["镇", "镇", "乡"])
    deep = counties["deep_poverty"].to_numpy()
    return pd.DataFrame(
        {
            "township_id": make_ids("T", len(county_index), 5),
            "county_code": counties["county_code"].to_numpy()[county_index],
            "name_zh": township_names,
            "extremely_poor": _extremely_poor(rng, county_index, deep, poor_townships),
            "lat": jitter(rng, counties["lat"].to_numpy()[county_index], 0.12),
            "lon": jitter(rng, counties["lon"].to_numpy()[county_index], 0.12),
        }
    )


def _assign_townships(
    rng: np.random.Generator, villages_per_county: IntArray, townships_per_county: IntArray
) -> IntArray:
    """A uniformly random township of its county for every village (county order)."""
    county = np.repeat(np.arange(len(villages_per_county)), villages_per_county)
    first = np.cumsum(townships_per_county) - townships_per_county
    offset = (rng.random(len(county)) * townships_per_county[county]).astype(np.int64)
    return np.asarray(first[county] + offset, dtype=np.int64)


def _deep_poverty(
    rng: np.random.Generator,
    deep_county: IntArray,
    poor_township: IntArray,
    urban: IntArray,
    count: int,
) -> IntArray:
    # urban districts rarely hold deep-poverty villages
    weight = (1.0 + 3.0 * deep_county + 4.0 * poor_township) * np.where(urban == 1, 0.1, 1.0)
    chosen = rng.choice(len(weight), size=count, replace=False, p=weight / weight.sum())
    flags = np.zeros(len(weight), dtype=np.int64)
    flags[chosen] = 1
    return flags


def _ethnic_groups(
    rng: np.random.Generator, counties: pd.DataFrame, county: IntArray, groups: list[str]
) -> list[str]:
    weights = np.array(
        [[parse_weights(text).get(g, 0.0) for g in groups] for text in counties["ethnic_weights"]]
    )
    return [groups[i] for i in categorical_rows(rng, weights[county])]


def _languages(
    rng: np.random.Generator, ethnic: list[str], language_of: dict[str, str]
) -> list[str]:
    speaks = rng.random(len(ethnic))
    return [
        join_codes([language_of[group], "zh"])
        if speaks[i] < SPEAKS_OWN_LANGUAGE.get(group, 0.0)
        else "zh"
        for i, group in enumerate(ethnic)
    ]


def _village_industries(
    rng: np.random.Generator, catalog: Catalog, county_codes: list[str]
) -> list[str]:
    """1–3 industries of the county's profile, by weight, the village's main one first."""
    counts = rng.integers(1, MAX_VILLAGE_INDUSTRIES + 1, size=len(county_codes))
    return [join_codes(codes) for codes in catalog.county_industries(rng, county_codes, counts)]


def make_villages(
    rng: np.random.Generator, ref: Reference, catalog: Catalog, spec: ScaleSpec
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Townships and villages of the scale's counties."""
    counties = select_counties(ref, spec)
    villages_per_county = _villages_per_county(rng, counties, spec.villages)
    townships_per_county = _townships_per_county(villages_per_county)
    townships = make_townships(rng, counties, townships_per_county, spec.extremely_poor_townships)
    township = _assign_townships(rng, villages_per_county, townships_per_county)
    county = np.repeat(np.arange(len(counties)), villages_per_county)
    deep_county = counties["deep_poverty"].to_numpy()[county]
    poor_township = townships["extremely_poor"].to_numpy()[township]
    urban = (counties["kind"] == "区").to_numpy().astype(np.int64)[county]
    deep = _deep_poverty(rng, deep_county, poor_township, urban, spec.deep_poverty_villages)
    groups = ref.ethnic_groups["ethnic_code"].tolist()
    ethnic = _ethnic_groups(rng, counties, county, groups)
    language_of = dict(zip(groups, ref.ethnic_groups["language_code"], strict=True))
    population = np.clip(rng.lognormal(np.log(1500), 0.5, size=len(county)), 300, 8000).astype(
        np.int64
    )
    poor_rate = np.clip(rng.normal(0.12 + 0.12 * deep, 0.04), 0.02, 0.6)
    county_codes = counties["county_code"].to_numpy()[county]
    villages = pd.DataFrame(
        {
            "village_id": make_ids("V", len(county), 6),
            "name_zh": names.place_names(rng, len(county), ["村"]),
            "township_id": townships["township_id"].to_numpy()[township],
            "county_code": county_codes,
            "prefecture_code": counties["prefecture_code"].to_numpy()[county],
            "lat": jitter(rng, townships["lat"].to_numpy()[township], 0.04),
            "lon": jitter(rng, townships["lon"].to_numpy()[township], 0.04),
            "deep_poverty": deep,
            "extremely_poor_township": poor_township.astype(np.int64),
            "ethnic_code": ethnic,
            "language_codes": _languages(rng, ethnic, language_of),
            "population": population,
            "poor_households": np.maximum(1, population / 3.8 * poor_rate).astype(np.int64),
            "industry_codes": _village_industries(rng, catalog, county_codes.tolist()),
        }
    )
    return townships, villages
