"""From the database to the matchers' input: one `Dataset` for a run's scope.

The frames get exactly the columns and types `matching.data.load_dataset` gives a data
directory (`check_frame` against the same table specs), so the matchers cannot tell the
two apart. What other scopes already hold is taken out first:

- experts: every active expert, with the service days their published plans outside the
  scope commit subtracted (the most committed quarter counts, so no quarter is overbooked);
- workers: the scope's active workers not yet hired;
- postings: open postings with the positions other scopes' plans and confirmed hires
  hold subtracted (postings with none left are left out); closed postings and the scope
  workers' past placements are the history the retention model learns from.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Select, func, select, union
from sqlalchemy.orm import Session

from api.database.models import (
    Assignment,
    AssignmentState,
    DatasetMeta,
    Expert,
    Need,
    Placement,
    Posting,
    Township,
    Village,
    Visit,
    Worker,
)
from api.match_runs.scope import IN_FORCE
from api.workers.queries import hired_workers
from matching.data.frames import Dataset
from matching.data.specs import TABLE_SPECS
from matching.data.tables import check_frame


def _frame(session: Session, query: Select[Any], table: str) -> pd.DataFrame:
    """Rows of `query` as the table's spec types them (flags 0/1, dates as ISO text)."""
    spec = TABLE_SPECS[table]
    frame = pd.read_sql(query, session.connection())
    for column, kind in spec.columns.items():
        values = frame[column]
        if kind == "flag":
            frame[column] = values.fillna(False).astype(bool).astype("int64")
        elif kind in ("str", "codes"):
            frame[column] = [_text(v) for v in values]
    return check_frame(frame, spec)


def _text(value: Any) -> str:
    """A text cell as the files hold it: NULL is empty, a date is ISO text."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _columns(model: type[Any], table: str) -> list[Any]:
    return [getattr(model, name) for name in TABLE_SPECS[table].columns]


def _in_scope_villages(counties: list[str]) -> Any:
    return select(Village.village_id).where(Village.county_code.in_(counties))


def _experts(session: Session, counties: list[str]) -> pd.DataFrame:
    frame = _frame(
        session,
        select(*_columns(Expert, "experts")).where(Expert.active).order_by(Expert.expert_id),
        "experts",
    )
    committed = committed_days(session, counties)
    if committed:
        taken = frame["expert_id"].map(committed).fillna(0).astype("int64")
        frame["service_days_per_quarter"] = (frame["service_days_per_quarter"] - taken).clip(
            lower=0
        )
    return frame


def committed_days(session: Session, counties: list[str]) -> dict[str, int]:
    """Per expert: the most days one quarter of their plans outside `counties` holds."""
    per_period = (
        select(Assignment.expert_id, Need.period, func.sum(Assignment.days).label("days"))
        .join(Need, Need.need_id == Assignment.need_id)
        .where(
            Assignment.market == "experts",
            Assignment.state.in_(IN_FORCE),
            Assignment.county_code.not_in(counties),
            Need.status == "open",
        )
        .group_by(Assignment.expert_id, Need.period)
        .subquery()
    )
    query = select(per_period.c.expert_id, func.max(per_period.c.days)).group_by(
        per_period.c.expert_id
    )
    return {str(e): int(d or 0) for e, d in session.execute(query)}


def taken_positions(session: Session, counties: list[str]) -> dict[str, int]:
    """Per open posting: workers held by other scopes' plans or already hired (each once)."""
    elsewhere = select(Assignment.posting_id, Assignment.worker_id).where(
        Assignment.market == "labour",
        Assignment.state.in_(IN_FORCE),
        Assignment.county_code.not_in(counties) | (Assignment.state == AssignmentState.ACCEPTED),
    )
    placed = (
        select(Placement.posting_id, Placement.worker_id)
        .join(Posting, Posting.posting_id == Placement.posting_id)
        .where(Posting.status == "open")
    )
    held = union(elsewhere, placed).subquery()
    query = select(held.c.posting_id, func.count()).group_by(held.c.posting_id)
    return {str(p): int(n) for p, n in session.execute(query)}


def _postings(session: Session, counties: list[str]) -> pd.DataFrame:
    query = select(*_columns(Posting, "postings")).where(Posting.status.in_(("open", "closed")))
    frame = _frame(session, query.order_by(Posting.posting_id), "postings")
    taken = frame["posting_id"].map(taken_positions(session, counties)).fillna(0)
    frame["positions"] = (frame["positions"] - taken.astype("int64")).astype("int64")
    keep = (frame["status"] == "closed") | (frame["positions"] > 0)
    return frame.loc[keep].reset_index(drop=True)


def _manifest(session: Session) -> dict[str, Any]:
    return {row.key: row.value for row in session.scalars(select(DatasetMeta))}


def _needs(session: Session, villages: Any) -> pd.DataFrame:
    """The open needs to match, and the closed ones past visits served (the rating model
    learns from those visits)."""
    visited = select(Visit.need_id).where(Visit.village_id.in_(villages))
    query = select(*_columns(Need, "needs")).where(
        Need.village_id.in_(villages), (Need.status == "open") | Need.need_id.in_(visited)
    )
    return _frame(session, query.order_by(Need.need_id), "needs")


def _visits(session: Session, villages: Any) -> pd.DataFrame:
    query = select(*_columns(Visit, "visits")).where(Visit.village_id.in_(villages))
    return _frame(session, query.order_by(Visit.visit_id), "visits")


def _scope_workers(villages: Any) -> Select[Any]:
    return select(*_columns(Worker, "workers")).where(
        Worker.village_id.in_(villages),
        Worker.active,
        Worker.worker_id.not_in(hired_workers()),
    )


def _placements(session: Session, workers: Select[Any]) -> pd.DataFrame:
    """Past placements of these workers whose six-month outcome is known."""
    ids = workers.with_only_columns(Worker.worker_id)
    query = select(*_columns(Placement, "placements")).where(
        Placement.worker_id.in_(ids), Placement.retained_6m.is_not(None)
    )
    return _frame(session, query.order_by(Placement.placement_id), "placements")


def build_dataset(session: Session, market: str, counties: list[str]) -> Dataset:
    """The scope's data set for one market (the other market's tables are empty)."""
    villages = _in_scope_villages(counties)
    townships = select(*_columns(Township, "townships")).where(Township.county_code.in_(counties))
    village_rows = select(*_columns(Village, "villages")).where(Village.county_code.in_(counties))
    tables: dict[str, pd.DataFrame] = {
        "townships": _frame(session, townships.order_by(Township.township_id), "townships"),
        "villages": _frame(session, village_rows.order_by(Village.village_id), "villages"),
    }
    if market == "experts":
        tables |= {
            "experts": _experts(session, counties),
            "needs": _needs(session, villages),
            "visits": _visits(session, villages),
        }
    else:
        workers = _scope_workers(villages)
        tables |= {
            "workers": _frame(session, workers.order_by(Worker.worker_id), "workers"),
            "postings": _postings(session, counties),
            "placements": _placements(session, workers),
        }
    empty = {name: _empty(name) for name in TABLE_SPECS if name not in tables}
    return Dataset(**tables, **empty, manifest=_manifest(session))


def _empty(table: str) -> pd.DataFrame:
    spec = TABLE_SPECS[table]
    return check_frame(pd.DataFrame({c: pd.Series([], dtype=str) for c in spec.columns}), spec)
