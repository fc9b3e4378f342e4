"""What the needs endpoints read and answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.vocabulary import PERIOD_PATTERN


class NeedCreate(BaseModel):
    village_id: str = Field(min_length=1, max_length=16)
    period: str = Field(pattern=PERIOD_PATTERN, description="a quarter, e.g. 2026Q1")
    industry_code: str = Field(min_length=1, max_length=16)
    skill_codes: list[str] = Field(min_length=1, max_length=3, description="1 to 3 skills")
    language_code: str = Field(default="", max_length=16, description="empty: any language")
    days_needed: int = Field(ge=1, le=92)
    experts_wanted: int = Field(default=1, ge=1, le=10)
    urgency: int = Field(ge=1, le=3, description="1 低, 2 中, 3 高")
    description_zh: str = Field(min_length=1, max_length=2000)


class NeedUpdate(BaseModel):
    """Only the fields sent change; closing is `DELETE` (or `status: closed`)."""

    village_id: str | None = Field(default=None, min_length=1, max_length=16)
    period: str | None = Field(default=None, pattern=PERIOD_PATTERN)
    status: Literal["open", "closed"] | None = None
    industry_code: str | None = Field(default=None, min_length=1, max_length=16)
    skill_codes: list[str] | None = Field(default=None, min_length=1, max_length=3)
    language_code: str | None = Field(default=None, max_length=16)
    days_needed: int | None = Field(default=None, ge=1, le=92)
    experts_wanted: int | None = Field(default=None, ge=1, le=10)
    urgency: int | None = Field(default=None, ge=1, le=3)
    description_zh: str | None = Field(default=None, min_length=1, max_length=2000)


class NeedOut(BaseModel):
    need_id: str
    village_id: str
    village_name_zh: str
    county_code: str
    deep_poverty_village: bool
    period: str
    status: str
    status_label: str
    industry_code: str
    industry_label: str
    skill_codes: list[str]
    language_code: str
    days_needed: int
    experts_wanted: int
    urgency: int
    urgency_label: str
    description_zh: str


class NeedFilters(BaseModel):
    """List filters; every one given must hold."""

    county_code: str | None = None
    township_id: str | None = None
    village_id: str | None = None
    status: Literal["open", "closed"] | None = None
    period: str | None = None
    industry_code: str | None = None
    skill_code: str | None = Field(default=None, description="needs asking for this skill")
    urgency: int | None = Field(default=None, ge=1, le=3)
    deep_poverty: bool | None = Field(default=None, description="in a deep-poverty village")
    q: str | None = Field(
        default=None,
        max_length=100,
        description="text in the need's id, its description or its village's name",
    )
