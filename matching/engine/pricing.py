"""Duals of a problem's LP relaxation, for pricing edges that are not (yet) in it.

Column generation solves a problem on a subset of its possible edges, then asks whether
any edge left out could improve the relaxation: an edge whose *reduced cost* under the
subset's optimal duals is positive. When none is, the subset's relaxation optimum is the
relaxation optimum over every edge, so its value bounds every plan on the full edge set.

The relaxation (groups are not supported here), with x_e in [0, 1] (fixed edges at 1)
and y_dk in [0, 1] for the k-th slot value of demand d::

    maximize  Σ_e value_e x_e + Σ_dk slot_value_dk y_dk
    supplier s:   Σ_{e at s} load_e x_e   ≤ capacity_s      dual γ_s ≥ 0
    demand d:     Σ_{e at d} x_e          ≤ slots_d         dual β_d ≥ 0
    slot link d:  Σ_k y_dk − Σ_{e at d} x_e ≤ 0             dual α_d ≥ 0

so an edge (s, d) of value v and load l, not in the LP, has reduced cost
v − l γ_s − β_d + α_d (its own bound x ≤ 1 has a zero dual while it is left out). The LP
is solved by GLOP (OR-Tools' simplex), which also returns the duals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.linear_solver.python import model_builder_helper as mbh

from matching.engine.problem import Problem
from matching.errors import InvalidInputError, SolverError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RelaxationDuals:
    """The relaxation's optimum and its duals, one per supplier and per demand."""

    value: float
    supplier: FloatArray  # γ: value of one more unit of capacity
    demand: FloatArray  # β − α: value of one more edge at the demand, net of its slot value

    def reduced_cost(
        self, value: FloatArray, supplier: IntArray, demand: IntArray, load: IntArray
    ) -> FloatArray:
        """What adding each described edge would gain per unit of x, at these duals."""
        return np.asarray(
            value - load * self.supplier[supplier] - self.demand[demand], dtype=np.float64
        )


def relaxation_duals(problem: Problem) -> RelaxationDuals:
    """Solve the LP relaxation of `problem` and return its value and duals."""
    if problem.has_groups:
        raise InvalidInputError("pricing does not support groups.", item="groups")
    model = mbh.ModelBuilderHelper()
    n_s, n_d = problem.n_suppliers, problem.n_demands
    counts = np.diff(problem.slot_value_offsets)
    slot_demand = np.repeat(np.arange(n_d, dtype=np.int64), counts)
    n_y = int(slot_demand.size)
    if problem.n_edges + n_y == 0:  # nothing to choose: the value is 0 at zero prices
        return RelaxationDuals(0.0, np.zeros(n_s), np.zeros(n_d))
    lower = np.r_[problem.fixed.astype(np.float64), np.zeros(n_y)]
    objective = np.r_[problem.edge_value, problem.slot_value_flat]
    lower_rows = np.full(n_s + 2 * n_d, -np.inf)
    upper_rows = np.r_[problem.capacity, problem.slots, np.zeros(n_d)].astype(np.float64)
    rows, cols, coefficients = _matrix(problem, slot_demand)
    # The model takes a CSR matrix; a (data, indices, indptr) triple is built into one by
    # OR-Tools itself, so the engine needs no sparse-matrix library of its own.
    order = np.lexsort((cols, rows))
    indptr = np.searchsorted(rows[order], np.arange(n_s + 2 * n_d + 1))
    fill: Any = model.fill_model_from_sparse_data  # its stubs misname numpy's array types
    fill(
        lower,
        _upper_bounds(problem, n_y),
        objective,
        lower_rows,
        upper_rows,
        (coefficients[order], cols[order].astype(np.int32), indptr.astype(np.int32)),
    )
    model.set_maximize(True)
    solver = mbh.ModelSolverHelper("glop")
    solver.solve(model)
    if solver.status() != mbh.SolveStatus.OPTIMAL:
        raise SolverError(f"the relaxation was not solved: {solver.status_string()}")
    duals = np.asarray(solver.dual_values(), dtype=np.float64)
    return RelaxationDuals(
        value=float(solver.objective_value()),
        supplier=duals[:n_s],
        demand=duals[n_s : n_s + n_d] - duals[n_s + n_d :],
    )


def _upper_bounds(problem: Problem, n_y: int) -> FloatArray:
    """x_e ≤ 1 only where the demand row does not imply it (more than one slot).

    A bound the rows already imply would only take the dual value the rows should carry
    (the edges at their bound absorb it), and leave-out edges would be priced too high.
    """
    single = problem.slots[problem.edge_demand] <= 1
    return np.asarray(np.r_[np.where(single, np.inf, 1.0), np.ones(n_y)], dtype=np.float64)


def _matrix(problem: Problem, slot_demand: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
    """Row, column and coefficient of every non-zero of the constraint matrix."""
    n_edges, n_s, n_d = problem.n_edges, problem.n_suppliers, problem.n_demands
    edges = np.arange(n_edges, dtype=np.int64)
    slots = n_edges + np.arange(slot_demand.size, dtype=np.int64)
    rows = np.r_[
        problem.edge_supplier,
        n_s + problem.edge_demand,
        n_s + n_d + problem.edge_demand,
        n_s + n_d + slot_demand,
    ]
    cols = np.r_[edges, edges, edges, slots]
    coefficients = np.r_[
        problem.load.astype(np.float64),
        np.ones(n_edges),
        -np.ones(n_edges),
        np.ones(slot_demand.size),
    ]
    return rows.astype(np.int64), cols.astype(np.int64), coefficients
