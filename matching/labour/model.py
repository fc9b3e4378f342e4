"""Training the retention model on the placement history.

Besides the pair's own features, a posting carries its employer's past retention (the
share of the employer's earlier placements still employed after six months, blended with
the overall rate). It is observable history: for a training row it is computed from the
other folds only (out of fold), so a placement's own outcome never leaks into its feature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.errors import InvalidInputError
from matching.labour.features import NEUTRAL_RATE, employer_rates, pair_features
from matching.labour.tables import Workforce
from matching.scoring.outcome import (
    CalibrationReport,
    LinearRetentionModel,
    check_two_outcomes,
    holdout_report,
)

FloatArray = npt.NDArray[np.float64]

_FOLDS = 5


@dataclass(frozen=True)
class EmployerHistory:
    """Past placements' employers and outcomes, to give open postings their employer's rate."""

    employer: pd.Series
    retained: npt.NDArray[np.int64]

    @property
    def prior(self) -> float:
        return float(self.retained.mean()) if self.retained.size else NEUTRAL_RATE

    def rates(self, force: Workforce) -> FloatArray:
        """Each posting of `force`: its employer's smoothed past retention."""
        employers = _employers(force.postings)
        return employer_rates(employers, self.employer, self.retained, self.prior)


@dataclass(frozen=True)
class RetentionFit:
    """A fitted model, its held-out report, and the history that gives employers' rates."""

    model: LinearRetentionModel
    report: CalibrationReport
    employers: EmployerHistory


def _employers(postings: pd.DataFrame) -> pd.Series:
    if "employer_id" in postings.columns:
        return postings["employer_id"].fillna("").astype(str)
    # No employer column: every posting is its own employer (no history to draw on).
    return "posting:" + postings["posting_id"].astype(str)


def history_frame(
    history: Workforce, placements: pd.DataFrame, *, random_state: int = 0
) -> tuple[pd.DataFrame, npt.NDArray[np.int64], EmployerHistory]:
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
    y = rows["retained_6m"].to_numpy(np.int64)
    check_two_outcomes(y)
    posting = posting_pos.loc[rows["posting_id"]].to_numpy(np.int64)
    employer = _employers(history.postings).to_numpy()[posting]
    X = pair_features(
        history,
        worker_pos.loc[rows["worker_id"]].to_numpy(np.int64),
        posting,
        with_group=rows["with_group"].to_numpy(np.int64),
    )
    X["employer_retention"] = _out_of_fold_rates(employer, y, random_state)
    return X, y, EmployerHistory(pd.Series(employer), y)


def _out_of_fold_rates(
    employer: npt.NDArray[np.object_], y: npt.NDArray[np.int64], random_state: int
) -> FloatArray:
    """Each row's employer rate from the other folds' placements only."""
    fold = np.random.default_rng(random_state).integers(0, _FOLDS, y.size)
    prior = float(y.mean())
    rates = np.empty(y.size, dtype=np.float64)
    for k in range(_FOLDS):
        inside = fold == k
        rates[inside] = employer_rates(
            pd.Series(employer[inside]), pd.Series(employer[~inside]), y[~inside], prior
        )
    return rates


def train_retention(
    history: Workforce, placements: pd.DataFrame, *, random_state: int = 0
) -> RetentionFit:
    """A model fitted on all history, and the report of a copy fitted on 75% of it."""
    X, y, employers = history_frame(history, placements, random_state=random_state)
    model = LinearRetentionModel(random_state=random_state)
    report = holdout_report(model, X, y, random_state=random_state)
    return RetentionFit(model.fit(X, y), report, employers)
