"""The largest entries of each row or column of a block of weights, without a full partition.

The labour scan and every pricing pass look for a few large entries among thousands per
row (a worker's best postings) or per column (a posting's best workers), the expert
candidates for a need's best experts. `np.argpartition` of
every row touches each entry several times and was most of those passes' time. Here the
maxima of short runs of entries are taken first (one cheap pass): the k largest entries
of a row lie in the k runs with the largest maxima, so only those runs are partitioned;
and the m-th largest run maximum of a column is a floor below which none of the column's
m largest can lie, so one comparison pass finds a few candidates per column.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
Values = npt.NDArray[np.floating]

# Entries per run: wide enough that run maxima are few, narrow enough that the k runs
# taken are a small part of the row (measured on province blocks: 32–64 alike).
ROW_RUN = 64
COLUMN_RUN = 8


def largest_in_rows(value: Values, k: int) -> IntArray:
    """Column indices of the k largest entries of each row (all columns when there are at
    most k), in no particular order; among equal entries, any may be taken."""
    n_rows, n = value.shape
    if n <= k:
        return np.broadcast_to(np.arange(n, dtype=np.int64), (n_rows, n)).copy()
    if n <= 4 * k * ROW_RUN:
        return np.argpartition(value, n - k, axis=1)[:, n - k :].astype(np.int64)
    starts = np.arange(0, n, ROW_RUN, dtype=np.int64)
    run_max = np.maximum.reduceat(value, starts, axis=1)
    best_runs = np.argpartition(run_max, starts.size - k, axis=1)[:, starts.size - k :]
    cols = (starts[best_runs][:, :, None] + np.arange(ROW_RUN)).reshape(n_rows, k * ROW_RUN)
    # The last run may be short: its missing columns point at column n − 1 again, and those
    # repeats are made the smallest so they are never taken twice.
    short = cols >= n
    cols[short] = n - 1
    candidates = np.take_along_axis(value, cols, axis=1)
    candidates[short] = -np.inf
    width = candidates.shape[1]
    part = np.argpartition(candidates, width - k, axis=1)[:, width - k :]
    taken = np.take_along_axis(cols, part, axis=1)
    if short.any():
        # A row with fewer than k finite entries may take a repeat; swap it for a column
        # not taken (any: its entry is -inf like the repeat's).
        taken = _distinct_per_row(taken, n)
    return taken


def _distinct_per_row(taken: IntArray, n: int) -> IntArray:
    """Replace repeated columns in a row by columns the row has not taken."""
    ordered = np.sort(taken, axis=1)
    repeated = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
    for r in repeated.tolist():
        unique = np.unique(taken[r])
        spare = np.setdiff1d(np.arange(n), unique)[: taken.shape[1] - unique.size]
        taken[r] = np.concatenate((unique, spare))
    return taken


def column_floors(value: Values, m: IntArray) -> Values:
    """Per column j, a value no larger than its m[j]-th largest finite entry: the m[j]-th
    largest maximum of its runs of rows, or the smallest finite value when the column has
    fewer runs than m[j] (−inf entries stay below every floor)."""
    run_max = np.sort(_run_maxima_down(value), axis=0)[::-1]
    floors = np.full(value.shape[1], np.finfo(value.dtype).min, dtype=value.dtype)
    within = np.flatnonzero((m >= 1) & (m <= run_max.shape[0]))
    floors[within] = np.maximum(run_max[m[within] - 1, within], floors[within])
    return floors


def _run_maxima_down(value: Values) -> Values:
    """Maxima of runs of COLUMN_RUN rows, column by column (the last run may be short):
    whole rows at a time, far faster than a reduction down strided columns."""
    maxima = value[0::COLUMN_RUN].copy()
    for offset in range(1, COLUMN_RUN):
        rows = value[offset::COLUMN_RUN]
        np.maximum(maxima[: rows.shape[0]], rows, out=maxima[: rows.shape[0]])
    return maxima


def column_candidates(value: Values, m: IntArray) -> tuple[IntArray, IntArray]:
    """(row, column) of every entry at or above its column's floor, in row-major order:
    among them are the m[j] largest finite entries of each column j (a few more at most:
    ranking and trimming are left to the caller, which ranks across blocks anyway)."""
    floors = column_floors(value, m)
    rows, cols = np.divmod(np.flatnonzero(value >= floors[None, :]), value.shape[1])
    return rows.astype(np.int64), cols.astype(np.int64)
