"""Vectorized random helpers shared by the generator modules.

Every function takes the numpy `Generator` it draws from, so a stage's output depends
only on its own seed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from matching.data.tables import join_codes

StrArray = NDArray[np.str_]
IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def make_ids(prefix: str, count: int, width: int) -> list[str]:
    """`["V000001", "V000002", …]`: stable ids numbered from 1."""
    return [f"{prefix}{number:0{width}d}" for number in range(1, count + 1)]


def categorical_rows(rng: np.random.Generator, probabilities: FloatArray) -> IntArray:
    """One category index per row of a (rows × categories) probability matrix."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    draws = rng.random((probabilities.shape[0], 1))
    return np.asarray((draws > cumulative).sum(axis=1), dtype=np.int64)


def pack_pools(pools: Sequence[Sequence[str]]) -> tuple[StrArray, IntArray]:
    """Pad lists of codes into a (pools × longest) array plus each pool's length."""
    width = max(len(pool) for pool in pools)
    matrix = np.full((len(pools), width), "", dtype=object)
    for row, pool in enumerate(pools):
        matrix[row, : len(pool)] = list(pool)
    lengths = np.array([len(pool) for pool in pools], dtype=np.int64)
    return matrix.astype(str), lengths


def draw_from_pools(
    rng: np.random.Generator, packed: tuple[StrArray, IntArray], pool_of_row: IntArray, k: int
) -> StrArray:
    """`k` draws (with replacement) per row from the row's pool: a (rows × k) array."""
    matrix, lengths = packed
    picks = (rng.random((len(pool_of_row), k)) * lengths[pool_of_row, None]).astype(np.int64)
    return matrix[pool_of_row[:, None], picks]


def join_rows(codes: StrArray, counts: IntArray) -> list[str]:
    """Join the first `counts[i]` codes of row `i` with `;` (repeats dropped)."""
    return [
        join_codes(row[:count]) for row, count in zip(codes.tolist(), counts.tolist(), strict=True)
    ]


def parse_weights(text: str) -> dict[str, float]:
    """`"han:0.6;miao:0.4"` -> `{"han": 0.6, "miao": 0.4}`."""
    pairs = (item.split(":") for item in text.split(";") if item)
    return {key: float(value) for key, value in pairs}


def jitter(rng: np.random.Generator, centre: FloatArray, spread: float) -> FloatArray:
    """Points scattered around `centre` degrees, rounded to 5 decimals (about 1 m)."""
    return np.round(centre + rng.normal(0.0, spread, size=len(centre)), 5)


def bounded_integers(
    rng: np.random.Generator, mean: FloatArray | float, low: int, high: int, size: int
) -> IntArray:
    """Poisson counts around `mean`, clipped to [low, high]."""
    return np.clip(rng.poisson(mean, size=size), low, high).astype(np.int64)
