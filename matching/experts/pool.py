"""The edge pool: candidate pairs plus published and locked pairs, minus forbidden ones.

A published (previous) pair that still passes the hard rules joins the pool even when it
is no longer in the top k, so the stability bonus can keep it. A locked pair must pass the
hard rules (a coordinator's lock cannot send an expert where the rules forbid).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.data.decisions import Decisions
from matching.errors import InvalidInputError
from matching.experts.candidates import ExpertCandidates
from matching.experts.rules import PairBlock, PairContext

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class EdgePool:
    """Every (need, expert) pair the solver may choose, with its weight; need-sorted."""

    need: IntArray
    expert: IntArray
    weight: FloatArray

    def __len__(self) -> int:
        return int(self.need.size)

    def index_of(
        self, pairs: frozenset[tuple[str, str]], ids: tuple[list[str], list[str]]
    ) -> IntArray:
        """Indices of pool edges whose (expert_id, need_id) is in `pairs`."""
        expert_ids, need_ids = ids
        keys = [(expert_ids[e], need_ids[n]) for e, n in zip(self.expert, self.need, strict=True)]
        return np.array([i for i, key in enumerate(keys) if key in pairs], dtype=np.int64)


def build_pool(
    context: PairContext, candidates: ExpertCandidates, decisions: Decisions
) -> EdgePool:
    tables = context.tables
    expert_pos = {e: i for i, e in enumerate(tables.experts["expert_id"].astype(str))}
    need_pos = {n: i for i, n in enumerate(tables.needs["need_id"].astype(str))}
    need = list(candidates.pairs.rows)
    expert = list(candidates.pairs.cols)
    weight = list(candidates.pairs.scores)
    known = set(zip(need, expert, strict=True))
    for pair in sorted(decisions.previous | decisions.locked):
        e, n = expert_pos.get(pair[0]), need_pos.get(pair[1])
        if e is None or n is None or (n, e) in known:
            continue
        passed, value = _evaluate(context, n, e)
        if not passed:
            if pair in decisions.locked:
                raise InvalidInputError(f"locked pair {pair} breaks a hard rule.", item=str(pair))
            logger.info("published pair %s no longer passes the hard rules", pair)
            continue
        need.append(n)
        expert.append(e)
        weight.append(value)
        known.add((n, e))
    return _without_excluded(need, expert, weight, decisions, expert_pos, need_pos)


def _evaluate(context: PairContext, need: int, expert: int) -> tuple[bool, float]:
    rows = np.array([need], dtype=np.int64)
    cols = np.array([expert], dtype=np.int64)
    block: PairBlock = context.block(rows, cols)
    industry_ok = expert in context.tables.experts_in_industry.get(
        str(context.tables.needs["industry_code"].iloc[need]), np.zeros(0, dtype=np.int64)
    )
    travel = context.tables.experts["max_travel_km"].to_numpy(np.float64)[cols]
    passed = bool(industry_ok and block.allowed[0, 0])
    return passed, float(block.weight(context.config, travel)[0, 0])


def _without_excluded(
    need: list[int],
    expert: list[int],
    weight: list[float],
    decisions: Decisions,
    expert_pos: dict[str, int],
    need_pos: dict[str, int],
) -> EdgePool:
    excluded = {(need_pos.get(n), expert_pos.get(e)) for e, n in decisions.excluded}
    keep = [i for i, pair in enumerate(zip(need, expert, strict=True)) if pair not in excluded]
    n_arr = np.array(need, dtype=np.int64)[keep]
    e_arr = np.array(expert, dtype=np.int64)[keep]
    w_arr = np.array(weight, dtype=np.float64)[keep]
    order = np.lexsort((e_arr, n_arr))
    return EdgePool(need=n_arr[order], expert=e_arr[order], weight=w_arr[order])
