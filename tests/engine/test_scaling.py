"""Float values to integers for the OR-Tools solvers: exact where possible, honest otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from matching.engine.problem import Problem
from matching.engine.solvers import solve
from matching.engine.solvers.scaling import choose_scaling

LIMIT = 2.0**52 / 100


@pytest.mark.parametrize(
    ("values", "factor"),
    [
        ([3.0, -7.0, 0.0], 1.0),
        ([73.5, 1.0], 10.0),
        ([0.1, 0.2, 0.3], 10.0),
        ([0.125, 2.0], 1000.0),
        ([0.29, 0.85], 100.0),
        ([-999999.9996, 1e6], 1e4),
    ],
)
def test_decimal_values_scale_exactly(values: list[float], factor: float) -> None:
    """Values written with p decimals get the scale 10**p, marked exact."""
    scaling = choose_scaling(np.asarray(values), LIMIT)
    assert (scaling.factor, scaling.exact) == (factor, True)
    assert scaling.error_bound(10) == 0.0


def test_rounding_that_changes_a_value_is_not_exact() -> None:
    """A value 3e-10 must not be scaled to 0 and called exact."""
    scaling = choose_scaling(np.asarray([3e-10, 1.0]), LIMIT)
    assert not scaling.exact or scaling.apply(np.asarray([3e-10]))[0] != 0


def test_subnormal_values_do_not_overflow() -> None:
    """A subnormal value such as 2.2e-309 gets a finite, inexact scale instead of an error."""
    scaling = choose_scaling(np.asarray([2.225073858507203e-309]), LIMIT)
    assert not scaling.exact and np.isfinite(scaling.factor)


def test_huge_values_scale_down() -> None:
    """Values near 1e300 fit the integer range after scaling."""
    values = np.asarray([1e300, -3e299])
    scaling = choose_scaling(values, LIMIT)
    assert np.all(np.abs(values * scaling.factor) <= LIMIT)


@pytest.mark.parametrize("solver", ["flow", "cpsat"])
def test_subnormal_slot_value_solves(solver: str) -> None:
    """Every value being subnormal leaves the solvers working, within the optimality gap."""
    problem = Problem.from_arrays(
        supplier_ids=["E1"],
        capacity=[1],
        demand_ids=["N1"],
        slots=[1],
        edge_supplier=[0],
        edge_demand=[0],
        weight=[0.0],
        slot_values=[[2.225073858507203e-309]],
    )
    result = solve(problem, solver=solver)
    assert result.status == "optimal"
    assert abs(result.objective - 2.225073858507203e-309) <= 1e-9
    assert result.bound >= 2.225073858507203e-309


@pytest.mark.parametrize("solver", ["flow", "cpsat"])
@pytest.mark.parametrize("better", [0, 1])
def test_near_tie_below_a_coarse_scale(solver: str, better: int) -> None:
    """Two edges 1e-7 apart at a one-slot demand: the better one wins, in either order."""
    weight = [1234.5, 1234.5]
    weight[better] = 1234.5000001
    problem = Problem.from_arrays(
        supplier_ids=["E1", "E2"],
        capacity=[1, 1],
        demand_ids=["N1"],
        slots=[1],
        edge_supplier=[0, 1],
        edge_demand=[0, 0],
        weight=weight,
    )
    result = solve(problem, solver=solver)
    assert result.chosen.tolist() == [better]
    assert result.status == "optimal"
