"""Chinese labels for the stable keys the reports show (markets, scopes, run states)."""

from __future__ import annotations

from collections.abc import Mapping

MARKET_LABELS: Mapping[str, str] = {"experts": "专家服务", "labour": "劳务协作"}
SCOPE_LABELS: Mapping[str, str] = {"county": "县", "prefecture": "市州", "province": "全省"}
RUN_STATE_LABELS: Mapping[str, str] = {
    "queued": "排队中",
    "running": "运行中",
    "succeeded": "已完成",
    "failed": "失败",
    "cancelled": "已取消",
}
GROUPING_LABELS: Mapping[str, str] = {
    "county": "按县",
    "prefecture": "按市州",
    "city": "按帮扶城市",
}


def label(labels: Mapping[str, str], key: str | None) -> str | None:
    """The label of a key; an unknown key is shown as itself rather than hidden."""
    if key is None:
        return None
    return labels.get(key, key)
