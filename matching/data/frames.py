"""`Dataset`: the tables of one generated data directory, as pandas DataFrames."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from matching.data.specs import TABLE_SPECS


@dataclass(frozen=True)
class Dataset:
    """One DataFrame per generated table, plus the manifest (scale, seed, periods)."""

    townships: pd.DataFrame
    villages: pd.DataFrame
    experts: pd.DataFrame
    needs: pd.DataFrame
    workers: pd.DataFrame
    postings: pd.DataFrame
    placements: pd.DataFrame
    visits: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Table name -> frame, in file order."""
        return {name: getattr(self, name) for name in TABLE_SPECS}

    def row_counts(self) -> dict[str, int]:
        """Table name -> number of rows."""
        return {name: len(frame) for name, frame in self.tables().items()}
