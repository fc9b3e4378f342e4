"""New ids for rows created through the service, in the data files' own style.

The generated data numbers its rows with a prefix and zero padding (`N000657`,
`W000600`, `P00250`, `E00150`); a new row takes the next number after the highest one in
the table, with the same padding, so it never clashes with a loaded id.

Two requests creating rows at once must not take the same number: on PostgreSQL the
allocation holds a transaction-scoped advisory lock per table until the creating
transaction commits, so the next one reads the number already taken. SQLite allows one
writer at a time; a clash there ends as an integrity error (409, try again).
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.errors import ConflictError

# How far down the longest ids to look for one in the numbered style.
_LOOKAHEAD = 50


def lock_table_numbers(session: Session, table_name: str) -> None:
    """Serialise id allocation for `table_name` until this transaction ends (PostgreSQL)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = zlib.crc32(f"bangfu.ids.{table_name}".encode())
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _highest(session: Session, column: Any, prefix: str) -> tuple[int, int]:
    """(highest number, its digits) among ids `prefix` + digits; (0, 0) if none."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    query = (
        select(column)
        .where(column.like(f"{prefix}%"))
        .order_by(func.length(column).desc(), column.desc())
        .limit(_LOOKAHEAD)
    )
    for value in session.scalars(query):
        match = pattern.match(value)
        if match:
            return int(match.group(1)), len(match.group(1))
    return 0, 0


def next_ids(session: Session, column: Any, prefix: str, count: int, width: int) -> list[str]:
    """`count` fresh ids `prefix` + number after the highest in `column`'s table."""
    lock_table_numbers(session, column.class_.__tablename__)
    highest, digits = _highest(session, column, prefix)
    pad = max(width, digits)
    return [f"{prefix}{number:0{pad}d}" for number in range(highest + 1, highest + 1 + count)]


def next_id(session: Session, column: Any, prefix: str, width: int) -> str:
    return next_ids(session, column, prefix, 1, width)[0]


def flush_new(session: Session, what: str) -> None:
    """Write the new row now, so a clash of ids is a clear 409 rather than a 500."""
    try:
        session.flush()
    except IntegrityError as error:
        raise ConflictError(f"{what}: another request took the same id; try again.") from error
