"""Writing a match's files: assignments, reasons, explanations and summary, all UTF-8."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson

from matching.outputs import MatchOutput


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
