"""Routes of the notifications domain: the caller's own inbox (every role has one)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.common import Limit, Offset, Page, paginate
from api.database.models import Notification
from api.deps import PrincipalDep, SessionDep
from api.notifications import service
from api.notifications.schemas import KIND_LABELS, NotificationOut, ReadAllOut

router = APIRouter(tags=["notifications"])


def notification_out(entry: Notification) -> NotificationOut:
    return NotificationOut(
        id=entry.id,
        kind=entry.kind,
        kind_label=KIND_LABELS.get(entry.kind, entry.kind),
        title_zh=entry.title_zh,
        body_zh=entry.body_zh,
        payload=entry.payload,
        created_at=entry.created_at,
        read_at=entry.read_at,
        read=entry.read_at is not None,
    )


@router.get(
    "/me/notifications", response_model=Page[NotificationOut], summary="My inbox, newest first"
)
def list_notifications(
    principal: PrincipalDep,
    session: SessionDep,
    unread: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[NotificationOut]:
    rows, total = paginate(session, service.inbox(principal, unread=unread), limit, offset)
    return Page(items=[notification_out(r) for r in rows], total=total, limit=limit, offset=offset)


@router.post(
    "/me/notifications/read-all", response_model=ReadAllOut, summary="Mark my whole inbox read"
)
def read_all(principal: PrincipalDep, session: SessionDep) -> ReadAllOut:
    return ReadAllOut(marked=service.mark_all_read(session, principal))


@router.post(
    "/me/notifications/{notification_id}/read",
    response_model=NotificationOut,
    summary="Mark one entry of my inbox read",
)
def read_one(
    principal: PrincipalDep,
    session: SessionDep,
    notification_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> NotificationOut:
    return notification_out(service.mark_read(session, principal, notification_id))
