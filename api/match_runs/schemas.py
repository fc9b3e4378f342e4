"""Request and response shapes of match runs, their assignments and decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Market = Literal["experts", "labour"]
ScopeKind = Literal["county", "prefecture", "province"]
SolverName = Literal["auto", "flow", "cpsat", "decompose", "greedy"]


class RunOptions(BaseModel):
    """Engine settings; what is left out takes the matcher's default."""

    model_config = ConfigDict(extra="forbid")

    solver: SolverName | None = None
    time_limit: float | None = Field(default=None, gt=0, le=3600, description="seconds")
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    work_limit: float | None = Field(default=None, gt=0, description="counted work units")


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    market: Market
    scope_kind: ScopeKind
    scope_code: str | None = Field(
        default=None, description="county or prefecture code; none for the province"
    )
    options: RunOptions = Field(default_factory=RunOptions)


class RunAccepted(BaseModel):
    id: int
    state: str
    state_label: str


class RunProgress(BaseModel):
    phase: str | None = None
    phase_label: str | None = None
    fraction: float = 0.0
    elapsed_s: float | None = None
    objective: float | None = None
    bound: float | None = None
    updated_at: str | None = None


class RunError(BaseModel):
    code: str
    message: str
    item: str | None = None


class RunOut(BaseModel):
    id: int
    market: str
    market_label: str
    scope_kind: str
    scope_kind_label: str
    scope_code: str | None
    options: dict[str, Any]
    based_on_run_id: int | None
    rematch_need_id: str | None
    state: str
    state_label: str
    cancel_requested: bool
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress: RunProgress
    status: str | None = Field(description="engine status: optimal, feasible or infeasible")
    status_label: str | None
    objective: float | None
    bound: float | None
    gap: float | None
    summary: dict[str, Any] | None = Field(description="the run's figures (both markets' keys)")
    solves: list[dict[str, Any]] = Field(description="one record per engine solve")
    warnings: list[str]
    infeasible_reasons: list[str]
    error: RunError | None
    published_at: datetime | None


class AssignmentOut(BaseModel):
    id: int
    run_id: int
    market: str
    expert_id: str | None
    need_id: str | None
    worker_id: str | None
    posting_id: str | None
    county_code: str
    state: str
    state_label: str
    score: float | None
    days: int | None
    explanation: dict[str, Any] | None = Field(
        description="terms with a stable key, a Chinese label and the value"
    )
    reason: str | None
    published_at: datetime | None


class UncoveredNeedOut(BaseModel):
    need_id: str
    village_id: str
    village_name_zh: str
    county_code: str
    deep_poverty: bool
    urgency: int
    explanation: dict[str, Any] = Field(
        description="why no expert was proposed: reasons with a stable key and a Chinese label"
    )


class UncoveredOut(BaseModel):
    run_id: int
    recorded: bool = Field(
        description="false for labour runs and for runs stored before reasons were kept"
    )
    items: list[UncoveredNeedOut]


class PublishOut(BaseModel):
    run_id: int
    published: int
    superseded: int
    kept: int = Field(description="locked or already answered pairs of the old plan, kept")
    notified: int


class DecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expert_id: str = Field(min_length=1, max_length=16)
    need_id: str = Field(min_length=1, max_length=16)
    kind: Literal["lock", "forbid"]
    reason: str | None = Field(default=None, max_length=500)


class DecisionOut(BaseModel):
    id: int
    expert_id: str
    need_id: str
    kind: str
    kind_label: str
    reason: str | None
    created_at: datetime
