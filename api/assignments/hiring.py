"""Partner cities answer the candidates proposed for their postings.

Confirming a hire accepts the assignment and records the placement (start date, whether
the worker goes with fellow villagers; the 6-month outcome stays unknown). Rejecting
declines it with a reason. The worker's county coordinators hear of both.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.assignments.service import answer, load_for_answer, require_published
from api.assignments.views import placement_id_for
from api.audit import notify, record, snapshot
from api.database.models import (
    Assignment,
    AssignmentState,
    Placement,
    Posting,
    Role,
    Worker,
)
from api.errors import ConflictError
from api.notifications.service import coordinator_ids
from api.policy import Principal, require_role


class PostingClosedError(ConflictError):
    """The posting is closed: it takes no hires (409)."""


class PostingFullError(ConflictError):
    """The posting has as many hires as positions (409)."""


class HiredElsewhereError(ConflictError):
    """The worker is already hired at another posting: a worker takes one job (409)."""


def confirm(
    session: Session, principal: Principal, assignment_id: int, start_date: date
) -> Assignment:
    require_role(principal, Role.CITY, Role.PROVINCE)
    row = load_for_answer(session, principal, assignment_id, "labour")
    require_published(row)
    posting = _posting_locked(session, str(row.posting_id))
    _check_room(session, posting)
    worker = _worker_locked(session, str(row.worker_id))
    _check_not_hired_elsewhere(session, row)
    before = snapshot(row)
    answer(row, AssignmentState.ACCEPTED, None)
    placement = _place(session, principal, row, worker, start_date)
    session.flush()
    record(session, principal, "assignment", row.id, "confirm", before, snapshot(row))
    notify(
        session,
        coordinator_ids(session, row.county_code),
        "hire",
        f"确认录用：{worker.worker_id}",
        f"{posting.employer_name_zh}（{posting.title_zh}）确认录用 {worker.worker_id}，"
        f"{start_date.isoformat()} 上岗。",
        {
            "assignment_id": row.id,
            "worker_id": worker.worker_id,
            "posting_id": posting.posting_id,
            "placement_id": placement.placement_id,
            "start_date": start_date.isoformat(),
        },
    )
    return row


def reject(session: Session, principal: Principal, assignment_id: int, reason: str) -> Assignment:
    require_role(principal, Role.CITY, Role.PROVINCE)
    row = load_for_answer(session, principal, assignment_id, "labour")
    require_published(row)
    before = snapshot(row)
    answer(row, AssignmentState.DECLINED, reason)
    session.flush()
    record(session, principal, "assignment", row.id, "reject", before, snapshot(row))
    posting = session.get(Posting, row.posting_id)
    assert posting is not None
    notify(
        session,
        coordinator_ids(session, row.county_code),
        "rejected",
        f"未录用：{row.worker_id}",
        f"{posting.employer_name_zh}（{posting.title_zh}）未录用 {row.worker_id}，理由：{reason}。",
        {"assignment_id": row.id, "worker_id": row.worker_id, "posting_id": posting.posting_id},
    )
    return row


def _posting_locked(session: Session, posting_id: str) -> Posting:
    """The posting, locked so two confirmations cannot both take its last position."""
    posting = session.scalars(
        select(Posting).where(Posting.posting_id == posting_id).with_for_update()
    ).one()
    return posting


def _worker_locked(session: Session, worker_id: str) -> Worker:
    """The worker, locked so two cities cannot both confirm them at the same moment."""
    return session.scalars(
        select(Worker).where(Worker.worker_id == worker_id).with_for_update()
    ).one()


def _check_not_hired_elsewhere(session: Session, row: Assignment) -> None:
    """A worker takes one job: a second confirmed hire, at any posting, is a conflict."""
    other = session.scalars(
        select(Assignment.posting_id).where(
            Assignment.market == "labour",
            Assignment.worker_id == row.worker_id,
            Assignment.state == AssignmentState.ACCEPTED,
            Assignment.id != row.id,
        )
    ).first()
    if other is not None:
        raise HiredElsewhereError(
            f"Worker {row.worker_id} is already hired at posting {other}: a worker takes one job."
        )


def _check_room(session: Session, posting: Posting) -> None:
    if posting.status != "open":
        raise PostingClosedError(
            f"Posting {posting.posting_id} is {posting.status}: it takes no hires."
        )
    hired = session.scalar(
        select(func.count())
        .select_from(Placement)
        .where(Placement.posting_id == posting.posting_id)
    )
    if (hired or 0) >= posting.positions:
        raise PostingFullError(
            f"Posting {posting.posting_id} has {posting.positions} positions and"
            f" {hired} hires already: it takes no more."
        )


def _place(
    session: Session, principal: Principal, row: Assignment, worker: Worker, start_date: date
) -> Placement:
    """The placement; with a group, the fellow villagers already placed at this posting go
    with them, and so their placements now say so too."""
    mates: list[Placement] = []
    if worker.group_id:
        mates = list(
            session.scalars(
                select(Placement)
                .join(Worker, Worker.worker_id == Placement.worker_id)
                .where(
                    Placement.posting_id == row.posting_id,
                    Worker.group_id == worker.group_id,
                    Worker.worker_id != worker.worker_id,
                )
            )
        )
    for mate in mates:
        if not mate.with_group:
            before = snapshot(mate)
            mate.with_group = True
            record(
                session, principal, "placement", mate.placement_id, "update", before, snapshot(mate)
            )
    placement = Placement(
        placement_id=placement_id_for(row.id),
        worker_id=worker.worker_id,
        posting_id=str(row.posting_id),
        start_date=start_date,
        with_group=bool(mates),
        retained_6m=None,
    )
    session.add(placement)
    session.flush()
    record(
        session, principal, "placement", placement.placement_id, "create", None, snapshot(placement)
    )
    return placement
