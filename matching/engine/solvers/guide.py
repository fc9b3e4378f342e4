"""Where a plan of the generalized assignment shape is most likely to improve, from the
LP relaxation's prices of capacity.

The LP relaxation (one supplier per demand at most, loads within capacities, x in [0, 1])
prices each supplier's capacity (its dual, lambda >= 0). An edge's *reduced gain* is
its gain less the priced load, gain - lambda[supplier] * load: the Lagrangian view of
the problem, in which a demand would go where its reduced gain is highest. Two things
follow for a search:

- the *core*: the few edges of each demand with the highest reduced gains. Optimal plans
  of the generalized assignment problem use them almost always, so a sub-model that
  offers a demand only its core edges (and the one it has now) is much smaller and
  loses little;
- the *regret* of a demand: how far its present edge falls below its best reduced gain.
  Demands with a large regret are the ones worth moving.

The LP is solved once: as a min-cost flow when every edge of a demand carries the same
load (then it is a transportation problem in load units, `matching.engine.pricing`; about
0.6 s against 4.4 s for the simplex on a province expert period of 145,000 edges), else
by GLOP (OR-Tools' simplex). Both are deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from matching.engine import pricing
from matching.engine.problem import Problem
from matching.engine.solvers.relaxation import relaxation_applies
from matching.sorting import lexsort

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Core edges per demand: the best three by reduced gain (on OR-Library's type D, two were
# worse and four no better in the search's short runs).
CORE_SIZE = 3


@dataclass(frozen=True)
class Guide:
    core: BoolArray  # per edge of the problem: among its demand's best by reduced gain
    reduced_gain: FloatArray  # per edge (-inf for edges that are not candidates)
    best_reduced: FloatArray  # per demand (-inf without a candidate edge)
    prices: FloatArray  # per supplier, the LP's price of a unit of capacity (0 when unsolved)

    def regret(self, at_demand: IntArray) -> FloatArray:
        """Per demand, its best reduced gain less that of its present edge (or of staying
        unplaced, 0); 0 for demands without candidates."""
        present = np.where(at_demand >= 0, self.reduced_gain[np.maximum(at_demand, 0)], 0.0)
        regret: FloatArray = np.where(
            np.isfinite(self.best_reduced), np.maximum(0.0, self.best_reduced - present), 0.0
        )
        return regret


def lp_guide(problem: Problem, candidates: IntArray, gain: FloatArray) -> Guide:
    """The guide for the candidate edges, valued at `gain` (per edge of the problem)."""
    prices = _capacity_prices(problem, candidates, gain)
    reduced = np.full(len(problem.edge_demand), -np.inf)
    reduced[candidates] = (
        gain[candidates] - prices[problem.edge_supplier[candidates]] * (problem.load[candidates])
    )
    demands = problem.edge_demand[candidates]
    best = np.full(problem.n_demands, -np.inf)
    np.maximum.at(best, demands, reduced[candidates])
    # Rank within each demand, best first (ties by edge order: deterministic).
    order = lexsort((-reduced[candidates], demands))
    ranked_demands = demands[order]
    rank = np.empty(len(candidates), dtype=np.int64)
    rank[order] = np.arange(len(candidates)) - np.searchsorted(ranked_demands, ranked_demands)
    core = np.zeros(len(problem.edge_demand), dtype=np.bool_)
    core[candidates] = rank < CORE_SIZE
    return Guide(core=core, reduced_gain=reduced, best_reduced=best, prices=prices)


def _capacity_prices(problem: Problem, candidates: IntArray, gain: FloatArray) -> FloatArray:
    """Each supplier's LP dual of its capacity (0 for all when the LP is not solved)."""
    if len(candidates) == 0:
        return np.zeros(problem.n_suppliers)
    if not problem.has_groups and relaxation_applies(problem):
        return _flow_prices(problem, candidates, gain)
    return _simplex_prices(problem, candidates, gain)


def _flow_prices(problem: Problem, candidates: IntArray, gain: FloatArray) -> FloatArray:
    """The prices from the LP as a min-cost flow (uniform loads per demand only). The flow
    does not force fixed edges in, so with fixed edges the prices may differ a little from
    the simplex's: they only guide the search, they bound nothing."""
    member = np.zeros(len(problem.edge_demand), dtype=np.bool_)
    member[candidates] = True
    prices: FloatArray = pricing.supplier_prices(problem, member, value=gain).supplier
    return prices


def _simplex_prices(problem: Problem, candidates: IntArray, gain: FloatArray) -> FloatArray:
    """The prices from the LP solved by GLOP (0 for all when it is not solved)."""
    prices = np.zeros(problem.n_suppliers)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = [solver.NumVar(float(problem.fixed[e]), 1.0, "") for e in candidates.tolist()]
    demand_rows = [solver.Constraint(-solver.infinity(), float(n)) for n in problem.slots]
    supplier_rows = [solver.Constraint(-solver.infinity(), float(c)) for c in problem.capacity]
    objective = solver.Objective()
    for var, e in zip(x, candidates.tolist(), strict=True):
        demand_rows[problem.edge_demand[e]].SetCoefficient(var, 1.0)
        supplier_rows[problem.edge_supplier[e]].SetCoefficient(var, float(problem.load[e]))
        objective.SetCoefficient(var, float(gain[e]))
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return prices
    # Maximizing, a binding capacity has a dual >= 0: the gain one more unit would bring.
    prices[:] = np.maximum(0.0, [row.dual_value() for row in supplier_rows])
    return prices
