"""A grid of workers × postings is weighted exactly as the same pairs one by one."""

from __future__ import annotations

import numpy as np
import pytest

from matching.data.reference import load_reference
from matching.labour import LabourConfig, weights
from matching.labour.features import FEATURES
from matching.labour.weights import Scorer
from matching.runs import workforces
from matching.scoring.outcome import LinearRetentionModel
from matching.synth.generate import generate


def _model(seed: int) -> LinearRetentionModel:
    """Every coefficient non-zero (but two), so that a feature summed wrongly shows."""
    rng = np.random.default_rng(seed)
    model = LinearRetentionModel()
    model.coef_ = rng.normal(0.0, 0.5, len(FEATURES))
    # Grids are scored on eligible pairs only, where these two features are 0.
    model.coef_[[FEATURES.index("certificate_missing"), FEATURES.index("outside_age_range")]] = 0
    model.intercept_ = 0.3
    model.feature_names_in_ = np.asarray(FEATURES, dtype=object)
    model.classes_ = np.array([0, 1])
    return model


@pytest.mark.parametrize("chunk_rows", [None, 3])
def test_grid_weights_equal_the_aligned_weights(
    chunk_rows: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fused grid sums the same features as the engine's aligned edges: workers of
    several prefectures (earmarks differ), postings of every city and industry; in one
    chunk of rows or in many."""
    force, _ = workforces(generate("demo", 5), load_reference())
    if chunk_rows is not None:
        monkeypatch.setattr(weights, "GRID_CHUNK_CELLS", chunk_rows * force.n_postings)
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(force.n_workers, 80, replace=False)).astype(np.int64)
    posts = np.arange(force.n_postings, dtype=np.int64)
    assert np.unique(force.worker_prefecture[rows]).size > 1
    for seed in range(3):
        rate = rng.random(force.n_postings)
        scorer = Scorer(force, LabourConfig(), _model(seed), rate)
        grid = scorer.grid(rows, posts)
        worker, posting = np.repeat(rows, posts.size), np.tile(posts, rows.size)
        aligned = scorer.edges(worker, posting).weight.reshape(rows.size, posts.size)
        np.testing.assert_allclose(grid, aligned, rtol=0, atol=1e-12)
        stored = scorer.grid(rows, posts, np.float32)
        assert stored.dtype == np.float32
        np.testing.assert_array_equal(stored, grid.astype(np.float32))
        assert np.ptp(grid) > 0.1  # the pairs differ: the comparison is not vacuous


def test_empty_grid() -> None:
    force, _ = workforces(generate("demo", 5), load_reference())
    scorer = Scorer(force, LabourConfig(), _model(0), np.full(force.n_postings, 0.5))
    assert scorer.grid(np.zeros(0, np.int64), np.arange(3, dtype=np.int64)).shape == (0, 3)
