"""The codes the editing endpoints accept, from the reference tables, with their labels.

Skills, certificates, industries and languages live in the reference tables
(`matching.data.reference`), not in the database; a need, worker, posting or expert that
names a code the tables do not know is refused with a 422 naming the field. Stable keys
for programs and Chinese labels for people are kept side by side here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import Depends
from sqlalchemy import ColumnElement, literal

from api.deps import SettingsDep
from matching.data import specs
from matching.data.reference import load_reference, pairings_in_force
from matching.errors import InvalidInputError

# Expert tier and role, worker gender and education: the data files store the Chinese
# word; the API speaks the stable key and shows the word as the label.
TIERS = {"province": "省级", "prefecture": "市级", "county": "县级"}
EXPERT_ROLES = {
    "science_deputy": "科技副职",
    "science_envoy": "科技特派员",
    "farming_adviser": "农业辅导员",
    "expert_group_member": "专家组成员",
}
GENDERS = {"male": "男", "female": "女"}
# 2026 household status (防止返贫 monitoring); `registered_poor` keeps the 2014–2020 flag.
HOUSEHOLD_STATUSES = {"lifted_out": "脱贫户", "monitored": "监测对象", "general": "一般"}
EDUCATION = {
    "primary": "小学",
    "junior_secondary": "初中",
    "senior_secondary": "高中",
    "vocational": "中专",
    "college": "大专",
}
URGENCY = {1: "低", 2: "中", 3: "高"}
NEED_STATUS = {"open": "待匹配", "closed": "已关闭"}
POSTING_STATUS = {"open": "招聘中", "closed": "已关闭"}
STATUSES = ("open", "closed")
PERIOD_PATTERN = r"^\d{4}Q[1-4]$"

assert set(TIERS.values()) == set(specs.TIERS)
assert set(EXPERT_ROLES.values()) == set(specs.ROLES)
assert set(GENDERS.values()) == set(specs.GENDERS)
assert set(HOUSEHOLD_STATUSES.values()) == set(specs.HOUSEHOLD_STATUSES)
assert set(EDUCATION.values()) == set(specs.EDUCATION_LEVELS)


def key_of(labels: Mapping[str, str], label: str) -> str:
    """The stable key of a stored Chinese word (the word itself if it is not known)."""
    return next((key for key, word in labels.items() if word == label), label)


@dataclass(frozen=True)
class Vocabulary:
    """Every code the reference tables know, by kind, and the industries' names."""

    industries: frozenset[str]
    job_industries: frozenset[str]
    skills: frozenset[str]
    certificates: frozenset[str]
    languages: frozenset[str]
    prefectures: frozenset[str]
    cities: frozenset[str]
    counties: frozenset[str]
    industry_names: Mapping[str, str]
    city_names: Mapping[str, str]
    pairings: pd.DataFrame  # the reference's dated pairings

    def paired_prefectures(self, city: str, year: int) -> frozenset[str]:
        """The prefectures `city` is paired with in `year`."""
        active = pairings_in_force(self.pairings, year)
        return frozenset(active.loc[active["partner_city_code"] == city, "prefecture_code"])

    def industry_label(self, code: str) -> str:
        return self.industry_names.get(code, code)

    def city_label(self, code: str) -> str:
        return self.city_names.get(code, code)


@lru_cache(maxsize=4)
def vocabulary(reference_dir: Path | None = None) -> Vocabulary:
    ref = load_reference(reference_dir)

    def codes(frame: Any, column: str) -> frozenset[str]:
        return frozenset(str(code) for code in frame[column])

    return Vocabulary(
        industries=codes(ref.industries, "industry_code"),
        job_industries=frozenset(ref.industry_codes("job")),
        skills=codes(ref.skills, "skill_code"),
        certificates=codes(ref.certificates, "certificate_code"),
        languages=codes(ref.languages, "language_code"),
        prefectures=codes(ref.prefectures, "prefecture_code"),
        cities=codes(ref.partner_cities, "city_code"),
        counties=codes(ref.counties, "county_code"),
        industry_names=dict(
            zip(ref.industries["industry_code"], ref.industries["name_zh"], strict=True)
        ),
        city_names=dict(
            zip(ref.partner_cities["city_code"], ref.partner_cities["name_zh"], strict=True)
        ),
        pairings=ref.pairings,
    )


def get_vocabulary(settings: SettingsDep) -> Vocabulary:
    return vocabulary(settings.reference_dir)


VocabularyDep = Annotated[Vocabulary, Depends(get_vocabulary)]


def unknown_codes(codes: Iterable[str], known: frozenset[str]) -> list[str]:
    return [code for code in codes if code not in known]


def code_problem(field: str, codes: Iterable[str], known: frozenset[str]) -> str | None:
    """A sentence naming the unknown codes of `field`, or None when all are known."""
    unknown = unknown_codes(codes, known)
    if not unknown:
        return None
    return f"{field}: unknown code(s) {', '.join(map(repr, unknown))}"


def has_code(column: Any, code: str) -> ColumnElement[bool]:
    """SQL: the `;`-separated codes in `column` include `code` (whole codes only)."""
    wrapped = literal(";") + column + literal(";")
    return wrapped.contains(f";{code};", autoescape=True)  # type: ignore[no-any-return]


def require_known(field: str, codes: Iterable[str], known: frozenset[str]) -> None:
    """422 naming `field` when it holds a code the reference tables do not know."""
    problem = code_problem(field, codes, known)
    if problem is not None:
        raise InvalidInputError(problem, item=field)
