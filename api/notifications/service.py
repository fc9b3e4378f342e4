"""The inbox: who gets told, listing one's own entries, marking them read.

Entries are written by `api.audit.notify` in the same transaction as the change they
report; this module only finds recipients and reads or marks the caller's own entries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from api.database import utc_now
from api.database.models import Notification, Role, User
from api.policy import Principal, load_visible, visible


def coordinator_ids(session: Session, county_code: str) -> list[int]:
    """The active coordinators of a county: the people told about its changes."""
    query = select(User.id).where(
        User.role == Role.COUNTY.value, User.county_code == county_code, User.active
    )
    return list(session.scalars(query.order_by(User.id)))


def inbox(principal: Principal, *, unread: bool | None) -> Select[Any]:
    """The caller's own entries, newest first (the id breaks ties within one instant)."""
    query = select(Notification).where(visible(principal, Notification))
    if unread is True:
        query = query.where(Notification.read_at.is_(None))
    elif unread is False:
        query = query.where(Notification.read_at.is_not(None))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def mark_read(session: Session, principal: Principal, notification_id: int) -> Notification:
    """Mark one of the caller's entries read (404 for anyone else's); reading twice keeps
    the first time."""
    entry: Notification = load_visible(session, principal, Notification, notification_id)
    if entry.read_at is None:
        entry.read_at = utc_now()
        session.flush()
    return entry


def mark_all_read(session: Session, principal: Principal) -> int:
    """Mark every unread entry of the caller read; returns how many there were."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == principal.user_id, Notification.read_at.is_(None))
        .values(read_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
