"""The data set a run reads from the database: the files' data, minus what others hold."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.database import make_engine, session_factory, transaction
from api.database.models import Assignment, AssignmentState, MatchRun, Need, Village
from api.match_runs.dataset import build_dataset
from api.match_runs.scope import scope_counties
from api.settings import Settings
from matching.data.dataset import load_dataset

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@contextmanager
def database(settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(settings.database_url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


def test_the_province_data_set_from_the_database_is_the_files_data_set(
    settings: Settings,
) -> None:
    files = load_dataset(DEMO)
    with database(settings) as sessions, transaction(sessions) as session:
        counties = scope_counties(session, "province", None)
        experts = build_dataset(session, "experts", counties)
        labour = build_dataset(session, "labour", counties)
    # The open needs, and the closed needs the history's visits served.
    wanted = (files.needs["status"] == "open") | files.needs["need_id"].isin(
        files.visits["need_id"]
    )
    pd.testing.assert_frame_equal(experts.needs, files.needs.loc[wanted].reset_index(drop=True))
    for name in ("experts", "villages", "townships", "visits"):
        pd.testing.assert_frame_equal(getattr(experts, name), getattr(files, name))
    for name in ("workers", "postings", "placements"):
        pd.testing.assert_frame_equal(getattr(labour, name), getattr(files, name))
    assert experts.workers.empty and labour.needs.empty
    assert experts.manifest["planning_periods"] == files.manifest["planning_periods"]


def _commit_elsewhere(session: Session, market: str, county: str, **pair: str | int | None) -> None:
    run = MatchRun(market=market, scope_kind="county", scope_code=county, options={})
    session.add(run)
    session.flush()
    session.add(
        Assignment(
            run_id=run.id,
            market=market,
            county_code=county,
            state=AssignmentState.PUBLISHED,
            **pair,
        )
    )


def test_days_and_positions_other_counties_hold_are_taken_out(settings: Settings) -> None:
    with database(settings) as sessions, transaction(sessions) as session:
        need = session.scalars(
            select(Need)
            .join(Village, Village.village_id == Need.village_id)
            .where(Village.county_code == "weining", Need.status == "open")
            .order_by(Need.need_id)
        ).first()
        assert need is not None
        _commit_elsewhere(
            session, "experts", "weining", expert_id="E00005", need_id=need.need_id, days=4
        )
        before = build_dataset(session, "labour", ["congjiang"]).postings.set_index("posting_id")
        posting = str(before.index[before["status"] == "open"][0])
        workers = build_dataset(session, "labour", ["weining"]).workers
        _commit_elsewhere(
            session, "labour", "weining", worker_id=workers["worker_id"].iloc[0], posting_id=posting
        )
        congjiang = build_dataset(session, "experts", ["congjiang"]).experts.set_index("expert_id")
        weining = build_dataset(session, "experts", ["weining"]).experts.set_index("expert_id")
        after = build_dataset(session, "labour", ["congjiang"]).postings.set_index("posting_id")
    files = load_dataset(DEMO).experts.set_index("expert_id")["service_days_per_quarter"]
    assert congjiang.loc["E00005", "service_days_per_quarter"] == max(0, files["E00005"] - 4)
    assert weining.loc["E00005", "service_days_per_quarter"] == files["E00005"]  # own plan
    assert after.loc[posting, "positions"] == before.loc[posting, "positions"] - 1
