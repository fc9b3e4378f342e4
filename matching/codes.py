"""`;`-separated code columns (see data/SCHEMA.md) as lists and sparse indicator matrices."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp


def split_codes(value: object) -> list[str]:
    """'TEA-01;TEA-02' -> ['TEA-01', 'TEA-02']; an empty or missing cell -> []."""
    if not isinstance(value, str):
        return []
    return [code for code in (part.strip() for part in value.split(";")) if code]


def vocabulary(columns: Iterable[Iterable[object]]) -> dict[str, int]:
    """A sorted code -> column index map over every code seen in the given columns."""
    codes = {code for column in columns for cell in column for code in split_codes(cell)}
    return {code: index for index, code in enumerate(sorted(codes))}


def indicator(cells: Sequence[object], index: dict[str, int]) -> sp.csr_matrix:
    """Rows × codes 0/1 matrix; codes missing from `index` are ignored."""
    rows: list[int] = []
    cols: list[int] = []
    for row, cell in enumerate(cells):
        for code in split_codes(cell):
            column = index.get(code)
            if column is not None:
                rows.append(row)
                cols.append(column)
    data = np.ones(len(rows), dtype=np.float32)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(cells), len(index)))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0  # a code listed twice still counts once
    return matrix
