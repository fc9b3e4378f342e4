"""What a matcher hands back, whichever market it matched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pandas as pd

RunT = TypeVar("RunT")


@dataclass(frozen=True)
class MatchOutput(Generic[RunT]):
    """Assignments, reasons for everything left unmatched, explanations and a summary.

    `run` keeps the matcher's inputs and intermediate results for further reports.
    """

    assignments: pd.DataFrame
    unassigned: pd.DataFrame
    explanations: list[dict[str, Any]]
    summary: dict[str, Any]
    run: RunT
