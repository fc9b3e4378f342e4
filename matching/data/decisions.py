"""Coordinators' and experts' decisions on (expert, need) pairs, and the files that hold them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from matching.errors import InvalidInputError

DECISION_KINDS = ("lock", "forbid", "decline")


@dataclass(frozen=True)
class Decisions:
    """Coordinators' and experts' decisions on (expert_id, need_id) pairs.

    `previous` is the published assignment; `locked` pairs must stay; `forbidden` and
    `declined` pairs must not appear (a decline is a forbid that came from the expert).
    """

    previous: frozenset[tuple[str, str]] = frozenset()
    locked: frozenset[tuple[str, str]] = frozenset()
    forbidden: frozenset[tuple[str, str]] = frozenset()
    declined: frozenset[tuple[str, str]] = frozenset()
    lock_lines: Mapping[tuple[str, str], int] = field(default_factory=dict)  # file line of a lock

    @property
    def excluded(self) -> frozenset[tuple[str, str]]:
        return self.forbidden | self.declined

    def __post_init__(self) -> None:
        clash = self.locked & self.excluded
        if clash:
            pair = sorted(clash)[0]
            raise InvalidInputError(f"pair {pair} is both locked and forbidden.", item=str(pair))


def read_pairs(path: Path, first: str = "expert_id", second: str = "need_id") -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in (first, second):
        if column not in frame.columns:
            raise InvalidInputError(f"{path.name} has no column {column!r}.", item=column)
    return frame


def read_decisions(previous: Path | None, decisions: Path | None) -> Decisions:
    """`previous`: a published assignments CSV; `decisions`: expert_id, need_id, decision."""
    published: frozenset[tuple[str, str]] = frozenset()
    if previous is not None:
        frame = read_pairs(previous)
        published = frozenset(zip(frame["expert_id"], frame["need_id"], strict=True))
    kinds: dict[str, set[tuple[str, str]]] = {kind: set() for kind in DECISION_KINDS}
    lock_lines: dict[tuple[str, str], int] = {}
    if decisions is not None:
        frame = read_pairs(decisions)
        if "decision" not in frame.columns:
            raise InvalidInputError(f"{decisions.name} has no column 'decision'.", item="decision")
        for row, (e, n, kind) in enumerate(
            zip(frame["expert_id"], frame["need_id"], frame["decision"], strict=True)
        ):
            if kind not in kinds:
                raise InvalidInputError(
                    f"{decisions.name} line {row + 2}: decision must be one of "
                    f"{', '.join(DECISION_KINDS)}, got {kind!r}.",
                    item=f"decision[{row}]",
                )
            kinds[kind].add((e, n))
            if kind == "lock":
                lock_lines.setdefault((e, n), row + 2)
    return Decisions(
        previous=published,
        locked=frozenset(kinds["lock"]),
        forbidden=frozenset(kinds["forbid"]),
        declined=frozenset(kinds["decline"]),
        lock_lines=lock_lines,
    )
