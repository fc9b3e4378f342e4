"""Chinese labels beside the stable keys: assignment states and the reference codes."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from api.common import split_codes
from api.database.models import AssignmentState
from matching.data.reference import load_reference

STATE_LABELS: Mapping[str, str] = {
    AssignmentState.PROPOSED: "待发布",
    AssignmentState.PUBLISHED: "已发布",
    AssignmentState.ACCEPTED: "已接受",
    AssignmentState.DECLINED: "已谢绝",
    AssignmentState.LOCKED: "已锁定",
    AssignmentState.SUPERSEDED: "已替换",
}


MARKET_LABELS: Mapping[str, str] = {"experts": "专家服务", "labour": "劳务协作"}


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


@lru_cache(maxsize=1)
def _code_names() -> Mapping[str, str]:
    """Industry, skill and certificate codes → Chinese names (the codes never collide)."""
    ref = load_reference()
    names: dict[str, str] = {}
    for frame, key in (
        (ref.industries, "industry_code"),
        (ref.skills, "skill_code"),
        (ref.certificates, "certificate_code"),
    ):
        names.update(zip(frame[key], frame["name_zh"], strict=True))
    return names


def code_label(code: str) -> str:
    """The code's Chinese name; an unknown code is shown as itself rather than dropped."""
    return _code_names().get(code, code)


def labelled_codes(text: str | None) -> list[dict[str, str]]:
    """`TEA-02;TEA-07` → [{"code": "TEA-02", "label": "茶树病虫害防治"}, …]."""
    return [{"code": code, "label": code_label(code)} for code in split_codes(text)]
