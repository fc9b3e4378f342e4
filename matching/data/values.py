"""Row rules of the generated tables: ranges, counts and agreement between columns.

`check_dataset_values` raises `InvalidInputError` at the first row that breaks a rule of
`data/SCHEMA.md`, naming file, row (file line) and column, as `read_table` does for a
value that is not even a number. Ids and codes are checked by `matching.data.checks`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from matching.data import specs
from matching.data.tables import TableSpec, bad_value, split_codes

if TYPE_CHECKING:
    from matching.data.frames import Dataset

# Ages a worker may have and a posting may ask for (data/SCHEMA.md).
MIN_AGE, MAX_AGE = 16, 60
# Guizhou lies within 24°37′–29°13′ N and 103°36′–109°35′ E; a village outside this box,
# with a margin of about 20 km, has swapped or mistyped coordinates.
GUIZHOU_LAT = (24.4, 29.4)
GUIZHOU_LON = (103.4, 109.8)
# How many distinct skills a need asks for and an expert offers (data/SCHEMA.md).
NEED_SKILLS = (1, 3)
EXPERT_SPECIALTIES = (1, 5)


def _first(mask: pd.Series | np.ndarray) -> int | None:
    rows = np.flatnonzero(np.asarray(mask))
    return int(rows[0]) if rows.size else None


def check_range(
    frame: pd.DataFrame, spec: TableSpec, column: str, low: float, high: float, what: str = ""
) -> None:
    """Raise at the first row whose `column` lies outside [low, high]."""
    values = frame[column]
    row = _first((values < low) | (values > high))
    if row is not None:
        meaning = f" ({what})" if what else ""
        raise bad_value(
            spec.file_name, row, column, f"{values.iloc[row]} is outside {low}..{high}{meaning}"
        )


def _check_coordinates(frame: pd.DataFrame, spec: TableSpec, *, in_guizhou: bool) -> None:
    check_range(frame, spec, "lat", -90, 90, "a latitude")
    check_range(frame, spec, "lon", -180, 180, "a longitude")
    if in_guizhou:
        hint = "Guizhou's latitudes; are lat and lon swapped?"
        check_range(frame, spec, "lat", *GUIZHOU_LAT, hint)
        check_range(frame, spec, "lon", *GUIZHOU_LON, "Guizhou's longitudes")


def _check_code_count(
    frame: pd.DataFrame, spec: TableSpec, column: str, bounds: tuple[int, int]
) -> None:
    counts = frame[column].map(lambda cell: len(set(split_codes(cell))))
    low, high = bounds
    row = _first((counts < low) | (counts > high))
    if row is not None:
        raise bad_value(
            spec.file_name,
            row,
            column,
            f"{counts.iloc[row]} codes, expected {low} to {high}",
        )


def _check_places(data: Dataset) -> None:
    _check_coordinates(data.townships, specs.TOWNSHIPS, in_guizhou=True)
    villages = data.villages
    _check_coordinates(villages, specs.VILLAGES, in_guizhou=True)
    check_range(villages, specs.VILLAGES, "population", 0, np.inf)
    check_range(villages, specs.VILLAGES, "poor_households", 0, np.inf)


def _check_experts(data: Dataset) -> None:
    experts, spec = data.experts, specs.EXPERTS
    _check_coordinates(experts, spec, in_guizhou=False)
    _check_code_count(experts, spec, "specialty_codes", EXPERT_SPECIALTIES)
    check_range(experts, spec, "service_days_per_quarter", 0, 92)
    check_range(experts, spec, "max_travel_km", 0, np.inf)


def _check_needs(data: Dataset) -> None:
    needs, spec = data.needs, specs.NEEDS
    _check_code_count(needs, spec, "skill_codes", NEED_SKILLS)
    check_range(needs, spec, "days_needed", 1, 92)
    check_range(needs, spec, "urgency", 1, 3)
    check_range(needs, spec, "experts_wanted", 1, 10)
    periods = data.manifest.get("planning_periods")
    if periods:
        open_needs = needs["status"] == "open"
        row = _first(open_needs & ~needs["period"].isin([str(p) for p in periods]))
        if row is not None:
            raise bad_value(
                spec.file_name,
                row,
                "period",
                f"open need in {needs['period'].iloc[row]!r}, which is not a planning period "
                f"of manifest.json ({', '.join(map(str, periods))})",
            )


def _check_workers(data: Dataset) -> None:
    workers, spec = data.workers, specs.WORKERS
    check_range(workers, spec, "age", MIN_AGE, MAX_AGE)
    check_range(workers, spec, "expected_wage_yuan", 0, np.inf, "a wage is not negative")
    _check_group_villages(workers)


def _check_group_villages(workers: pd.DataFrame) -> None:
    """Fellow villagers of one group live in one village: the first member's."""
    grouped = workers[workers["group_id"] != ""]
    home = grouped.groupby("group_id", sort=False)["village_id"].transform("first")
    elsewhere = grouped.index[(grouped["village_id"] != home).to_numpy()]
    if len(elsewhere):
        row = int(elsewhere[0])
        group = workers["group_id"].iloc[row]
        raise bad_value(
            specs.WORKERS.file_name,
            row,
            "village_id",
            f"{workers['village_id'].iloc[row]!r}, but group {group!r} lives in "
            f"{home.loc[row]!r}: fellow villagers of a group share their village",
        )


def _check_postings(data: Dataset) -> None:
    postings, spec = data.postings, specs.POSTINGS
    check_range(postings, spec, "positions", 0, np.inf)
    check_range(postings, spec, "wage_yuan_month", 1, np.inf, "a wage is positive")
    check_range(postings, spec, "min_age", MIN_AGE, MAX_AGE)
    check_range(postings, spec, "max_age", MIN_AGE, MAX_AGE)
    row = _first(postings["max_age"] < postings["min_age"])
    if row is not None:
        raise bad_value(
            spec.file_name,
            row,
            "max_age",
            f"{postings['max_age'].iloc[row]} is below min_age {postings['min_age'].iloc[row]}",
        )


def _check_history(data: Dataset) -> None:
    check_range(data.visits, specs.VISITS, "days", 1, 92)
    check_range(data.visits, specs.VISITS, "rating", 1, 5)


def check_dataset_values(data: Dataset) -> None:
    """Raise `InvalidInputError` at the first value that breaks a rule of the schema."""
    _check_places(data)
    _check_experts(data)
    _check_needs(data)
    _check_workers(data)
    _check_postings(data)
    _check_history(data)
