"""One-to-one problems as linear assignment problems, solved by scipy's exact routines.

A problem is one-to-one when it has no groups, every load is 1, every capacity is at most
1 and every demand has at most one slot. Its best plan is a maximum-weight matching (not
necessarily perfect) in the bipartite graph of the edges, where an edge is worth its
value plus its demand's first slot value. Two exact reductions:

- *dense* (`scipy.optimize.linear_sum_assignment`): a rows × columns cost matrix with
  `-gain` where an edge is and 0 elsewhere. Any matching extends to a full assignment of
  the smaller side by zero-cost cells, so the cheapest full assignment, less its
  zero-cost cells, is the best matching.
- *sparse* (`scipy.sparse.csgraph.min_weight_full_bipartite_matching`): every row gets a
  column of its own, "unassigned", so a full matching of the rows always exists; every
  cost is shifted by the same constant K > max gain (an edge costs `K - gain`, the own
  column K), which keeps every entry positive and changes every full matching's cost by
  the same `rows × K`. The cheapest full matching, less its own-column cells, is the
  best matching.

Both routines work in float64: the gains are first scaled to integers (as for the
flow, `matching.engine.solvers.scaling`) small enough that every sum they form is exact,
so the answer is the integer optimum, exactly.

Which of them, or OR-Tools' min-cost flow, is fastest depends on the shape (measured on a
2-core machine, README "Performance"): the dense routine on nearly complete graphs, the
sparse one from about 5 % of the cells being edges, the flow on sparser graphs (where the
sparse routine's augmenting paths through the "unassigned" columns grow long) and on small
problems (under 200,000 edges, where it takes a tenth of a second or less).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from matching.engine.problem import Problem
from matching.engine.solvers.scaling import Scaling, choose_scaling

IntArray = npt.NDArray[np.int64]
Method = Literal["dense_assignment", "sparse_assignment", "min_cost_flow"]

# float64 adds integers exactly below 2**53; leave room for a full row of sums.
_EXACT_RANGE = 2.0**50
# Below this many edges the flow takes a tenth of a second or less, about what importing
# scipy.optimize costs a fresh process: the flow stays.
ASSIGNMENT_FROM_EDGES = 200_000
# The dense routine pays for every cell: up to this many (200 MB of float64) ...
DENSE_MAX_CELLS = 25_000_000
# ... and only when at least this share of them are edges.
DENSE_FROM_DENSITY = 0.3
# The sparse routine beats the flow from about this share of the cells.
SPARSE_FROM_DENSITY = 0.05


def is_one_to_one(problem: Problem) -> bool:
    """No groups, unit loads, capacities and slot counts at most 1."""
    return (
        not problem.has_groups
        and problem.has_unit_loads
        and bool(np.all(problem.capacity <= 1))
        and bool(np.all(problem.slots <= 1))
    )


@dataclass(frozen=True)
class Assignment:
    """The free part of a one-to-one problem: its edges, rows and columns, and gains."""

    edges: IntArray  # candidate edge indices, ascending
    rows: IntArray  # row of each candidate edge (0..n_rows-1)
    columns: IntArray  # column of each candidate edge
    n_rows: int
    n_columns: int
    gain: npt.NDArray[np.float64]  # edge value plus its demand's first slot value

    @classmethod
    def of(cls, problem: Problem, edges: IntArray) -> Assignment:
        """`edges`: the free candidate edges (useful, not fixed, endpoints still free)."""
        first_slot = problem.first_slot_value
        suppliers = problem.edge_supplier[edges]
        demands = problem.edge_demand[edges]
        supplier_list, supplier_pos = np.unique(suppliers, return_inverse=True)
        demand_list, demand_pos = np.unique(demands, return_inverse=True)
        # Rows are the smaller side: the sparse routine adds a column per row.
        if len(supplier_list) <= len(demand_list):
            rows, columns = supplier_pos, demand_pos
            n_rows, n_columns = len(supplier_list), len(demand_list)
        else:
            rows, columns = demand_pos, supplier_pos
            n_rows, n_columns = len(demand_list), len(supplier_list)
        return cls(
            edges=edges,
            rows=rows.astype(np.int64),
            columns=columns.astype(np.int64),
            n_rows=n_rows,
            n_columns=n_columns,
            gain=problem.edge_value[edges] + first_slot[demands],
        )

    @property
    def max_terms(self) -> int:
        """How many rounded values an objective can hold, for the rounding's error bound."""
        return 2 * min(self.n_rows, self.n_columns)


def choose_method(assignment: Assignment) -> Method:
    """The fastest exact method for the shape (see the module docstring)."""
    n_edges = len(assignment.edges)
    if n_edges < ASSIGNMENT_FROM_EDGES:
        return "min_cost_flow"
    cells = assignment.n_rows * assignment.n_columns
    if cells <= DENSE_MAX_CELLS and n_edges >= DENSE_FROM_DENSITY * cells:
        return "dense_assignment"
    if n_edges >= SPARSE_FROM_DENSITY * cells:
        return "sparse_assignment"
    return "min_cost_flow"


def solve_assignment(assignment: Assignment, method: Method) -> tuple[IntArray, Scaling]:
    """The matched candidate edges (sorted) of the best matching, and the scaling used."""
    scaling = choose_scaling(assignment.gain, _EXACT_RANGE / (assignment.n_rows + 2))
    if len(assignment.edges) == 0:
        return assignment.edges, scaling
    gain = scaling.apply(assignment.gain).astype(np.float64)
    if method == "dense_assignment":
        matched = _dense(assignment, gain)
    elif method == "sparse_assignment":
        matched = _sparse(assignment, gain)
    else:
        raise ValueError(f"not an assignment method: {method}")
    return np.sort(assignment.edges[matched]), scaling


def _dense(a: Assignment, gain: npt.NDArray[np.float64]) -> IntArray:
    # scipy is imported on use: it is needed only for this shape, and costs import time.
    from scipy.optimize import linear_sum_assignment

    cost = np.zeros((a.n_rows, a.n_columns))
    cost[a.rows, a.columns] = -gain
    rows, columns = linear_sum_assignment(cost)
    taken = cost[rows, columns] < 0
    return _edge_positions(a, rows[taken], columns[taken])


def _sparse(a: Assignment, gain: npt.NDArray[np.float64]) -> IntArray:
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    shift = float(gain.max()) + 1.0
    own = np.arange(a.n_rows)
    matrix = csr_array(
        (
            np.concatenate((shift - gain, np.full(a.n_rows, shift))),
            (np.concatenate((a.rows, own)), np.concatenate((a.columns, a.n_columns + own))),
        ),
        shape=(a.n_rows, a.n_columns + a.n_rows),
    )
    rows, columns = min_weight_full_bipartite_matching(matrix)
    rows, columns = np.asarray(rows), np.asarray(columns)
    taken = columns < a.n_columns
    return _edge_positions(a, rows[taken], columns[taken])


def _edge_positions(a: Assignment, rows: IntArray, columns: IntArray) -> IntArray:
    """Positions in `a.edges` of the (row, column) cells, which are all edges."""
    keys = a.rows * a.n_columns + a.columns
    order = np.argsort(keys, kind="stable")
    wanted = rows.astype(np.int64) * a.n_columns + columns.astype(np.int64)
    found = np.searchsorted(keys[order], wanted)
    positions: IntArray = order[found]
    assert np.array_equal(keys[positions], wanted), "every matched cell is an edge"
    return positions
