"""Training the retention model on the placement history."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.errors import InvalidInputError
from matching.labour.features import pair_features
from matching.labour.tables import Workforce
from matching.scoring.outcome import CalibrationReport, RetentionModel, holdout_report


def history_frame(history: Workforce, placements: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Features and outcomes of past placements (postings of `history` are the closed ones)."""
    worker_pos = pd.Series(np.arange(history.n_workers), index=history.workers["worker_id"])
    posting_pos = pd.Series(np.arange(history.n_postings), index=history.postings["posting_id"])
    known = placements["worker_id"].isin(worker_pos.index) & placements["posting_id"].isin(
        posting_pos.index
    )
    if not known.any():
        raise InvalidInputError(
            "no placement refers to a known worker and posting.", item="placements"
        )
    rows = placements.loc[known]
    X = pair_features(
        history,
        worker_pos.loc[rows["worker_id"]].to_numpy(np.int64),
        posting_pos.loc[rows["posting_id"]].to_numpy(np.int64),
        with_group=rows["with_group"].to_numpy(np.int64),
    )
    return X, rows["retained_6m"].to_numpy(np.int64)


def train_retention(
    history: Workforce, placements: pd.DataFrame, *, random_state: int = 0
) -> tuple[RetentionModel, CalibrationReport]:
    """A model fitted on all history, and the report of a copy fitted on 75% of it."""
    X, y = history_frame(history, placements)
    model = RetentionModel(random_state=random_state)
    report = holdout_report(model, X, y, random_state=random_state)
    return model.fit(X, y), report
