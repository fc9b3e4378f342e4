"""Match runs, the assignments they propose, and coordinators' decisions.

A run is a queued job: the API inserts it, a worker claims it under a lease, runs the
matcher through `matching.runs`, and stores its assignments as `proposed`. Publishing
turns them `published` and the previous plan `superseded`, in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.database.base import Base, UtcDateTime, utc_now


class RunState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class AssignmentState(StrEnum):
    PROPOSED = "proposed"  # in a run, not yet published
    PUBLISHED = "published"  # the plan in force
    ACCEPTED = "accepted"  # the expert accepted / the city confirmed the hire
    DECLINED = "declined"  # the expert declined / the city rejected the candidate
    LOCKED = "locked"  # kept by the coordinator through every re-match
    SUPERSEDED = "superseded"  # replaced by a later published plan


class MatchRun(Base):
    __tablename__ = "match_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    market: Mapped[str] = mapped_column(String(8))  # experts | labour
    scope_kind: Mapped[str] = mapped_column(String(12))  # county | prefecture | province
    scope_code: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # A re-match after a decline: the run it repairs and the need it re-matches.
    based_on_run_id: Mapped[int | None] = mapped_column(ForeignKey("match_runs.id"), nullable=True)
    rematch_need_id: Mapped[str | None] = mapped_column(ForeignKey("needs.need_id"), nullable=True)
    state: Mapped[str] = mapped_column(String(12), default=RunState.QUEUED, index=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # The lease: who runs it and until when it is theirs without renewal.
    lease_owner: Mapped[str | None] = mapped_column(String(128), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(
        UtcDateTime, nullable=True, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str | None] = mapped_column(String(12), nullable=True)  # engine status
    objective: Mapped[float | None] = mapped_column(Float, nullable=True)
    bound: Mapped[float | None] = mapped_column(Float, nullable=True)
    gap: Mapped[float | None] = mapped_column(Float, nullable=True)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class Assignment(Base):
    """One proposed pair: expert → need, or worker → posting."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id"), index=True)
    market: Mapped[str] = mapped_column(String(8))
    expert_id: Mapped[str | None] = mapped_column(
        ForeignKey("experts.expert_id"), nullable=True, index=True
    )
    need_id: Mapped[str | None] = mapped_column(
        ForeignKey("needs.need_id"), nullable=True, index=True
    )
    worker_id: Mapped[str | None] = mapped_column(
        ForeignKey("workers.worker_id"), nullable=True, index=True
    )
    posting_id: Mapped[str | None] = mapped_column(
        ForeignKey("postings.posting_id"), nullable=True, index=True
    )
    # The county of the village served / the worker's home, for scoped reading.
    county_code: Mapped[str] = mapped_column(ForeignKey("counties.county_code"), index=True)
    state: Mapped[str] = mapped_column(String(12), default=AssignmentState.PROPOSED, index=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Decision(Base):
    """A coordinator's lock or forbid, or an expert's decline, on an (expert, need) pair."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("expert_id", "need_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    expert_id: Mapped[str] = mapped_column(ForeignKey("experts.expert_id"), index=True)
    need_id: Mapped[str] = mapped_column(ForeignKey("needs.need_id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # lock | forbid | decline
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
