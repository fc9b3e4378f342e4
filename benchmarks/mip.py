"""The same problems as a plain MIP solved by HiGHS (through scipy), for comparison only.

Variables: x per useful edge outside groups, y per group placement, z per slot value;
the same constraints as the CP-SAT model. Not part of the engine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from matching import Problem
from matching.engine.solvers.presolve import GroupPlacements, useful_free_edges


@dataclass(frozen=True)
class MipOutcome:
    status: str
    objective: float
    bound: float
    seconds: float


def solve_mip(problem: Problem, time_limit: float = 60.0) -> MipOutcome:
    started = time.perf_counter()
    edges = np.flatnonzero(useful_free_edges(problem))
    placements = GroupPlacements(problem)
    n_x, n_y = len(edges), len(placements)
    lengths = np.diff(problem.slot_value_offsets)
    z_demand = np.repeat(np.arange(problem.n_demands), lengths)
    n_z = len(z_demand)
    n = n_x + n_y + n_z
    value = np.concatenate((problem.edge_value[edges], placements.value, problem.slot_value_flat))
    rows, cols, vals, upper = [], [], [], []
    # capacity
    rows.append(problem.edge_supplier[edges])
    cols.append(np.arange(n_x))
    vals.append(problem.load[edges].astype(float))
    upper.append(problem.capacity.astype(float))
    base = problem.n_suppliers
    # slots: x + size*y <= slots, and z - x - size*y <= 0
    d_x, d_y = problem.edge_demand[edges], placements.demand
    rows += [base + d_x, base + d_y]
    cols += [np.arange(n_x), n_x + np.arange(n_y)]
    vals += [np.ones(n_x), placements.size.astype(float)]
    upper.append(problem.slots.astype(float))
    base += problem.n_demands
    rows += [base + d_x, base + d_y, base + z_demand]
    cols += [np.arange(n_x), n_x + np.arange(n_y), n_x + n_y + np.arange(n_z)]
    vals += [-np.ones(n_x), -placements.size.astype(float), np.ones(n_z)]
    upper.append(np.zeros(problem.n_demands))
    base += problem.n_demands
    # one placement per group
    rows.append(base + placements.group)
    cols.append(n_x + np.arange(n_y))
    vals.append(np.ones(n_y))
    upper.append(np.ones(len(problem.group_ids)))
    base += len(problem.group_ids)
    matrix = sparse.csr_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(base, n)
    )
    lower_bounds = np.zeros(n)
    lower_bounds[:n_x][problem.fixed[edges]] = 1.0
    result = milp(
        -value,
        constraints=LinearConstraint(matrix, -np.inf, np.concatenate(upper)),
        integrality=np.ones(n),
        bounds=Bounds(lower_bounds, np.ones(n)),
        options={"time_limit": time_limit, "disp": False},
    )
    seconds = time.perf_counter() - started
    bound = -float(getattr(result, "mip_dual_bound", np.nan))
    return MipOutcome(
        status="optimal" if result.status == 0 else result.message,
        objective=-float(result.fun) if result.x is not None else float("nan"),
        bound=bound,
        seconds=seconds,
    )
