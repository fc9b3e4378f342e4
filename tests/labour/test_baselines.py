"""Today's practice obeys the same hard rules, positions and group rule as Bangfu."""

from __future__ import annotations

import numpy as np
import pytest

from matching.labour import LabourConfig
from matching.labour.baselines import BASELINES, run_baseline
from matching.labour.eligible import eligible_pairs, group_options

from .test_pricing import _market


@pytest.mark.parametrize("policy", BASELINES)
def test_baseline_obeys_rules_positions_and_groups(policy: str) -> None:
    """Every placed pair is eligible, no posting overfills, groups go whole or stay home."""
    for seed in range(4):
        force = _market(seed, n_workers=60, n_postings=6)
        config = LabourConfig()
        plan = run_baseline(force, config, policy, seed)
        assert plan.worker.size > 0
        assert np.unique(plan.worker).size == plan.worker.size
        worker, posting = eligible_pairs(force, config)
        allowed = set(zip(worker.tolist(), posting.tolist(), strict=True))
        assert all((w, p) in allowed for w, p in zip(plan.worker, plan.posting, strict=True))
        taken = np.bincount(plan.posting, minlength=force.n_postings)
        assert np.all(taken <= force.postings["positions"].to_numpy())
        where = dict(zip(plan.worker.tolist(), plan.posting.tolist(), strict=True))
        options = group_options(force, config)
        for members, posts in zip(options.members, options.postings, strict=True):
            placed = {where.get(int(m)) for m in members}
            assert len(placed) == 1, f"group split by {policy}"
            (at,) = placed
            assert at is None or at in set(posts.tolist())


@pytest.mark.parametrize("policy", BASELINES)
def test_baseline_is_deterministic_for_a_seed(policy: str) -> None:
    """The same seed gives the same plan."""
    force = _market(11, n_workers=50, n_postings=5)
    first = run_baseline(force, LabourConfig(), policy, 3)
    second = run_baseline(force, LabourConfig(), policy, 3)
    assert np.array_equal(first.worker, second.worker)
    assert np.array_equal(first.posting, second.posting)
