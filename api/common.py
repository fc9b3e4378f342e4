"""Shapes and helpers every domain package shares: pages, sorting, code lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar, TypeVarTuple

from fastapi import Path, Query
from pydantic import BaseModel
from sqlalchemy import Connection, Integer, Row, Select, bindparam, func, select
from sqlalchemy.orm import Session

from matching.errors import InvalidInputError

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


# The error answers every domain's endpoints may give (body: `{"error": {code, message,
# details}}`, see api/errors.py), documented in the OpenAPI schema.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "not logged in, or the token expired"},
    403: {"description": "visible, but not the caller's to change; or a role that never uses it"},
    404: {"description": "missing, or outside the caller's scope"},
    409: {"description": "clashes with the current state"},
}

# Row ids are 32-bit integers in the database (PostgreSQL INTEGER): a larger id is bad
# input (422), never a database error (500).
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="a row id")]
Limit = Annotated[int, Query(ge=1, le=500, description="rows per page")]
# Bounded so a huge number is a 422, not an integer overflow in the database.
Offset = Annotated[int, Query(ge=0, le=2**31 - 1, description="rows to skip")]
Sort = Annotated[
    str | None, Query(description="a column name; prefix with '-' for descending order")
]


def sort_query(allowed: Sequence[str]) -> Any:
    """`sort` for a list endpoint: one of `allowed`, `-` first for descending (in the schema,
    so a client sees the choices)."""
    names = "|".join(allowed)
    return Query(
        pattern=f"^-?({names})$",
        description=f"one of {', '.join(allowed)}; prefix with '-' for descending order",
    )


def split_codes(text: str | None) -> list[str]:
    """The files' `;`-separated codes as a list (empty text = none)."""
    return [code for code in (text or "").split(";") if code]


def join_codes(codes: Sequence[str]) -> str:
    for code in codes:
        if not code or ";" in code or code != code.strip():
            raise InvalidInputError(f"{code!r} is not a valid code.", item=code)
    return ";".join(codes)


Entities = TypeVarTuple("Entities")


def order_by(
    query: Select[*Entities], model: type[Any], sort: str | None, allowed: Sequence[str]
) -> Select[*Entities]:
    """Sort by one allowed column (ties broken by the primary key, so pages are stable)."""
    key = model.__mapper__.primary_key[0]
    if not sort:
        return query.order_by(key)
    name = sort.removeprefix("-")
    if name not in allowed:
        raise InvalidInputError(f"sort: {name!r} is not one of {', '.join(allowed)}.", item="sort")
    column = getattr(model, name)
    return query.order_by(column.desc() if sort.startswith("-") else column, key)


def paginate(
    session: Session, query: Select[Any], limit: int, offset: int
) -> tuple[list[Any], int]:
    """One page of the query's first entity, and the total count."""
    rows, total = paginate_rows(session, query, limit, offset)
    return [row[0] for row in rows], total


def paginate_rows(
    session: Session, query: Select[*Entities], limit: int, offset: int
) -> tuple[list[Row[*Entities]], int]:
    """One page of the query's rows (every entity it selects), and the total count."""
    return read_page(session, PagedSelect.of(query), {}, limit, offset)


_PAGE_LIMIT = bindparam("page_limit", type_=Integer)
_PAGE_OFFSET = bindparam("page_offset", type_=Integer)


@dataclass(frozen=True)
class PagedSelect(Generic[*Entities]):
    """A list query ready for any page: its rows, with the page's size and start as the
    parameters `page_limit` and `page_offset`, and the count of all its rows.

    Built once, it can be run again and again (see `read_page`): a statement that is kept
    skips SQLAlchemy's building and cache-key work on every request.
    """

    rows: Select[*Entities]
    count: Select[int]

    @classmethod
    def of(cls, query: Select[*Entities]) -> PagedSelect[*Entities]:
        page = query.limit(_PAGE_LIMIT).offset(_PAGE_OFFSET)
        return cls(page, select(func.count()).select_from(query.order_by(None).subquery()))


def read_page(
    database: Session | Connection,
    query: PagedSelect[*Entities],
    parameters: Mapping[str, Any],
    limit: int,
    offset: int,
) -> tuple[list[Row[*Entities]], int]:
    """One page of the query's rows, run with `parameters`, and the total count."""
    page = {**parameters, "page_limit": limit, "page_offset": offset}
    rows = list(database.execute(query.rows, page).all())
    if len(rows) < limit and (rows or offset == 0):
        # A page that is not full is the last one: its end is the total, no count needed
        # (most of an expert's or a city's lists fit on the first page).
        return rows, offset + len(rows)
    total = database.scalar(query.count, dict(parameters))
    return rows, int(total or 0)
