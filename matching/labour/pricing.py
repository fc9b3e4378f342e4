"""Column generation: a plan optimal over every eligible pair, not over a shortlist.

1. *Scan.* Every eligible pair of a worker outside groups is scored once, block by block
   (`matching.labour.eligible`: a bucket of workers × the postings open to them), and its
   weight kept in float32 (four bytes a pair: about 1.1 GB for the province's 277 million
   pairs). The restricted problem starts from each worker's `top_k` best postings and
   each posting's best `posting_top_factor × positions + posting_top_extra` workers. A
   group's options (postings the whole group may take) are all kept, weighted by the
   members' sum.
2. *Rounds.* Solve the LP relaxation of the restricted problem (`matching.engine.duals`),
   read the posting duals v and the least worker and group duals u. Pairs without flow
   whose reduced cost is below −`PRUNE_SLACK` leave the restricted problem (it stays
   small; the LP optimum stays in it). Price every eligible pair: w − u − v > 0 enters
   (the `ENTER_FACTOR × top_k` best per worker and the `top_k` best per group each
   round; a pruned pair may re-enter).
3. Stop when nothing enters: the restricted LP's optimum is then the LP optimum over all
   eligible pairs. Whenever it stops, `full_bound` is a valid upper bound over every
   eligible pair: the dual value with the last v and, per worker and group, the least u
   that covers all of its pairs (float32 weights plus their rounding margin).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from matching.control import checkpoint
from matching.control import report as report_progress
from matching.engine.duals import AssignmentDuals, Placements, assignment_duals
from matching.labour.config import LabourConfig
from matching.labour.eligible import (
    EligibleBlock,
    GroupOptions,
    eligible_blocks,
    group_options,
    size_chunks,
)
from matching.labour.rules import acceptable_cities
from matching.labour.tables import Workforce
from matching.parallel import in_order, in_threads
from matching.scoring.largest import column_candidates, largest_in_rows
from matching.sorting import lexsort

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# A pair enters when its reduced cost exceeds this. Stored weights are float32: their
# rounding (under 2e-7 for weights below 3) stays well inside it, and the relaxation's
# flow works in integers of 1e-7.
TOLERANCE = 1e-6
# What float32 rounding can hide of a weight; added to each stored weight in the bound
# (at least; more when weights or duals are large, see `_rounding_margin`).
ROUNDING_MARGIN = 1e-6
# After each LP, pairs without flow whose reduced cost is below −PRUNE_SLACK leave the
# restricted problem (at least the engine's slack is always kept).
PRUNE_SLACK = 0.05
# Each round, up to this many times `top_k` pairs enter per worker: fewer rounds (each
# needs an LP solve from scratch) for a restricted problem that pruning keeps small.
ENTER_FACTOR = 2
# And each posting's best POSTING_ENTER_FACTOR × positions + POSTING_ENTER_EXTRA
# (measured on the province set: 7 rounds instead of 8, and a tighter bound).
POSTING_ENTER_FACTOR = 1
POSTING_ENTER_EXTRA = 2


class GridScorer(Protocol):
    """Weights of every pair of workers `rows` × postings `posts` (rules not applied)."""

    def grid(
        self, rows: IntArray, posts: IntArray, dtype: type[np.floating[Any]] = ...
    ) -> npt.NDArray[np.floating[Any]]: ...


_Pairs = tuple[IntArray, IntArray, FloatArray]  # (worker, posting, weight)
_Scored = tuple[npt.NDArray[np.float32], _Pairs, _Pairs]


@dataclass
class _Block:
    rows: IntArray
    posts: IntArray
    weight: npt.NDArray[np.float32]  # rows × posts, -inf where a hard rule fails
    eligible: int  # pairs that pass the hard rules


@dataclass
class Columns:
    """Single-worker pairs of the restricted problem, with their weights."""

    worker: IntArray
    posting: IntArray
    weight: FloatArray

    def add(self, worker: IntArray, posting: IntArray, weight: FloatArray) -> int:
        """Add the pairs not already present; returns how many were added. Float32 rounding
        can show a present pair with a reduced cost just above the tolerance when weights
        are large (a high priority bonus): it must not enter a second time."""
        new = ~np.isin(_pair_keys(worker, posting), _pair_keys(self.worker, self.posting))
        self.worker = np.concatenate((self.worker, worker[new]))
        self.posting = np.concatenate((self.posting, posting[new]))
        self.weight = np.concatenate((self.weight, weight[new]))
        return int(new.sum())


def _pair_keys(worker: IntArray, posting: IntArray) -> IntArray:
    return np.asarray((worker.astype(np.int64) << 32) | posting.astype(np.int64))


@dataclass
class GroupColumns:
    """Every group's options with the members' summed weight; which the LP uses. Options
    are sorted by group, so a group's options are one run of the arrays."""

    group: IntArray
    posting: IntArray
    weight: FloatArray
    size: IntArray  # per group
    active: BoolArray
    members: FloatArray = field(init=False)  # per option: its group's size
    starts: IntArray = field(init=False)  # per group: where its options begin (and the end)

    def __post_init__(self) -> None:
        if np.any(np.diff(self.group) < 0):
            raise ValueError("group options must be sorted by group")
        self.members = self.size[self.group].astype(np.float64)
        self.starts = np.searchsorted(self.group, np.arange(self.size.size + 1))

    def gains(self, demand_duals: FloatArray) -> FloatArray:
        """Per option: its weight less what its members' places cost at these duals."""
        return self.weight - self.members * demand_duals[self.posting]

    def best_gain(self, gains: FloatArray) -> FloatArray:
        """Per group: max(0, its options' largest gain), one run of options at a time."""
        best = np.zeros(self.size.size)
        some = np.flatnonzero(self.starts[1:] > self.starts[:-1])
        if some.size:
            best[some] = np.maximum(np.maximum.reduceat(gains, self.starts[some]), 0.0)
        return best


@dataclass
class PricingReport:
    """What the pricing did, for the run's summary."""

    eligible_pairs: int = 0
    eligible_group_options: int = 0
    pairs_priced: int = 0
    rounds: int = 0
    restricted_pairs: int = 0
    lp_value: float = 0.0
    full_bound: float = float("inf")
    converged: bool = False
    history: list[dict[str, float]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "eligible_pairs": self.eligible_pairs,
            "eligible_group_options": self.eligible_group_options,
            "pairs_scored": self.eligible_pairs + self.eligible_group_options,
            "pairs_priced": self.pairs_priced,
            "rounds": self.rounds,
            "restricted_pairs": self.restricted_pairs,
            "lp_value": round(self.lp_value, 4),
            "full_bound": round(self.full_bound, 4),
            "full_set_bound_proven": self.converged,
            "rounds_detail": self.history,
        }


@dataclass(frozen=True)
class PricedMarket:
    """The restricted pairs at the end (single edges and group placements) and the report."""

    columns: Columns
    groups: GroupColumns
    options: GroupOptions
    report: PricingReport
    removed: IntArray  # workers × rules: postings each hard rule removed, in funnel order
    has_eligible: BoolArray  # per worker: some posting (for a group: whole) passes every rule
    # Of the last restricted LP; pairs and options that entered after it have zero flow.
    duals: AssignmentDuals

    def engine_columns(self, slack: float) -> tuple[IntArray, IntArray]:
        """Single pairs and group options for the integer solve: where the last LP put
        flow (its optimum lies there, so the relaxation bound is unchanged), and those
        within `slack` of a zero reduced cost (room for the repair to move)."""
        d, c, g = self.duals, self.columns, self.groups
        reduced = c.weight - d.supplier[c.worker] - d.demand[c.posting]
        pairs = np.flatnonzero((d.edge_flow > 0) | (reduced >= -slack))
        on = np.flatnonzero(g.active)
        g_reduced = (
            g.weight[on] - d.group[g.group[on]] - g.size[g.group[on]] * d.demand[g.posting[on]]
        )
        options = on[(d.placement_flow > 0) | (g_reduced >= -slack)]
        return pairs.astype(np.int64), options.astype(np.int64)


def price(
    force: Workforce, config: LabourConfig, scorer: GridScorer, *, relax_groups: bool = False
) -> PricedMarket:
    """Score every eligible pair, then add pairs until none has a positive reduced cost.
    With `relax_groups`, group members are placed one by one like everyone else."""
    accept = acceptable_cities(force, config)
    if relax_groups:
        singles = np.arange(force.n_workers, dtype=np.int64)
        force_groups = False
    else:
        singles = np.flatnonzero(force.group_of_worker < 0).astype(np.int64)
        force_groups = True
    report = PricingReport()
    started = time.perf_counter()
    scan = _Scan(force, config, scorer)
    blocks = scan.run(singles, accept, report)
    checkpoint()
    scanned = time.perf_counter()
    if force_groups:
        options = group_options(force, config, accept)
    else:
        options = GroupOptions([], [], np.zeros((0, 4), dtype=np.int64))
    groups = _group_columns(scorer, options, config.top_k, config.block_size)
    logger.info(
        "labour pricing: scan %.1f s, group options %.1f s",
        scanned - started,
        time.perf_counter() - scanned,
    )
    report.eligible_group_options = int(groups.group.size)
    columns, duals = _column_generation(
        force.n_workers, _positions(force), config, blocks, scan.columns, groups, report
    )
    for members, removed, posts in zip(
        options.members, options.removed, options.postings, strict=True
    ):
        scan.removed[members] = removed
        scan.has_eligible[members] = posts.size > 0
    return PricedMarket(columns, groups, options, report, scan.removed, scan.has_eligible, duals)


def _column_generation(
    n_workers: int,
    positions: IntArray,
    config: LabourConfig,
    blocks: list[_Block],
    columns: Columns,
    groups: GroupColumns,
    report: PricingReport,
) -> tuple[Columns, AssignmentDuals]:
    """Rounds of restricted LP and pricing until nothing enters or the bound is close."""
    duals = None
    active_in_lp = groups.active.copy()
    posting_enter = POSTING_ENTER_FACTOR * positions + POSTING_ENTER_EXTRA
    for _ in range(config.pricing_rounds):
        report.rounds += 1
        started = time.perf_counter()
        duals = _restricted_duals(n_workers, positions, columns, groups)
        columns, duals = _pruned(columns, duals, max(PRUNE_SLACK, config.engine_slack))
        solved = time.perf_counter()
        active_in_lp = groups.active.copy()
        # The bound is taken before this round's pairs enter: it holds for every pair.
        enter = ENTER_FACTOR * config.top_k
        entered, best = _price_pairs(blocks, columns, duals, enter, report, posting_enter)
        gains = groups.gains(duals.demand)
        entered += _price_groups(groups, gains - duals.group[groups.group], config.top_k)
        report.lp_value = duals.value
        report.full_bound = _full_bound(positions, groups, duals, best, gains)
        # A round takes seconds at province scale: those watching see each one, with the
        # restricted LP's value and the bound over every eligible pair.
        report_progress(
            f"labour: pricing round {report.rounds}", objective=duals.value, bound=report.full_bound
        )
        report.history.append(
            {
                "lp_value": round(duals.value, 4),
                "full_bound": round(report.full_bound, 4),
                "entered": entered,
                "restricted_pairs": int(duals.edge_flow.size),
                "potential_passes": duals.iterations,
            }
        )
        # Seconds go to the log only: the summary must not change from run to run.
        logger.info(
            "labour pricing round %d: %s, LP %.1f s, pricing %.1f s",
            report.rounds,
            report.history[-1],
            solved - started,
            time.perf_counter() - solved,
        )
        checkpoint()
        if entered == 0:
            report.converged = True
            break
        if report.full_bound - duals.value <= config.pricing_gap * max(1.0, abs(duals.value)):
            break  # proven close enough: the summary reports the gap, not optimality
    report.restricted_pairs = int(columns.worker.size)
    if duals is None:  # no round (pricing_rounds ≥ 1 makes this unreachable)
        duals = _restricted_duals(n_workers, positions, columns, groups)
    # The last round's pairs entered after its LP: they carry no flow in it (and, with a
    # positive reduced cost, all reach the engine). No second solve is needed for them.
    return columns, _with_new_columns(duals, columns, groups, active_in_lp)


def _pruned(
    columns: Columns, duals: AssignmentDuals, slack: float
) -> tuple[Columns, AssignmentDuals]:
    """Drop pairs that carry no flow and whose reduced cost is below −slack: the LP optimum
    stays feasible (its value does not drop) while the next LP stays small. A dropped pair
    is priced again every round and enters again if it turns attractive."""
    reduced = columns.weight - duals.supplier[columns.worker] - duals.demand[columns.posting]
    keep = (duals.edge_flow > 0) | (reduced >= -slack)
    if keep.all():
        return columns, duals
    kept = Columns(columns.worker[keep], columns.posting[keep], columns.weight[keep])
    return kept, replace(duals, edge_flow=duals.edge_flow[keep])


def _with_new_columns(
    duals: AssignmentDuals, columns: Columns, groups: GroupColumns, active_in_lp: BoolArray
) -> AssignmentDuals:
    """The duals with zero flow on the pairs and group options added after their LP."""
    edge_flow = np.zeros(columns.worker.size, dtype=np.int64)
    edge_flow[: duals.edge_flow.size] = duals.edge_flow
    active = np.flatnonzero(groups.active)
    placement_flow = np.zeros(active.size, dtype=np.int64)
    placement_flow[np.searchsorted(active, np.flatnonzero(active_in_lp))] = duals.placement_flow
    return replace(duals, edge_flow=edge_flow, placement_flow=placement_flow)


def _positions(force: Workforce) -> IntArray:
    return force.postings["positions"].to_numpy(np.int64)


class _Scan:
    """One pass over every eligible pair: store its weight; start from the best per
    worker and per posting."""

    def __init__(self, force: Workforce, config: LabourConfig, scorer: GridScorer) -> None:
        self.force, self.config, self.scorer = force, config, scorer
        positions = force.postings["positions"].to_numpy(np.int64)
        self.posting_top = config.posting_top_factor * positions + config.posting_top_extra
        empty_i = np.zeros(0, np.int64)
        self.columns = Columns(empty_i, empty_i.copy(), np.zeros(0, np.float64))
        self.removed = np.zeros((force.n_workers, 4), dtype=np.int64)
        self.has_eligible = np.zeros(force.n_workers, dtype=bool)

    def run(self, singles: IntArray, accept: BoolArray, report: PricingReport) -> list[_Block]:
        blocks: list[_Block] = []
        by_row: list[tuple[IntArray, IntArray, FloatArray]] = []
        by_post = _PostingBest(self.posting_top)
        eligible = eligible_blocks(self.force, self.config, singles, accept=accept)
        # Blocks are scored on both cores while the next ones are enumerated here; their
        # results are taken in block order, so the starting pairs do not depend on timing.
        for block, scored in in_order(self._scored, eligible):
            self.removed[block.rows] = block.removed
            self.has_eligible[block.rows] = block.allowed.any(axis=1)
            if scored is not None:
                stored, best_of_rows, best_of_posts = scored
                count = int(block.allowed.sum())
                report.eligible_pairs += count
                by_row.append(best_of_rows)
                by_post.add(*best_of_posts)
                blocks.append(_Block(block.rows, block.posts, stored, count))
            checkpoint()
        worker, posting, weight = _joined([*by_row, by_post.merged()])
        keys = worker * self.force.n_postings + posting
        _, first = np.unique(keys, return_index=True)
        self.columns = Columns(worker[first], posting[first], weight[first])
        return blocks

    def _scored(self, block: EligibleBlock) -> tuple[EligibleBlock, _Scored | None]:
        """The block's stored weights (-inf where a rule fails), each worker's `top_k` best
        and each posting's best; None when the block has no eligible pair."""
        if block.posts.size == 0 or not block.allowed.any():
            return block, None
        stored = self.scorer.grid(block.rows, block.posts, np.float32)
        stored[~block.allowed] = -np.inf
        # The starting pairs are chosen on the stored (float32) weights, like the pairs
        # that enter later.
        by_row = _best_of_rows(block.rows, block.posts, stored, self.config.top_k)
        by_post = _best_of_posts(block.rows, block.posts, stored, self.posting_top)
        return block, (stored, by_row, by_post)


def _best_of_posts(
    rows: IntArray, posts: IntArray, value: npt.NDArray[np.float32], top: IntArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """Each posting's `top[posting]` largest finite values in the block, and a few more
    (`_PostingBest` keeps each posting's best across blocks), as (worker, posting, value)."""
    r, c = column_candidates(value, top[posts])
    return rows[r], posts[c], value[r, c].astype(np.float64)


class _PostingBest:
    """Each posting's `top` best workers across blocks (by weight, then worker index).

    Candidates are merged every `MERGE_AT` pairs, and the weakest kept weight of each full
    posting becomes its floor: later candidates below it can never be among the best and
    are dropped at once, so the final sort stays small."""

    MERGE_AT = 4_000_000

    def __init__(self, top: IntArray) -> None:
        self.top = top
        self.floor = np.full(top.size, -np.inf)
        self.pending: list[tuple[IntArray, IntArray, FloatArray]] = []
        self.pending_size = 0

    def add(self, worker: IntArray, posting: IntArray, weight: FloatArray) -> None:
        keep = weight >= self.floor[posting]
        self.pending.append((worker[keep], posting[keep], weight[keep]))
        self.pending_size += int(keep.sum())
        if self.pending_size > self.MERGE_AT:
            best = self.merged()
            self.pending, self.pending_size = [best], best[0].size
            full = np.bincount(best[1], minlength=self.top.size) >= self.top
            last = np.searchsorted(best[1], np.flatnonzero(full), side="right") - 1
            self.floor[full] = best[2][last]

    def merged(self) -> tuple[IntArray, IntArray, FloatArray]:
        """The best so far, sorted by posting, then weight (descending), then worker."""
        worker, posting, weight = _joined(self.pending)
        order = lexsort((worker, -weight, posting))
        worker, posting, weight = worker[order], posting[order], weight[order]
        rank = np.arange(posting.size) - np.searchsorted(posting, posting, side="left")
        keep = rank < self.top[posting]
        return worker[keep], posting[keep], weight[keep]


def _best_of_rows(
    rows: IntArray,
    posts: IntArray,
    value: npt.NDArray[np.floating],
    k: int,
    floor: float = -np.inf,
) -> tuple[IntArray, IntArray, FloatArray]:
    """The k largest entries above `floor` of each row, as (worker, posting, value)."""
    part = largest_in_rows(value, k)
    values = np.take_along_axis(value, part, axis=1)
    above = values > floor
    r = np.broadcast_to(np.arange(rows.size)[:, None], part.shape)[above]
    return rows[r], posts[part[above]], values[above].astype(np.float64)


def _best_above(
    rows: IntArray, posts: IntArray, value: npt.NDArray[np.floating], k: int, floor: float
) -> tuple[IntArray, IntArray]:
    """The k largest entries above `floor` of each row, as (worker, posting), sorted by
    worker then posting. Once the duals settle, most rows have only a few entries above
    the floor: those are read off directly, and only rows with more than k are partitioned
    (a partition of every row was most of the pricing's time)."""
    above = value > floor
    many = np.flatnonzero(np.count_nonzero(above, axis=1) > k)
    above[many] = False
    r, c = np.divmod(np.flatnonzero(above), posts.size)  # faster than a 2-d nonzero
    if many.size:
        part = largest_in_rows(value[many], k)
        r = np.concatenate((r, np.repeat(many, k)))
        c = np.concatenate((c, part.ravel()))
    order = lexsort((c, r))
    return rows[r[order]], posts[c[order]]


def _joined(
    parts: list[tuple[IntArray, IntArray, FloatArray]],
) -> tuple[IntArray, IntArray, FloatArray]:
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    return (
        np.concatenate([p[0] for p in parts]).astype(np.int64),
        np.concatenate([p[1] for p in parts]).astype(np.int64),
        np.concatenate([p[2] for p in parts]).astype(np.float64),
    )


def _group_columns(
    scorer: GridScorer, options: GroupOptions, top_k: int, block_size: int
) -> GroupColumns:
    """Every option of every group, weighted by the members' sum; the best `top_k` active.
    Groups with the same options are scored together: a block of their members × those
    options at a time (on the province, 997 distinct option sets among 20,758 groups: a
    grid over the union of a chunk's options was six times the pairs needed)."""
    size = np.array([m.size for m in options.members], dtype=np.int64)

    def scored(chunk: list[int]) -> FloatArray:
        """The chunk's groups' summed weights at their shared options, a row per group."""
        members = np.concatenate([options.members[g] for g in chunk])
        grid = scorer.grid(members, options.postings[chunk[0]])
        first = np.cumsum([0] + [int(size[g]) for g in chunk])
        return np.add.reduceat(grid, first[:-1], axis=0)

    totals: list[FloatArray | None] = [None] * len(options.members)
    chunks = [
        chunk
        for same in _same_options(options.postings)
        for chunk in size_chunks(same, size, block_size)
    ]
    # Chunks are scored on both cores, their results taken in chunk order.
    for chunk, summed in zip(chunks, in_order(scored, chunks), strict=True):
        for g, row in zip(chunk, summed, strict=True):
            totals[g] = row
        checkpoint()
    placed = [g for g, total in enumerate(totals) if total is not None]
    if not placed:
        empty = np.zeros(0, np.int64)
        return GroupColumns(empty, empty.copy(), np.zeros(0), size, np.zeros(0, bool))
    group = np.concatenate([np.full(options.postings[g].size, g, dtype=np.int64) for g in placed])
    posting = np.concatenate([options.postings[g] for g in placed])
    weight = np.concatenate([totals[g] for g in placed])
    # Each group's options are in posting order: among equal weights the first posting.
    active = np.zeros(group.size, dtype=bool)
    active[_best_of_runs(np.arange(group.size), group, weight, top_k)] = True
    return GroupColumns(group, posting, weight, size, active)


def _same_options(postings: list[IntArray]) -> list[list[int]]:
    """Groups (with at least one option) by their set of options, sets in order of their
    first group, groups in order within each."""
    by_set: dict[bytes, list[int]] = {}
    for g, posts in enumerate(postings):
        if posts.size:
            by_set.setdefault(posts.tobytes(), []).append(g)
    return list(by_set.values())


def _restricted_duals(
    n_workers: int, positions: IntArray, columns: Columns, groups: GroupColumns
) -> AssignmentDuals:
    """The restricted LP's duals. Only the workers with a pair in it are nodes of its flow
    (most are not, after pruning); the others' duals are 0, the least that covers none."""
    on = groups.active
    present, worker = np.unique(columns.worker, return_inverse=True)
    duals = assignment_duals(
        capacity=np.ones(present.size, dtype=np.int64),
        slots=positions,
        edge_supplier=worker.astype(np.int64).ravel(),
        edge_demand=columns.posting,
        edge_weight=columns.weight,
        placements=Placements(groups.group[on], groups.posting[on], groups.weight[on], groups.size),
    )
    supplier = np.zeros(n_workers)
    supplier[present] = duals.supplier
    return replace(duals, supplier=supplier)


def _price_pairs(
    blocks: list[_Block],
    columns: Columns,
    duals: AssignmentDuals,
    k: int,
    report: PricingReport,
    top: IntArray,
) -> tuple[int, FloatArray]:
    """Every stored pair with a positive reduced cost is a candidate; each worker's `k`
    best enter, and each posting's `top` best among the best of each block. Returns
    how many entered and, per worker, max over its pairs of w − v.

    The posting side matters while the duals are far from settled: the workers left out
    all name the same few postings among their best, and the postings nobody names would
    wait for many rounds; taking each posting's best candidates as well saves rounds,
    each a min-cost flow. Blocks are priced on both cores (numpy leaves the interpreter
    lock on whole-block work); their results are joined in block order, so the answer
    does not depend on it."""
    v, u = duals.demand, duals.supplier
    best = np.full(u.size, -np.inf)
    priced = in_threads(lambda item: _price_block(item, v, u, k), blocks)
    by_worker, by_posting = [], _PostingBest(top)
    for item, (row_best, found) in zip(blocks, priced, strict=True):
        report.pairs_priced += item.eligible
        best[item.rows] = row_best
        if found is not None:
            by_worker.append(found[0])
            by_posting.add(*found[1])
    if not by_worker:
        return 0, best
    worker, posting, _ = _joined([*by_worker, by_posting.merged()])
    keys = _pair_keys(worker, posting)
    _, first = np.unique(keys, return_index=True)
    worker, posting = worker[first], posting[first]
    return columns.add(worker, posting, _stored(blocks, worker, posting)), best


def _price_block(
    item: _Block, v: FloatArray, u: FloatArray, k: int
) -> tuple[FloatArray, tuple[_Pairs, _Pairs] | None]:
    """Per row of the block, max of w − v; and the pairs with w − u − v above the
    tolerance that are among their worker's `k` best, or their posting's best in the
    block, as (worker, posting, reduced cost; 0 for the worker's)."""
    value = np.subtract(item.weight, v[item.posts].astype(np.float32)[None, :])
    row_best = value.max(axis=1).astype(np.float64)
    hit = np.flatnonzero(row_best - u[item.rows] > TOLERANCE)
    if hit.size == 0:
        return row_best, None
    value = value[hit]
    value -= u[item.rows[hit]].astype(np.float32)[:, None]
    rows = item.rows[hit]
    w, p = _best_above(rows, item.posts, value, k, TOLERANCE)
    by_worker = (w, p, np.zeros(w.size))
    # The posting side: each posting's best worker of the block (one pass down the
    # columns; a full partition per posting cost more than the rounds it saved).
    best_row = np.argmax(value, axis=0)
    column_best = value[best_row, np.arange(item.posts.size)]
    attractive = column_best > TOLERANCE
    by_posting = (rows[best_row[attractive]], item.posts[attractive], column_best[attractive])
    return row_best, (by_worker, by_posting)


def _stored(blocks: list[_Block], worker: IntArray, posting: IntArray) -> FloatArray:
    """The stored weights of pairs, read in their workers' blocks (all of a worker's
    pairs are in one block, its rows sorted)."""
    block_of_row = np.full(int(worker.max(initial=0)) + 1, -1)
    for i, b in enumerate(blocks):
        inside = b.rows[b.rows < block_of_row.size]
        block_of_row[inside] = i
    owner = block_of_row[worker]
    order = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[order], np.arange(len(blocks) + 1))
    weight = np.empty(worker.size)
    for i, b in enumerate(blocks):
        at = order[bounds[i] : bounds[i + 1]]
        if at.size:
            rows, posts = np.searchsorted(b.rows, worker[at]), np.searchsorted(b.posts, posting[at])
            weight[at] = b.weight[rows, posts]
    return weight


def _price_groups(groups: GroupColumns, reduced: FloatArray, k: int) -> int:
    """Group options outside the restricted problem with a positive reduced cost enter
    (each group's `k` best)."""
    pick = np.flatnonzero(~groups.active & (reduced > TOLERANCE))
    if pick.size == 0:
        return 0
    enter = _best_of_runs(pick, groups.group[pick], reduced[pick], k)
    groups.active[enter] = True
    return int(enter.size)


def _best_of_runs(index: IntArray, owner: IntArray, value: FloatArray, k: int) -> IntArray:
    """`index` of the k largest values of each owner (`owner` sorted; among equal values
    the first), sorted. An owner with at most k values takes them all; the others take
    their largest, one per pass over their values (a sort of every candidate was most of
    the time spent pricing groups)."""
    first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    length = np.diff(np.r_[first, owner.size])
    long = np.repeat(length > k, length)
    taken = [index[~long]]
    index, value, length = index[long], value[long].copy(), length[length > k]
    if length.size:
        run = np.repeat(np.arange(length.size), length)
        starts = np.r_[0, np.cumsum(length)[:-1]]
        for _ in range(k):
            hit = np.flatnonzero(value == np.maximum.reduceat(value, starts)[run])
            _, first_hit = np.unique(run[hit], return_index=True)
            chosen = hit[first_hit]
            taken.append(index[chosen])
            value[chosen] = -np.inf
    return np.sort(np.concatenate(taken))


def _full_bound(
    positions: IntArray,
    groups: GroupColumns,
    duals: AssignmentDuals,
    best: FloatArray,
    gains: FloatArray,
) -> float:
    """An upper bound over every eligible pair: the dual value with these posting duals and
    the least worker and group duals that cover every pair."""
    v = duals.demand
    margin = _rounding_margin(best, v)
    u = np.where(np.isfinite(best), np.maximum(best + margin, 0.0), 0.0)
    u_g = groups.best_gain(gains)
    return float(u.sum() + u_g.sum() + np.dot(positions.astype(np.float64), v))


def _rounding_margin(best: FloatArray, demand_duals: FloatArray) -> float:
    """An upper bound on the float32 error of a pair's `w − v`: the stored weight, the
    cast dual and their difference each round to half an ulp of their magnitude."""
    finite = best[np.isfinite(best)]
    dual = float(np.abs(demand_duals).max(initial=0.0))
    scale = float(np.abs(finite).max(initial=0.0)) + 2.0 * dual
    return max(ROUNDING_MARGIN, 2.0 * float(np.finfo(np.float32).eps) * scale)
