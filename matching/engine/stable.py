"""Stable matching: worker-proposing deferred acceptance with posting capacities.

The market is a list of acceptable (worker, posting) edges. Workers rank their edges by
`worker_score`, postings rank theirs by `posting_score`, both higher-is-better; ties are
broken by index (posting index for workers, worker index for postings) so both orders
are strict and the result is deterministic. Proposals of a round are processed together
with numpy, so 200,000 workers with dozens of candidates each take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matching.errors import InvalidInputError
from matching.sorting import lexsort

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TwoSidedMarket:
    """Acceptable edges with both sides' scores; ranks are derived once on creation."""

    n_workers: int
    capacity: IntArray  # positions per posting
    worker: IntArray
    posting: IntArray
    worker_score: FloatArray
    posting_score: FloatArray
    worker_rank: IntArray = field(init=False, repr=False)  # 0 = the worker's favourite edge
    posting_rank: IntArray = field(init=False, repr=False)  # 0 = the posting's favourite

    def __post_init__(self) -> None:
        arrays = {
            "worker": self.worker,
            "posting": self.posting,
            "worker_score": self.worker_score,
            "posting_score": self.posting_score,
        }
        sizes = {name: np.asarray(a).size for name, a in arrays.items()}
        if len(set(sizes.values())) != 1:
            raise InvalidInputError(f"edge arrays differ in length: {sizes}.", item="edges")
        _check_range("worker", self.worker, self.n_workers)
        _check_range("posting", self.posting, np.asarray(self.capacity).size)
        if np.any(np.asarray(self.capacity) < 0):
            raise InvalidInputError("capacity must be non-negative.", item="capacity")
        w_order = lexsort((self.posting, -self.worker_score, self.worker))
        p_order = lexsort((self.worker, -self.posting_score, self.posting))
        object.__setattr__(self, "worker_rank", _rank_within(w_order, self.worker))
        object.__setattr__(self, "posting_rank", _rank_within(p_order, self.posting))

    @property
    def n_edges(self) -> int:
        return int(self.worker.size)


def _check_range(name: str, values: IntArray, upper: int) -> None:
    if values.size and (values.min() < 0 or values.max() >= upper):
        raise InvalidInputError(f"{name} indices must lie in [0, {upper}).", item=name)


def _rank_within(order: IntArray, group: IntArray) -> IntArray:
    """Position of each edge inside its group, given edges sorted by (group, preference)."""
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_group)) + 1]
    first_of_group = np.repeat(starts, np.diff(np.r_[starts, sorted_group.size]))
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size) - first_of_group
    return rank


def deferred_acceptance(market: TwoSidedMarket) -> IntArray:
    """Worker-optimal stable matching; returns the sorted indices of chosen edges."""
    by_preference = lexsort((market.worker_rank, market.worker))
    list_end = np.cumsum(np.bincount(market.worker, minlength=market.n_workers))
    next_pos = list_end - np.bincount(market.worker, minlength=market.n_workers)
    matched = np.zeros(market.n_workers, dtype=bool)
    held = np.zeros(0, dtype=np.int64)
    while True:
        free = np.flatnonzero(~matched & (next_pos < list_end))
        if free.size == 0:
            break
        proposals = by_preference[next_pos[free]]
        next_pos[free] += 1
        held = _accept_best(market, held, proposals, matched)
    return np.sort(held)


def _accept_best(
    market: TwoSidedMarket, held: IntArray, proposals: IntArray, matched: npt.NDArray[np.bool_]
) -> IntArray:
    """Postings that received proposals keep their best `capacity` edges; others stay."""
    touched = np.zeros(market.capacity.size, dtype=bool)
    touched[market.posting[proposals]] = True
    keep_untouched = held[~touched[market.posting[held]]]
    pool = np.concatenate([held[touched[market.posting[held]]], proposals])
    order = lexsort((market.posting_rank[pool], market.posting[pool]))
    pool = pool[order]
    rank = _rank_within(np.arange(pool.size), market.posting[pool])
    accepted = rank < market.capacity[market.posting[pool]]
    matched[market.worker[pool[~accepted]]] = False
    matched[market.worker[pool[accepted]]] = True
    return np.concatenate([keep_untouched, pool[accepted]])


def blocking_pairs(market: TwoSidedMarket, chosen: npt.ArrayLike) -> IntArray:
    """Edges (worker, posting) that would both rather be matched to each other.

    A worker blocks with a posting they rank above their current edge (any posting, if
    unmatched) when the posting has a free position or ranks the worker above one of
    its current workers. `chosen` is any assignment: at most one edge per worker and at
    most `capacity` per posting.
    """
    edges = np.asarray(chosen, dtype=np.int64)
    _check_assignment(market, edges)
    current_rank = np.full(market.n_workers, np.iinfo(np.int64).max, dtype=np.int64)
    current_rank[market.worker[edges]] = market.worker_rank[edges]
    fill = np.bincount(market.posting[edges], minlength=market.capacity.size)
    worst = np.full(market.capacity.size, -1, dtype=np.int64)
    np.maximum.at(worst, market.posting[edges], market.posting_rank[edges])
    prefers = market.worker_rank < current_rank[market.worker]
    room = fill[market.posting] < market.capacity[market.posting]
    displaces = market.posting_rank < worst[market.posting]
    return np.flatnonzero(prefers & (room | displaces)).astype(np.int64)


def _check_assignment(market: TwoSidedMarket, edges: IntArray) -> None:
    _check_range("chosen", edges, market.n_edges)
    if np.unique(market.worker[edges]).size != edges.size:
        raise InvalidInputError("an assignment gives a worker more than one edge.", item="chosen")
    fill = np.bincount(market.posting[edges], minlength=market.capacity.size)
    if np.any(fill > market.capacity):
        raise InvalidInputError("an assignment exceeds a posting's capacity.", item="chosen")
