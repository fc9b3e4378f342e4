"""Bangfu's optimization and scoring core: plain data in, plain results out.

Layers, from the bottom: `matching.engine` (the assignment engine), `matching.data`
(reference tables, data sets, decisions), `matching.scoring` (text, geography, learned
models), the two matchers `matching.experts` and `matching.labour`, the use cases in
`matching.runs`, and the `bangfu` command in `matching.commands`. `matching.synth`
generates synthetic data and holds the hidden truth used for evaluation.

The engine: build a `Problem` (from arrays, or from the `bangfu.assignment/1` JSON
format with `matching.engine.io`), call `solve`, read the `Result`.
"""

from matching.engine import SOLVER_NAMES, Problem, Result, objective_value, solve, violations
from matching.errors import BangfuError, InvalidInputError, UnknownSolverError

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
