"""What the county's list and edit pages share: the choices of the forms (codes of the
reference tables with their Chinese names), the Chinese message next to a field the
domain refused, and the pages of a list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from pydantic import ValidationError

from matching.data.reference import load_reference
from matching.errors import InvalidInputError

PER_PAGE = 25
Choice = tuple[str, str]  # (code, Chinese name)


@dataclass(frozen=True)
class Group:
    """Choices under one heading (an industry's skills)."""

    label: str
    choices: list[Choice]


@dataclass(frozen=True)
class Choices:
    need_industries: list[Group]  # featured industries, then the elements of development
    need_skills: list[Group]
    job_industries: list[Choice]
    job_skills: list[Group]
    certificates: list[Choice]
    languages: list[Choice]
    cities: list[Choice]
    names: Mapping[str, str]  # every code → its Chinese name

    def label(self, code: str) -> str:
        return self.names.get(code, code)


@lru_cache(maxsize=4)
def choices(reference_dir: Path | None = None) -> Choices:
    ref = load_reference(reference_dir)

    def pairs(frame: Any, key: str) -> list[Choice]:
        return [(str(c), str(n)) for c, n in zip(frame[key], frame["name_zh"], strict=True)]

    industries = ref.industries
    by_kind = {
        kind: pairs(industries[industries["kind"] == kind], "industry_code")
        for kind in ("featured", "element", "job")
    }

    def skills_of(kind: str) -> list[Group]:
        return [
            Group(name, pairs(ref.skills[ref.skills["industry_code"] == code], "skill_code"))
            for code, name in by_kind[kind]
        ]

    names: dict[str, str] = {}
    for frame, key in (
        (industries, "industry_code"),
        (ref.skills, "skill_code"),
        (ref.certificates, "certificate_code"),
        (ref.languages, "language_code"),
        (ref.partner_cities, "city_code"),
    ):
        names.update(pairs(frame, key))
    return Choices(
        need_industries=[
            Group("特色产业", by_kind["featured"]),
            Group("发展要素", by_kind["element"]),
        ],
        need_skills=skills_of("featured") + skills_of("element"),
        job_industries=by_kind["job"],
        job_skills=skills_of("job"),
        certificates=pairs(ref.certificates, "certificate_code"),
        languages=pairs(ref.languages, "language_code"),
        cities=pairs(ref.partner_cities, "city_code"),
        names=names,
    )


def field_errors(
    error: ValidationError | InvalidInputError, messages: Mapping[str, str]
) -> dict[str, str]:
    """The domain's refusal as {field: Chinese message}: each field named by the schema's
    validation or by the service (`InvalidInputError.item`, else the message's prefix)."""
    fields: list[str] = []
    if isinstance(error, ValidationError):
        fields = [str(problem["loc"][0]) for problem in error.errors() if problem["loc"]]
    else:
        fields = [error.item or str(error).partition(":")[0]]
    found = {field: messages.get(field, "填写的内容有误。") for field in fields}
    return found or {"form": "提交的内容有误，请检查后再保存。"}


def checked_box(value: str | None) -> bool:
    """An HTML checkbox: sent (any value) when ticked, absent when not."""
    return value is not None and value != ""


def optional_bool(value: str | None) -> bool | None:
    """A select of 全部 / 是 / 否 → None / True / False."""
    return {"1": True, "0": False}.get(value or "")


@dataclass(frozen=True)
class Pager:
    """The pages of a list: where we are, and the links to the others keeping the filters."""

    page: int
    pages: int
    total: int
    first: int  # the position of the first row shown (1-based), 0 when empty
    last: int
    query: Mapping[str, str]

    @classmethod
    def of(cls, page: int, total: int, query: Mapping[str, str]) -> Pager:
        pages = max(1, -(-total // PER_PAGE))
        page = min(max(page, 1), pages)
        first = (page - 1) * PER_PAGE + 1 if total else 0
        return cls(page, pages, total, first, min(page * PER_PAGE, total), query)

    @staticmethod
    def offset(page: int) -> int:
        return (max(page, 1) - 1) * PER_PAGE

    def link(self, page: int) -> str:
        return "?" + urlencode({**{k: v for k, v in self.query.items() if v}, "page": page})


def filled(values: Mapping[str, Any]) -> dict[str, str]:
    """The filters that were given, as strings (for the links of the pager)."""
    return {key: str(value) for key, value in values.items() if value not in (None, "")}
