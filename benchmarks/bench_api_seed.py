"""What the API benchmarks need in the database besides the loaded data set.

A published plan (one run, a few assignments for each of a set of experts, from open
needs in their home county) and the accounts that read it: one per expert, and one for
the province office. Written straight into the database, so the benchmark does not
depend on a match finishing first. Idempotent: a second call reuses what is there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.schemas import UserCreate
from api.auth.service import create_user
from api.database import make_engine, session_factory, transaction, utc_now
from api.database.models import (
    Assignment,
    AssignmentState,
    Expert,
    MatchRun,
    Need,
    Role,
    RunState,
    User,
    Village,
)

PASSWORD = "bench-password-0123"
PROVINCE = "bench-province"
MARKER = {"benchmark": "bench_api"}


@dataclass(frozen=True)
class Seeded:
    experts: list[str]  # user names, all with PASSWORD
    assignments: int


def _account(session: Session, username: str, role: Role, expert_id: str | None = None) -> None:
    if session.scalar(select(User.id).where(User.username == username)):
        return
    data = UserCreate(
        username=username,
        password=PASSWORD,
        display_name_zh="压测账号",
        role=role,
        expert_id=expert_id,
    )
    create_user(session, None, data)


def _bench_run(session: Session) -> MatchRun:
    marked = MatchRun.options["benchmark"].as_string() == MARKER["benchmark"]
    run = session.scalars(select(MatchRun).where(marked)).first()
    if run is None:
        now = utc_now()
        run = MatchRun(
            market="experts",
            scope_kind="province",
            state=RunState.SUCCEEDED,
            options=MARKER,
            started_at=now,
            finished_at=now,
            published_at=now,
        )
        session.add(run)
        session.flush()
    return run


def _open_needs(session: Session, county: str, count: int) -> list[Need]:
    query = (
        select(Need)
        .join(Village, Need.village_id == Village.village_id)
        .where(Village.county_code == county, Need.status == "open")
        .order_by(Need.need_id)
        .limit(count)
    )
    return list(session.scalars(query))


def seed(database_url: str, experts: int, per_expert: int) -> Seeded:
    engine = make_engine(database_url)
    try:
        with transaction(session_factory(engine)) as session:
            _account(session, PROVINCE, Role.PROVINCE)
            run = _bench_run(session)
            chosen = session.scalars(
                select(Expert).where(Expert.active).order_by(Expert.expert_id).limit(experts)
            ).all()
            added = 0
            for expert in chosen:
                username = f"bench-{expert.expert_id.lower()}"
                if not session.scalar(select(User.id).where(User.username == username)):
                    for need in _open_needs(session, expert.home_county_code, per_expert):
                        session.add(
                            Assignment(
                                run_id=run.id,
                                market="experts",
                                expert_id=expert.expert_id,
                                need_id=need.need_id,
                                county_code=expert.home_county_code,
                                state=AssignmentState.PUBLISHED,
                                days=min(3, need.days_needed),
                                score=1.0,
                                published_at=run.published_at,
                            )
                        )
                        added += 1
                    _account(session, username, Role.EXPERT, expert.expert_id)
            names = [f"bench-{expert.expert_id.lower()}" for expert in chosen]
        return Seeded(names, added)
    finally:
        engine.dispose()
