"""Guizhou reference tables: prefectures, counties, pairings, industries, skills, crops.

Usage::

    from matching.data.reference import load_reference

    ref = load_reference()              # data/reference/, or $BANGFU_REFERENCE_DIR
    ref.counties.loc[ref.counties.deep_poverty == 1, "short_name_zh"]
    ref.active_pairings(2026)           # partner city ↔ prefecture pairs in force that year
    ref.skills.set_index("skill_code").loc["TEA-02", "name_zh"]   # 茶树病虫害防治

`load_reference(directory)` returns a frozen `Reference` with one DataFrame per table
(columns in `data/SCHEMA.md`), checked for dtypes, unique keys and cross-references
(every county's prefecture exists, every skill's industry exists, …). The default
directory's tables are read once and cached; do not modify the frames in place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from matching.data.profiles import CountyProfiles, check_county_profiles
from matching.data.tables import TableSpec, bad_value, check_codes, read_table
from matching.errors import InvalidInputError

REFERENCE_DIR_ENV = "BANGFU_REFERENCE_DIR"

PREFECTURES = TableSpec(
    "prefectures.csv",
    "prefecture_code",
    {
        "prefecture_code": "str",
        "name_zh": "str",
        "short_name_zh": "str",
        "name_en": "str",
        "lat": "float",
        "lon": "float",
        "coord_source": "str",
    },
)
COUNTIES = TableSpec(
    "counties.csv",
    "county_code",
    {
        "county_code": "str",
        "name_zh": "str",
        "short_name_zh": "str",
        "name_en": "str",
        "prefecture_code": "str",
        "kind": "str",
        "lat": "float",
        "lon": "float",
        "coord_source": "str",
        "deep_poverty": "flag",
        "key_county": "flag",
        "ethnic_weights": "str",
        "name_note": "str",
    },
)
PARTNER_CITIES = TableSpec(
    "partner_cities.csv",
    "city_code",
    {
        "city_code": "str",
        "name_zh": "str",
        "name_en": "str",
        "province_zh": "str",
        "lat": "float",
        "lon": "float",
        "coord_source": "str",
        "wage_yuan_month": "int",
        "sector_weights": "str",
        "note": "str",
    },
)
PAIRINGS = TableSpec(
    "pairings.csv",
    None,
    {
        "partner_city_code": "str",
        "prefecture_code": "str",
        "since_year": "int",
        "until_year": "str",
        "source": "str",
        "note": "str",
    },
)
INDUSTRIES = TableSpec(
    "industries.csv",
    "industry_code",
    {"industry_code": "str", "kind": "str", "name_zh": "str", "name_en": "str"},
)
SKILLS = TableSpec(
    "skills.csv",
    "skill_code",
    {
        "skill_code": "str",
        "industry_code": "str",
        "name_zh": "str",
        "name_en": "str",
        "keywords_zh": "codes",
    },
)
CERTIFICATES = TableSpec(
    "certificates.csv",
    "certificate_code",
    {
        "certificate_code": "str",
        "name_zh": "str",
        "name_en": "str",
        "industry_code": "str",
        "skill_code": "str",
        "licence_required": "flag",
    },
)
LANGUAGES = TableSpec(
    "languages.csv", "language_code", {"language_code": "str", "name_zh": "str", "name_en": "str"}
)
ETHNIC_GROUPS = TableSpec(
    "ethnic_groups.csv",
    "ethnic_code",
    {"ethnic_code": "str", "name_zh": "str", "name_en": "str", "language_code": "str"},
)
CROPS = TableSpec(
    "crops.csv",
    "crop_code",
    {
        "crop_code": "str",
        "industry_code": "str",
        "name_zh": "str",
        "words_zh": "codes",
        "unit_zh": "str",
        "qty_min": "int",
        "qty_max": "int",
        "altitude_bands": "codes",
        "skill_codes": "codes",
    },
)
COUNTY_INDUSTRIES = TableSpec(
    "county_industries.csv",
    "county_code",
    {
        "county_code": "str",
        "altitude_m": "int",
        "altitude_bands": "codes",
        "industry_weights": "str",
        "crop_codes": "codes",
        "basis": "str",
        "sources": "codes",
    },
)
INDUSTRY_KINDS = ("featured", "element", "job")


@dataclass(frozen=True)
class Reference:
    """All reference tables, one DataFrame each (see data/SCHEMA.md)."""

    prefectures: pd.DataFrame
    counties: pd.DataFrame
    partner_cities: pd.DataFrame
    pairings: pd.DataFrame
    industries: pd.DataFrame
    skills: pd.DataFrame
    certificates: pd.DataFrame
    languages: pd.DataFrame
    ethnic_groups: pd.DataFrame
    crops: pd.DataFrame
    county_industries: pd.DataFrame

    def industry_codes(self, kind: str) -> list[str]:
        """Industry codes of one kind: `featured`, `element` or `job`."""
        return self.industries.loc[self.industries["kind"] == kind, "industry_code"].tolist()

    def active_pairings(self, year: int) -> pd.DataFrame:
        """Pairings in force in `year` (since_year <= year, until_year empty or >= year)."""
        return pairings_in_force(self.pairings, year)

    def cities_in_force(self, year: int) -> list[str]:
        """Partner cities paired with at least one prefecture in `year`, in table order."""
        paired = set(self.active_pairings(year)["partner_city_code"])
        return [c for c in self.partner_cities["city_code"] if c in paired]

    def sector_weights(self, city_code: str) -> dict[str, float]:
        """The city's job sectors (industry code → weight, summing to 1)."""
        row = self.partner_cities.set_index("city_code").loc[city_code]
        return parse_sector_weights(str(row["sector_weights"]))


def pairings_in_force(pairings: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rows of a pairings table in force in `year` (both bounds inclusive)."""
    until = pd.to_numeric(pairings["until_year"], errors="coerce").fillna(9999)
    active = (pairings["since_year"] <= year) & (until >= year)
    return pairings.loc[active].reset_index(drop=True)


def period_year(period: str) -> int:
    """The year of a period such as `2026Q1` (its first four digits)."""
    text = str(period)
    if len(text) < 4 or not text[:4].isdigit():
        raise InvalidInputError(f"{text!r} is not a period such as 2026Q1.", item="period")
    return int(text[:4])


def parse_sector_weights(text: str) -> dict[str, float]:
    """`ELEC:0.3;GARM:0.1;…` → {code: weight}, normalised to sum to 1."""
    pairs = [item.split(":", 1) for item in text.split(";") if item]
    weights = {code: float(value) for code, value in pairs}
    total = sum(weights.values())
    return {code: value / total for code, value in weights.items()}


def repository_root() -> Path:
    """The checkout's root directory (the parent of the `matching` package)."""
    return Path(__file__).resolve().parents[2]


def reference_dir() -> Path:
    """`$BANGFU_REFERENCE_DIR` if set, else `data/reference` in the repository."""
    override = os.environ.get(REFERENCE_DIR_ENV)
    return Path(override) if override else repository_root() / "data" / "reference"


def _check_pairing_years(ref: Reference) -> None:
    until = ref.pairings["until_year"].astype(str)
    for row, (since, end) in enumerate(zip(ref.pairings["since_year"], until, strict=True)):
        if end and (not end.isdigit() or int(end) < int(since)):
            raise bad_value(
                PAIRINGS.file_name, row, "until_year", f"{end!r} is not a year >= since_year"
            )


def _check_partner_cities(ref: Reference) -> None:
    jobs = set(ref.industry_codes("job"))
    for row, text in enumerate(ref.partner_cities["sector_weights"].astype(str)):
        try:
            weights = parse_sector_weights(text)
        except ValueError:
            weights = {}
        if not weights or any(v < 0 for v in weights.values()):
            problem = f"{text!r} is not a list of sector:weight with positive weights"
            raise bad_value(PARTNER_CITIES.file_name, row, "sector_weights", problem)
        unknown = sorted(set(weights) - jobs)
        if unknown:
            problem = f"{unknown[0]!r} is not a job sector of industries.csv"
            raise bad_value(PARTNER_CITIES.file_name, row, "sector_weights", problem)
    wages = ref.partner_cities["wage_yuan_month"]
    if (wages <= 0).any():
        row = int(np.flatnonzero((wages <= 0).to_numpy())[0])
        raise bad_value(PARTNER_CITIES.file_name, row, "wage_yuan_month", "must be positive")


def _check_cross_references(ref: Reference) -> None:
    prefectures = ref.prefectures["prefecture_code"]
    check_codes(ref.counties, COUNTIES, "prefecture_code", prefectures, multi=False)
    check_codes(ref.pairings, PAIRINGS, "prefecture_code", prefectures, multi=False)
    cities = ref.partner_cities["city_code"]
    check_codes(ref.pairings, PAIRINGS, "partner_city_code", cities, multi=False)
    check_codes(ref.industries, INDUSTRIES, "kind", INDUSTRY_KINDS, multi=False)
    industries = ref.industries["industry_code"]
    check_codes(ref.skills, SKILLS, "industry_code", industries, multi=False)
    check_codes(ref.certificates, CERTIFICATES, "industry_code", industries, multi=False)
    skills = ref.skills["skill_code"]
    check_codes(ref.certificates, CERTIFICATES, "skill_code", skills, multi=False)
    languages = ref.languages["language_code"]
    check_codes(ref.ethnic_groups, ETHNIC_GROUPS, "language_code", languages, multi=False)
    _check_pairing_years(ref)
    _check_partner_cities(ref)
    check_county_profiles(
        CountyProfiles(ref.crops, CROPS, ref.county_industries, COUNTY_INDUSTRIES),
        ref.counties["county_code"],
        ref.industries,
        ref.skills,
    )


def read_reference(directory: Path) -> Reference:
    """Read and check every reference table in `directory` (no caching)."""
    ref = Reference(
        prefectures=read_table(directory, PREFECTURES),
        counties=read_table(directory, COUNTIES),
        partner_cities=read_table(directory, PARTNER_CITIES),
        pairings=read_table(directory, PAIRINGS),
        industries=read_table(directory, INDUSTRIES),
        skills=read_table(directory, SKILLS),
        certificates=read_table(directory, CERTIFICATES),
        languages=read_table(directory, LANGUAGES),
        ethnic_groups=read_table(directory, ETHNIC_GROUPS),
        crops=read_table(directory, CROPS),
        county_industries=read_table(directory, COUNTY_INDUSTRIES),
    )
    _check_cross_references(ref)
    return ref


@lru_cache(maxsize=4)
def _cached_reference(directory: Path) -> Reference:
    return read_reference(directory)


def load_reference(directory: Path | str | None = None) -> Reference:
    """The reference tables from `directory` (default: `reference_dir()`), cached."""
    path = Path(directory) if directory is not None else reference_dir()
    return _cached_reference(path.resolve())
