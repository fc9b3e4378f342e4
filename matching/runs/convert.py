"""From what the matchers return (JSON-ready dicts) to the typed results of a run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matching.runs.results import Explanation, ModeFigures, RetentionQuality, Term, TermValue

_EXPLANATION_FIELDS = ("kind", "reason", "terms")
# Values returned as they are. Checked by exact type first: most values of an explanation
# are plain, and an isinstance check against `Mapping` (an ABC) is slow at 10^6 terms.
_PLAIN_TYPES = frozenset({bool, int, float, str, type(None)})


def explanation(raw: Mapping[str, Any]) -> Explanation:
    """A matcher's explanation dict as an `Explanation`; its other keys are the ids."""
    reason = raw.get("reason")
    return Explanation(
        kind=str(raw["kind"]),
        ids={k: str(v) for k, v in raw.items() if k not in _EXPLANATION_FIELDS},
        terms=tuple(term(t) for t in raw.get("terms", ())),
        reason=term(reason) if reason is not None else None,
    )


def term(raw: Mapping[str, Any]) -> Term:
    value = raw["value"]
    if type(value) not in _PLAIN_TYPES:  # the common plain value without a call
        value = term_value(value)
    return Term(key=str(raw["key"]), label=str(raw["label"]), value=value)


def term_value(value: Any) -> TermValue:
    """Nested terms become `Term`s; numpy scalars become Python numbers."""
    if type(value) in _PLAIN_TYPES:  # not subclasses: numpy's float64 is one of float's
        return value  # type: ignore[no-any-return]
    if isinstance(value, Mapping):
        if set(value) == {"key", "label", "value"}:
            return term(value)
        return {str(k): term_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [term_value(v) for v in value]
    if hasattr(value, "item"):  # a numpy scalar
        return term_value(value.item())
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"an explanation term holds a {type(value).__name__}")


def mode_figures(raw: Mapping[str, Any]) -> ModeFigures:
    return ModeFigures(
        workers_placed=int(raw["workers_placed"]),
        registered_poor_placed=int(raw["registered_poor_placed"]),
        expected_retained=float(raw["expected_retained"]),
        mean_predicted_retention=_optional_float(raw.get("mean_predicted_retention")),
        blocking_pairs=int(raw["blocking_pairs"]),
        groups_split=int(raw["groups_split"]),
    )


def retention_quality(raw: Mapping[str, Any] | None) -> RetentionQuality | None:
    if not raw:
        return None
    return RetentionQuality(
        n=int(raw["n"]),
        base_rate=float(raw["base_rate"]),
        auc=float(raw["auc"]),
        brier=float(raw["brier"]),
        brier_constant=float(raw["brier_constant"]),
        ece=float(raw["ece"]),
    )


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)
