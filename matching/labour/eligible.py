"""Every (worker, posting) pair that passes the hard rules, enumerated block by block.

Workers are bucketed by (prefecture, acceptable cities): everyone in a bucket passes the
city and earmark rules for the same postings, so a block spans a bucket's workers × the
postings open to it — never the dense workers × postings matrix (200,000 × 10,000 at
province scale). Age and certificate rules are evaluated inside the block.

Fellow villagers go whole to one posting or not at all: `group_options` lists, per group,
the postings every member may take and with room for all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.labour.config import LabourConfig
from matching.labour.rules import acceptable_cities, person_rules
from matching.labour.tables import Workforce
from matching.parallel import in_order
from matching.sorting import lexsort

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class EligibleBlock:
    """Workers `rows` × postings `posts`; `allowed[i, j]`: the pair passes every rule.

    `removed` counts, per worker, the postings each rule removed (city, earmark, age,
    certificate, in funnel order).
    """

    rows: IntArray
    posts: IntArray
    allowed: BoolArray
    removed: IntArray

    def pairs(self) -> tuple[IntArray, IntArray]:
        """The allowed pairs as (worker, posting) index arrays, row-major."""
        i, j = np.nonzero(self.allowed)
        return self.rows[i], self.posts[j]


@dataclass(frozen=True)
class GroupOptions:
    """Per group (index into `Workforce.group_names`): its members and the postings it may
    take whole. `removed` counts, per group, postings each rule removed."""

    members: list[IntArray]
    postings: list[IntArray]
    removed: IntArray


def worker_buckets(force: Workforce, accept: BoolArray, workers: IntArray) -> list[IntArray]:
    """`workers` split by (prefecture, acceptable cities), each part in index order."""
    if workers.size == 0:
        return []
    key = row_ids(np.column_stack((force.worker_prefecture[workers], accept[workers])))
    order = np.argsort(key, kind="stable")
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    return [workers[part] for part in np.split(order, bounds)]


def row_ids(table: npt.NDArray[np.integer]) -> IntArray:
    """One id per distinct row, in sorted row order: a key that never overflows, however
    many partner cities there are (a bit per city would past 62)."""
    if table.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    _, ids = np.unique(table, axis=0, return_inverse=True)
    return np.asarray(ids, dtype=np.int64).ravel()


def open_postings(
    force: Workforce, accept_row: BoolArray, prefecture: int
) -> tuple[IntArray, int, int]:
    """Postings passing city and earmark rules, and how many each of the two removed."""
    in_city = accept_row[force.posting_city]
    open_here = force.earmarked[:, prefecture]
    # A posting with no positions is no candidate.
    has_room = force.postings["positions"].to_numpy(np.int64) > 0
    posts = np.flatnonzero(in_city & open_here & has_room).astype(np.int64)
    return posts, int((~in_city).sum()), int((in_city & ~open_here).sum())


def eligible_blocks(
    force: Workforce,
    config: LabourConfig,
    workers: IntArray | None = None,
    *,
    accept: BoolArray | None = None,
) -> Iterator[EligibleBlock]:
    """Blocks of at most `config.block_size` workers (all, or `workers`) × their open postings."""
    accept = acceptable_cities(force, config) if accept is None else accept
    chosen = np.arange(force.n_workers, dtype=np.int64) if workers is None else workers
    for bucket in worker_buckets(force, accept, chosen):
        prefecture = int(force.worker_prefecture[bucket[0]])
        posts, by_city, by_earmark = open_postings(force, accept[bucket[0]], prefecture)
        for start in range(0, bucket.size, config.block_size):
            rows = bucket[start : start + config.block_size]
            removed = np.zeros((rows.size, 4), dtype=np.int64)
            removed[:, 0], removed[:, 1] = by_city, by_earmark
            if posts.size == 0:
                allowed = np.zeros((rows.size, 0), dtype=bool)
            else:
                rules = person_rules(force, rows, posts)
                removed[:, 2] = (~rules["age"]).sum(axis=1)
                removed[:, 3] = (rules["age"] & ~rules["certificate"]).sum(axis=1)
                allowed = rules["age"] & rules["certificate"] & rules["decision"]
            yield EligibleBlock(rows, posts, allowed, removed)


def eligible_pairs(
    force: Workforce, config: LabourConfig, workers: IntArray | None = None
) -> tuple[IntArray, IntArray]:
    """All eligible (worker, posting) pairs, sorted by worker then posting. Small data only:
    at province scale these are hundreds of millions of pairs."""
    parts = [b.pairs() for b in eligible_blocks(force, config, workers)]
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    worker = np.concatenate([p[0] for p in parts])
    posting = np.concatenate([p[1] for p in parts])
    order = lexsort((posting, worker))
    return worker[order], posting[order]


def count_eligible(force: Workforce, config: LabourConfig) -> int:
    """How many (worker, posting) pairs pass the hard rules."""
    return sum(int(b.allowed.sum()) for b in eligible_blocks(force, config))


def group_members(force: Workforce) -> list[IntArray]:
    """Member indices of every group, in the order of `Workforce.group_names`."""
    group = force.group_of_worker
    order = np.argsort(group, kind="stable")
    order = order[group[order] >= 0]
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    return [part.astype(np.int64) for part in np.split(order, bounds)] if order.size else []


def group_options(
    force: Workforce, config: LabourConfig, accept: BoolArray | None = None
) -> GroupOptions:
    """Postings every member of a group may take, with room for the whole group. Groups
    of one prefecture are checked together, a chunk of about `config.block_size` members ×
    the postings open to any of them at a time (chunks on both cores, results in order)."""
    accept = acceptable_cities(force, config) if accept is None else accept
    members = group_members(force)
    removed = np.zeros((len(members), 4), dtype=np.int64)
    postings: list[IntArray] = [np.zeros(0, dtype=np.int64)] * len(members)
    # Fellow villagers share a prefecture: chunks of one prefecture share most postings.
    prefecture = [int(force.worker_prefecture[m[0]]) for m in members]
    sizes = [m.size for m in members]
    by_prefecture = np.argsort(prefecture, kind="stable").tolist()
    chunks = size_chunks(by_prefecture, sizes, config.block_size)
    checked = in_order(
        lambda chunk: _chunk_options(force, accept, [members[g] for g in chunk]), chunks
    )
    for chunk, (options, chunk_removed) in zip(chunks, checked, strict=True):
        removed[chunk] = chunk_removed
        for g, posts in zip(chunk, options, strict=True):
            postings[g] = posts
    return GroupOptions(members, postings, removed)


def size_chunks(items: list[int], sizes: npt.ArrayLike, limit: int) -> list[list[int]]:
    """`items` in their order, cut into chunks whose `sizes` add up to at most `limit` (an
    item larger than the limit alone)."""
    size = np.asarray(sizes)
    chunks: list[list[int]] = []
    total = 0
    for item in items:
        if not chunks or total + size[item] > limit:
            chunks.append([])
            total = 0
        chunks[-1].append(item)
        total += int(size[item])
    return chunks


def _chunk_options(
    force: Workforce, accept: BoolArray, groups: list[IntArray]
) -> tuple[list[IntArray], IntArray]:
    """Each group's postings (every rule holds for every member) and what each rule removed."""
    rows = np.concatenate(groups)
    sizes = np.array([g.size for g in groups])
    starts = np.cumsum(sizes) - sizes
    # Row of each group's j-th member, its last for j past its size (repeating a member
    # changes no "all"): a few row gathers, where `logical_and.reduceat` along the rows is
    # many times slower.
    member_rows = [starts + np.minimum(j, sizes - 1) for j in range(int(sizes.max()))]

    def every_member(per_member: BoolArray) -> BoolArray:
        every: BoolArray = per_member[member_rows[0]]
        for at in member_rows[1:]:
            every &= per_member[at]
        return every

    # City and earmark rules in city and prefecture space (a dozen columns), then spread.
    city_ok = every_member(accept[rows])[:, force.posting_city]
    prefectures = np.zeros((rows.size, force.earmarked.shape[1]), dtype=bool)
    prefectures[np.arange(rows.size), force.worker_prefecture[rows]] = True
    some_member = ~every_member(~prefectures)
    # Open to the group: no member's prefecture is left out of the posting's earmark.
    closed = some_member.astype(np.float32) @ (~force.earmarked.T).astype(np.float32)
    open_ok = closed == 0
    room = force.postings["positions"].to_numpy(np.int64)[None, :] >= sizes[:, None]
    candidate = city_ok & open_ok & room
    # The person rules only on postings the city, earmark and room rules leave to some group.
    posts = np.flatnonzero(candidate.any(axis=0)).astype(np.int64)
    candidate = candidate[:, posts]
    rules = person_rules(force, rows, posts)
    age, certified = every_member(rules["age"]), every_member(rules["certificate"])
    removed = np.column_stack(
        [
            np.count_nonzero(rule, axis=1)
            for rule in (
                ~city_ok,
                city_ok & ~open_ok,
                candidate & ~age,
                candidate & age & ~certified,
            )
        ]
    ).astype(np.int64)
    # A posting refused to one member is refused to the group: they go together.
    allowed = candidate & age & certified & every_member(rules["decision"])
    group, column = np.nonzero(allowed)
    ends = np.searchsorted(group, np.arange(1, len(groups)))
    return np.split(posts[column], ends), removed
