"""Load a generated data directory (demo, county, province) into the database.

The directory is read and checked completely first (`matching.data.load_dataset`: types,
ranges, references), so a bad file stores nothing. Each table is then written in its own
transaction as an upsert on its id: loading the same directory twice changes nothing, and
a table is either fully written or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.database.base import Base
from api.database.models import (
    County,
    DatasetMeta,
    Expert,
    Need,
    PartnerCity,
    Placement,
    Posting,
    Prefecture,
    Township,
    Village,
    Visit,
    Worker,
    WorkerGroup,
)
from matching.data.dataset import load_dataset
from matching.data.frames import Dataset
from matching.data.reference import Reference, load_reference

CHUNK_ROWS = 5_000


@dataclass(frozen=True)
class LoadReport:
    """Rows written per table (inserted or already there, counted once each)."""

    rows: dict[str, int]


def _flags(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    return frame.assign(**{c: frame[c].astype(bool) for c in columns})


def _dates(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    return frame.assign(**{c: [date.fromisoformat(v) for v in frame[c]] for c in columns})


def _records(frame: pd.DataFrame, model: type[Base]) -> list[dict[str, Any]]:
    """Rows as dicts of the model's columns only (extra file columns are not stored)."""
    columns = [c.name for c in model.__table__.columns if c.name in frame.columns]
    records: list[dict[str, Any]] = frame[columns].to_dict("records")  # type: ignore[assignment]
    # pandas turns a missing value into NaN; the database wants NULL.
    missing = [c for c in columns if frame[c].isna().any()]
    for record in records:
        for column in missing:
            if pd.isna(record[column]):
                record[column] = None
    return records


def _groups(workers: pd.DataFrame) -> pd.DataFrame:
    grouped = workers.loc[workers["group_id"] != "", ["group_id", "village_id"]]
    return grouped.drop_duplicates("group_id").sort_values("group_id")


def _workers(workers: pd.DataFrame) -> pd.DataFrame:
    frame = _flags(workers, ["registered_poor", "willing_far"])
    return frame.assign(group_id=frame["group_id"].where(frame["group_id"] != "", None))


def table_plan(data: Dataset, ref: Reference) -> list[tuple[type[Base], pd.DataFrame]]:
    """Every table in the order foreign keys need, with its rows as the model stores them."""
    return [
        (Prefecture, ref.prefectures),
        (County, _flags(ref.counties, ["deep_poverty", "key_county"])),
        (PartnerCity, ref.partner_cities),
        (Township, _flags(data.townships, ["extremely_poor"])),
        (Village, _flags(data.villages, ["deep_poverty", "extremely_poor_township"])),
        (Expert, data.experts.assign(active=True)),
        (WorkerGroup, _groups(data.workers)),
        (Worker, _workers(data.workers).assign(active=True)),
        (Need, data.needs),
        (Posting, _flags(data.postings, ["housing", "meals"])),
        (Placement, _dates(_flags(data.placements, ["with_group", "retained_6m"]), ["start_date"])),
        (Visit, _dates(data.visits, ["visit_date"])),
    ]


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK_ROWS):
        yield rows[start : start + CHUNK_ROWS]


def upsert_statement(engine: Engine, table: Table) -> Callable[[list[dict[str, Any]]], Any]:
    """An insert that updates the row when its id is already there (both dialects)."""
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    keys = [c.name for c in table.primary_key.columns]

    def build(rows: list[dict[str, Any]]) -> Any:
        statement = insert(table)
        updates = {c: statement.excluded[c] for c in rows[0] if c not in keys}
        if not updates:
            return statement.on_conflict_do_nothing(index_elements=keys)
        return statement.on_conflict_do_update(index_elements=keys, set_=updates)

    return build


def write_table(engine: Engine, model: type[Base], frame: pd.DataFrame) -> int:
    """One table, one transaction: every row or none."""
    rows = _records(frame, model)
    if not rows:
        return 0
    build = upsert_statement(engine, model.__table__)  # type: ignore[arg-type]
    with Session(engine) as session, session.begin():
        for chunk in _chunks(rows):
            session.execute(build(chunk), chunk)
    return len(rows)


def write_manifest(engine: Engine, manifest: dict[str, Any]) -> None:
    with Session(engine) as session, session.begin():
        for key, value in sorted(manifest.items()):
            session.merge(DatasetMeta(key=key, value=value))


def load_directory(
    engine: Engine,
    directory: Path | str,
    reference: Reference | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> LoadReport:
    ref = reference or load_reference()
    data = load_dataset(directory, ref)
    written: dict[str, int] = {}
    for model, frame in table_plan(data, ref):
        name = model.__tablename__
        written[name] = write_table(engine, model, frame)
        if progress:
            progress(name, written[name])
    write_manifest(engine, data.manifest)
    return LoadReport(written)
