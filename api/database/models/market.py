"""What is asked for: village needs (需求) and partner-city job postings (岗位)."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.database.base import Base


class Need(Base):
    __tablename__ = "needs"

    need_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    village_id: Mapped[str] = mapped_column(ForeignKey("villages.village_id"), index=True)
    period: Mapped[str] = mapped_column(String(8), index=True)
    # open: to be matched; closed: history, or closed by the coordinator.
    status: Mapped[str] = mapped_column(String(8), index=True)
    industry_code: Mapped[str] = mapped_column(String(16))
    skill_codes: Mapped[str] = mapped_column(String(128))
    language_code: Mapped[str] = mapped_column(String(16), default="")
    days_needed: Mapped[int] = mapped_column(Integer)
    experts_wanted: Mapped[int] = mapped_column(Integer)
    urgency: Mapped[int] = mapped_column(Integer)
    description_zh: Mapped[str] = mapped_column(Text)


class Posting(Base):
    __tablename__ = "postings"
    # A city's own reference makes a re-uploaded file change nothing.
    __table_args__ = (UniqueConstraint("partner_city_code", "city_reference"),)

    posting_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_city_code: Mapped[str] = mapped_column(
        ForeignKey("partner_cities.city_code"), index=True
    )
    city_reference: Mapped[str | None] = mapped_column(String(64), nullable=True)
    employer_id: Mapped[str] = mapped_column(String(16))
    employer_name_zh: Mapped[str] = mapped_column(String(128))
    title_zh: Mapped[str] = mapped_column(String(128))
    industry_code: Mapped[str] = mapped_column(String(16))
    positions: Mapped[int] = mapped_column(Integer)
    wage_yuan_month: Mapped[int] = mapped_column(Integer)
    required_skill_codes: Mapped[str] = mapped_column(String(256))
    required_certificate_codes: Mapped[str] = mapped_column(String(256))
    min_age: Mapped[int] = mapped_column(Integer)
    max_age: Mapped[int] = mapped_column(Integer)
    housing: Mapped[bool] = mapped_column(Boolean)
    meals: Mapped[bool] = mapped_column(Boolean)
    earmarked_prefecture_codes: Mapped[str] = mapped_column(String(256))
    period: Mapped[str] = mapped_column(String(8), index=True)
    status: Mapped[str] = mapped_column(String(8), index=True)
    description_zh: Mapped[str] = mapped_column(Text)
