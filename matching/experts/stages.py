"""The two engine problems of an expert match: lead experts first, then complementary teams.

Stage 1 gives every need at most one expert (its lead). Stage 2 fills the remaining
places of needs that want several experts, from the capacity stage 1 left. Splitting it
this way makes "every need's first expert before any need's second" exact, and lets the
team places target the asked skills the lead does not cover: a need asking for 病虫害防治
and 电商 gets an e-commerce expert as its second, not a second pest specialist. Within each
stage, slot values rank needs by priority tier (deep poverty first) and urgency.

Suppliers are (expert, period) pairs: service days are a capacity per quarter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from matching.data.tables import codes_matrix, split_codes
from matching.engine.problem import Problem
from matching.experts.config import ExpertConfig
from matching.experts.pool import EdgePool
from matching.experts.tables import ExpertTables

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Stage:
    """An engine problem and, for each of its edges, the pool edge it stands for."""

    problem: Problem
    pool_edge: IntArray
    seat_skills: tuple[tuple[str, ...], ...]  # per demand: skills its place is meant for
    need_of_edge: IntArray


@dataclass(frozen=True)
class Suppliers:
    """(expert, period) supplier of each pool edge, with the supplier list and capacity."""

    of_edge: IntArray
    ids: list[str]
    capacity: IntArray


def suppliers_of(tables: ExpertTables, pool: EdgePool) -> Suppliers:
    n_periods = max(len(tables.periods), 1)
    key = pool.expert * n_periods + tables.need_period[pool.need]
    unique, of_edge = np.unique(key, return_inverse=True)
    expert_ids = tables.experts["expert_id"].astype(str).to_numpy()
    period_names = sorted(tables.periods, key=tables.periods.__getitem__)
    ids = [f"{expert_ids[k // n_periods]}@{period_names[k % n_periods]}" for k in unique]
    days = tables.experts["service_days_per_quarter"].to_numpy(np.int64)
    return Suppliers(of_edge.astype(np.int64), ids, days[unique // n_periods])


def lead_stage(
    tables: ExpertTables,
    config: ExpertConfig,
    pool: EdgePool,
    suppliers: Suppliers,
    fixed: IntArray,
    previous: IntArray,
    capacity: IntArray,
) -> Stage:
    """One place per need, valued by priority tier and urgency, within `capacity` days.

    With one slot per need, a need's slot value is earned exactly when one of its edges is
    chosen, so it is folded into the edge weights: the same objective, a simpler model.
    """
    load = tables.needs["days_needed"].to_numpy(np.int64)[pool.need]
    values = np.asarray(_need_values(tables, config), dtype=np.float64)
    problem = Problem.from_arrays(
        supplier_ids=suppliers.ids,
        capacity=capacity,
        demand_ids=list(tables.needs["need_id"].astype(str)),
        slots=np.ones(tables.n_needs, dtype=np.int64),
        edge_supplier=suppliers.of_edge,
        edge_demand=pool.need,
        weight=pool.weight + values[pool.need],
        load=load,
        fixed=fixed,
        previous=previous,
        stability_bonus=config.stability_bonus,
    )
    skills = tuple(tuple(split_codes(c)) for c in tables.needs["skill_codes"])
    return Stage(problem, np.arange(len(pool), dtype=np.int64), skills, pool.need)


def _need_values(tables: ExpertTables, config: ExpertConfig) -> list[float]:
    urgency = tables.needs["urgency"].to_numpy(np.int64)
    return [config.slot_value(int(t), int(u)) for t, u in zip(tables.tier, urgency, strict=True)]


@dataclass(frozen=True)
class Seat:
    need: int
    skills: tuple[str, ...]
    slots: int


def team_seats(tables: ExpertTables, need: int, covered: set[str], places: int) -> list[Seat]:
    """Places still open at a need, each aimed at asked skills no chosen expert covers.

    With more missing skills than places, the last place takes any of the rest; with
    more places than missing skills, the extra places take any asked skill. A need whose
    locked experts already fill (or exceed) the places it wants gets none.
    """
    if places <= 0:
        return []
    asked = split_codes(tables.needs["skill_codes"].iloc[need])
    missing = [s for s in asked if s not in covered]
    seats = [Seat(need, (skill,), 1) for skill in missing[:places]]
    if len(missing) > places:
        seats[-1] = Seat(need, tuple(missing[places - 1 :]), 1)
    if places > len(missing):
        seats.append(Seat(need, tuple(asked), places - len(missing)))
    return seats


def team_stage(
    tables: ExpertTables,
    config: ExpertConfig,
    pool: EdgePool,
    suppliers: Suppliers,
    seats: list[Seat],
    remaining: IntArray,
    taken: IntArray,
    previous: IntArray,
) -> Stage:
    """Team places as demands; each expert gets one edge per need, to its first fitting seat,
    if the need's days fit in what the expert has left of that quarter.

    `taken` are pool edges already in the plan (a need's lead and locked members).
    """
    edge_pool, edge_seat = _first_fitting_seats(tables, pool, seats, taken)
    days = tables.needs["days_needed"].to_numpy(np.int64)[pool.need[edge_pool]]
    # An expert with fewer days left in the need's quarter than the need takes can serve
    # no plan: such a pair would only loosen the stage's LP bound (on the province set the
    # team stage's bound was 7 % above what any plan can reach, from these pairs alone).
    fits = days <= remaining[suppliers.of_edge[edge_pool]]
    edge_pool, edge_seat, days = edge_pool[fits], edge_seat[fits], days[fits]
    values = _need_values(tables, config)
    need_ids = tables.needs["need_id"].astype(str).tolist()
    problem = Problem.from_arrays(
        supplier_ids=suppliers.ids,
        capacity=remaining,
        demand_ids=[f"{need_ids[s.need]}#{j}" for j, s in enumerate(seats)],
        slots=[s.slots for s in seats],
        edge_supplier=suppliers.of_edge[edge_pool],
        edge_demand=edge_seat,
        weight=pool.weight[edge_pool],
        load=days,
        slot_values=[[values[s.need]] * s.slots for s in seats],
        previous=np.flatnonzero(np.isin(edge_pool, previous)),
        stability_bonus=config.stability_bonus,
    )
    return Stage(problem, edge_pool, tuple(s.skills for s in seats), pool.need[edge_pool])


def _first_fitting_seats(
    tables: ExpertTables, pool: EdgePool, seats: list[Seat], taken: IntArray
) -> tuple[IntArray, IntArray]:
    """Pool edges of needs with seats (not taken), each with the first seat its expert fits."""
    seat_need = np.array([s.need for s in seats], dtype=np.int64)
    n_seats = np.bincount(seat_need, minlength=tables.n_needs)
    first_seat = np.searchsorted(seat_need, np.arange(tables.n_needs))  # seats are need-sorted
    edges = np.flatnonzero(n_seats[pool.need] > 0)
    edges = edges[~np.isin(edges, taken)]
    seat_skills = codes_matrix(
        pd.Series([";".join(s.skills) for s in seats], dtype=object), tables.skill_index
    )
    edge_seat = np.full(edges.size, -1, dtype=np.int64)
    for rank in range(int(n_seats.max(initial=0))):
        open_edges = (edge_seat < 0) & (rank < n_seats[pool.need[edges]])
        seat = first_seat[pool.need[edges[open_edges]]] + rank
        fits = _rows_overlap(
            seat_skills, seat, tables.expert_skills, pool.expert[edges[open_edges]]
        )
        edge_seat[np.flatnonzero(open_edges)[fits]] = seat[fits]
    fitting = edge_seat >= 0
    return edges[fitting].astype(np.int64), edge_seat[fitting]


def _rows_overlap(
    left: sp.csr_matrix, left_rows: IntArray, right: sp.csr_matrix, right_rows: IntArray
) -> npt.NDArray[np.bool_]:
    """Whether row left_rows[i] of `left` and row right_rows[i] of `right` share a column."""
    if left_rows.size == 0:
        return np.zeros(0, dtype=bool)
    shared = left[left_rows].multiply(right[right_rows])
    return np.asarray(shared.sum(axis=1)).ravel() > 0
