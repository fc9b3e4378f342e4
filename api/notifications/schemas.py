"""Shapes of the notifications domain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# The kinds of inbox entry, with the label a person reads.
KIND_LABELS = {
    "published": "方案已发布",
    "declined": "专家谢绝",
    "rematch": "重新匹配",
    "hire": "确认录用",
    "rejected": "未录用",
}


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    kind_label: str
    title_zh: str
    body_zh: str
    payload: dict[str, Any]
    created_at: datetime
    read_at: datetime | None
    read: bool


class ReadAllOut(BaseModel):
    marked: int = Field(description="how many unread entries were marked read")
