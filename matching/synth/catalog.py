"""Lookups over the reference tables that several generator modules share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.data.reference import Reference
from matching.data.tables import split_codes
from matching.synth.sampling import IntArray, StrArray, pack_pools


@dataclass(frozen=True)
class Catalog:
    """Industries, their skill pools and the words attached to each skill."""

    industries: list[str]
    industry_kind: dict[str, str]
    industry_name: dict[str, str]
    skill_pools: tuple[StrArray, IntArray]  # packed pools, one row per industry
    skill_name: dict[str, str]
    skill_keywords: dict[str, list[str]]
    certificate_of_skill: dict[str, str]
    certificate_name: dict[str, str]

    def industry_index(self, codes: list[str]) -> IntArray:
        """Row of each industry code in `skill_pools`."""
        position = {code: i for i, code in enumerate(self.industries)}
        return np.array([position[code] for code in codes], dtype=np.int64)


def build_catalog(ref: Reference) -> Catalog:
    """A `Catalog` of the reference tables."""
    industries = ref.industries["industry_code"].tolist()
    skills = ref.skills
    pools = [
        skills.loc[skills["industry_code"] == code, "skill_code"].tolist() for code in industries
    ]
    certificates = ref.certificates
    return Catalog(
        industries=industries,
        industry_kind=dict(zip(industries, ref.industries["kind"], strict=True)),
        industry_name=dict(zip(industries, ref.industries["name_zh"], strict=True)),
        skill_pools=pack_pools(pools),
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
    )
