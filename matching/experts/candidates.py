"""Candidate experts per need: the top k by edge weight among those passing every rule.

Needs are grouped by industry and only the experts of that industry are scored, in blocks
of needs, so memory is one block × one industry's experts, never experts × needs.
Per need, it also counts how many of the industry's experts each rule removed — the
material of "no candidate passed the hard rules (which rule removed most)".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from matching.experts.rules import RULES, PairContext
from matching.parallel import in_threads
from matching.scoring.candidates import Candidates, concatenate, top_k_per_row
from matching.sorting import lexsort

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ExpertCandidates:
    """Kept pairs (rows = needs, cols = experts, scores = edge weights) and rule counts.

    `eligible` holds every pair that passes the hard rules (the same sort order), so the
    match can price pairs outside the top k instead of trusting the cut.
    """

    pairs: Candidates
    eligible: Candidates
    removed: IntArray  # (n_needs, len(RULES)): experts failing each rule (industry: all others)
    passing: IntArray  # per need: experts passing every rule
    in_industry: IntArray  # per need: experts of the need's industry
    # Per eligible pair (same order): the content terms of its weight, for the rating model.
    terms: dict[str, FloatArray] = field(default_factory=dict)

    def rescored(self, scores: FloatArray, top_k: int) -> ExpertCandidates:
        """The same pairs with other edge weights (aligned with `eligible`); the top k per
        need are chosen again by them."""
        pairs, order = _by_need(Candidates(self.eligible.rows, self.eligible.cols, scores))
        rank = np.arange(len(pairs)) - np.searchsorted(pairs.rows, pairs.rows)
        top = rank < top_k
        top_pairs = Candidates(pairs.rows[top], pairs.cols[top], pairs.scores[top])
        return replace(
            self,
            pairs=top_pairs,
            eligible=pairs,
            terms={name: values[order] for name, values in self.terms.items()},
        )

    def rule_that_removed_most(self, need: int) -> str:
        """`industry` when no expert works in it, else the rule failed by most of its experts."""
        if self.in_industry[need] == 0:
            return RULES[0]
        return RULES[1 + int(np.argmax(self.removed[need, 1:]))]


def generate(context: PairContext) -> ExpertCandidates:
    """Top-k candidates for every need, industry by industry."""
    tables = context.tables
    removed = np.zeros((tables.n_needs, len(RULES)), dtype=np.int64)
    passing = np.zeros(tables.n_needs, dtype=np.int64)
    in_industry = np.zeros(tables.n_needs, dtype=np.int64)
    by_industry = tables.experts_in_industry
    industries = tables.needs["industry_code"].astype(str).to_numpy()
    work: list[tuple[IntArray, IntArray]] = []
    for industry in sorted(set(industries)):
        need_rows = np.flatnonzero(industries == industry).astype(np.int64)
        experts = by_industry.get(industry, np.zeros(0, dtype=np.int64))
        removed[need_rows, 0] = tables.n_experts - experts.size
        in_industry[need_rows] = experts.size
        if experts.size:
            work.append((need_rows, experts))

    def score_industry(item: tuple[IntArray, IntArray]) -> _IndustryPairs:
        # Industries write disjoint rows of `removed` and `passing`; results join in order.
        return _industry_candidates(context, *item, removed, passing)

    # Industries side by side: a block's scoring is mostly numpy and scipy work that
    # leaves the interpreter lock (measured 6.3 s on one core at province scale).
    scored = in_threads(score_industry, work)
    parts = [found.top for found in scored]
    every = [found.eligible for found in scored]
    terms = [block for found in scored for block in found.terms]
    pairs, _ = _by_need(concatenate(parts))
    eligible, order = _by_need(concatenate(every))
    return ExpertCandidates(
        pairs=pairs,
        eligible=eligible,
        removed=removed,
        passing=passing,
        in_industry=in_industry,
        terms={name: np.concatenate([t[name] for t in terms])[order] for name in TERMS}
        if terms
        else {name: np.zeros(0) for name in TERMS},
    )


# Content terms kept per eligible pair (see `PairBlock`).
TERMS = ("text", "skill_share", "distance_km")


def _by_need(pairs: Candidates) -> tuple[Candidates, IntArray]:
    order = lexsort((pairs.cols, -pairs.scores, pairs.rows)).astype(np.int64)
    return Candidates(pairs.rows[order], pairs.cols[order], pairs.scores[order]), order


@dataclass(frozen=True)
class _IndustryPairs:
    top: Candidates  # the top k of each need
    eligible: Candidates  # every pair passing the rules
    terms: list[dict[str, FloatArray]]  # per block: the content terms of the eligible pairs


def _industry_candidates(
    context: PairContext,
    need_rows: IntArray,
    experts: IntArray,
    removed: IntArray,
    passing: IntArray,
) -> _IndustryPairs:
    """The top k of each need and every eligible pair, from one pass over the blocks."""
    travel = context.tables.experts["max_travel_km"].to_numpy(np.float64)[experts]
    eligible: list[Candidates] = []
    terms: list[dict[str, FloatArray]] = []

    def score_block(local_rows: IntArray) -> FloatArray:
        rows = need_rows[local_rows]
        block = context.block(rows, experts)
        for column, rule in enumerate(RULES[1:], start=1):
            removed[rows, column] = (~block.passes[rule]).sum(axis=1)
        allowed = block.allowed
        passing[rows] = allowed.sum(axis=1)
        weight = block.weight(context.config, travel)
        at_row, at_col = np.nonzero(allowed)
        eligible.append(Candidates(rows[at_row], experts[at_col], weight[at_row, at_col]))
        terms.append({name: getattr(block, name)[at_row, at_col] for name in TERMS})
        return np.where(allowed, weight, -np.inf)

    found = top_k_per_row(
        score_block, need_rows.size, context.config.top_k, block_size=context.config.block_size
    )
    top = Candidates(need_rows[found.rows], experts[found.cols], found.scores)
    return _IndustryPairs(top, concatenate(eligible), terms)
