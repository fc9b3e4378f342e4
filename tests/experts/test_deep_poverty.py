"""The deep-poverty check: how many deep-poverty needs the plan covers against the most
any plan of the lead stage could."""

from __future__ import annotations

import numpy as np

from matching.engine.problem import Problem
from matching.experts.deep_poverty import check_deep_poverty


def _lead_stage() -> Problem:
    """Expert A (4 days) fits deep needs D1 and D2 (2 days each) or the normal need N
    (4 days); expert B (3 days) fits D3 (5 days: too long for him) only."""
    return Problem.from_arrays(
        supplier_ids=["A", "B"],
        capacity=[4, 3],
        demand_ids=["D1", "D2", "N", "D3"],
        slots=[1, 1, 1, 1],
        edge_supplier=[0, 0, 0, 1],
        edge_demand=[0, 1, 2, 3],
        weight=[40.0, 40.0, 100.0, 40.0],
        load=[2, 2, 4, 5],
    )


DEEP = np.array([True, True, False, True])


def test_a_plan_serving_the_normal_need_is_two_short() -> None:
    check = check_deep_poverty(_lead_stage(), np.array([2]), DEEP)
    assert (check.needs, check.eligible, check.covered, check.at_most) == (3, 2, 0, 2)
    assert not check.proven
    assert check.as_dict()["coverable_at_most"] == 2


def test_a_plan_serving_both_deep_needs_is_proven_the_most() -> None:
    check = check_deep_poverty(_lead_stage(), np.array([0, 1]), DEEP)
    assert (check.covered, check.at_most) == (2, 2)
    assert check.proven and check.as_dict()["proven_most"] is True


def test_without_deep_poverty_needs_there_is_nothing_to_cover() -> None:
    check = check_deep_poverty(_lead_stage(), np.array([2]), np.zeros(4, dtype=bool))
    assert (check.needs, check.eligible, check.covered, check.at_most) == (0, 0, 0, 0)
    assert check.proven
