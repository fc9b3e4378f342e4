"""The audit log and the notification inbox: written in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from api.database.models import AuditEntry, Notification
from api.policy import Principal

# Never copied into the log.
_SECRET_COLUMNS = frozenset({"password_hash"})


def snapshot(row: Any) -> dict[str, Any]:
    """A row's columns as JSON-ready values (dates as ISO text), secrets left out."""
    values: dict[str, Any] = {}
    for column in inspect(row).mapper.column_attrs:
        if column.key in _SECRET_COLUMNS:
            continue
        value = getattr(row, column.key)
        values[column.key] = value.isoformat() if isinstance(value, date | datetime) else value
    return values


def record(
    session: Session,
    principal: Principal | None,
    entity: str,
    entity_id: object,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    session.add(
        AuditEntry(
            user_id=principal.user_id if principal else None,
            entity=entity,
            entity_id=str(entity_id),
            action=action,
            before=before,
            after=after,
        )
    )


def notify(
    session: Session,
    user_ids: Iterable[int],
    kind: str,
    title_zh: str,
    body_zh: str,
    payload: dict[str, Any] | None = None,
) -> int:
    """One inbox entry per user (each user once); returns how many were written."""
    unique = sorted(set(user_ids))
    session.add_all(
        Notification(
            user_id=user_id, kind=kind, title_zh=title_zh, body_zh=body_zh, payload=payload or {}
        )
        for user_id in unique
    )
    return len(unique)
