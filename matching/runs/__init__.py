"""The use cases: from a data set to a match. The command, the benchmarks and the service
all come through here.

    result = run_expert_match(dataset, reference, ExpertConfig(time_limit=20), decisions,
                              progress=print, cancel=token)
    result.status, result.solves, result.summary, result.assignments, result.explanations

A run installs `matching.control` for its duration when given a progress listener or a
cancel token: the listener hears each phase (and, from the engine, the best objective and
bound during a solve); a cancelled token stops the run at its next checkpoint with
`matching.errors.Cancelled`, before anything is returned.
"""

from __future__ import annotations

from matching.runs.config_file import (
    MatchConfig,
    config_toml,
    load_config,
    market_of,
    parse_config,
    save_config,
)
from matching.runs.experts import ExpertResult, expert_tables, run_expert_match
from matching.runs.labour import LabourResult, run_labour_match, workforces
from matching.runs.results import (
    ExpertFigures,
    Explanation,
    LabourFigures,
    MatchResult,
    ModeFigures,
    RetentionQuality,
    SolveRecord,
    Summary,
    Term,
)

__all__ = [
    "ExpertFigures",
    "ExpertResult",
    "Explanation",
    "LabourFigures",
    "LabourResult",
    "MatchConfig",
    "MatchResult",
    "ModeFigures",
    "RetentionQuality",
    "SolveRecord",
    "Summary",
    "Term",
    "config_toml",
    "expert_tables",
    "load_config",
    "market_of",
    "parse_config",
    "run_expert_match",
    "run_labour_match",
    "save_config",
    "workforces",
]
