"""Labour policies measured with the hidden truth, on the demo data set."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from scipy.special import logit

from matching.data.dataset import Dataset
from matching.data.reference import Reference, load_reference
from matching.evaluation.labour import (
    LABOUR_POLICIES,
    POOR_FIRST_BONUS,
    LabourPlan,
    labour_outcomes,
    labour_plans,
    retention_model_vs_truth,
)
from matching.evaluation.labour_truth import TruthGrid
from matching.labour.config import LabourConfig
from matching.labour.eligible import eligible_pairs, group_options
from matching.runs import workforces
from matching.synth.generate import generate
from matching.synth.truth import WORKER_EFFECT_SD


@cache
def _data() -> tuple[Dataset, Reference]:
    return generate("demo", 7), load_reference()


@cache
def _plans(seed: int) -> dict[str, LabourPlan]:
    data, reference = _data()
    return labour_plans(data, reference, seed=seed)


def test_every_policy_has_a_plan_within_the_rules() -> None:
    """All six policies place someone, only on eligible pairs, within positions; no policy
    but the relaxed upper bounds splits a group."""
    data, reference = _data()
    force, _ = workforces(data, reference)
    plans = _plans(0)
    assert tuple(plans) == LABOUR_POLICIES
    worker, posting = eligible_pairs(force, LabourConfig())
    ids_w = force.workers["worker_id"].to_numpy()
    ids_p = force.postings["posting_id"].to_numpy()
    allowed = set(zip(ids_w[worker].tolist(), ids_p[posting].tolist(), strict=True))
    positions = dict(zip(ids_p, force.postings["positions"], strict=True))
    for name, plan in plans.items():
        assert plan.worker_id, name
        assert set(zip(plan.worker_id, plan.posting_id, strict=True)) <= allowed, name
        taken: dict[str, int] = {}
        for p in plan.posting_id:
            taken[p] = taken.get(p, 0) + 1
        assert all(n <= positions[p] for p, n in taken.items()), name
        outcome = labour_outcomes(data, reference, plan)
        if not name.startswith("upper_bound"):
            assert outcome.groups_split == 0, name
    assert len(group_options(force, LabourConfig()).members) > 0


def test_upper_bound_is_above_every_policy() -> None:
    """The upper bound's proven value is at least every policy's truly retained workers."""
    data, reference = _data()
    plans = _plans(0)
    bound = plans["upper_bound"].bound
    assert bound is not None
    for name, plan in plans.items():
        assert labour_outcomes(data, reference, plan).retained <= bound + 1e-6, name


def test_evaluation_is_deterministic_for_a_seed() -> None:
    """The same seed gives the same plans and the same figures."""
    data, reference = _data()
    again = labour_plans(data, reference, seed=0)
    for name, plan in _plans(0).items():
        assert again[name] == plan, name
        assert labour_outcomes(data, reference, again[name]) == labour_outcomes(
            data, reference, plan
        )


def test_truth_grid_equals_the_truth() -> None:
    """The upper bound's grid evaluation of the truth equals the official function."""
    data, reference = _data()
    force, _ = workforces(data, reference)
    worker, posting = eligible_pairs(force, LabourConfig())
    pick = np.random.default_rng(0).choice(worker.size, size=min(40, worker.size), replace=False)
    TruthGrid(data, force).check_against_truth(worker[pick], posting[pick])


def test_observable_bound_integrates_out_only_the_workers_hidden_effect() -> None:
    """Its grid is the truth's logit without the worker's effect, scaled by the probit
    approximation of integrating an N(0, sd²) effect out; employers' effects stay."""
    data, reference = _data()
    force, _ = workforces(data, reference)
    worker, posting = eligible_pairs(force, LabourConfig())
    rows, posts = worker[:5], posting[:5]
    known = TruthGrid(data, force)
    unknown = TruthGrid(data, force, worker_effect_known=False)
    for i in range(rows.size):
        p_known = known.grid(rows[i : i + 1], posts[i : i + 1])[0, 0]
        p_unknown = unknown.grid(rows[i : i + 1], posts[i : i + 1])[0, 0]
        scale = np.sqrt(1.0 + np.pi * WORKER_EFFECT_SD**2 / 8.0)
        observable = logit(p_unknown) * scale
        assert observable + known.effect[rows[i]] == pytest.approx(logit(p_known))


def test_model_against_truth_reports_auc_calibration_and_winners_curse() -> None:
    """AUC against truth draws lies below the truth's own, ECE is a share, chosen pairs
    carry both a predicted and a true mean."""
    data, reference = _data()
    report = retention_model_vs_truth(data, reference, _plans(0)["bangfu"], seed=0, n_pairs=2000)
    assert 0.5 < report.auc_vs_truth_draws <= report.auc_of_truth + 0.05
    assert 0.0 <= report.ece_vs_truth < 0.3
    assert 0.0 < report.chosen_true < 1.0
    assert 0.0 < report.chosen_predicted < 1.0


@pytest.mark.parametrize("field", ["placed", "retained", "poor_retained", "blocking_pairs"])
def test_outcome_as_dict_has_plain_numbers(field: str) -> None:
    """as_dict gives plain numbers, for JSON."""
    data, reference = _data()
    figures = labour_outcomes(data, reference, _plans(0)["hand_dispatch"]).as_dict()
    assert isinstance(figures[field], int | float)


def test_observable_bound_places_groups_whole() -> None:
    """The observable bound keeps groups whole — it places groups that can go together,
    not only workers without a group."""
    data, reference = _data()
    force, _ = workforces(data, reference)
    plan = _plans(0)["observable_bound"]
    ids = force.workers["worker_id"].to_numpy()
    in_group = set(ids[force.group_of_worker >= 0].tolist())
    outcome = labour_outcomes(data, reference, plan)
    assert in_group & set(plan.worker_id)
    assert outcome.groups_whole > 0 and outcome.groups_split == 0


def test_aligned_truth_equals_the_grid() -> None:
    data, reference = _data()
    force, _ = workforces(data, reference)
    worker, posting = eligible_pairs(force, LabourConfig())
    pick = np.random.default_rng(1).choice(worker.size, size=min(60, worker.size), replace=False)
    truth = TruthGrid(data, force)
    aligned = truth.aligned(worker[pick], posting[pick])
    one_by_one = [truth.grid(worker[i : i + 1], posting[i : i + 1])[0, 0] for i in pick]
    assert aligned == pytest.approx(one_by_one)


def test_poor_ceiling_is_the_best_poor_first_plan_among_whole_group_policies() -> None:
    """Under its own objective (a registered-poor worker kept weighs 1 + POOR_FIRST_BONUS,
    anyone else 1, measured with the truth) no policy that keeps groups whole does better."""
    data, reference = _data()
    plans = _plans(0)

    def poor_first(name: str) -> float:
        o = labour_outcomes(data, reference, plans[name])
        return POOR_FIRST_BONUS * o.poor_retained + o.retained

    ceiling = poor_first("poor_ceiling")
    for name in plans:
        if not name.startswith("upper_bound"):
            assert poor_first(name) <= ceiling * (1 + 1e-4), name
