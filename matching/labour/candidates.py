"""Shortlists of postings per worker, and per group of fellow villagers.

Workers are bucketed by (prefecture, acceptable cities): everyone in a bucket passes the
city and earmark rules for the same postings, so the dense blocks only span those
postings, never all workers × all postings. A group's shortlist holds postings every
member may take and with room for the whole group; every member gets the same list.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.labour.config import LabourConfig
from matching.labour.rules import RULES, acceptable_cities, person_rules, pre_score
from matching.labour.tables import Workforce
from matching.scoring.candidates import Candidates, concatenate, top_k_per_row

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Shortlist:
    """Pairs (rows = workers, cols = postings, scores = pre-score) and the rule funnel."""

    pairs: Candidates
    removed: IntArray  # workers × RULES: postings each rule removed, in funnel order

    def rule_that_removed_most(self, worker: int) -> str:
        return RULES[int(np.argmax(self.removed[worker]))]


def shortlist(force: Workforce, config: LabourConfig) -> Shortlist:
    accept = acceptable_cities(force, config)
    removed = np.zeros((force.n_workers, len(RULES)), dtype=np.int64)
    grouped = force.group_of_worker >= 0
    parts = [
        _bucket(force, config, rows, accept, removed)
        for rows in _buckets(force, accept, np.flatnonzero(~grouped))
    ]
    parts.append(_groups(force, config, accept, removed))
    pairs = concatenate(parts)
    order = np.lexsort((pairs.cols, -pairs.scores, pairs.rows))
    return Shortlist(Candidates(pairs.rows[order], pairs.cols[order], pairs.scores[order]), removed)


def _buckets(force: Workforce, accept: BoolArray, workers: IntArray) -> list[IntArray]:
    key = _row_ids(np.column_stack((force.worker_prefecture[workers], accept[workers])))
    order = np.argsort(key, kind="stable")
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    return [workers[part] for part in np.split(order, bounds)] if workers.size else []


def _row_ids(table: IntArray) -> IntArray:
    """One id per distinct row, in sorted row order: a key that never overflows, however
    many partner cities there are (a bit per city would past 62)."""
    if table.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    _, ids = np.unique(table, axis=0, return_inverse=True)
    return np.asarray(ids, dtype=np.int64).ravel()


def _open_postings(
    force: Workforce, accept_row: BoolArray, prefecture: int
) -> tuple[IntArray, int, int]:
    """Postings passing city and earmark rules, and how many each of the two removed."""
    in_city = accept_row[force.posting_city]
    open_here = force.earmarked[:, prefecture]
    # A posting with no positions left is no candidate (as for groups, which need room).
    has_room = force.postings["positions"].to_numpy(np.int64) > 0
    posts = np.flatnonzero(in_city & open_here & has_room).astype(np.int64)
    return posts, int((~in_city).sum()), int((in_city & ~open_here).sum())


def _bucket(
    force: Workforce, config: LabourConfig, rows: IntArray, accept: BoolArray, removed: IntArray
) -> Candidates:
    posts, by_city, by_earmark = _open_postings(
        force, accept[rows[0]], int(force.worker_prefecture[rows[0]])
    )
    removed[rows, 0], removed[rows, 1] = by_city, by_earmark
    if posts.size == 0:
        return concatenate([])

    def score_block(local: IntArray) -> FloatArray:
        block = rows[local]
        rules = person_rules(force, block, posts)
        removed[block, 2] = (~rules["age"]).sum(axis=1)
        removed[block, 3] = (rules["age"] & ~rules["certificate"]).sum(axis=1)
        allowed = rules["age"] & rules["certificate"]
        return np.where(allowed, pre_score(force, config, block, posts), -np.inf)

    found = top_k_per_row(score_block, rows.size, config.shortlist, block_size=config.block_size)
    return Candidates(rows[found.rows], posts[found.cols], found.scores)


def _groups(
    force: Workforce, config: LabourConfig, accept: BoolArray, removed: IntArray
) -> Candidates:
    members = _members(force)
    parts = [_group(force, config, rows, accept, removed) for rows in members]
    return concatenate(parts)


def _members(force: Workforce) -> list[IntArray]:
    group = force.group_of_worker
    order = np.argsort(group, kind="stable")
    order = order[group[order] >= 0]
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    return [part.astype(np.int64) for part in np.split(order, bounds)] if order.size else []


def _group(
    force: Workforce, config: LabourConfig, rows: IntArray, accept: BoolArray, removed: IntArray
) -> Candidates:
    """Postings every member may take, with room for all; scored by the members' mean."""
    city_ok = np.asarray(accept[rows].all(axis=0), dtype=bool)[force.posting_city]
    open_ok = force.earmarked[:, force.worker_prefecture[rows]].all(axis=1)
    room = force.postings["positions"].to_numpy(np.int64) >= rows.size
    posts = np.flatnonzero(city_ok & open_ok & room).astype(np.int64)
    removed[rows, 0] = int((~city_ok).sum())
    removed[rows, 1] = int((city_ok & ~open_ok).sum())
    if posts.size == 0:
        return concatenate([])
    rules = person_rules(force, rows, posts)
    removed[rows, 2] = (~rules["age"]).sum(axis=1)
    removed[rows, 3] = (rules["age"] & ~rules["certificate"]).sum(axis=1)
    allowed = (rules["age"] & rules["certificate"]).all(axis=0)
    score = np.where(allowed, pre_score(force, config, rows, posts).mean(axis=0), -np.inf)
    keep = np.flatnonzero(np.isfinite(score))
    keep = keep[np.argsort(-score[keep], kind="stable")][: config.shortlist]
    worker = np.repeat(rows, keep.size)
    return Candidates(worker, np.tile(posts[keep], rows.size), np.tile(score[keep], rows.size))
