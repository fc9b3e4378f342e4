"""Tests of block-wise top-k candidate generation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.errors import InvalidInputError
from matching.scoring.candidates import top_k_per_row


def _dense_block(matrix: np.ndarray):  # type: ignore[no-untyped-def]
    return lambda rows: matrix[rows]


def test_keeps_best_k_in_order() -> None:
    """Each row keeps its k best columns, best first."""
    scores = np.array([[0.1, 0.9, 0.5, 0.7], [0.3, 0.2, 0.8, 0.1]])
    found = top_k_per_row(_dense_block(scores), 2, 2, block_size=1)
    assert found.rows.tolist() == [0, 0, 1, 1]
    assert found.cols.tolist() == [1, 3, 2, 0]
    assert found.scores.tolist() == [0.9, 0.7, 0.8, 0.3]


def test_excluded_pairs_never_kept() -> None:
    """Columns scored -inf (failing a hard rule) are dropped even when fewer than k remain."""
    scores = np.array([[-np.inf, 0.2, -np.inf], [-np.inf, -np.inf, -np.inf]])
    found = top_k_per_row(_dense_block(scores), 2, 2)
    assert found.rows.tolist() == [0]
    assert found.cols.tolist() == [1]


def test_rejects_nonpositive_k() -> None:
    """k below one is invalid input naming the field."""
    with pytest.raises(InvalidInputError) as error:
        top_k_per_row(_dense_block(np.zeros((1, 1))), 1, 0)
    assert error.value.item == "k"


@settings(max_examples=50, deadline=None)
@given(
    n_rows=st.integers(1, 12),
    n_cols=st.integers(1, 12),
    k=st.integers(1, 5),
    block=st.integers(1, 5),
    seed=st.integers(0, 1000),
)
def test_matches_full_sort(n_rows: int, n_cols: int, k: int, block: int, seed: int) -> None:
    """Block-wise top-k equals sorting each row of the full matrix."""
    rng = np.random.default_rng(seed)
    scores = rng.random((n_rows, n_cols))
    scores[rng.random((n_rows, n_cols)) < 0.3] = -np.inf
    found = top_k_per_row(_dense_block(scores), n_rows, k, block_size=block)
    for row in range(n_rows):
        finite = np.flatnonzero(np.isfinite(scores[row]))
        expected = finite[np.argsort(-scores[row, finite], kind="stable")][:k]
        assert sorted(found.cols[found.rows == row].tolist()) == sorted(expected.tolist())
