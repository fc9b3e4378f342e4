"""Shapes of the assignments domain: the coordinator's, the expert's and the city's views.

Every state is shown twice: the stable key for programs and the Chinese label for people.
The city's candidate view is deliberately narrow — what hiring needs and nothing more.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints


def _as_utc(moment: datetime) -> datetime:
    # SQLite hands back the stored UTC instants without their zone; say it, so both
    # databases answer the same text.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]

# The states an expert or a city ever sees (never a proposal that was not published).
ShownState = Literal["published", "accepted", "declined", "locked"]
AnyState = Literal["proposed", "published", "accepted", "declined", "locked", "superseded"]
Market = Literal["experts", "labour"]

# No NUL: PostgreSQL text cannot hold it.
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=1000, pattern=r"^[^\x00]+$"),
]


class CodeLabel(BaseModel):
    code: str
    label: str


class AssignmentOut(BaseModel):
    """A coordinator's (or the province's) full view of one assignment."""

    id: int
    run_id: int
    market: Market
    market_label: str
    expert_id: str | None
    need_id: str | None
    worker_id: str | None
    posting_id: str | None
    county_code: str
    state: AnyState
    state_label: str
    score: float | None
    days: int | None
    explanation: dict[str, Any] | None
    reason: str | None
    decided_at: UtcDateTime | None
    published_at: UtcDateTime | None


class VillageBrief(BaseModel):
    village_id: str
    name_zh: str
    county_code: str
    county_name_zh: str
    deep_poverty: bool
    deep_poverty_label: str = Field(description="深度贫困村 or 非深度贫困村")


class NeedBrief(BaseModel):
    need_id: str
    period: str
    industry: CodeLabel
    skills: list[CodeLabel]
    days_needed: int
    urgency: int
    description_zh: str


class ExpertAssignmentOut(BaseModel):
    """One of the expert's own assignments: the need, the village, the days and why."""

    id: int
    run_id: int
    state: ShownState
    state_label: str
    days: int | None
    need: NeedBrief
    village: VillageBrief
    explanation: dict[str, Any] | None
    reason: str | None
    decided_at: UtcDateTime | None
    published_at: UtcDateTime | None


class DeclineIn(BaseModel):
    reason: Reason = Field(description="why the expert cannot take it (required)")


class DeclineOut(BaseModel):
    assignment: ExpertAssignmentOut
    rematch_run_id: int = Field(description="the queued re-match of this need")


class GroupBrief(BaseModel):
    """Fellow villagers going together (老乡抱团): the group's candidates at this posting."""

    group_id: str
    members: list[str]


class PlacementOut(BaseModel):
    placement_id: str
    start_date: date
    with_group: bool


class CandidateOut(BaseModel):
    """A candidate as a partner city sees them: what hiring needs, never more.

    Left out on purpose: gender, ethnicity, household poverty status (建档立卡) and the
    home village or county — none of them may decide a hire.
    """

    assignment_id: int
    posting_id: str
    posting_title_zh: str
    state: ShownState
    state_label: str
    worker_id: str
    display_name: str = Field(description="workers have no name on file: 候选人 + id")
    age: int
    education: str
    skills: list[CodeLabel]
    certificates: list[CodeLabel]
    group: GroupBrief | None
    placement: PlacementOut | None
    reason: str | None
    decided_at: UtcDateTime | None
    published_at: UtcDateTime | None


class ConfirmIn(BaseModel):
    start_date: date


class RejectIn(BaseModel):
    reason: Reason = Field(description="why the candidate is not hired (required)")
