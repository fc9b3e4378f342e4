"""What the workers endpoints read and answer (一人一档: one record per worker)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Gender = Literal["male", "female"]
Education = Literal["primary", "junior_secondary", "senior_secondary", "vocational", "college"]
HouseholdStatus = Literal["lifted_out", "monitored", "general"]
GROUP_PATTERN = r"^[A-Za-z0-9_-]{1,16}$"
STATUS_HELP = (
    "2026 household status: lifted_out 脱贫户 (registered poor, now out of poverty), "
    "monitored 监测对象 (防止返贫 monitoring), general 一般; default: lifted_out for a "
    "registered-poor household, else general"
)


class WorkerCreate(BaseModel):
    village_id: str = Field(min_length=1, max_length=16)
    registered_poor: bool = Field(description="a registered poor household (建档立卡, 2014–2020)")
    household_status: HouseholdStatus | None = Field(default=None, description=STATUS_HELP)
    age: int = Field(ge=16, le=60)
    gender: Gender
    education: Education
    skill_codes: list[str] = Field(default_factory=list, max_length=20)
    certificate_codes: list[str] = Field(default_factory=list, max_length=20)
    intended_industry_codes: list[str] = Field(default_factory=list, max_length=10)
    intended_city_codes: list[str] = Field(default_factory=list, max_length=10)
    willing_far: bool = False
    expected_wage_yuan: int = Field(ge=0, le=100_000)
    group_id: str | None = Field(
        default=None,
        pattern=GROUP_PATTERN,
        description="fellow villagers going together (老乡抱团); a new id starts a group",
    )
    self_description_zh: str = Field(default="", max_length=2000)


class WorkerUpdate(BaseModel):
    """Only the fields sent change; `DELETE` closes the record (active false)."""

    village_id: str | None = Field(default=None, min_length=1, max_length=16)
    registered_poor: bool | None = None
    household_status: HouseholdStatus | None = None
    age: int | None = Field(default=None, ge=16, le=60)
    gender: Gender | None = None
    education: Education | None = None
    skill_codes: list[str] | None = Field(default=None, max_length=20)
    certificate_codes: list[str] | None = Field(default=None, max_length=20)
    intended_industry_codes: list[str] | None = Field(default=None, max_length=10)
    intended_city_codes: list[str] | None = Field(default=None, max_length=10)
    willing_far: bool | None = None
    expected_wage_yuan: int | None = Field(default=None, ge=0, le=100_000)
    group_id: str | None = Field(default=None, pattern=GROUP_PATTERN)
    leave_group: bool = Field(default=False, description="true: no longer in a group")
    self_description_zh: str | None = Field(default=None, max_length=2000)
    active: bool | None = None


class WorkerOut(BaseModel):
    worker_id: str
    village_id: str
    village_name_zh: str
    county_code: str
    deep_poverty_village: bool
    registered_poor: bool
    household_status: str
    household_status_label: str
    age: int
    gender: str
    gender_label: str
    education: str
    education_label: str
    skill_codes: list[str]
    certificate_codes: list[str]
    intended_industry_codes: list[str]
    intended_city_codes: list[str]
    willing_far: bool
    expected_wage_yuan: int
    group_id: str | None
    self_description_zh: str
    active: bool
    active_label: str


class WorkerFilters(BaseModel):
    """List filters; every one given must hold."""

    county_code: str | None = None
    township_id: str | None = None
    village_id: str | None = None
    active: bool | None = None
    registered_poor: bool | None = None
    household_status: HouseholdStatus | None = None
    deep_poverty: bool | None = Field(default=None, description="from a deep-poverty village")
    gender: Gender | None = None
    education: Education | None = None
    min_age: int | None = Field(default=None, ge=0, le=150)
    max_age: int | None = Field(default=None, ge=0, le=150)
    skill_code: str | None = None
    certificate_code: str | None = None
    intended_industry_code: str | None = None
    intended_city_code: str | None = None
    group_id: str | None = None
    willing_far: bool | None = None
    hired: bool | None = Field(
        default=None,
        description="true: hired (a confirmed hire, or placed in an open posting); "
        "false: not yet hired",
    )
    q: str | None = Field(
        default=None,
        max_length=100,
        description="text in the worker's id, self-description or village's name",
    )
