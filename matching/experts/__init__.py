"""Expert matching (专家精准服务): experts to village needs, with reasons for every gap.

`match_experts(tables, config)` is the entry point; see `matching.experts.match`.
"""

from matching.experts.config import ExpertConfig
from matching.experts.match import ExpertMatch, match_experts
from matching.experts.tables import Decisions, ExpertTables

__all__ = ["Decisions", "ExpertConfig", "ExpertMatch", "ExpertTables", "match_experts"]
