"""The retention model on generated placement history (county scale, one seed)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from matching.data.dataset import Dataset
from matching.data.reference import load_reference
from matching.errors import InvalidInputError
from matching.labour.features import pair_features
from matching.labour.model import history_frame, train_retention
from matching.runs import workforces
from matching.synth.generate import generate
from matching.synth.truth import retention_probability


@cache
def _county() -> Dataset:
    return generate("county", 7)


def test_beats_a_constant_predictor_on_held_out_history() -> None:
    """Held-out AUC clearly above 0.5, Brier below the base rate's, and small ECE."""
    _, history = workforces(_county(), load_reference())
    report = train_retention(history, _county().placements, random_state=0).report
    assert report.auc > 0.62
    assert report.brier < report.brier_constant
    assert report.ece < 0.08


@pytest.mark.slow
def test_predictions_track_the_hidden_truth() -> None:
    """Predicted retention correlates with the generator's true probability on open pairs."""
    data = _county()
    open_force, history = workforces(data, load_reference())
    fit = train_retention(history, data.placements, random_state=0)
    rng = np.random.default_rng(0)
    worker = rng.integers(0, open_force.n_workers, 2000)
    posting = rng.integers(0, open_force.n_postings, 2000)
    rates = fit.employers.rates(open_force)
    predicted = fit.model.retention(pair_features(open_force, worker, posting, employer_rate=rates))
    truth = retention_probability(
        data,
        open_force.workers["worker_id"].to_numpy()[worker],
        open_force.postings["posting_id"].to_numpy()[posting],
        with_group=open_force.group_of_worker[worker] >= 0,
    )
    assert np.corrcoef(predicted, truth)[0, 1] > 0.4


def test_history_features_have_no_gender() -> None:
    """The training frame never carries gender, though workers.csv does."""
    _, history = workforces(_county(), load_reference())
    X, _, _ = history_frame(history, _county().placements)
    assert "gender" in history.workers.columns
    assert not [c for c in X.columns if "gender" in c or "性别" in c]


def test_a_history_with_one_outcome_is_invalid_input() -> None:
    """Every retained_6m equal: a clear error naming the column, not an sklearn traceback."""
    _, history = workforces(_county(), load_reference())
    placements = _county().placements.assign(retained_6m=1)
    with pytest.raises(InvalidInputError, match="only one outcome") as caught:
        train_retention(history, placements, random_state=0)
    assert caught.value.item == "retained_6m"
