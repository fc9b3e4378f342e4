"""Sparse candidate generation: the top k columns of every row, computed block by block.

A full experts × needs (or workers × postings) score matrix does not fit in memory at
province scale, so scores are produced for a block of rows at a time and only the k best
finite entries of each row are kept. Excluded pairs (hard rules) carry a score of -inf.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.errors import InvalidInputError
from matching.scoring.largest import largest_in_rows
from matching.sorting import lexsort

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# rows (block of row indices) -> dense (len(rows), n_cols) scores, -inf where excluded
ScoreBlock = Callable[[IntArray], npt.NDArray[np.floating]]


@dataclass(frozen=True)
class Candidates:
    """Kept (row, col, score) triples, sorted by row, then best score first, then col."""

    rows: IntArray
    cols: IntArray
    scores: FloatArray

    def __len__(self) -> int:
        return int(self.rows.size)


def top_k_per_row(
    score_block: ScoreBlock, n_rows: int, k: int, *, block_size: int = 1024
) -> Candidates:
    """The k best finite-scored columns of each of `n_rows` rows.

    `score_block` is called once per block of at most `block_size` rows, so peak memory is
    one block of scores, not the whole matrix.
    """
    if k < 1:
        raise InvalidInputError("k must be at least 1.", item="k")
    if block_size < 1:
        raise InvalidInputError("block_size must be at least 1.", item="block_size")
    parts: list[Candidates] = []
    for start in range(0, n_rows, block_size):
        rows = np.arange(start, min(start + block_size, n_rows), dtype=np.int64)
        parts.append(_top_k_block(rows, np.asarray(score_block(rows), dtype=np.float64), k))
    return concatenate(parts)


def _top_k_block(rows: IntArray, block: FloatArray, k: int) -> Candidates:
    if block.shape[0] != rows.size:
        raise InvalidInputError("a score block must have one row per requested row.")
    top = largest_in_rows(block, k)
    scores = np.take_along_axis(block, top, axis=1)
    row_ids = np.broadcast_to(rows[:, None], top.shape)
    finite = np.isfinite(scores)
    return _sorted(row_ids[finite], top[finite], scores[finite])


def _sorted(rows: IntArray, cols: IntArray, scores: FloatArray) -> Candidates:
    order = lexsort((cols, -scores, rows))
    return Candidates(rows=rows[order], cols=cols[order], scores=scores[order])


def concatenate(parts: list[Candidates]) -> Candidates:
    """Join candidate sets of disjoint row blocks (keeps the sort order if blocks ascend)."""
    if not parts:
        empty_int = np.zeros(0, dtype=np.int64)
        return Candidates(empty_int, empty_int.copy(), np.zeros(0, dtype=np.float64))
    return Candidates(
        rows=np.concatenate([p.rows for p in parts]),
        cols=np.concatenate([p.cols for p in parts]),
        scores=np.concatenate([p.scores for p in parts]),
    )
