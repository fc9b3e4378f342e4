"""Reports as files: CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese) and XLSX.

A table is a list of `Column`s (a dotted path into each row's JSON, a Chinese header, a
kind) and the rows; yes/no values are written 是/否 and shares as numbers (percentages
in XLSX).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from fastapi import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"

Kind = Literal["text", "int", "share", "number", "bool", "datetime"]

# Documented in OpenAPI beside the JSON body, so clients (and schema tests) know them.
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "The report: JSON, or a CSV / XLSX file with `format`.",
    }
}


@dataclass(frozen=True)
class Column:
    path: str  # dotted: "all.open_needs"
    header_zh: str
    kind: Kind = "text"


def _get(row: dict[str, Any], path: str) -> Any:
    value: Any = row
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _cell(value: Any, kind: Kind) -> Any:
    if value is None:
        return None
    if kind == "bool":
        return "是" if value else "否"
    if kind == "datetime" and isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    return value


def table(columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """The header row, then one row of cell values per report row."""
    body = [[_cell(_get(row, c.path), c.kind) for c in columns] for row in rows]
    return [[c.header_zh for c in columns], *body]


def to_csv(columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in table(columns, rows):
        writer.writerow(["" if v is None else _csv_text(v) for v in line])
    return (BOM + out.getvalue()).encode("utf-8")


def _csv_text(value: Any) -> str:
    return value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)


def to_xlsx(columns: Sequence[Column], rows: Sequence[dict[str, Any]], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = title[:31]  # Excel's limit on sheet names
    for line in table(columns, rows):
        sheet.append(line)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, 2 * len(column.header_zh) + 2)
        formats = {"share": "0.0%", "datetime": "yyyy-mm-dd hh:mm:ss"}
        if column.kind in formats:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = formats[column.kind]
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_response(
    columns: Sequence[Column],
    rows: Sequence[dict[str, Any]],
    fmt: Literal["csv", "xlsx"],
    name: str,
) -> Response:
    if fmt == "csv":
        content, media_type = to_csv(columns, rows), CSV_TYPE
    else:
        content, media_type = to_xlsx(columns, rows, name), XLSX_TYPE
    disposition = f'attachment; filename="{name}.{fmt}"'
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})
