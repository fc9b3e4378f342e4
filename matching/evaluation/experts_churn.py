"""Churn after one decline: how much of a published plan a policy changes when one expert
declines one assignment.

The declined pair is drawn (seeded) from the policy's own plan. Bangfu re-runs with its
plan as `previous` and the pair declined — its stability bonus keeps the rest unless a
need of higher priority gains its first expert. The baselines are rules of thumb with no
memory: they re-run from scratch without the declined pair, which is what re-applying the
rule means. The upper bound re-runs the same way (it has no stability term either).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from matching.data.dataset import Dataset
from matching.data.decisions import Decisions
from matching.data.reference import Reference
from matching.evaluation.experts import (
    ExpertPlan,
    bangfu_plan,
    baseline_plan,
    upper_bound_plan,
)
from matching.evaluation.experts_setting import ExpertSetting, expert_setting
from matching.experts import ExpertConfig
from matching.experts.baselines import BASELINES


@dataclass(frozen=True)
class ExpertChurn:
    """Pairs of the first plan lost (besides the declined one) and pairs new after it."""

    policy: str
    declined_expert: str
    declined_need: str
    pairs_before: int
    pairs_after: int
    pairs_moved: int  # published pairs, other than the declined one, no longer in the plan
    pairs_new: int  # pairs of the re-run that were not published

    def as_dict(self) -> dict[str, str | int]:
        return asdict(self)


def declined_pair(plan: ExpertPlan, seed: int) -> tuple[str, str]:
    """One (expert_id, need_id) of the plan, drawn with `seed`."""
    pairs = sorted(plan.pairs)
    return pairs[int(np.random.default_rng(seed).integers(len(pairs)))]


def expert_churn(
    dataset: Dataset,
    reference: Reference,
    plan: ExpertPlan,
    *,
    seed: int,
    config: ExpertConfig | None = None,
    setting: ExpertSetting | None = None,
) -> ExpertChurn:
    """Re-run `plan.policy` with one of its pairs declined and count what changed."""
    config = config or ExpertConfig()
    setting = setting or expert_setting(dataset, reference, config)
    declined = declined_pair(plan, seed)
    if plan.policy == "bangfu":
        decisions = Decisions(previous=plan.pairs, declined=frozenset({declined}))
        after = bangfu_plan(dataset, reference, config, decisions)
    elif plan.policy in BASELINES:
        after = baseline_plan(setting, plan.policy, seed=seed, declined=frozenset({declined}))
    else:
        after = upper_bound_plan(dataset, setting, declined=frozenset({declined}))
    before, now = plan.pairs, after.pairs
    return ExpertChurn(
        policy=plan.policy,
        declined_expert=declined[0],
        declined_need=declined[1],
        pairs_before=len(before),
        pairs_after=len(now),
        pairs_moved=len(before - now - {declined}),
        pairs_new=len(now - before),
    )
