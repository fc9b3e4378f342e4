"""What the experts endpoints read and answer."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.vocabulary import PERIOD_PATTERN

Tier = Literal["province", "prefecture", "county"]
ExpertRole = Literal["science_deputy", "science_envoy", "farming_adviser", "expert_group_member"]
Period = Annotated[str, Field(pattern=PERIOD_PATTERN)]


class ExpertCreate(BaseModel):
    name_zh: str = Field(min_length=1, max_length=64)
    tier: Tier
    role: ExpertRole
    home_county_code: str = Field(min_length=1, max_length=32)
    lat: float | None = Field(default=None, ge=-90, le=90, description="default: the county seat")
    lon: float | None = Field(default=None, ge=-180, le=180)
    industry_codes: list[str] = Field(min_length=1, max_length=10)
    specialty_codes: list[str] = Field(min_length=1, max_length=5, description="1 to 5 skills")
    language_codes: list[str] = Field(default_factory=lambda: ["zh"], min_length=1, max_length=10)
    service_days_per_quarter: int = Field(ge=0, le=92)
    max_travel_km: int = Field(ge=0, le=3000)
    team_id: str = Field(default="", max_length=16)
    available_periods: list[Period] = Field(default_factory=list, max_length=12)
    profile_zh: str = Field(default="", max_length=4000)


class ExpertUpdate(BaseModel):
    """Only the fields sent change. An expert may send only service days, travel radius,
    languages, available periods and profile text for their own profile."""

    name_zh: str | None = Field(default=None, min_length=1, max_length=64)
    tier: Tier | None = None
    role: ExpertRole | None = None
    home_county_code: str | None = Field(default=None, min_length=1, max_length=32)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    industry_codes: list[str] | None = Field(default=None, min_length=1, max_length=10)
    specialty_codes: list[str] | None = Field(default=None, min_length=1, max_length=5)
    language_codes: list[str] | None = Field(default=None, min_length=1, max_length=10)
    service_days_per_quarter: int | None = Field(default=None, ge=0, le=92)
    max_travel_km: int | None = Field(default=None, ge=0, le=3000)
    team_id: str | None = Field(default=None, max_length=16)
    available_periods: list[Period] | None = Field(default=None, max_length=12)
    profile_zh: str | None = Field(default=None, max_length=4000)
    active: bool | None = None


class ExpertOut(BaseModel):
    expert_id: str
    name_zh: str
    tier: str
    tier_label: str
    role: str
    role_label: str
    home_county_code: str
    lat: float
    lon: float
    industry_codes: list[str]
    specialty_codes: list[str]
    language_codes: list[str]
    service_days_per_quarter: int
    max_travel_km: int
    team_id: str
    available_periods: list[str]
    profile_zh: str
    active: bool
    active_label: str


class ExpertFilters(BaseModel):
    """List filters; every one given must hold."""

    home_county_code: str | None = None
    tier: Tier | None = None
    role: ExpertRole | None = None
    industry_code: str | None = None
    specialty_code: str | None = None
    language_code: str | None = None
    available_period: str | None = Field(default=None, description="available in this quarter")
    team_id: str | None = None
    active: bool | None = None
