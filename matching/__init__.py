"""Bangfu's optimization and scoring core: plain data in, plain results out.

The engine: build a `Problem` (from arrays, or from the `bangfu.assignment/1` JSON
format with `matching.io`), call `solve`, read the `Result`.
"""

from matching.errors import BangfuError, InvalidInputError, UnknownSolverError
from matching.problem import Problem
from matching.result import Result, objective_value, violations
from matching.solvers import SOLVER_NAMES, solve

__all__ = [
    "SOLVER_NAMES",
    "BangfuError",
    "InvalidInputError",
    "Problem",
    "Result",
    "UnknownSolverError",
    "objective_value",
    "solve",
    "violations",
]
