"""The readable tables as an XLSX workbook (openpyxl), byte for byte the same for the same
tables: the container's timestamps are fixed, as they carry no information here.

Written in openpyxl's write-only mode (rows stream out, no cell objects are kept); even
so openpyxl writes some tens of thousands of cells a second, so a province-scale plan
takes on the order of a minute. That is why the workbook is asked for with --xlsx.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from matching.commands.readable import COLUMN_LABELS, ReadableTables

SHEETS = {
    "en": ("assignments", "unassigned", "columns"),
    "zh": ("分配结果", "未分配原因", "列说明"),
}
FIXED_TIME = datetime.datetime(2020, 1, 1)
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def write_workbook(path: Path, tables: ReadableTables, labels: str) -> None:
    """Sheets of assignments and unassigned rows (header in English keys or Chinese
    labels), and a sheet listing every column's key and label."""
    book = Workbook(write_only=True)
    names = SHEETS["zh" if labels == "zh" else "en"]
    for name, frame in zip(names, (tables.assignments, tables.unassigned), strict=False):
        header = [COLUMN_LABELS.get(c, c) if labels == "zh" else c for c in frame.columns]
        _sheet(book, name, header, frame.itertuples(index=False, name=None))
    columns = dict.fromkeys([*tables.assignments.columns, *tables.unassigned.columns])
    _sheet(book, names[2], ["key", "label"], ((k, COLUMN_LABELS.get(k, k)) for k in columns))
    book.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_fixed_timestamps(buffer.getvalue()))


def _sheet(book: Workbook, name: str, header: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    sheet = book.create_sheet(name)
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, text) for text in header])
    for row in rows:
        sheet.append([_cell(v) for v in row])


def _bold(sheet: Any, text: str) -> Any:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _fixed_timestamps(data: bytes) -> bytes:
    """The same workbook with fixed zip entry times and document dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2020-01-01T00:00:00Z", content
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()
