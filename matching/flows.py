"""From a generated data directory to matcher inputs, and from results to files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from matching.dataset import Dataset
from matching.errors import InvalidInputError
from matching.experts import Decisions, ExpertTables
from matching.labour import Workforce
from matching.outputs import MatchOutput
from matching.reference import Reference

DECISION_KINDS = ("lock", "forbid", "decline")


def expert_tables(dataset: Dataset, reference: Reference) -> ExpertTables:
    """Open needs, all experts, villages and the deep-poverty counties."""
    counties = reference.counties
    deep = frozenset(counties.loc[counties["deep_poverty"] == 1, "county_code"].astype(str))
    needs = dataset.needs.loc[dataset.needs["status"] == "open"]
    return ExpertTables(dataset.experts, needs, dataset.villages, deep)


def _planning_year(dataset: Dataset) -> int:
    periods = dataset.manifest.get("planning_periods") or sorted(set(dataset.postings["period"]))
    found = re.match(r"(\d{4})", str(periods[0])) if len(periods) else None
    return int(found.group(1)) if found else 9999


def workforces(dataset: Dataset, reference: Reference) -> tuple[Workforce, Workforce]:
    """The market to match (open postings) and the history (closed postings)."""
    pairings = reference.active_pairings(_planning_year(dataset))
    status = dataset.postings["status"]

    def force(postings: pd.DataFrame) -> Workforce:
        return Workforce(
            dataset.workers, postings, dataset.villages, reference.partner_cities, pairings
        )

    return force(dataset.postings.loc[status == "open"]), force(
        dataset.postings.loc[status == "closed"]
    )


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
    return Decisions(
        previous=published,
        locked=frozenset(kinds["lock"]),
        forbidden=frozenset(kinds["forbid"]),
        declined=frozenset(kinds["decline"]),
    )


def write_outputs(out: Path, match: MatchOutput[Any], *, timings: bool = False) -> None:
    """assignments.csv, unassigned.csv, explanations.jsonl and summary.json, all UTF-8.

    Without `timings` the summary leaves out the phase timings, so the same input gives
    the same files byte for byte.
    """
    out.mkdir(parents=True, exist_ok=True)
    match.assignments.to_csv(out / "assignments.csv", index=False, encoding="utf-8")
    match.unassigned.to_csv(out / "unassigned.csv", index=False, encoding="utf-8")
    with (out / "explanations.jsonl").open("wb") as handle:
        for explanation in match.explanations:
            handle.write(orjson.dumps(explanation, option=orjson.OPT_SERIALIZE_NUMPY) + b"\n")
    summary = (
        match.summary
        if timings
        else {key: value for key, value in match.summary.items() if key != "timings_s"}
    )
    text = json.dumps(summary, ensure_ascii=False, indent=2, default=_plain)
    (out / "summary.json").write_text(text + "\n", encoding="utf-8")


def _plain(value: object) -> object:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
