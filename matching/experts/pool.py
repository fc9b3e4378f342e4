"""The edge pool: every pair that passes the hard rules, minus forbidden and declined ones.

The pool marks a start set for pricing: the top k per need, and published (previous) and
locked pairs, so the stability bonus can keep a published pair that is no longer in the
top k. A locked pair must pass the hard rules (a coordinator's lock cannot send an expert
where the rules forbid); one that does not is invalid input naming the rule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.data.decisions import Decisions
from matching.errors import InvalidInputError, SolverError
from matching.experts.candidates import ExpertCandidates
from matching.experts.rules import RULES, PairContext
from matching.experts.tables import ExpertTables
from matching.explain import LABELS
from matching.sorting import lexsort

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
# (need rows, expert rows) -> edge weights: a different objective on the same pairs
Weights = Callable[[IntArray, IntArray], FloatArray]


@dataclass(frozen=True)
class EdgePool:
    """Every (need, expert) pair the solver may choose, with its weight; need-sorted."""

    need: IntArray
    expert: IntArray
    weight: FloatArray
    start: BoolArray  # top k per need, published and locked pairs

    def __len__(self) -> int:
        return int(self.need.size)

    def index_of(
        self, pairs: frozenset[tuple[str, str]], ids: tuple[list[str], list[str]]
    ) -> IntArray:
        """Indices of pool edges whose (expert_id, need_id) is in `pairs`, in pool order."""
        expert_ids, need_ids = ids
        expert_pos = {e: i for i, e in enumerate(expert_ids)}
        need_pos = {n: i for i, n in enumerate(need_ids)}
        n_experts = max(len(expert_ids), 1)
        wanted = [
            need_pos[n] * n_experts + expert_pos[e]
            for e, n in pairs
            if e in expert_pos and n in need_pos
        ]
        key = self.need * n_experts + self.expert
        return np.flatnonzero(np.isin(key, np.array(wanted, dtype=np.int64))).astype(np.int64)


def build_pool(
    context: PairContext,
    candidates: ExpertCandidates,
    decisions: Decisions,
    weights: Weights | None = None,
) -> EdgePool:
    """Every eligible pair, with the start set marked; `weights` replaces edge weights."""
    tables = context.tables
    n_experts = max(tables.n_experts, 1)
    eligible, top = candidates.eligible, candidates.pairs
    key = eligible.rows * n_experts + eligible.cols
    start = np.isin(key, top.rows * n_experts + top.cols)
    # A set of every eligible key only when there are decisions to look up in it.
    decided = decisions.previous | decisions.locked
    marked = _decided_pairs(context, decisions, set(key.tolist()) if decided else set())
    start |= np.isin(key, np.array(marked, dtype=np.int64))
    weight = eligible.scores if weights is None else weights(eligible.rows, eligible.cols)
    if weights is not None:
        start = _top_k(eligible.rows, weight, context.config.top_k) | np.isin(key, marked)
    keep = ~np.isin(key, _keys(decisions.excluded, tables, n_experts))
    order = lexsort((eligible.cols[keep], eligible.rows[keep]))
    return EdgePool(
        need=eligible.rows[keep][order],
        expert=eligible.cols[keep][order],
        weight=np.asarray(weight, dtype=np.float64)[keep][order],
        start=start[keep][order],
    )


def _decided_pairs(context: PairContext, decisions: Decisions, eligible: set[int]) -> list[int]:
    """Keys of published and locked pairs; a lock that breaks a hard rule is invalid."""
    tables = context.tables
    n_experts = max(tables.n_experts, 1)
    expert_pos = {e: i for i, e in enumerate(tables.experts["expert_id"].astype(str))}
    need_pos = {n: i for i, n in enumerate(tables.needs["need_id"].astype(str))}
    keys: list[int] = []
    for pair in sorted(decisions.previous | decisions.locked):
        e, n = expert_pos.get(pair[0]), need_pos.get(pair[1])
        if e is None or n is None:
            continue
        if n * n_experts + e in eligible:
            keys.append(n * n_experts + e)
        elif pair in decisions.locked:
            _refuse_lock(context, n, e, pair, decisions)
        else:
            logger.info("published pair %s no longer passes the hard rules", pair)
    return keys


def _refuse_lock(
    context: PairContext, need: int, expert: int, pair: tuple[str, str], decisions: Decisions
) -> None:
    rule = broken_rule(context, need, expert)
    where = decisions.where(pair)
    raise InvalidInputError(
        f"{where}: lock of expert {pair[0]} on need {pair[1]} breaks the hard rule "
        f"{LABELS[rule]} ({rule}).",
        item=where,
    )


def broken_rule(context: PairContext, need: int, expert: int) -> str:
    """The first hard rule (in `RULES` order) that the pair breaks."""
    tables = context.tables
    industry = str(tables.needs["industry_code"].iloc[need])
    if expert not in tables.experts_in_industry.get(industry, np.zeros(0, dtype=np.int64)):
        return RULES[0]
    block = context.block(np.array([need], dtype=np.int64), np.array([expert], dtype=np.int64))
    for rule in RULES[1:]:
        if not block.passes[rule][0, 0]:
            return rule
    raise SolverError(f"pair ({expert}, {need}) passes every rule but is not eligible")


def _top_k(need: IntArray, weight: FloatArray, k: int) -> BoolArray:
    order = lexsort((-weight, need))
    first = np.searchsorted(need[order], need[order])
    top = np.zeros(need.size, dtype=bool)
    top[order[np.arange(need.size) - first < k]] = True
    return top


def _keys(pairs: frozenset[tuple[str, str]], tables: ExpertTables, n_experts: int) -> IntArray:
    expert_pos = {e: i for i, e in enumerate(tables.experts["expert_id"].astype(str))}
    need_pos = {n: i for i, n in enumerate(tables.needs["need_id"].astype(str))}
    keys = [
        need_pos[n] * n_experts + expert_pos[e]
        for e, n in pairs
        if e in expert_pos and n in need_pos
    ]
    return np.array(keys, dtype=np.int64)
