"""Expert matching (专家精准服务): experts to village needs, with reasons for every gap.

`match_experts(tables, config)` is the entry point: `run_stages` (candidates and the two
engine stages, `matching.experts.match`) then `build_match` (explanations and summary,
`matching.experts.report`).
"""

from matching.data.decisions import Decisions
from matching.experts.config import ExpertConfig
from matching.experts.match import ExpertMatch, ExpertRun, run_stages
from matching.experts.report import build_match
from matching.experts.tables import ExpertTables


def match_experts(
    tables: ExpertTables, config: ExpertConfig | None = None, decisions: Decisions | None = None
) -> ExpertMatch:
    """Match experts to open needs; see `matching.experts.stages` for the model."""
    return build_match(run_stages(tables, config or ExpertConfig(), decisions or Decisions()))


__all__ = [
    "Decisions",
    "ExpertConfig",
    "ExpertMatch",
    "ExpertRun",
    "ExpertTables",
    "match_experts",
    "run_stages",
]
