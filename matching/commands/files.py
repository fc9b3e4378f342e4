"""Writing a match's files into a directory, all UTF-8.

assignments.csv and unassigned.csv are the readable tables (names beside ids); with
`labels="zh"` their header row holds the Chinese labels instead of the English keys.
explanations.jsonl holds one explanation per line, summary.json the solves and figures,
config.toml exactly the configuration the run was given, and with `xlsx` the workbook
assignments.xlsx holds both tables and a sheet of column labels.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from matching.commands.readable import ReadableTables, labelled
from matching.commands.workbook import write_workbook
from matching.runs import MatchResult, config_toml

OUTPUT_FILES = (
    "assignments.csv",
    "unassigned.csv",
    "explanations.jsonl",
    "summary.json",
    "config.toml",
    "assignments.xlsx",
)


def write_outputs(
    out: Path,
    result: MatchResult[Any, Any],
    tables: ReadableTables,
    *,
    labels: str = "en",
    xlsx: bool = False,
    timings: bool = False,
) -> None:
    """Every file of a match into `out` (an existing, empty directory).

    Without `timings` the summary leaves out the phase timings, so the same input gives
    the same files byte for byte.
    """
    _write_csv(tables.assignments, out / "assignments.csv", labels)
    _write_csv(tables.unassigned, out / "unassigned.csv", labels)
    with (out / "explanations.jsonl").open("wb") as handle:
        for explanation in result.explanations:
            handle.write(orjson.dumps(explanation.as_dict()) + b"\n")
    text = json.dumps(result.report(timings=timings), ensure_ascii=False, indent=2)
    (out / "summary.json").write_text(text + "\n", encoding="utf-8")
    (out / "config.toml").write_text(config_toml(result.config), encoding="utf-8")
    if xlsx:
        write_workbook(out / "assignments.xlsx", tables, labels)


def _write_csv(frame: pd.DataFrame, path: Path, labels: str) -> None:
    shown = labelled(frame) if labels == "zh" else frame
    shown.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
