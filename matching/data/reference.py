"""Guizhou reference tables: prefectures, counties, pairings, industries, skills.

Usage::

    from matching.data.reference import load_reference

    ref = load_reference()              # data/reference/, or $BANGFU_REFERENCE_DIR
    ref.counties.loc[ref.counties.deep_poverty == 1, "short_name_zh"]
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

import pandas as pd

from matching.data.tables import TableSpec, check_codes, read_table

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

    def industry_codes(self, kind: str) -> list[str]:
        """Industry codes of one kind: `featured`, `element` or `job`."""
        return self.industries.loc[self.industries["kind"] == kind, "industry_code"].tolist()

    def active_pairings(self, year: int) -> pd.DataFrame:
        """Pairings in force in `year` (since_year <= year, until_year empty or >= year)."""
        until = pd.to_numeric(self.pairings["until_year"], errors="coerce").fillna(9999)
        active = (self.pairings["since_year"] <= year) & (until >= year)
        return self.pairings.loc[active].reset_index(drop=True)


def repository_root() -> Path:
    """The checkout's root directory (the parent of the `matching` package)."""
    return Path(__file__).resolve().parents[2]


def reference_dir() -> Path:
    """`$BANGFU_REFERENCE_DIR` if set, else `data/reference` in the repository."""
    override = os.environ.get(REFERENCE_DIR_ENV)
    return Path(override) if override else repository_root() / "data" / "reference"


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
