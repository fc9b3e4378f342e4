"""The three generator scales and the periods they cover.

Sizes follow the province's published programme (DOMAIN.md): about 9,000 poor villages of
which 2,760 deep-poverty villages, 20 extremely poor townships, about 10,000 experts and
about 3 open needs per village; 200,000 workers and 10,000 open postings for the labour
side. `demo` and `county` keep the same proportions on a smaller area.
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.errors import InvalidInputError

PLANNING_PERIODS = ("2026Q1", "2026Q2")
VISIT_HISTORY_PERIODS = ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
# placements must start six months before the planning periods so outcomes are known
PLACEMENT_HISTORY_PERIODS = ("2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2")
PLANNING_YEAR = 2026


@dataclass(frozen=True)
class ScaleSpec:
    """Row counts of one scale; `county_codes` empty means all 88 counties."""

    name: str
    county_codes: tuple[str, ...]
    villages: int
    deep_poverty_villages: int
    extremely_poor_townships: int
    experts: int
    open_needs_per_village: float
    workers: int
    open_postings: int
    placements: int
    visits: int

    def __post_init__(self) -> None:
        if self.deep_poverty_villages > self.villages:
            raise InvalidInputError(
                "deep_poverty_villages must not exceed villages.", item="deep_poverty_villages"
            )
        if min(self.villages, self.experts, self.workers, self.open_postings) <= 0:
            raise InvalidInputError("every table needs at least one row.", item=self.name)


SCALES: dict[str, ScaleSpec] = {
    "demo": ScaleSpec(
        name="demo",
        county_codes=("weining", "congjiang", "meitan"),
        villages=120,
        deep_poverty_villages=40,
        extremely_poor_townships=2,
        experts=150,
        open_needs_per_village=3.0,
        workers=600,
        open_postings=200,
        placements=400,
        visits=300,
    ),
    "county": ScaleSpec(
        name="county",
        county_codes=("weining",),
        villages=400,
        deep_poverty_villages=160,
        extremely_poor_townships=2,
        experts=300,
        open_needs_per_village=3.0,
        workers=9000,
        open_postings=600,
        placements=3000,
        visits=1200,
    ),
    "province": ScaleSpec(
        name="province",
        county_codes=(),
        villages=9000,
        deep_poverty_villages=2760,
        extremely_poor_townships=20,
        experts=10000,
        open_needs_per_village=3.0,
        workers=200_000,
        open_postings=10_000,
        placements=40_000,
        visits=20_000,
    ),
}


def scale_spec(name: str) -> ScaleSpec:
    """The spec of a scale by name; unknown names raise `InvalidInputError`."""
    try:
        return SCALES[name]
    except KeyError:
        known = ", ".join(SCALES)
        raise InvalidInputError(f"unknown scale {name!r}; use one of {known}.", item=name) from None
