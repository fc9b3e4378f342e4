"""Posting files: read a CSV or XLSX upload, check every row, describe the template.

A file is checked completely before anything is stored: every bad row and field is
collected, so one 422 answer lists them all (`RowsInvalidError`). Rows are numbered as
the file's lines (the header is line 1). The header names a column by its key
(`wage_yuan_month`), its Chinese label (`月薪`) or both (`月薪 wage_yuan_month`, the
template's form).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from pydantic import ValidationError

from api.errors import RowsInvalidError
from api.postings.schemas import PostingRow
from api.vocabulary import Vocabulary, code_problem
from matching.data.reference import period_year
from matching.errors import InvalidInputError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
HEADER_LINE = 1


@dataclass(frozen=True)
class Column:
    key: str
    label_zh: str
    required: bool
    note: str
    example: str

    @property
    def header(self) -> str:
        return f"{self.label_zh} {self.key}"


COLUMNS = (
    Column(
        "city_reference",
        "岗位编号",
        True,
        "the city's own reference, unique per city",
        "GZ-2026-0001",
    ),
    Column("employer_id", "企业编号", False, "the employer's id, if the city has one", "C00047"),
    Column("employer_name_zh", "企业名称", True, "employer name", "广州鑫源服饰有限公司"),
    Column("title_zh", "岗位名称", True, "job title", "横机工"),
    Column("industry_code", "行业代码", True, "an industry of kind job (industries.csv)", "GARM"),
    Column("positions", "招聘人数", True, "openings, 0 to 10000", "9"),
    Column("wage_yuan_month", "月薪", True, "yuan per month, at least 1", "5600"),
    Column("required_skill_codes", "技能要求", False, "skill codes, ; between them", "GARM-02"),
    Column("required_certificate_codes", "证书要求", False, "certificate codes, ; between", ""),
    Column("min_age", "最低年龄", False, "16 to 60 (default 16)", "18"),
    Column("max_age", "最高年龄", False, "16 to 60, not below min_age (default 60)", "45"),
    Column("housing", "包住", False, "1/0, 是/否 (default 0)", "是"),
    Column("meals", "包吃", False, "1/0, 是/否 (default 0)", "否"),
    Column(
        "earmarked_prefecture_codes",
        "定向市州",
        False,
        "codes of prefectures paired with the city in the posting's year, ; between",
        "qiannan",
    ),
    Column("period", "招聘季度", True, "a quarter, e.g. 2026Q1", "2026Q1"),
    Column("status", "状态", False, "open 招聘中 / closed 已关闭 (default open)", "open"),
    Column("description_zh", "岗位描述", False, "free text", "长期招横机工，提供免费宿舍。"),
)
_BY_NAME = {name: c.key for c in COLUMNS for name in (c.key, c.label_zh, c.header)}
LIST_FIELDS = ("required_skill_codes", "required_certificate_codes", "earmarked_prefecture_codes")
FLAG_FIELDS = ("housing", "meals")
_FLAGS = {"1": True, "是": True, "有": True, "0": False, "否": False, "无": False}
_STATUS_WORDS = {"招聘中": "open", "已关闭": "closed"}
_SEPARATORS = re.compile(r"[;；]")


@dataclass(frozen=True)
class Table:
    """A file's header and its non-empty rows, as text, with their line numbers."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(lines: Iterator[list[str]]) -> Table:
    header = next(lines, None)
    if header is None or not any(cell.strip() for cell in header):
        raise InvalidInputError("The file is empty: line 1 must be the header.", item="file")
    rows = [
        (number, cells) for number, cells in enumerate(lines, start=HEADER_LINE + 1) if any(cells)
    ]
    if not rows:
        raise InvalidInputError("The file has a header but no rows.", item="file")
    if len(rows) > MAX_ROWS:
        raise InvalidInputError(f"At most {MAX_ROWS} rows per file.", item="file")
    return Table([cell.strip() for cell in header], rows)


def read_csv(content: bytes) -> Table:
    """UTF-8 CSV, with or without the byte-order mark Excel writes."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInputError(
            f"Not a UTF-8 file (byte {error.start}); save the CSV as UTF-8.", item="file"
        ) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _table([_text(cell) for cell in line] for line in reader)
    except csv.Error as error:
        raise InvalidInputError(f"Not a readable CSV file: {error}.", item="file") from error


def read_xlsx(content: bytes) -> Table:
    """The first worksheet of an XLSX workbook."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and key errors alike
        raise InvalidInputError(f"Not a readable XLSX file: {error}.", item="file") from error
    try:
        sheet = workbook.worksheets[0]
        return _table([_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def read_upload(content: bytes, filename: str) -> Table:
    if len(content) > MAX_BYTES:
        raise InvalidInputError(f"The file is larger than {MAX_BYTES} bytes.", item="file")
    is_xlsx = filename.lower().endswith(".xlsx") or content[:2] == b"PK"
    return read_xlsx(content) if is_xlsx else read_csv(content)


def _problem(row: int, field: str, message: str) -> dict[str, Any]:
    return {"row": row, "field": field, "message": message}


def _columns(header: list[str]) -> tuple[list[str | None], list[dict[str, Any]]]:
    """Each header cell's field key (None for an empty cell), and the header's problems."""
    keys: list[str | None] = []
    problems: list[dict[str, Any]] = []
    for cell in header:
        key = _BY_NAME.get(cell) or _BY_NAME.get(cell.split()[-1] if cell else "")
        if cell and key is None:
            problems.append(_problem(HEADER_LINE, cell, f"unknown column {cell!r}"))
        elif key is not None and key in keys:
            problems.append(_problem(HEADER_LINE, key, f"column {key} appears twice"))
        keys.append(key)
    for column in COLUMNS:
        if column.required and column.key not in keys:
            problems.append(_problem(HEADER_LINE, column.key, f"missing column {column.header}"))
    return keys, problems


def _values(keys: list[str | None], cells: list[str]) -> dict[str, Any]:
    """A row's cells as the fields of `PostingRow` (empty optional cells take defaults)."""
    values: dict[str, Any] = {}
    for key, cell in zip(keys, cells, strict=False):
        if key is None or cell == "":
            continue
        if key in LIST_FIELDS:
            values[key] = [code.strip() for code in _SEPARATORS.split(cell) if code.strip()]
        elif key in FLAG_FIELDS:
            values[key] = _FLAGS.get(cell, cell)
        elif key == "status":
            values[key] = _STATUS_WORDS.get(cell, cell)
        else:
            values[key] = cell
    return values


def earmark_problem(
    city: str, earmarks: Sequence[str], period: str, vocab: Vocabulary
) -> str | None:
    """Why a posting of `city` may not be earmarked for these prefectures in `period`:
    earmarks name prefectures the city is paired with in the posting's year (an earmark for
    any other would reach no worker: the labour matcher's rule is the same)."""
    if not earmarks:
        return None
    try:
        year = period_year(period)
    except InvalidInputError:
        return None  # the period's own check names that field
    paired = vocab.paired_prefectures(city, year)
    outside = [p for p in earmarks if p in vocab.prefectures and p not in paired]
    if not outside:
        return None
    return (
        f"{', '.join(outside)} is not paired with {city} in {year}; "
        f"earmark only its prefectures then ({', '.join(sorted(paired)) or 'none'})"
    )


def code_problems(row: int, values: Mapping[str, Any], vocab: Vocabulary) -> list[dict[str, Any]]:
    """Codes the reference tables do not know, in a posting's fields (lists as lists)."""
    known = {
        "industry_code": vocab.job_industries,
        "required_skill_codes": vocab.skills,
        "required_certificate_codes": vocab.certificates,
        "earmarked_prefecture_codes": vocab.prefectures,
    }
    problems = []
    for field, allowed in known.items():
        value = values.get(field)
        codes = value if isinstance(value, list) else [value] if value else []
        problem = code_problem(field, codes, allowed)
        if problem is not None:
            problems.append(_problem(row, field, problem))
    return problems


def _row(
    number: int, keys: list[str | None], cells: list[str], vocab: Vocabulary
) -> tuple[PostingRow | None, list[dict[str, Any]]]:
    if len(cells) > len(keys) and any(cells[len(keys) :]):
        return None, [_problem(number, "row", "more cells than the header has columns")]
    values = _values(keys, cells)
    problems = code_problems(number, values, vocab)
    try:
        posting = PostingRow.model_validate(values)
    except ValidationError as error:
        named = {p["field"] for p in problems}
        for e in error.errors():
            field = str(e["loc"][0]) if e["loc"] else "row"
            if field not in named:
                problems.append(_problem(number, field, e["msg"]))
        return None, problems
    return (None if problems else posting), problems


def checked_rows(table: Table, vocab: Vocabulary, city: str) -> list[tuple[int, PostingRow]]:
    """Every row as a posting of `city`, or one `RowsInvalidError` naming every bad row and
    field."""
    keys, problems = _columns(table.header)
    if problems:
        raise RowsInvalidError("The header is not the template's; nothing was stored.", problems)
    good: list[tuple[int, PostingRow]] = []
    first_line: dict[str, int] = {}
    for number, cells in table.rows:
        posting, row_problems = _row(number, keys, cells, vocab)
        problems.extend(row_problems)
        if posting is None:
            continue
        earmark = earmark_problem(city, posting.earmarked_prefecture_codes, posting.period, vocab)
        if earmark is not None:
            problems.append(_problem(number, "earmarked_prefecture_codes", earmark))
        seen = first_line.setdefault(posting.city_reference, number)
        if seen != number:
            problems.append(
                _problem(
                    number, "city_reference", f"{posting.city_reference!r} is also on row {seen}"
                )
            )
        good.append((number, posting))
    if problems:
        bad = len({p["row"] for p in problems})
        raise RowsInvalidError(
            f"{bad} of {len(table.rows)} rows are invalid; nothing was stored.", problems
        )
    return good


def template_csv() -> bytes:
    """The header row, UTF-8 with a byte-order mark so Excel shows the Chinese labels."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(c.header for c in COLUMNS)
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """A workbook: the postings sheet (header only) and a notes sheet with an example."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "岗位 postings"
    sheet.append([c.header for c in COLUMNS])
    notes = workbook.create_sheet("说明 notes")
    notes.append(["列 column", "中文", "必填 required", "说明 format", "示例 example"])
    for c in COLUMNS:
        notes.append([c.key, c.label_zh, "是" if c.required else "否", c.note, c.example])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
