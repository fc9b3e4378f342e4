"""The people matched: experts (专家) and workers (劳动力, 一人一档) with their groups."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.database.base import Base


class Expert(Base):
    __tablename__ = "experts"

    expert_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    tier: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16))
    home_county_code: Mapped[str] = mapped_column(ForeignKey("counties.county_code"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    industry_codes: Mapped[str] = mapped_column(String(256))
    specialty_codes: Mapped[str] = mapped_column(String(256))
    language_codes: Mapped[str] = mapped_column(String(128))
    service_days_per_quarter: Mapped[int] = mapped_column(Integer)
    max_travel_km: Mapped[int] = mapped_column(Integer)
    team_id: Mapped[str] = mapped_column(String(16), default="")
    available_periods: Mapped[str] = mapped_column(String(128))
    profile_zh: Mapped[str] = mapped_column(Text)
    # Closing an expert keeps their history; closed experts are not matched.
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class WorkerGroup(Base):
    """Fellow villagers who want to go to a job together (老乡抱团)."""

    __tablename__ = "worker_groups"

    group_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    village_id: Mapped[str] = mapped_column(ForeignKey("villages.village_id"), index=True)


class Worker(Base):
    __tablename__ = "workers"

    worker_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    village_id: Mapped[str] = mapped_column(ForeignKey("villages.village_id"), index=True)
    # 建档立卡 (2014–2020), kept for history; household_status is the 2026 label.
    registered_poor: Mapped[bool] = mapped_column(Boolean)
    household_status: Mapped[str] = mapped_column(String(8), default="一般")
    age: Mapped[int] = mapped_column(Integer)
    gender: Mapped[str] = mapped_column(String(4))
    education: Mapped[str] = mapped_column(String(8))
    skill_codes: Mapped[str] = mapped_column(String(256))
    certificate_codes: Mapped[str] = mapped_column(String(256))
    intended_industry_codes: Mapped[str] = mapped_column(String(256))
    intended_city_codes: Mapped[str] = mapped_column(String(256))
    willing_far: Mapped[bool] = mapped_column(Boolean)
    expected_wage_yuan: Mapped[int] = mapped_column(Integer)
    group_id: Mapped[str | None] = mapped_column(
        ForeignKey("worker_groups.group_id"), index=True, nullable=True
    )
    self_description_zh: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
