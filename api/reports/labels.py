"""Chinese labels for the stable keys the reports show (markets, scopes, run states)."""

from __future__ import annotations

from collections.abc import Mapping

from api.match_runs.labels import MARKET_LABELS, RUN_STATE_LABELS

__all__ = ["GROUPING_LABELS", "MARKET_LABELS", "RUN_STATE_LABELS", "SCOPE_LABELS", "label"]

SCOPE_LABELS: Mapping[str, str] = {"county": "县", "prefecture": "市州", "province": "全省"}
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
