"""The last step of the team stage: no open place while a free expert fits it.

Every place's value (its slot value, at least 1, plus an edge weight of at least 0) is
positive, so an expert with the days left who fits an open place always improves the plan.
An optimal plan has no such pair; a plan within a gap might. This step adds them, best
edge first, so "a need asking for 病虫害防治 and 电商 gets an e-commerce expert while one is
free" holds for every plan the solver returns, not only for proven-optimal ones.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matching.engine.problem import Problem
from matching.sorting import lexsort

IntArray = npt.NDArray[np.int64]


def fill_open_places(problem: Problem, chosen: IntArray) -> IntArray:
    """`chosen` plus, for every demand with open slots, the best edges that still fit."""
    taken = np.zeros(problem.n_edges, dtype=bool)
    taken[chosen] = True
    left = problem.capacity - np.bincount(
        problem.edge_supplier[chosen],
        weights=problem.load[chosen],
        minlength=problem.n_suppliers,
    ).astype(np.int64)
    filled = np.bincount(problem.edge_demand[chosen], minlength=problem.n_demands)
    order = lexsort((np.arange(problem.n_edges), -problem.edge_value, problem.edge_demand))
    start = np.searchsorted(problem.edge_demand[order], np.arange(problem.n_demands + 1))
    fits = ~taken & (left[problem.edge_supplier] >= problem.load)
    has_fit = np.bincount(problem.edge_demand[fits], minlength=problem.n_demands) > 0
    for demand in np.flatnonzero((filled < problem.slots) & has_fit).tolist():
        for edge in order[start[demand] : start[demand + 1]].tolist():
            if filled[demand] >= problem.slots[demand]:
                break
            supplier = problem.edge_supplier[edge]
            if not taken[edge] and left[supplier] >= problem.load[edge]:
                taken[edge] = True
                left[supplier] -= problem.load[edge]
                filled[demand] += 1
    return np.flatnonzero(taken).astype(np.int64)
