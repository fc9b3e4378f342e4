"""Coordinators' and experts' decisions on (expert, need) pairs, and the files that hold them."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from matching.errors import InvalidInputError

DECISION_KINDS = ("lock", "forbid", "decline")
# A published plan may carry Chinese headers (written with `--labels zh`); both are read.
PAIR_COLUMN_LABELS = {"expert_id": "专家编号", "need_id": "需求编号"}
Pair = tuple[str, str]


@dataclass(frozen=True)
class Decisions:
    """Coordinators' and experts' decisions on (expert_id, need_id) pairs.

    `previous` is the published assignment; `locked` pairs must stay; `forbidden` and
    `declined` pairs must not appear (a decline is a forbid that came from the expert).
    `origin` says where each decided pair came from (`decisions.csv row 3`), so an error
    about a pair can name the row a coordinator has to fix.
    """

    previous: frozenset[Pair] = frozenset()
    locked: frozenset[Pair] = frozenset()
    forbidden: frozenset[Pair] = frozenset()
    declined: frozenset[Pair] = frozenset()
    origin: Mapping[Pair, str] = field(default_factory=dict, compare=False)

    @property
    def excluded(self) -> frozenset[Pair]:
        return self.forbidden | self.declined

    def where(self, pair: Pair) -> str:
        """Where the pair was decided: its file and row, or the pair itself."""
        return self.origin.get(pair, f"decision {pair}")

    def __post_init__(self) -> None:
        clash = self.locked & self.excluded
        if clash:
            pair = sorted(clash)[0]
            raise InvalidInputError(
                f"{self.where(pair)}: pair {pair} is both locked and forbidden.", item=str(pair)
            )

    def check_known(self, expert_ids: Collection[str], need_ids: Collection[str]) -> None:
        """Every decided pair names an expert and a need of the data set."""
        for pair in sorted(self.locked | self.excluded, key=self._order):
            expert, need = pair
            unknown = (
                f"unknown expert {expert!r}"
                if expert not in expert_ids
                else f"unknown need {need!r}"
                if need not in need_ids
                else None
            )
            if unknown:
                raise InvalidInputError(f"{self.where(pair)}: {unknown}.", item=self.where(pair))

    def _order(self, pair: Pair) -> tuple[int, str, Pair]:
        """File order where known, so the first bad row is the one reported."""
        where = self.origin.get(pair, "")
        row = where.rsplit(" ", 1)[-1]
        return (int(row) if row.isdigit() else 0, where, pair)

    def previous_matched(self, expert_ids: Collection[str], need_ids: Collection[str]) -> int:
        """How many published pairs name an expert and a need of the data set."""
        return sum(e in expert_ids and n in need_ids for e, n in self.previous)


def read_pairs(path: Path, first: str = "expert_id", second: str = "need_id") -> pd.DataFrame:
    try:
        # utf-8-sig: a file saved again by a spreadsheet often starts with a byte-order mark.
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InvalidInputError(
            f"{path.name}: not a UTF-8 CSV file ({error})", item=path.name
        ) from error
    frame = frame.rename(columns={v: k for k, v in PAIR_COLUMN_LABELS.items()})
    for column in (first, second):
        if column not in frame.columns:
            raise InvalidInputError(f"{path.name} has no column {column!r}.", item=column)
    return frame


def read_decisions(previous: Path | None, decisions: Path | None) -> Decisions:
    """`previous`: a published assignments CSV; `decisions`: expert_id, need_id, decision.

    Rows are numbered as a spreadsheet shows them: the header is row 1.
    """
    published: frozenset[Pair] = frozenset()
    if previous is not None:
        frame = read_pairs(previous)
        published = frozenset(zip(frame["expert_id"], frame["need_id"], strict=True))
    kinds: dict[str, set[Pair]] = {kind: set() for kind in DECISION_KINDS}
    origin: dict[Pair, str] = {}
    if decisions is not None:
        frame = read_pairs(decisions)
        if "decision" not in frame.columns:
            raise InvalidInputError(f"{decisions.name} has no column 'decision'.", item="decision")
        for index, (e, n, kind) in enumerate(
            zip(frame["expert_id"], frame["need_id"], frame["decision"], strict=True)
        ):
            where = f"{decisions.name} row {index + 2}"
            if kind not in kinds:
                raise InvalidInputError(
                    f"{where}: decision must be one of {', '.join(DECISION_KINDS)}, got {kind!r}.",
                    item=where,
                )
            kinds[kind].add((e, n))
            origin.setdefault((e, n), where)
    return Decisions(
        previous=published,
        locked=frozenset(kinds["lock"]),
        forbidden=frozenset(kinds["forbid"]),
        declined=frozenset(kinds["decline"]),
        origin=origin,
    )
