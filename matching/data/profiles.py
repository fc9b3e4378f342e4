"""County industry profiles: which featured industries and crops each county has.

`county_industries.csv` gives every county its main featured industries with weights,
the crops it grows and the altitude bands its farmland spans; `crops.csv` gives every
crop its industry, the altitude bands it grows in and its crop-specific skills (a skill
that no crop lists serves every crop of its industry). `check_county_profiles` refuses
a profile that contradicts itself, naming file, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from matching.data.tables import TableSpec, bad_value, check_codes, split_codes

ALTITUDE_BANDS = ("low", "mid", "high")  # < 800 m, 800–1,500 m, >= 1,500 m
BASES = ("county", "prefecture")


@dataclass(frozen=True)
class CountyProfiles:
    """The two profile tables with their specs (for error messages)."""

    crops: pd.DataFrame
    crops_spec: TableSpec
    counties: pd.DataFrame
    counties_spec: TableSpec


def parse_weights(text: str) -> dict[str, float]:
    """`"VEG:0.4;TEA:0.6"` -> `{"VEG": 0.4, "TEA": 0.6}` (no check)."""
    pairs = (item.split(":", 1) for item in split_codes(text))
    return {key.strip(): float(value) for key, value in pairs}


def _weights_or_error(text: str, spec: TableSpec, row: int) -> dict[str, float]:
    try:
        weights = parse_weights(text)
    except ValueError:
        weights = {}
    if not weights or min(weights.values()) <= 0:
        raise bad_value(
            spec.file_name, row, "industry_weights", f"{text!r} is not CODE:weight;… (weights > 0)"
        )
    return weights


def _check_crops(p: CountyProfiles, industries: pd.DataFrame, skills: pd.DataFrame) -> None:
    featured = industries.loc[industries["kind"] == "featured", "industry_code"]
    check_codes(p.crops, p.crops_spec, "industry_code", featured, multi=False)
    check_codes(p.crops, p.crops_spec, "altitude_bands", ALTITUDE_BANDS, multi=True)
    check_codes(p.crops, p.crops_spec, "skill_codes", skills["skill_code"], multi=True)
    industry_of_skill = dict(zip(skills["skill_code"], skills["industry_code"], strict=True))
    for row, crop in enumerate(p.crops.to_dict("records")):
        if not 0 < crop["qty_min"] <= crop["qty_max"]:
            raise bad_value(p.crops_spec.file_name, row, "qty_max", "need 0 < qty_min <= qty_max")
        if not split_codes(crop["words_zh"]):
            raise bad_value(p.crops_spec.file_name, row, "words_zh", "at least one word needed")
        if not split_codes(crop["altitude_bands"]):
            raise bad_value(p.crops_spec.file_name, row, "altitude_bands", "at least one band")
        for skill in split_codes(crop["skill_codes"]):
            if industry_of_skill[skill] != crop["industry_code"]:
                problem = f"{skill} is not a skill of {crop['industry_code']}"
                raise bad_value(p.crops_spec.file_name, row, "skill_codes", problem)


def _check_county(p: CountyProfiles, row: int, featured: set[str]) -> None:
    spec, county = p.counties_spec, p.counties.iloc[row]
    weights = _weights_or_error(county["industry_weights"], spec, row)
    unknown = set(weights) - featured
    if unknown:
        raise bad_value(
            spec.file_name, row, "industry_weights", f"unknown featured industry {min(unknown)!r}"
        )
    crops = p.crops.set_index("crop_code").loc[split_codes(county["crop_codes"])]
    bands = set(split_codes(county["altitude_bands"]))
    for code, crop in crops.iterrows():
        if crop["industry_code"] not in weights:
            problem = f"{code} is a {crop['industry_code']} crop, not in industry_weights"
            raise bad_value(spec.file_name, row, "crop_codes", problem)
        if not bands & set(split_codes(crop["altitude_bands"])):
            problem = f"{code} does not grow in the county's altitude bands"
            raise bad_value(spec.file_name, row, "crop_codes", problem)
    bare = sorted(set(weights) - set(crops["industry_code"]))
    if bare:
        raise bad_value(spec.file_name, row, "crop_codes", f"no crop for industry {bare[0]}")


def check_county_profiles(
    p: CountyProfiles, county_codes: pd.Series, industries: pd.DataFrame, skills: pd.DataFrame
) -> None:
    """Every county has one profile that agrees with crops, altitude bands and skills."""
    _check_crops(p, industries, skills)
    spec = p.counties_spec
    check_codes(p.counties, spec, "county_code", county_codes, multi=False)
    check_codes(p.counties, spec, "altitude_bands", ALTITUDE_BANDS, multi=True)
    check_codes(p.counties, spec, "crop_codes", p.crops["crop_code"], multi=True)
    check_codes(p.counties, spec, "basis", BASES, multi=False)
    missing = sorted(set(county_codes) - set(p.counties["county_code"]))
    if missing:
        raise bad_value(
            spec.file_name, len(p.counties) - 1, "county_code", f"{missing[0]} has no profile"
        )
    featured = set(industries.loc[industries["kind"] == "featured", "industry_code"])
    for row in range(len(p.counties)):
        _check_county(p, row, featured)
