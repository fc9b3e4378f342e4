"""The largest entries per row and per column, checked against a full sort."""

from __future__ import annotations

import numpy as np
import pytest

from matching.scoring.largest import (
    COLUMN_RUN,
    ROW_RUN,
    column_candidates,
    column_floors,
    largest_in_rows,
)


def _block(seed: int, shape: tuple[int, int], missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    value = rng.normal(size=shape).astype(np.float32)
    value[rng.random(shape) < missing] = -np.inf
    # Ties: a few entries share their row's first value.
    ties = rng.random(shape) < 0.01
    value[ties] = np.broadcast_to(value[:, :1], shape)[ties]
    return value


@pytest.mark.parametrize(
    ("seed", "shape", "k", "missing"),
    [
        (0, (50, 4 * 6 * ROW_RUN + 77), 6, 0.3),  # runs, the last one short
        (1, (40, 9 * ROW_RUN), 2, 0.0),  # runs of equal length
        (2, (30, 3000), 6, 0.999),  # rows with fewer than k finite entries
        (3, (20, 100), 6, 0.5),  # a plain partition
        (4, (5, 4), 6, 0.2),  # fewer columns than k
    ],
)
def test_largest_in_rows_takes_the_k_largest_distinct_columns(
    seed: int, shape: tuple[int, int], k: int, missing: float
) -> None:
    value = _block(seed, shape, missing)
    taken = largest_in_rows(value, k)
    assert taken.shape == (shape[0], min(k, shape[1]))
    for row, cols in zip(value, taken, strict=True):
        assert np.unique(cols).size == cols.size
        expected = np.sort(row)[::-1][: cols.size]
        np.testing.assert_array_equal(np.sort(row[cols])[::-1], expected)


@pytest.mark.parametrize(("seed", "n_rows", "missing"), [(5, 600, 0.4), (6, 13, 0.0)])
def test_column_candidates_hold_the_m_largest_of_each_column(
    seed: int, n_rows: int, missing: float
) -> None:
    value = _block(seed, (n_rows, 300), missing)
    m = np.random.default_rng(seed).integers(0, 70, size=300)
    rows, cols = column_candidates(value, m)
    assert np.unique(rows * 300 + cols).size == rows.size
    assert np.isfinite(value[rows, cols]).all()
    for j in range(300):
        column = value[:, j]
        finite = np.sort(column[np.isfinite(column)])[::-1]
        got = np.sort(column[rows[cols == j]])[::-1]
        # Every entry above the m-th largest is a candidate, and the m-th's value too.
        np.testing.assert_array_equal(got[: min(m[j], finite.size)], finite[: m[j]])
        runs = -(-n_rows // COLUMN_RUN)
        if 1 <= m[j] <= runs:
            # Only the m runs with the largest maxima can hold entries at the floor or
            # above (ties with the floor aside, which the random values hardly have).
            assert got.size <= m[j] * COLUMN_RUN + np.count_nonzero(column == got[-1])


def test_column_floors_never_exceed_the_m_th_largest() -> None:
    value = _block(7, (200, 50), 0.2)
    m = np.arange(1, 51)
    floors = column_floors(value, m)
    for j in range(50):
        finite = np.sort(value[np.isfinite(value[:, j]), j])[::-1]
        if m[j] <= finite.size:
            assert floors[j] <= finite[m[j] - 1]
        assert np.isfinite(floors[j])
