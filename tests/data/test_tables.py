"""`;`-separated code columns: splitting, joining and sparse indicator matrices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matching.data.tables import (
    TableSpec,
    check_codes,
    codes_matrix,
    join_codes,
    split_codes,
    vocabulary,
)
from matching.errors import InvalidInputError

SPEC = TableSpec("experts.csv", "expert_id", {"expert_id": "str", "specialty_codes": "codes"})


def test_split_codes() -> None:
    """A cell splits on `;`; empty parts and spaces around codes are dropped."""
    assert split_codes("TEA-01;TEA-02") == ["TEA-01", "TEA-02"]
    assert split_codes("") == []
    assert split_codes("TEA-01;;TEA-02;") == ["TEA-01", "TEA-02"]
    assert split_codes(" TEA-01 ; TEA-02") == ["TEA-01", "TEA-02"]


def test_split_codes_of_a_missing_cell() -> None:
    """A cell that is not text (NaN, None) has no codes."""
    assert split_codes(float("nan")) == []
    assert split_codes(None) == []


def test_join_codes_keeps_first_seen_order() -> None:
    """Repeats are dropped, the first occurrence keeps its place."""
    assert join_codes(["b", "a", "b", "c"]) == "b;a;c"
    assert join_codes([]) == ""


def test_vocabulary_is_sorted_over_all_columns() -> None:
    """Every code of every column gets a column, in sorted order."""
    assert vocabulary([["b;a", ""], ["c", "a"]]) == {"a": 0, "b": 1, "c": 2}


def test_codes_matrix_from_a_list_of_codes() -> None:
    """Rows follow the cells, columns the vocabulary; unknown codes are ignored."""
    matrix = codes_matrix(["a;b", "", "c;z", "b"], ["a", "b", "c"])
    assert matrix.shape == (4, 3)
    assert matrix.dtype == np.float64
    assert matrix.toarray().tolist() == [[1, 1, 0], [0, 0, 0], [0, 0, 1], [0, 1, 0]]


def test_codes_matrix_from_a_vocabulary_map() -> None:
    """A code -> column map from `vocabulary` gives the same matrix as its code list."""
    cells = pd.Series(["b;a", "c", ""], index=[10, 20, 30])
    index = vocabulary([cells])
    assert (codes_matrix(cells, index) != codes_matrix(cells, list(index))).nnz == 0


def test_codes_matrix_counts_a_repeated_code_once() -> None:
    """A code listed twice in one cell is still a 1."""
    assert codes_matrix(["a;a;b;a"], ["a", "b"]).toarray().tolist() == [[1, 1]]


def test_codes_matrix_reads_cells_like_split_codes() -> None:
    """Missing cells are empty rows and spaces around codes do not matter."""
    matrix = codes_matrix([" a ; b", np.nan, None, "b"], {"a": 0, "b": 1})
    assert matrix.toarray().tolist() == [[1, 1], [0, 0], [0, 0], [0, 1]]


def test_codes_matrix_dtype() -> None:
    """The entries take the requested float type."""
    assert codes_matrix(["a"], ["a"], dtype=np.float32).dtype == np.float32


def test_check_codes_names_the_row_of_an_unknown_code() -> None:
    """The message names file, line and column of the first unknown code."""
    frame = pd.DataFrame({"expert_id": ["e1", "e2"], "specialty_codes": ["a;b", "a;x"]})
    check_codes(frame, SPEC, "specialty_codes", ["a", "b", "x"], multi=True)
    with pytest.raises(InvalidInputError, match=r"experts.csv, row 3, column specialty_codes"):
        check_codes(frame, SPEC, "specialty_codes", ["a", "b"], multi=True)


def test_vocabulary_and_codes_matrix_agree_with_split_codes_cell_by_cell() -> None:
    """The joined-column fast path reads every cell exactly as `split_codes` does: spaces,
    empty parts, missing cells and a pandas string column included."""
    rng = np.random.default_rng(4)
    pieces = ["茶叶", " 牛 ", "", "A-1", "b", "  "]
    cells = [
        ";".join(rng.choice(pieces, size=int(rng.integers(0, 4))).tolist())
        if rng.random() > 0.1
        else None
        for _ in range(300)
    ]
    column = pd.Series(cells, dtype="string")
    expected_codes = sorted({code for cell in cells for code in split_codes(cell)})
    index = vocabulary([column])
    assert list(index) == expected_codes
    matrix = codes_matrix(column, index).toarray()
    for row, cell in enumerate(cells):
        assert {expected_codes[j] for j in np.flatnonzero(matrix[row])} == set(split_codes(cell))
    assert codes_matrix(pd.Series([], dtype="string"), index).shape == (0, len(index))
