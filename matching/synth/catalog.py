"""Lookups over the reference tables that several generator modules share.

Skill pools come in two kinds, packed into one array: one row per industry (every skill
of the industry) and then one row per crop (the crop's own skills plus the skills of its
industry that no crop claims, such as orchard pruning for every fruit). A need or an
expert about a crop draws from the crop's row, so "苹果" never comes with "火龙果栽培".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.data.profiles import parse_weights
from matching.data.reference import Reference
from matching.data.tables import split_codes
from matching.synth.sampling import IntArray, StrArray, pack_pools


@dataclass(frozen=True)
class Crop:
    """What the texts need to know about one crop or animal."""

    industry: str
    name: str
    words: tuple[str, ...]
    unit: str
    qty_min: int
    qty_max: int


@dataclass(frozen=True)
class Catalog:
    """Industries, crops, their skill pools, the words attached to each skill and the
    county industry profiles."""

    industries: list[str]
    industry_kind: dict[str, str]
    industry_name: dict[str, str]
    skill_pools: tuple[StrArray, IntArray]  # packed pools: industries, then crops
    skill_name: dict[str, str]
    skill_keywords: dict[str, list[str]]
    certificate_of_skill: dict[str, str]
    certificate_name: dict[str, str]
    crops: list[str]
    crop: dict[str, Crop]
    crop_of_skill: dict[str, str]  # crop-specific skills only
    county_weights: dict[str, dict[str, float]]  # county -> featured industry -> weight
    county_crops: dict[tuple[str, str], list[str]]  # (county, industry) -> crops, main first

    def industry_index(self, codes: list[str]) -> IntArray:
        """Row of each industry code in `skill_pools`."""
        position = {code: i for i, code in enumerate(self.industries)}
        return np.array([position[code] for code in codes], dtype=np.int64)

    def crop_index(self, codes: list[str]) -> IntArray:
        """Row of each crop code in `skill_pools` (after the industries)."""
        position = {code: len(self.industries) + i for i, code in enumerate(self.crops)}
        return np.array([position[code] for code in codes], dtype=np.int64)

    def draw_crops(
        self, rng: np.random.Generator, counties: list[str], industries: list[str]
    ) -> list[str]:
        """A crop of `industries[i]` grown in `counties[i]` ("" when it has none, e.g. an
        "eight elements" industry). The county's main crop is the likeliest: weight 1/rank."""
        u = rng.random(len(counties))
        chosen = []
        for county, industry, x in zip(counties, industries, u.tolist(), strict=True):
            options = self.county_crops.get((county, industry), [])
            if not options:
                chosen.append("")
                continue
            weights = np.cumsum(1.0 / np.arange(1, len(options) + 1))
            chosen.append(options[int(np.searchsorted(weights, x * weights[-1], side="right"))])
        return chosen

    def main_crops(self, counties: list[str], industries: list[str]) -> list[str]:
        """The county's main crop of each industry (the first one its profile lists)."""
        return [
            self.county_crops[(county, industry)][0]
            for county, industry in zip(counties, industries, strict=True)
        ]

    def pool_rows(self, crops: list[str], industries: list[str]) -> IntArray:
        """The crop's pool where there is a crop, else the industry's pool."""
        by_crop = self.crop_index([c for c in crops if c])
        rows = self.industry_index(industries)
        rows[[i for i, c in enumerate(crops) if c]] = by_crop
        return rows

    def county_industries(
        self, rng: np.random.Generator, counties: list[str], counts: IntArray
    ) -> list[list[str]]:
        """`counts[i]` distinct featured industries of county `counties[i]`'s profile,
        drawn by weight without replacement (Gumbel top-k), the likeliest first."""
        result = []
        for county, count in zip(counties, counts.tolist(), strict=True):
            codes, weights = zip(*self.county_weights[county].items(), strict=True)
            keys = np.log(np.array(weights)) + rng.gumbel(size=len(codes))
            result.append([codes[i] for i in np.argsort(-keys)[:count]])
        return result


def _crops(ref: Reference) -> dict[str, Crop]:
    return {
        str(row["crop_code"]): Crop(
            industry=str(row["industry_code"]),
            name=str(row["name_zh"]),
            words=tuple(split_codes(row["words_zh"])),
            unit=str(row["unit_zh"]),
            qty_min=int(row["qty_min"]),
            qty_max=int(row["qty_max"]),
        )
        for row in ref.crops.to_dict("records")
    }


def _pools(ref: Reference, industries: list[str]) -> list[list[str]]:
    skills, crops = ref.skills, ref.crops
    claimed = {s for codes in crops["skill_codes"] for s in split_codes(codes)}
    pools = [
        skills.loc[skills["industry_code"] == code, "skill_code"].tolist() for code in industries
    ]
    for row in crops.to_dict("records"):
        generic = [
            s
            for s in skills.loc[skills["industry_code"] == row["industry_code"], "skill_code"]
            if s not in claimed
        ]
        pools.append([*split_codes(row["skill_codes"]), *generic])
    return pools


def _county_crops(ref: Reference, crops: dict[str, Crop]) -> dict[tuple[str, str], list[str]]:
    result: dict[tuple[str, str], list[str]] = {}
    for row in ref.county_industries.to_dict("records"):
        for code in split_codes(row["crop_codes"]):
            result.setdefault((str(row["county_code"]), crops[code].industry), []).append(code)
    return result


def build_catalog(ref: Reference) -> Catalog:
    """A `Catalog` of the reference tables."""
    industries = ref.industries["industry_code"].tolist()
    skills = ref.skills
    certificates = ref.certificates
    crops = _crops(ref)
    return Catalog(
        industries=industries,
        industry_kind=dict(zip(industries, ref.industries["kind"], strict=True)),
        industry_name=dict(zip(industries, ref.industries["name_zh"], strict=True)),
        skill_pools=pack_pools(_pools(ref, industries)),
        skill_name=dict(zip(skills["skill_code"], skills["name_zh"], strict=True)),
        skill_keywords={
            code: split_codes(words)
            for code, words in zip(skills["skill_code"], skills["keywords_zh"], strict=True)
        },
        certificate_of_skill=dict(
            zip(certificates["skill_code"], certificates["certificate_code"], strict=True)
        ),
        certificate_name=dict(
            zip(certificates["certificate_code"], certificates["name_zh"], strict=True)
        ),
        crops=list(crops),
        crop=crops,
        crop_of_skill={
            skill: str(row["crop_code"])
            for row in ref.crops.to_dict("records")
            for skill in split_codes(row["skill_codes"])
        },
        county_weights={
            str(row["county_code"]): parse_weights(row["industry_weights"])
            for row in ref.county_industries.to_dict("records")
        },
        county_crops=_county_crops(ref, crops),
    )
