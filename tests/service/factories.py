"""State for the assignment, hiring and inbox tests, written straight into the database.

Keyword-only factories: a finished match run, published assignments, notifications. They
pick real rows of the demo data (an open need of a county, an open posting of a city, a
worker of a county), always the first by id, so every test sees the same state.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.database import make_engine, session_factory, transaction
from api.database.models import (
    Assignment,
    MatchRun,
    Need,
    Notification,
    Posting,
    User,
    Village,
    Worker,
)

PUBLISHED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@contextmanager
def writing(database_url: str) -> Iterator[Session]:
    """A session on the test's database, committed when the block ends."""
    engine = make_engine(database_url)
    try:
        with transaction(session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def match_run(
    session: Session,
    *,
    market: str = "experts",
    county: str = "congjiang",
    state: str = "succeeded",
    options: dict[str, Any] | None = None,
) -> MatchRun:
    run = MatchRun(
        market=market,
        scope_kind="county",
        scope_code=county,
        options=options if options is not None else {"solver": "auto", "seed": 7},
        state=state,
        progress={},
        published_at=PUBLISHED_AT if state == "succeeded" else None,
    )
    session.add(run)
    session.flush()
    return run


def open_needs(session: Session, *, county: str, count: int = 1) -> list[Need]:
    query = (
        select(Need)
        .join(Village, Village.village_id == Need.village_id)
        .where(Village.county_code == county, Need.status == "open")
        .order_by(Need.need_id)
        .limit(count)
    )
    return list(session.scalars(query))


def open_postings(session: Session, *, city: str, count: int = 1) -> list[Posting]:
    query = (
        select(Posting)
        .where(Posting.partner_city_code == city, Posting.status == "open")
        .order_by(Posting.posting_id)
        .limit(count)
    )
    return list(session.scalars(query))


def workers_of(
    session: Session, *, county: str, count: int = 1, grouped: bool = False
) -> list[Worker]:
    query = (
        select(Worker)
        .join(Village, Village.village_id == Worker.village_id)
        .where(Village.county_code == county, Worker.active)
        .order_by(Worker.worker_id)
        .limit(count)
    )
    if grouped:
        query = query.where(Worker.group_id.is_not(None))
    return list(session.scalars(query))


def group_of(session: Session, *, county: str) -> list[Worker]:
    """All members of the first worker group (by id) of a county with two or more."""
    size = func.count(Worker.worker_id)
    group_id = session.scalars(
        select(Worker.group_id)
        .join(Village, Village.village_id == Worker.village_id)
        .where(Village.county_code == county, Worker.group_id.is_not(None))
        .group_by(Worker.group_id)
        .having(size >= 2)
        .order_by(Worker.group_id)
    ).first()
    return list(
        session.scalars(
            select(Worker).where(Worker.group_id == group_id).order_by(Worker.worker_id)
        )
    )


def county_of_need(session: Session, need_id: str) -> str:
    return str(
        session.scalar(
            select(Village.county_code)
            .join(Need, Need.village_id == Village.village_id)
            .where(Need.need_id == need_id)
        )
    )


def expert_assignment(
    session: Session,
    *,
    run: MatchRun,
    expert_id: str,
    need: Need,
    state: str = "published",
    days: int = 3,
) -> Assignment:
    row = Assignment(
        run_id=run.id,
        market="experts",
        expert_id=expert_id,
        need_id=need.need_id,
        county_code=county_of_need(session, need.need_id),
        state=state,
        score=71.5,
        days=days,
        explanation={
            "kind": "assignment",
            "expert_id": expert_id,
            "need_id": need.need_id,
            "terms": [
                {"key": "distance_km", "label": "距离（公里）", "value": 12.4},
                # Stored without a label: the API fills it in.
                {"key": "edge_weight", "value": 71.5},
            ],
        },
        published_at=None if state == "proposed" else PUBLISHED_AT,
    )
    session.add(row)
    session.flush()
    return row


def labour_assignment(
    session: Session, *, run: MatchRun, worker: Worker, posting: Posting, state: str = "published"
) -> Assignment:
    county = session.scalar(
        select(Village.county_code).where(Village.village_id == worker.village_id)
    )
    row = Assignment(
        run_id=run.id,
        market="labour",
        worker_id=worker.worker_id,
        posting_id=posting.posting_id,
        county_code=str(county),
        state=state,
        score=55.0,
        # Coordinators see why; cities never see this (it names the household status).
        explanation={
            "kind": "assignment",
            "worker_id": worker.worker_id,
            "posting_id": posting.posting_id,
            "terms": [
                {"key": "registered_poor", "label": "建档立卡贫困户", "value": True},
                {"key": "predicted_retention", "label": "预测六个月留岗率", "value": 0.71},
            ],
        },
        published_at=None if state == "proposed" else PUBLISHED_AT,
    )
    session.add(row)
    session.flush()
    return row


def user_id(session: Session, username: str) -> int:
    return int(session.scalars(select(User.id).where(User.username == username)).one())


def notification(
    session: Session,
    *,
    username: str,
    kind: str = "published",
    title_zh: str = "方案已发布",
    created_at: datetime = PUBLISHED_AT,
    read: bool = False,
) -> Notification:
    entry = Notification(
        user_id=user_id(session, username),
        kind=kind,
        title_zh=title_zh,
        body_zh=f"{title_zh}。",
        payload={},
        created_at=created_at,
        read_at=created_at if read else None,
    )
    session.add(entry)
    session.flush()
    return entry
