"""Column generation proves its plan over every eligible pair (small random markets)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from matching.engine.duals import Placements, assignment_duals
from matching.engine.problem import Problem
from matching.engine.solvers import solve
from matching.labour import LabourConfig, match_labour
from matching.labour.eligible import eligible_pairs
from matching.labour.match import run_labour
from matching.labour.pricing import (
    Columns,
    GroupColumns,
    _best_above,
    _best_of_runs,
    _PostingBest,
)
from matching.labour.tables import Workforce
from matching.labour.weights import Scorer

from .test_labour import _force, _model


def _market(seed: int, n_workers: int = 40, n_postings: int = 8) -> Workforce:
    rng = np.random.default_rng(seed)
    workers = [
        {
            "village_id": str(rng.choice(["V0", "V1"])),
            "age": int(rng.integers(18, 58)),
            "registered_poor": int(rng.random() < 0.4),
            "expected_wage_yuan": int(rng.integers(3000, 6000)),
            "intended_city_codes": str(rng.choice(["", "shanghai", "guangzhou"])),
            "group_id": f"G{rng.integers(0, 4)}" if rng.random() < 0.3 else "",
        }
        for _ in range(n_workers)
    ]
    postings = [
        {
            "partner_city_code": str(rng.choice(["guangzhou", "shanghai"])),
            "positions": int(rng.integers(1, 5)),
            "wage_yuan_month": int(rng.integers(3500, 7000)),
            "housing": int(rng.random() < 0.5),
            "min_age": int(rng.integers(16, 30)),
            "max_age": int(rng.integers(40, 60)),
        }
        for _ in range(n_postings)
    ]
    return _force(workers, postings)


def test_duals_match_the_lp() -> None:
    """The relaxation's value equals its dual value and scipy's LP optimum."""
    rng = np.random.default_rng(3)
    n_s, n_d, n_e = 12, 5, 40
    supplier = rng.integers(0, n_s, n_e)
    demand = rng.integers(0, n_d, n_e)
    key = np.unique(supplier * n_d + demand)
    supplier, demand = key // n_d, key % n_d
    weight = np.round(rng.random(key.size) * 2 - 0.3, 3)
    slots = rng.integers(1, 3, n_d)
    duals = assignment_duals(
        np.ones(n_s, dtype=np.int64), slots, supplier, demand, weight,
        Placements(*(np.zeros(0, np.int64),) * 2, np.zeros(0), np.zeros(0, np.int64)),
    )  # fmt: skip
    a_ub = np.zeros((n_s + n_d, key.size))
    a_ub[supplier, np.arange(key.size)] = 1
    a_ub[n_s + demand, np.arange(key.size)] = 1
    lp = linprog(-weight, A_ub=a_ub, b_ub=np.r_[np.ones(n_s), slots], bounds=(0, 1))
    assert abs(duals.value - -lp.fun) < 1e-5
    assert abs(duals.dual_value - duals.value) < 1e-5
    assert np.all(duals.supplier[supplier] + duals.demand[demand] >= weight - 1e-6)


def test_no_eligible_pair_keeps_a_positive_reduced_cost() -> None:
    """After pricing, every eligible pair (not only the engine's) has a reduced cost ≤ 0,
    and the plan is as good as a solve over all eligible pairs."""
    for seed in range(3):
        force = _market(seed)
        fit = _model(force)
        config = LabourConfig(top_k=1, posting_top_factor=1, posting_top_extra=0, pricing_gap=0.0)
        run = run_labour(force, fit, config)
        assert run.pricing.converged
        scorer = Scorer(force, config, fit.model, fit.employers.rates(force))
        duals = run.duals
        singles = np.flatnonzero(force.group_of_worker < 0)
        worker, posting = eligible_pairs(force, config, singles)
        weight = scorer.edges(worker, posting).weight
        reduced = weight - duals.supplier[worker] - duals.demand[posting]
        assert reduced.max(initial=0.0) <= 1e-5
        everything = _solve_all(force, config, scorer)
        # The bound over every eligible pair holds; where the relaxation is integral the
        # plan is the optimum over every pair (groups can make it fractional: then the
        # plan is within its reported gap, which is what is proven).
        assert run.pricing.full_bound >= everything - 1e-6
        assert run.result.objective <= everything + 1e-6
        if run.pricing.lp_value - run.result.objective < 1e-6:
            assert run.result.objective >= everything - 1e-6
        assert run.proven_gap() >= (everything - run.result.objective) / everything - 1e-9


def _solve_all(force: Workforce, config: LabourConfig, scorer: Scorer) -> float:
    """The optimum with every eligible pair handed to the engine (groups whole)."""
    worker, posting = eligible_pairs(force, config)
    edges = scorer.edges(worker, posting)
    groups: dict[str, list[int]] = {}
    # Every member, with edges or not: a member who may take nothing keeps the group home.
    for w in np.flatnonzero(force.group_of_worker >= 0).tolist():
        groups.setdefault(force.group_names[force.group_of_worker[w]], []).append(w)
    problem = Problem.from_arrays(
        supplier_ids=force.workers["worker_id"].tolist(),
        capacity=np.ones(force.n_workers, dtype=np.int64),
        demand_ids=force.postings["posting_id"].tolist(),
        slots=force.postings["positions"].to_numpy(np.int64),
        edge_supplier=edges.worker,
        edge_demand=edges.posting,
        weight=edges.weight,
        groups=groups,
    )
    return float(solve(problem, solver="cpsat", time_limit=30).objective)


def test_summary_reports_the_pricing() -> None:
    """The summary says how many pairs were eligible, priced, the rounds and the proof."""
    force = _market(7)
    summary = match_labour(force, _model(force)).summary["pricing"]
    worker, _ = eligible_pairs(force, LabourConfig(), np.flatnonzero(force.group_of_worker < 0))
    assert summary["eligible_pairs"] == worker.size
    assert summary["rounds"] >= 1
    assert summary["full_set_bound_proven"] is True
    assert summary["gap_to_full_bound"] <= 1e-4
    assert isinstance(pd.Series(summary["rounds_detail"]).size, int)


def test_a_pair_already_in_the_restricted_problem_does_not_enter_again() -> None:
    """Float32 rounding can show a present pair as attractive when weights are large (seen
    with a registered-poor bonus of 20 on a county set): it must not enter twice."""
    columns = Columns(np.array([0, 1]), np.array([3, 4]), np.array([0.5, 0.7]))
    added = columns.add(np.array([1, 1, 2]), np.array([4, 5, 4]), np.array([0.7, 0.2, 0.9]))
    assert added == 2
    assert list(zip(columns.worker.tolist(), columns.posting.tolist(), strict=True)) == [
        (0, 3), (1, 4), (1, 5), (2, 4)
    ]  # fmt: skip


def test_the_best_pairs_above_the_floor_are_each_rows_k_largest() -> None:
    """Rows with few entries above the floor are read off, the others partitioned: either
    way each row gives its k largest entries above the floor (distinct values here)."""
    rng = np.random.default_rng(5)
    rows, posts = np.array([3, 8, 11, 20, 21]), np.arange(100, 130)
    value = rng.permutation(rows.size * posts.size).reshape(rows.size, posts.size) / 100.0
    value[1] -= 10.0  # no entry above the floor
    value[2, :-2] -= 10.0  # two entries above it, fewer than k
    value[2, -2:] = (5.0, 6.0)
    floor, k = 0.5, 4
    worker, posting = _best_above(rows, posts, value.copy(), k, floor)
    expected = set()
    for i, row in enumerate(rows.tolist()):
        top = np.argsort(-value[i])[:k]
        expected |= {(row, int(posts[j])) for j in top if value[i, j] > floor}
    assert set(zip(worker.tolist(), posting.tolist(), strict=True)) == expected
    assert len(expected) == 3 * k + 2
    assert np.all(np.diff(worker * 1000 + posting) > 0)  # sorted by worker, then posting


def test_each_postings_best_do_not_depend_on_how_often_candidates_are_merged() -> None:
    """Dropping candidates below a full posting's floor early keeps exactly the best."""
    rng = np.random.default_rng(9)
    top = np.array([1, 3, 5, 2])
    parts = []
    for block in range(12):
        worker = np.arange(block * 10, block * 10 + 10).repeat(top.size)
        posting = np.tile(np.arange(top.size), 10)
        parts.append((worker, posting, rng.integers(0, 6, worker.size).astype(float)))
    once, often = _PostingBest(top), _PostingBest(top)
    often.MERGE_AT = 7  # merge after nearly every block
    for part in parts:
        once.add(*part)
        often.add(*part)
    for expected, got in zip(once.merged(), often.merged(), strict=True):
        np.testing.assert_array_equal(expected, got)
    assert np.array_equal(np.bincount(once.merged()[1]), top)
    assert np.isfinite(often.floor).all()


def test_pricing_in_one_or_several_threads_gives_the_same_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Blocks are scored and priced in threads; the run must not depend on how many (small
    blocks, so the market has many)."""
    force = _market(3, n_workers=120, n_postings=12)
    fit = _model(force)
    config = LabourConfig(top_k=1, posting_top_factor=1, posting_top_extra=0, block_size=4)
    runs = []
    for threads in ("1", "3"):
        monkeypatch.setenv("BANGFU_THREADS", threads)
        runs.append(run_labour(force, fit, config))
    one, several = runs
    assert one.pricing.rounds > 1
    assert one.pricing.as_dict() == several.pricing.as_dict()
    np.testing.assert_array_equal(one.edges.worker, several.edges.worker)
    np.testing.assert_array_equal(one.edges.posting, several.edges.posting)
    np.testing.assert_array_equal(one.result.chosen, several.result.chosen)


def test_each_groups_best_options_equal_those_of_a_full_sort() -> None:
    """Owners with at most k candidates take them all, the others their k largest (the
    first among equal values), as a sort of every candidate would."""
    rng = np.random.default_rng(11)
    owner = np.sort(rng.integers(0, 40, 600))
    index = np.sort(rng.choice(5000, owner.size, replace=False))
    value = rng.integers(0, 8, owner.size).astype(float)  # many ties
    k = 3
    order = np.lexsort((-value, owner))  # stable: the first among ties
    rank = np.arange(order.size) - np.searchsorted(owner[order], owner[order], side="left")
    expected = np.sort(index[order[rank < k]])
    np.testing.assert_array_equal(_best_of_runs(index, owner, value, k), expected)
    assert np.bincount(owner).max() > k  # some owners had more than k to choose from


def test_group_gains_and_each_groups_best_gain() -> None:
    """Options sorted by group; a group without options gets 0, never a neighbour's."""
    groups = GroupColumns(
        group=np.array([0, 0, 2, 2, 2]),
        posting=np.array([0, 1, 0, 1, 2]),
        weight=np.array([3.0, 1.0, 2.0, 5.0, 0.5]),
        size=np.array([2, 3, 1]),
        active=np.zeros(5, bool),
    )
    gains = groups.gains(np.array([1.0, 0.25, 1.0]))
    np.testing.assert_allclose(gains, [1.0, 0.5, 1.0, 4.75, -0.5])
    np.testing.assert_allclose(groups.best_gain(gains), [1.0, 0.0, 4.75])
    np.testing.assert_allclose(groups.best_gain(gains - 10.0), [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="sorted by group"):
        GroupColumns(np.array([1, 0]), np.array([0, 0]), np.ones(2), np.ones(2, np.int64),
                     np.zeros(2, bool))  # fmt: skip
