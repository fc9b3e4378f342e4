"""Accounts. A user has one role and, for every role but the province office, one scope."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.database.base import Base, UtcDateTime, utc_now


class Role(StrEnum):
    PROVINCE = "province"  # 省级帮扶办: everything
    COUNTY = "county"  # 县级协调员: their county
    EXPERT = "expert"  # 专家: own profile and assignments
    CITY = "city"  # 帮扶城市: own postings and their candidates


ROLE_LABELS = {
    Role.PROVINCE: "省级帮扶办",
    Role.COUNTY: "县级协调员",
    Role.EXPERT: "专家",
    Role.CITY: "帮扶城市",
}


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(role = 'province')"
            " OR (role = 'county' AND county_code IS NOT NULL)"
            " OR (role = 'expert' AND expert_id IS NOT NULL)"
            " OR (role = 'city' AND city_code IS NOT NULL)",
            name="scope_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    display_name_zh: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    county_code: Mapped[str | None] = mapped_column(
        ForeignKey("counties.county_code"), nullable=True, index=True
    )
    expert_id: Mapped[str | None] = mapped_column(
        ForeignKey("experts.expert_id"), nullable=True, index=True
    )
    city_code: Mapped[str | None] = mapped_column(
        ForeignKey("partner_cities.city_code"), nullable=True, index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
