"""The general path: CP-SAT, for loads, groups and fixed edges, warm-started by greedy.

Model (all integer, values scaled by `matching.engine.solvers.scaling`):
- x[e] for each useful edge of a supplier outside any group;
- y[p] for each placement of a whole group at one demand (`GroupPlacements`): the
  members' edges are chosen together, so groups can never be split;
- z[d, k] for the k-th slot value of demand d, with sum_k z[d, k] <= n_d; since values
  never increase, the maximum takes the first n_d of them, exactly as the objective says.
Constraints: load per supplier <= capacity, suppliers per demand <= slots, at most one
placement per group, fixed edges (and the placements they pin) chosen.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from matching.control import cancel_requested, checkpoint
from matching.engine.problem import Problem
from matching.engine.result import (
    OPTIMALITY_TOLERANCE,
    Result,
    StopReason,
    demand_counts,
    infeasible,
    objective_value,
    violations,
)
from matching.engine.solvers.base import ProgressCallback, SolveOptions
from matching.engine.solvers.greedy import greedy_choice
from matching.engine.solvers.presolve import GroupPlacements, fixed_conflict, useful_free_edges
from matching.engine.solvers.scaling import choose_scaling

IntArray = npt.NDArray[np.int64]

# CP-SAT requires the sum of |objective coefficients| times domains to fit in int64.
_INT_RANGE = 2.0**52


def solve_cpsat(problem: Problem, options: SolveOptions) -> Result:
    """Exact up to the work limit; reports CP-SAT's proven bound."""
    started = time.perf_counter()
    conflict = fixed_conflict(problem)
    if conflict:
        return infeasible("cpsat", conflict)
    model = _Model(problem)
    hint = _starting_point(problem, model.placements, options.warm_start)
    model.add_hint(hint)
    built = time.perf_counter()
    checkpoint()
    solver = cp_model.CpSolver()
    _configure(solver, options, spent=built - started)
    callback = _Progress(options.progress, started, model.scale.factor)
    solver.best_bound_callback = callback.on_bound
    status = solver.solve(model.model, callback)
    # A cancel stopped the search early: its answer is not the plan, so nothing returns it.
    checkpoint()
    solved = time.perf_counter()
    timings = {"build": built - started, "solve": solved - built}
    if status == cp_model.INFEASIBLE:
        return infeasible(
            "cpsat",
            "no assignment satisfies the fixed edges, groups, capacities and slots together",
            **timings,
        )
    stopped_by = _stop_reason(solver, status, options)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _unsolved(problem, hint, solver, status, timings, stopped_by)
    chosen = model.chosen(solver)
    objective = objective_value(problem, chosen)
    if status == cp_model.FEASIBLE and objective < objective_value(problem, hint):
        # CP-SAT may drop a hint it could not complete; never return less than the start.
        chosen, objective = hint, objective_value(problem, hint)
    bound = solver.best_objective_bound / model.scale.factor + model.error_bound()
    proven = bound - objective <= OPTIMALITY_TOLERANCE * max(1.0, abs(objective))
    return Result(
        status="optimal" if proven else "feasible",
        objective=objective,
        bound=max(bound, objective),
        chosen=chosen,
        solver="cpsat",
        timings=timings,
        stats=model.stats(solver, status),
        stopped_by=None if proven else stopped_by,
    )


def _starting_point(
    problem: Problem, placements: GroupPlacements, warm_start: IntArray | None
) -> IntArray:
    """The greedy solution, or the caller's warm start when it is feasible and better."""
    greedy = greedy_choice(problem, placements)
    if warm_start is None or violations(problem, warm_start):
        return greedy
    start = np.sort(np.asarray(warm_start, dtype=np.int64))
    if objective_value(problem, start) >= objective_value(problem, greedy):
        return start
    return greedy


def _configure(solver: cp_model.CpSolver, options: SolveOptions, spent: float) -> None:
    params = solver.parameters
    params.random_seed = options.seed
    params.num_workers = options.workers
    # Full linearization puts every constraint into the LP: on assignment problems its
    # bound is nearly tight, and one worker with it proves in a fraction of a second what
    # the default search cannot in minutes (measured on neighbourhoods of `decompose`).
    params.linearization_level = 2
    # Interleaved search makes a parallel solve deterministic: same input, same answer.
    params.interleave_search = options.workers > 1
    # Ctrl-C belongs to the caller (a cancel via matching.control): CP-SAT's own handler
    # would swallow it and return a plan cut short as if nothing had happened.
    params.catch_sigint_signal = False
    if options.work_limit is not None:
        # Counted work, not seconds: where the search stops does not depend on the machine.
        params.max_deterministic_time = options.work_limit
    if options.time_limit is not None:
        # The safety stop covers the whole call, model building included.
        params.max_time_in_seconds = max(0.1, options.time_limit - spent)


def _stop_reason(
    solver: cp_model.CpSolver, status: cp_model.CpSolverStatus, options: SolveOptions
) -> StopReason | None:
    """Which limit ended a search that did not finish; None when it finished."""
    if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
        return None
    work_limit = options.work_limit
    if work_limit is not None and solver.deterministic_time >= work_limit:
        return "work_limit"
    return "time_limit" if options.time_limit is not None else "work_limit"


def _unsolved(
    problem: Problem,
    hint: IntArray,
    solver: cp_model.CpSolver,
    status: cp_model.CpSolverStatus,
    timings: dict[str, float],
    stopped_by: StopReason | None,
) -> Result:
    """A limit ended the search before CP-SAT found a solution: return the greedy one,
    honestly marked."""

    if violations(problem, hint):
        return infeasible("cpsat", "no solution found within the limits", **timings)
    return Result(
        status="feasible",
        objective=objective_value(problem, hint),
        bound=float("inf"),
        chosen=hint,
        solver="cpsat",
        reason="a limit was reached before CP-SAT found a solution; greedy solution returned",
        timings=timings,
        stats={
            "cpsat_status": solver.status_name(status),
            "work": round(solver.deterministic_time, 6),
        },
        stopped_by=stopped_by,
    )


def _add_at_most(model: cp_model.CpModel, variables: IntArray, coeffs: IntArray, most: int) -> None:
    """Σ coeffs × variables ≤ most (each variable once), as `CpModel.add` writes it into
    the proto: terms in the order of the variables' indices."""
    order = np.argsort(variables, kind="stable")
    linear = model.proto.constraints.add().linear
    linear.vars.extend(variables[order].tolist())
    linear.coeffs.extend(coeffs[order].astype(np.int64).tolist())
    linear.domain.extend([_INT64_MIN, most])


_INT64_MIN = -(2**63)


class _Model:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.placements = GroupPlacements(problem)
        self.edges = np.flatnonzero(useful_free_edges(problem))
        self.model = cp_model.CpModel()
        p = self.placements
        edge_values = problem.edge_value[self.edges]
        slot_values = problem.slot_value_flat
        # Placements are scaled as sums of their members' scaled edges, so that a scale
        # exact for the edges stays exact for the groups.
        self.scale = choose_scaling(
            np.concatenate((edge_values, problem.edge_value[p.edges], slot_values)),
            _INT_RANGE / max(1, len(edge_values) + len(p.edges) + len(slot_values)),
        )
        self.x = [self.model.new_bool_var(f"x{e}") for e in self.edges.tolist()]
        self.y = [self.model.new_bool_var(f"y{i}") for i in range(len(p))]
        self.x_index = np.array([v.index for v in self.x], dtype=np.int64)
        self.y_index = np.array([v.index for v in self.y], dtype=np.int64)
        self._terms = 0
        self._add_capacity()
        self._add_groups()
        self._add_fixed()
        self._add_objective(self._add_slots())

    def _add_capacity(self) -> None:
        problem, model = self.problem, self.model
        tails = problem.edge_supplier[self.edges]
        loads = problem.load[self.edges]
        need = np.bincount(tails, weights=loads, minlength=problem.n_suppliers)
        order = np.argsort(tails, kind="stable")
        bounds = np.searchsorted(tails[order], np.arange(problem.n_suppliers + 1))
        # Written into the model's proto directly: building a Python expression per
        # supplier was a large part of a big model's build time.
        for s in np.flatnonzero(need > problem.capacity).tolist():
            idx = order[bounds[s] : bounds[s + 1]]
            _add_at_most(model, self.x_index[idx], loads[idx], int(problem.capacity[s]))

    def _add_groups(self) -> None:
        p = self.placements
        order = np.argsort(p.group, kind="stable")
        bounds = np.searchsorted(p.group[order], np.arange(len(self.problem.group_ids) + 1))
        for g in range(len(self.problem.group_ids)):
            idx = order[bounds[g] : bounds[g + 1]].tolist()
            if len(idx) > 1:
                self.model.add_at_most_one(self.y[i] for i in idx)

    def _add_fixed(self) -> None:
        for i in np.flatnonzero(self.problem.fixed[self.edges]).tolist():
            self.model.add(self.x[i] == 1)
        pinned = self.problem.fixed[self.placements.edges]
        if not len(self.placements):
            return
        hits = np.add.reduceat(pinned, self.placements.start[:-1])
        for i in np.flatnonzero(hits > 0).tolist():
            self.model.add(self.y[i] == 1)

    def _add_slots(self) -> list[tuple[cp_model.IntVar, float]]:
        """Per-demand slot limits and slot-value variables; returns (z, value) terms.
        The linear constraints go into the proto directly (see `_add_at_most`)."""
        problem, p = self.problem, self.placements
        # Each demand's count: its edges' x (coefficient 1), then its placements' y (the
        # group's size), in that order.
        demand = np.concatenate((problem.edge_demand[self.edges], p.demand))
        variables = np.concatenate((self.x_index, self.y_index))
        coeffs = np.concatenate((np.ones(self.x_index.size, np.int64), p.size.astype(np.int64)))
        order = np.argsort(demand, kind="stable")
        bounds = np.searchsorted(demand[order], np.arange(problem.n_demands + 1))
        slot_terms: list[tuple[cp_model.IntVar, float]] = []
        self.slot_vars: dict[int, list[cp_model.IntVar]] = {}
        for d in np.flatnonzero(bounds[1:] > bounds[:-1]).tolist():
            at = order[bounds[d] : bounds[d + 1]]
            count_vars, count_coeffs = variables[at], coeffs[at]
            _add_at_most(self.model, count_vars, count_coeffs, int(problem.slots[d]))
            values = problem.slot_values_of(d)
            z = [self.model.new_bool_var(f"z{d}_{k}") for k in range(len(values))]
            if z:
                # Σ z ≤ count
                z_index = np.array([var.index for var in z], dtype=np.int64)
                _add_at_most(
                    self.model,
                    np.concatenate((z_index, count_vars)),
                    np.concatenate((np.ones(len(z), np.int64), -count_coeffs)),
                    0,
                )
                for earlier, later in itertools.pairwise(z):
                    self.model.add_implication(later, earlier)
                slot_terms.extend(zip(z, values.tolist(), strict=True))
                self.slot_vars[d] = z
        return slot_terms

    def _add_objective(self, slot_terms: list[tuple[cp_model.IntVar, float]]) -> None:
        problem, scale = self.problem, self.scale
        edge_costs = scale.apply(problem.edge_value[self.edges]).tolist()
        member_costs = scale.apply(problem.edge_value[self.placements.edges])
        group_costs = (
            np.add.reduceat(member_costs, self.placements.start[:-1]).tolist()
            if len(self.placements)
            else []
        )
        slot_costs = scale.apply(np.asarray([v for _, v in slot_terms], dtype=np.float64)).tolist()
        self._terms = len(self.x) + len(self.placements.edges) + len(slot_terms)
        # maximize(Σ cost × var), written as CP-SAT stores it (`CpModel.maximize`): the
        # negated costs to minimise, a scaling factor of −1; zero costs are left out.
        variables = np.concatenate(
            (self.x_index, self.y_index, [z.index for z, _ in slot_terms])
        ).astype(np.int64)
        costs = np.asarray([*edge_costs, *group_costs, *slot_costs], dtype=np.int64)
        used = costs != 0
        objective = self.model.proto.objective
        objective.vars.extend(variables[used].tolist())
        objective.coeffs.extend((-costs[used]).tolist())
        objective.scaling_factor = -1.0

    def add_hint(self, chosen: IntArray) -> None:
        chosen_mask = np.zeros(self.problem.n_edges, dtype=np.bool_)
        chosen_mask[chosen] = True
        p = self.placements
        placed = [bool(chosen_mask[p.edges_of(i)].all()) for i in range(len(p))]
        counts = demand_counts(self.problem, chosen)
        slot_vars = [var.index for z in self.slot_vars.values() for var in z]
        slot_on = [k < counts[d] for d, z in self.slot_vars.items() for k in range(len(z))]
        # Straight into the proto (what `CpModel.add_hint` does one variable at a time).
        variables = [*self.x_index.tolist(), *self.y_index.tolist(), *slot_vars]
        if variables:
            on = [*chosen_mask[self.edges].tolist(), *placed, *slot_on]
            hint = self.model.proto.solution_hint
            hint.vars.extend(variables)
            hint.values.extend([int(v) for v in on])

    def chosen(self, solver: cp_model.CpSolver) -> IntArray:
        picked = [
            e
            for e, var in zip(self.edges.tolist(), self.x, strict=True)
            if solver.boolean_value(var)
        ]
        for i, var in enumerate(self.y):
            if solver.boolean_value(var):
                picked.extend(self.placements.edges_of(i).tolist())
        return np.sort(np.asarray(picked, dtype=np.int64))

    def error_bound(self) -> float:
        return self.scale.error_bound(self._terms)

    def stats(
        self, solver: cp_model.CpSolver, status: cp_model.CpSolverStatus
    ) -> dict[str, object]:
        return {
            "variables": self._terms,
            "group_placements": len(self.placements),
            "scale": self.scale.factor,
            "exact_scale": self.scale.exact,
            "cpsat_status": solver.status_name(status),
            "branches": solver.num_branches,
            # CP-SAT's deterministic time: the counted work this search spent.
            "work": round(solver.deterministic_time, 6),
        }


class _Progress(cp_model.CpSolverSolutionCallback):
    """Forwards each improving solution to the caller's progress function, and stops the
    search when the run is cancelled.

    Exceptions must not cross back into CP-SAT: a cancel stops the search here and
    `solve_cpsat` raises `Cancelled` once CP-SAT has returned.
    """

    def __init__(self, progress: ProgressCallback | None, started: float, factor: float) -> None:
        super().__init__()
        self._progress = progress
        self._started = started
        self._factor = factor

    def on_solution_callback(self) -> None:
        if self._progress is not None:
            self._progress(
                time.perf_counter() - self._started,
                self.objective_value / self._factor,
                self.best_objective_bound / self._factor,
            )
        self.on_bound(self.best_objective_bound)

    def on_bound(self, bound: float) -> None:
        """Called on each better solution and each better bound: honour a cancel."""
        del bound
        if not cancel_requested():
            return
        try:
            self.stop_search()
        except RuntimeError:
            # OR-Tools refuses a stop before its solve has fully started (a bound can be
            # reported that early); the cancel is then honoured at the next checkpoint,
            # right after the solve returns.
            return
