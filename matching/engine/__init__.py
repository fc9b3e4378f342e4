"""The assignment engine: `Problem` in, `Result` out.

Imports only numpy, orjson, OR-Tools, HiGHS (`highspy`, in the portfolio's worker) and
`matching.errors` (and, in one module, scipy's exact assignment routines): nothing of the
domain, the data layer or the models (an import-linter contract keeps it so).
"""

from matching.engine.problem import Problem
from matching.engine.result import Result, objective_value, violations
from matching.engine.solvers import SOLVER_NAMES, solve

__all__ = ["SOLVER_NAMES", "Problem", "Result", "objective_value", "solve", "violations"]
