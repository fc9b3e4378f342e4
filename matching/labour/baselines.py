"""Today's practice, as policies to measure Bangfu against.

Each policy obeys the same hard rules (`matching.labour.eligible`), the postings'
positions, and the group rule (fellow villagers go whole to one posting or not at all):
each builds candidate pairs in its own order of preference and lets the engine's greedy
solver take them in that order (`matching.engine.solvers.greedy` keeps capacities and
places groups whole). A worker left out while postings they may take still have room
is offered those in a next round (up to `ROUNDS`), as a coordinator would.

- `hand_dispatch`: postings in the order they were posted; each takes, from a few
  eligible candidates of the prefectures it is paired with (drawn at random: the
  coordinator's list), the best by an observable fit rule (`rules.pre_score`: skills,
  housing, wishes, wage). Postings still open after those rounds recruit the same way
  from every prefecture (a partner city with no paired workers left still hires).
- `greedy_wage`: the best-paid postings first; each worker goes to the best-paid posting
  with room (workers in a random order within a posting).
- `first_come`: workers in order of registration; each takes the posting that fits best
  by the same rule. The workers table has no registration date, and worker ids are
  numbered village by village, so the order of arrival is drawn at random from the seed.

Every random choice comes from `seed`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.engine.problem import Problem
from matching.engine.solvers import solve
from matching.labour.config import LabourConfig
from matching.labour.eligible import GroupOptions, eligible_blocks, group_options
from matching.labour.rules import acceptable_cities, pre_score
from matching.labour.tables import Workforce
from matching.sorting import lexsort

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

BASELINES = ("hand_dispatch", "greedy_wage", "first_come")
ROUNDS = 5
FEW = 3  # hand dispatch: candidates on the coordinator's list per open position
CHOICES = 12  # greedy by wage and first come: postings a worker names per round
# Orders are encoded as edge weights for the greedy solver: rank × _STEP + a fit below _STEP.
_STEP = 10.0

# rows, posts -> grid of preference among eligible pairs (higher first)
PairScore = Callable[[IntArray, IntArray], FloatArray]


@dataclass(frozen=True)
class Plan:
    """One row per placed worker: worker and posting indices of the workforce."""

    worker: IntArray
    posting: IntArray


@dataclass
class _Market:
    force: Workforce
    config: LabourConfig
    accept: BoolArray
    options: GroupOptions
    room: IntArray
    placed: BoolArray

    @classmethod
    def of(cls, force: Workforce, config: LabourConfig) -> _Market:
        accept = acceptable_cities(force, config)
        return cls(
            force,
            config,
            accept,
            group_options(force, config, accept),
            force.postings["positions"].to_numpy(np.int64).copy(),
            np.zeros(force.n_workers, dtype=bool),
        )

    def open_singles(self) -> IntArray:
        return np.flatnonzero(~self.placed & (self.force.group_of_worker < 0)).astype(np.int64)


def run_baseline(force: Workforce, config: LabourConfig, policy: str, seed: int) -> Plan:
    """The plan of baseline `policy` (one of `BASELINES`)."""
    market = _Market.of(force, config)
    rng = np.random.default_rng(seed)
    if policy == "hand_dispatch":
        rounds = _hand_dispatch(market, rng)
    elif policy == "greedy_wage":
        rounds = _greedy_wage(market, rng)
    elif policy == "first_come":
        rounds = _first_come(market, rng)
    else:
        raise ValueError(f"unknown baseline {policy!r}; expected one of {BASELINES}")
    worker, posting = [], []
    for edges_w, edges_p in rounds:
        worker.append(edges_w)
        posting.append(edges_p)
    if not worker:
        return Plan(np.zeros(0, np.int64), np.zeros(0, np.int64))
    w, p = np.concatenate(worker), np.concatenate(posting)
    order = np.argsort(w, kind="stable")
    return Plan(w[order], p[order])


def _greedy_wage(market: _Market, rng: np.random.Generator) -> list[tuple[IntArray, IntArray]]:
    wage = market.force.postings["wage_yuan_month"].to_numpy(np.float64)
    tie = rng.random(market.force.n_workers)
    top = float(wage.max(initial=1.0))

    def score(rows: IntArray, posts: IntArray) -> FloatArray:
        # Best-paid first; among workers at one posting, a random order.
        return np.asarray(wage[posts][None, :] / top * _STEP + tie[rows][:, None])

    return _worker_rounds(market, score)


def _first_come(market: _Market, rng: np.random.Generator) -> list[tuple[IntArray, IntArray]]:
    n = market.force.n_workers
    arrival = rng.permutation(n)

    def score(rows: IntArray, posts: IntArray) -> FloatArray:
        fit = np.clip(pre_score(market.force, market.config, rows, posts), 0.0, _STEP - 1.0)
        return np.asarray((n - arrival[rows])[:, None] * _STEP + fit)

    return _worker_rounds(market, score)


def _worker_rounds(market: _Market, score: PairScore) -> list[tuple[IntArray, IntArray]]:
    """Each round: every unplaced worker names their `CHOICES` best postings with room;
    the greedy takes pairs best first."""
    plans = []
    for _ in range(ROUNDS):
        worker, posting, weight = _best_per_worker(market, market.open_singles(), score)
        g_w, g_p, g_weight = _group_choices(market, score)
        taken = _greedy(
            market,
            np.concatenate((worker, g_w)),
            np.concatenate((posting, g_p)),
            np.concatenate((weight, g_weight)),
        )
        if taken[0].size == 0:
            break
        plans.append(taken)
    return plans


def _best_per_worker(
    market: _Market, workers: IntArray, score: PairScore
) -> tuple[IntArray, IntArray, FloatArray]:
    found_w, found_p, found_s = [], [], []
    for block in eligible_blocks(market.force, market.config, workers, accept=market.accept):
        if block.posts.size == 0:
            continue
        value = score(block.rows, block.posts)
        value = np.where(block.allowed & (market.room[block.posts] > 0)[None, :], value, -np.inf)
        k = min(CHOICES, block.posts.size)
        top = np.argpartition(-value, k - 1, axis=1)[:, :k]
        chosen = np.take_along_axis(value, top, axis=1)
        keep = np.isfinite(chosen)
        rows = np.broadcast_to(block.rows[:, None], top.shape)[keep]
        found_w.append(rows)
        found_p.append(block.posts[top[keep]])
        found_s.append(chosen[keep])
    return _joined(found_w, found_p, found_s)


def _group_choices(market: _Market, score: PairScore) -> tuple[IntArray, IntArray, FloatArray]:
    """Every member's edge to the `CHOICES` best options (by the members' mean) with room."""
    found_w, found_p, found_s = [], [], []
    for members, posts in zip(market.options.members, market.options.postings, strict=True):
        if market.placed[members[0]] or posts.size == 0:
            continue
        posts = posts[market.room[posts] >= members.size]
        if posts.size == 0:
            continue
        value = score(members, posts)
        best = np.argsort(-value.mean(axis=0), kind="stable")[:CHOICES]
        found_w.append(np.repeat(members, best.size))
        found_p.append(np.tile(posts[best], members.size))
        found_s.append(value[:, best].ravel())
    return _joined(found_w, found_p, found_s)


def _hand_dispatch(market: _Market, rng: np.random.Generator) -> list[tuple[IntArray, IntArray]]:
    force = market.force
    n_p = force.n_postings
    # Postings in the order they were posted (the table's order).
    posted = (n_p - np.arange(n_p)) * _STEP
    salt = int(rng.integers(0, 2**62))
    plans = []
    for round_ in range(2 * ROUNDS):
        paired_only = round_ < ROUNDS
        if not paired_only and round_ == ROUNDS:
            salt += 1000
        worker, posting = _coordinator_lists(market, salt, paired_only)
        g_w, g_p = _group_lists(market, salt, paired_only)
        worker, posting = np.concatenate((worker, g_w)), np.concatenate((posting, g_p))
        fit = _pair_fit(market, worker, posting)
        taken = _greedy(market, worker, posting, posted[posting] + fit)
        salt += 1
        if taken[0].size:
            plans.append(taken)
        elif not paired_only:
            break
    return plans


def _paired_to(force: Workforce, rows: IntArray, posts: IntArray) -> BoolArray:
    """The posting's city is paired with the worker's prefecture, or it is earmarked for it."""
    prefecture = force.worker_prefecture[rows]
    paired = force.paired[prefecture][:, force.posting_city[posts]]
    marked = force.postings["earmarked_prefecture_codes"].fillna("").astype(str).to_numpy() != ""
    earmarked = force.earmarked[posts][:, prefecture].T & marked[posts][None, :]
    return np.asarray(paired | earmarked)


def _coordinator_lists(market: _Market, salt: int, paired_only: bool) -> tuple[IntArray, IntArray]:
    """Per posting with room: `FEW` × room eligible unplaced workers (of its paired
    prefectures, if `paired_only`), drawn at random."""
    force = market.force
    found_w, found_p, found_k = [], [], []
    want = FEW * market.room
    for block in eligible_blocks(force, market.config, market.open_singles(), accept=market.accept):
        if block.posts.size == 0:
            continue
        ok = block.allowed & (market.room[block.posts] > 0)[None, :]
        if paired_only:
            ok &= _paired_to(force, block.rows, block.posts)
        key = np.where(ok, _random_key(block.rows[:, None], block.posts[None, :], salt), np.inf)
        m = int(want[block.posts].max(initial=0))
        if m == 0:
            continue
        m = min(m, block.rows.size)
        top = (
            np.argpartition(key, m - 1, axis=0)[:m]
            if block.rows.size > m
            else np.broadcast_to(np.arange(block.rows.size)[:, None], key.shape)
        )
        chosen = np.take_along_axis(key, top, axis=0)
        keep = np.isfinite(chosen)
        cols = np.broadcast_to(np.arange(block.posts.size)[None, :], top.shape)[keep]
        found_w.append(block.rows[top[keep]])
        found_p.append(block.posts[cols])
        found_k.append(chosen[keep])
    worker, posting, key = _joined(found_w, found_p, found_k)
    order = lexsort((key, posting))
    worker, posting = worker[order], posting[order]
    rank = np.arange(posting.size) - np.searchsorted(posting, posting, side="left")
    keep = rank < want[posting]
    return worker[keep], posting[keep]


def _group_lists(market: _Market, salt: int, paired_only: bool) -> tuple[IntArray, IntArray]:
    """Groups on a posting's list: whole-group options of its paired prefectures, drawn
    with the same chance as a single worker (one draw per group and posting)."""
    force = market.force
    n_draw = max(force.n_workers, 1)
    found_w, found_p = [], []
    for members, posts in zip(market.options.members, market.options.postings, strict=True):
        if market.placed[members[0]] or posts.size == 0:
            continue
        posts = posts[(market.room[posts] >= members.size)]
        if paired_only:
            posts = posts[_paired_to(force, members[:1], posts)[0]]
        if posts.size == 0:
            continue
        # A group is listed where a random draw puts it among a posting's first few.
        share = FEW * market.room[posts] / n_draw * members.size
        drawn = posts[_random_key(np.full(posts.size, members[0]), posts, salt) < share]
        found_w.append(np.repeat(members, drawn.size))
        found_p.append(np.tile(drawn, members.size))
    w, p, _ = _joined(found_w, found_p, [np.zeros(x.size) for x in found_w])
    return w, p


def _random_key(worker: npt.ArrayLike, posting: npt.ArrayLike, salt: int) -> FloatArray:
    """A fixed uniform draw in [0, 1) per (worker, posting, salt)."""
    w = np.asarray(worker, dtype=np.uint64)
    p = np.asarray(posting, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = w * np.uint64(0x9E3779B97F4A7C15) ^ p * np.uint64(0xC2B2AE3D27D4EB4F)
        z = z ^ np.uint64(salt & (2**63 - 1))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return np.asarray((z >> np.uint64(11)).astype(np.float64) / 2.0**53)


def _pair_fit(market: _Market, worker: IntArray, posting: IntArray) -> FloatArray:
    """The observable fit rule on aligned pairs, clipped below the order step."""
    fit = np.empty(worker.size, dtype=np.float64)
    for start in range(0, worker.size, 4096):
        w, p = worker[start : start + 4096], posting[start : start + 4096]
        unique_p, inverse = np.unique(p, return_inverse=True)
        grid = pre_score(market.force, market.config, w, unique_p)
        fit[start : start + w.size] = grid[np.arange(w.size), inverse]
    return np.clip(fit, 0.0, _STEP - 1.0)


def _greedy(
    market: _Market, worker: IntArray, posting: IntArray, weight: FloatArray
) -> tuple[IntArray, IntArray]:
    """Take pairs best first with the engine's greedy solver; update room and placed."""
    if worker.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    force = market.force
    key = worker * force.n_postings + posting
    _, first = np.unique(key, return_index=True)
    worker, posting, weight = worker[first], posting[first], weight[first]
    groups: dict[str, list[int]] = {}
    for w in np.unique(worker[force.group_of_worker[worker] >= 0]).tolist():
        groups.setdefault(force.group_names[int(force.group_of_worker[w])], []).append(w)
    problem = Problem.from_arrays(
        supplier_ids=force.workers["worker_id"].astype(str).tolist(),
        capacity=np.ones(force.n_workers, dtype=np.int64),
        demand_ids=force.postings["posting_id"].astype(str).tolist(),
        slots=market.room,
        edge_supplier=worker,
        edge_demand=posting,
        weight=weight,
        groups=groups,
    )
    chosen = solve(problem, solver="greedy").chosen
    taken_w, taken_p = worker[chosen], posting[chosen]
    market.placed[taken_w] = True
    np.subtract.at(market.room, taken_p, 1)
    return taken_w, taken_p


def _joined(
    workers: list[IntArray], postings: list[IntArray], values: list[FloatArray]
) -> tuple[IntArray, IntArray, FloatArray]:
    if not workers:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    return (
        np.concatenate(workers).astype(np.int64),
        np.concatenate(postings).astype(np.int64),
        np.concatenate(values).astype(np.float64),
    )
