"""Tests of deferred acceptance and blocking pairs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine.stable import TwoSidedMarket, blocking_pairs, deferred_acceptance
from matching.errors import InvalidInputError


def _random_market(seed: int, n_workers: int, n_postings: int, density: float) -> TwoSidedMarket:
    rng = np.random.default_rng(seed)
    pairs = [
        (w, p)
        for w, p in itertools.product(range(n_workers), range(n_postings))
        if rng.random() < density
    ]
    worker = np.array([w for w, _ in pairs], dtype=np.int64)
    posting = np.array([p for _, p in pairs], dtype=np.int64)
    return TwoSidedMarket(
        n_workers=n_workers,
        capacity=rng.integers(0, 3, n_postings).astype(np.int64),
        worker=worker,
        posting=posting,
        worker_score=rng.integers(0, 4, worker.size).astype(float),  # ties on purpose
        posting_score=rng.integers(0, 4, worker.size).astype(float),
    )


def _reference_da(market: TwoSidedMarket) -> list[int]:
    """Textbook one-proposal-at-a-time Gale–Shapley on the market's strict ranks."""
    lists = {
        w: sorted(np.flatnonzero(market.worker == w), key=lambda e: market.worker_rank[e])
        for w in range(market.n_workers)
    }
    held: dict[int, list[int]] = {p: [] for p in range(market.capacity.size)}
    free = list(range(market.n_workers))
    while free:
        w = free.pop()
        if not lists[w]:
            continue
        e = lists[w].pop(0)
        p = int(market.posting[e])
        held[p] = sorted([*held[p], e], key=lambda x: market.posting_rank[x])
        if len(held[p]) > market.capacity[p]:
            free.append(int(market.worker[held[p].pop()]))
    return sorted(int(e) for edges in held.values() for e in edges)


def test_textbook_instance() -> None:
    """Two workers who both want posting 0 (one seat): the posting's favourite gets it."""
    market = TwoSidedMarket(
        n_workers=2,
        capacity=np.array([1, 1], dtype=np.int64),
        worker=np.array([0, 0, 1, 1], dtype=np.int64),
        posting=np.array([0, 1, 0, 1], dtype=np.int64),
        worker_score=np.array([2.0, 1.0, 2.0, 1.0]),
        posting_score=np.array([1.0, 1.0, 5.0, 5.0]),
    )
    assert deferred_acceptance(market).tolist() == [1, 2]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_workers=st.integers(1, 9),
    n_postings=st.integers(1, 5),
    density=st.floats(0.2, 1.0),
)
def test_equals_reference_and_has_no_blocking_pairs(
    seed: int, n_workers: int, n_postings: int, density: float
) -> None:
    """The vectorised result is the worker-optimal stable matching: no blocking pair."""
    market = _random_market(seed, n_workers, n_postings, density)
    chosen = deferred_acceptance(market)
    assert chosen.tolist() == _reference_da(market)
    assert blocking_pairs(market, chosen).size == 0


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_blocking_pairs_match_brute_force(seed: int) -> None:
    """Blocking pairs of a random valid assignment equal a pair-by-pair check."""
    market = _random_market(seed, 6, 3, 0.7)
    rng = np.random.default_rng(seed)
    chosen: list[int] = []
    for e in rng.permutation(market.n_edges):
        w, p = market.worker[e], market.posting[e]
        fill = sum(market.posting[c] == p for c in chosen)
        if all(market.worker[c] != w for c in chosen) and fill < market.capacity[p]:
            chosen.append(int(e))
    expected = []
    for e in range(market.n_edges):
        w, p = market.worker[e], market.posting[e]
        mine = [c for c in chosen if market.worker[c] == w]
        at_p = [c for c in chosen if market.posting[c] == p]
        prefers = not mine or market.worker_rank[e] < market.worker_rank[mine[0]]
        room = len(at_p) < market.capacity[p]
        displaces = any(market.posting_rank[e] < market.posting_rank[c] for c in at_p)
        if e not in chosen and prefers and (room or displaces):
            expected.append(e)
    assert blocking_pairs(market, chosen).tolist() == expected


def test_invalid_assignment_is_refused() -> None:
    """Two edges of one worker are not an assignment."""
    market = _random_market(0, 2, 2, 1.0)
    both = np.flatnonzero(market.worker == 0)
    with pytest.raises(InvalidInputError):
        blocking_pairs(market, both)


def test_scales_to_province() -> None:
    """50,000 workers with 20 candidates each match quickly and stably."""
    rng = np.random.default_rng(0)
    n_workers, n_postings, per = 50_000, 2_500, 20
    worker = np.repeat(np.arange(n_workers, dtype=np.int64), per)
    posting = rng.integers(0, n_postings, worker.size).astype(np.int64)
    market = TwoSidedMarket(
        n_workers=n_workers,
        capacity=rng.integers(5, 30, n_postings).astype(np.int64),
        worker=worker,
        posting=posting,
        worker_score=rng.random(worker.size),
        posting_score=rng.random(worker.size),
    )
    chosen = deferred_acceptance(market)
    assert blocking_pairs(market, chosen).size == 0
