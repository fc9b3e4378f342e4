"""Reading, checking and writing the project's CSV tables.

Every table is declared as a `TableSpec`: its file name, its key column and the kind of
each column. `read_table` turns a CSV into a pandas DataFrame with checked dtypes and
raises `InvalidInputError` naming file, row and column on the first bad value.

Column kinds:

- ``str``: text, kept as a string column (empty string allowed);
- ``int`` / ``float``: numbers, converted to int64 / float64;
- ``flag``: 0 or 1, converted to int64;
- ``codes``: `;`-separated codes kept as one string; `split_codes` and `codes_matrix`
  turn them into lists or a sparse multi-hot matrix, `vocabulary` numbers the codes.

Row numbers in messages are file line numbers (the header is line 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse

from matching.errors import InvalidInputError

ColumnKind = Literal["str", "int", "float", "flag", "codes"]
CODE_SEPARATOR = ";"
IntArray = npt.NDArray[np.int64]
HEADER_LINES = 1


@dataclass(frozen=True)
class TableSpec:
    """The shape of one CSV table: file name, key column, column kinds in order."""

    file_name: str
    key: str | None
    columns: Mapping[str, ColumnKind]


def _location(file_name: str, index: int, column: str) -> str:
    return f"{file_name}, row {index + HEADER_LINES + 1}, column {column}"


def bad_value(file_name: str, index: int, column: str, problem: str) -> InvalidInputError:
    """The error for row `index` (0-based, after the header) of a table, named as
    `file, row N, column C` with N the file's line number."""
    where = _location(file_name, index, column)
    return InvalidInputError(f"{where}: {problem}", item=where)


def _check_key(checked: pd.DataFrame, spec: TableSpec, key: str) -> None:
    """Keys are unique, not empty and without spaces around them.

    A space is refused here, in the file that holds it, rather than later as an unknown id
    in a file that refers to it.
    """
    keys = checked[key]
    for mask, problem in (
        (keys == "", "empty key"),
        (keys != keys.str.strip(), "spaces around the id"),
        (keys.duplicated(), "duplicate key"),
    ):
        if mask.any():
            index = int(np.flatnonzero(mask.to_numpy())[0])
            raise bad_value(spec.file_name, index, key, f"{problem} {keys.iloc[index]!r}")


def _to_numbers(frame: pd.DataFrame, spec: TableSpec, column: str, kind: ColumnKind) -> Any:
    values = pd.to_numeric(frame[column], errors="coerce")
    # "inf" and "1e400" parse as numbers; no count, flag or measure of ours is infinite.
    bad = values.isna() | ~np.isfinite(values.astype("float64"))
    if kind == "int":
        bad |= values.abs() > np.iinfo(np.int64).max / 2
    if kind != "float":
        bad |= values.notna() & (values != values.round())
    if kind == "flag":
        bad |= ~values.isin([0, 1])
    if bad.any():
        index = int(np.flatnonzero(bad.to_numpy())[0])
        raw = frame[column].iloc[index]
        expected = {"int": "an integer", "float": "a number", "flag": "0 or 1"}[kind]
        raise bad_value(spec.file_name, index, column, f"{raw!r} is not {expected}")
    return values.astype("float64" if kind == "float" else "int64")


def check_frame(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Check a string-valued frame against `spec`; return it with converted dtypes."""
    missing = [column for column in spec.columns if column not in frame.columns]
    if missing:
        raise InvalidInputError(
            f"{spec.file_name}: missing column(s) {', '.join(missing)}",
            item=f"{spec.file_name}:{missing[0]}",
        )
    checked = frame.loc[:, list(spec.columns)].copy()
    for column, kind in spec.columns.items():
        if kind in ("int", "float", "flag"):
            checked[column] = _to_numbers(checked, spec, column, kind)
        else:
            checked[column] = checked[column].astype(str)
    if spec.key is not None:
        _check_key(checked, spec, spec.key)
    return checked.reset_index(drop=True)


def read_table(directory: Path, spec: TableSpec) -> pd.DataFrame:
    """Read `directory / spec.file_name` as UTF-8 CSV and check it against `spec`."""
    path = directory / spec.file_name
    if not path.is_file():
        raise InvalidInputError(f"{path}: file not found", item=spec.file_name)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except pd.errors.EmptyDataError as error:
        where = f"{spec.file_name}, row 1"
        raise InvalidInputError(
            f"{path}: the file is empty; row 1 must be the header ({','.join(spec.columns)})",
            item=where,
        ) from error
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise InvalidInputError(
            f"{path}: not a UTF-8 CSV file ({error})", item=spec.file_name
        ) from error
    return check_frame(frame, spec)


def write_table(frame: pd.DataFrame, directory: Path, spec: TableSpec) -> None:
    """Write `frame` as UTF-8 CSV (no BOM, `\\n` line ends), columns in spec order."""
    frame.loc[:, list(spec.columns)].to_csv(
        directory / spec.file_name, index=False, encoding="utf-8", lineterminator="\n"
    )


def split_codes(value: object) -> list[str]:
    """`"TEA-01;TEA-02"` -> `["TEA-01", "TEA-02"]`; an empty or missing cell -> `[]`.

    Spaces around a code are dropped.
    """
    if not isinstance(value, str):
        return []
    return [code for code in (part.strip() for part in value.split(CODE_SEPARATOR)) if code]


def join_codes(codes: Iterable[str]) -> str:
    """Join codes with `;`, dropping repeats but keeping first-seen order."""
    return CODE_SEPARATOR.join(dict.fromkeys(codes))


def vocabulary(columns: Iterable[Iterable[object]]) -> dict[str, int]:
    """A sorted code -> column index map over every code seen in the given columns."""
    codes: set[str] = set()
    for column in columns:
        # One split of the joined column, then each distinct part stripped: the same codes
        # as `split_codes` cell by cell, at a fraction of the cost on 200,000 rows.
        parts = set(CODE_SEPARATOR.join(_text_cells(column)).split(CODE_SEPARATOR))
        codes.update(part.strip() for part in parts)
    codes.discard("")
    return {code: index for index, code in enumerate(sorted(codes))}


def _text_cells(values: Iterable[object]) -> list[str]:
    """The cells, with "" for a cell that is not a string (it has no codes)."""
    if isinstance(values, pd.Series):
        values = values.tolist()  # far faster than iterating a pandas string array
    return [cell if isinstance(cell, str) else "" for cell in values]


def _split_column(values: Iterable[object]) -> tuple[IntArray, npt.NDArray[np.object_]]:
    """Every part of every cell as written (empty ones included) and the row it came from.

    The whole column is joined and split once: a split per row (or pandas' `str.split`
    and `explode`) took 4 of the 9 s that loading the province data set took.
    """
    cells = _text_cells(values)
    parts_per_cell = np.fromiter(
        (cell.count(CODE_SEPARATOR) + 1 for cell in cells), dtype=np.int64, count=len(cells)
    )
    parts = np.array(
        CODE_SEPARATOR.join(cells).split(CODE_SEPARATOR) if cells else [], dtype=object
    )
    return np.repeat(np.arange(len(cells), dtype=np.int64), parts_per_cell), parts


def _exploded(values: Sequence[object] | pd.Series) -> pd.Series:
    """One row per (original row position, code) as written; empty codes dropped."""
    rows, parts = _split_column(values)
    written = parts != ""
    return pd.Series(parts[written], index=rows[written], dtype=str)


def codes_matrix(
    values: Sequence[object] | pd.Series,
    vocabulary: Sequence[str] | Mapping[str, int],
    *,
    dtype: type[np.floating[Any]] = np.float64,
) -> Any:
    """A sparse 0/1 CSR matrix (rows = values, columns = vocabulary) from `;`-joined codes.

    `vocabulary` is a list of codes or a code -> column map (see `vocabulary`). Codes are
    read as by `split_codes`; codes missing from the vocabulary are ignored; check them
    first with `check_codes` when they must exist.
    """
    if isinstance(vocabulary, Mapping):
        position = dict(vocabulary)
    else:
        position = {code: index for index, code in enumerate(vocabulary)}
    # Each distinct part looked up once (as in `vocabulary`).
    rows, all_parts = _split_column(values)
    n_rows = len(values)
    if not all_parts.size:
        return sparse.csr_matrix((n_rows, len(vocabulary)), dtype=dtype)
    part_ids, parts = pd.factorize(all_parts)
    column_of_part = np.array([position.get(part.strip(), -1) for part in parts], dtype=np.int64)
    columns = column_of_part[part_ids]
    known = columns >= 0
    data = np.ones(int(known.sum()), dtype=dtype)
    shape = (n_rows, len(vocabulary))
    matrix = sparse.csr_matrix((data, (rows[known], columns[known])), shape=shape)
    matrix.data[:] = 1.0  # a repeated code counts once
    return matrix


def check_codes(
    frame: pd.DataFrame, spec: TableSpec, column: str, valid: Iterable[str], *, multi: bool
) -> None:
    """Raise `InvalidInputError` at the first row whose `column` names an unknown code.

    `multi` means the column holds `;`-separated codes; an empty value is always allowed
    for multi-valued columns and never for single ones.
    """
    allowed = pd.Index(list(valid))
    single = pd.Series(frame[column].to_numpy(), dtype=str)
    codes = _exploded(frame[column]) if multi else single
    unknown = codes[~codes.isin(allowed)]
    if len(unknown):
        index, code = int(unknown.index[0]), str(unknown.iloc[0])
        spaced = code != code.strip() and code.strip() in allowed
        problem = "spaces around the id" if spaced else "unknown code"
        raise bad_value(spec.file_name, index, column, f"{problem} {code!r}")


def require_columns(frame: pd.DataFrame, columns: tuple[str, ...], table: str) -> None:
    """Raise InvalidInputError naming the table and the first missing column."""
    for column in columns:
        if column not in frame.columns:
            raise InvalidInputError(f"{table} has no column {column!r}.", item=f"{table}.{column}")
