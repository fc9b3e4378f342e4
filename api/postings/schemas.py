"""What the postings endpoints read and answer, and the columns of an uploaded file."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from api.vocabulary import PERIOD_PATTERN

Status = Literal["open", "closed"]
UploadAction = Literal["created", "updated", "unchanged"]
REFERENCE_PATTERN = r"^[^;\s](?:[^;]*[^;\s])?$"


class PostingFields(BaseModel):
    """One posting as a partner city describes it (a form, or one row of a file)."""

    city_reference: str | None = Field(
        default=None,
        max_length=64,
        pattern=REFERENCE_PATTERN,
        description="the city's own posting reference; unique per city",
    )
    employer_id: str = Field(default="", max_length=16)
    employer_name_zh: str = Field(min_length=1, max_length=128)
    title_zh: str = Field(min_length=1, max_length=128)
    industry_code: str = Field(min_length=1, max_length=16, description="an industry of kind job")
    positions: int = Field(ge=0, le=10_000)
    wage_yuan_month: int = Field(ge=1, le=200_000)
    required_skill_codes: list[str] = Field(default_factory=list, max_length=20)
    required_certificate_codes: list[str] = Field(default_factory=list, max_length=20)
    min_age: int = Field(default=16, ge=16, le=60)
    max_age: int = Field(default=60, ge=16, le=60)
    housing: bool = False
    meals: bool = False
    earmarked_prefecture_codes: list[str] = Field(default_factory=list, max_length=20)
    period: str = Field(pattern=PERIOD_PATTERN, description="a quarter, e.g. 2026Q1")
    status: Status = "open"
    description_zh: str = Field(default="", max_length=4000)

    @field_validator("max_age")
    @classmethod
    def _ages_in_order(cls, max_age: int, info: ValidationInfo) -> int:
        min_age = info.data.get("min_age")
        if min_age is not None and max_age < min_age:
            raise ValueError(f"max_age {max_age} is below min_age {min_age}")
        return max_age


class PostingCreate(PostingFields):
    partner_city_code: str | None = Field(
        default=None, description="the province office names the city; a city posts its own"
    )


class PostingRow(PostingFields):
    """A row of an uploaded file: the reference is what makes a second upload a no-op."""

    city_reference: str = Field(max_length=64, pattern=REFERENCE_PATTERN)


class PostingUpdate(BaseModel):
    """Only the fields sent change; `DELETE` closes the posting."""

    city_reference: str | None = Field(default=None, max_length=64, pattern=REFERENCE_PATTERN)
    employer_id: str | None = Field(default=None, max_length=16)
    employer_name_zh: str | None = Field(default=None, min_length=1, max_length=128)
    title_zh: str | None = Field(default=None, min_length=1, max_length=128)
    industry_code: str | None = Field(default=None, min_length=1, max_length=16)
    positions: int | None = Field(default=None, ge=0, le=10_000)
    wage_yuan_month: int | None = Field(default=None, ge=1, le=200_000)
    required_skill_codes: list[str] | None = Field(default=None, max_length=20)
    required_certificate_codes: list[str] | None = Field(default=None, max_length=20)
    min_age: int | None = Field(default=None, ge=16, le=60)
    max_age: int | None = Field(default=None, ge=16, le=60)
    housing: bool | None = None
    meals: bool | None = None
    earmarked_prefecture_codes: list[str] | None = Field(default=None, max_length=20)
    period: str | None = Field(default=None, pattern=PERIOD_PATTERN)
    status: Status | None = None
    description_zh: str | None = Field(default=None, max_length=4000)


class PostingOut(BaseModel):
    posting_id: str
    partner_city_code: str
    partner_city_label: str
    city_reference: str | None
    employer_id: str
    employer_name_zh: str
    title_zh: str
    industry_code: str
    industry_label: str
    positions: int
    wage_yuan_month: int
    required_skill_codes: list[str]
    required_certificate_codes: list[str]
    min_age: int
    max_age: int
    housing: bool
    meals: bool
    earmarked_prefecture_codes: list[str]
    period: str
    status: str
    status_label: str
    description_zh: str


class PostingFilters(BaseModel):
    """List filters; every one given must hold."""

    partner_city_code: str | None = None
    status: Status | None = None
    period: str | None = None
    industry_code: str | None = None
    city_reference: str | None = None
    min_wage: int | None = Field(
        default=None, ge=0, le=10_000_000, description="wage_yuan_month at least"
    )
    housing: bool | None = None
    meals: bool | None = None
    skill_code: str | None = Field(default=None, description="postings requiring this skill")
    earmarked_prefecture_code: str | None = None


class UploadedRow(BaseModel):
    row: int = Field(description="the file's line (the header is line 1)")
    city_reference: str
    posting_id: str
    action: UploadAction


class UploadResult(BaseModel):
    partner_city_code: str
    rows: int
    created: int
    updated: int
    unchanged: int
    postings: list[UploadedRow]
