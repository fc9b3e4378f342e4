"""What happened: placements (with their 6-month outcome) and expert visits (rated)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.database.base import Base


class Placement(Base):
    __tablename__ = "placements"

    placement_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.worker_id"), index=True)
    posting_id: Mapped[str] = mapped_column(ForeignKey("postings.posting_id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    with_group: Mapped[bool] = mapped_column(Boolean)
    # Unknown until six months have passed.
    retained_6m: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class Visit(Base):
    __tablename__ = "visits"

    visit_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    expert_id: Mapped[str] = mapped_column(ForeignKey("experts.expert_id"), index=True)
    need_id: Mapped[str] = mapped_column(ForeignKey("needs.need_id"), index=True)
    village_id: Mapped[str] = mapped_column(ForeignKey("villages.village_id"), index=True)
    visit_date: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    rating: Mapped[int] = mapped_column(Integer)
