"""An evaluation as Markdown tables a person reads: figures per data set, then ratios."""

from __future__ import annotations

from collections.abc import Sequence

from matching.evaluation.compare import Ratio
from matching.evaluation.runner import MarketEvaluation


def markdown(evaluation: MarketEvaluation, headline: Sequence[str]) -> str:
    """Per headline metric a table of data sets × policies, then the ratios: Bangfu against
    each other policy, and the upper bounds against the best baseline."""
    parts = [f"## {evaluation.market}\n"]
    policies = list(evaluation.sets[0].policies)
    for metric in headline:
        parts.append(f"### {metric}\n")
        parts.append(_row(["data set", *policies]))
        parts.append(_row(["---"] * (len(policies) + 1)))
        for s in evaluation.sets:
            parts.append(_row([s.name, *(_number(s.policies[p][metric]) for p in policies)]))
        parts.append("")
    parts.append("### Ratios (mean over data sets, 95 % bootstrap interval)\n")
    parts.append(_row(["metric", "policy", "against", "ratio", "interval", "per data set"]))
    parts.append(_row(["---"] * 6))
    parts.extend(_ratio_row(r) for r in evaluation.ratios)
    return "\n".join(parts) + "\n"


def _ratio_row(r: Ratio) -> str:
    interval = "—" if r.low is None or r.high is None else f"[{r.low:.3f}, {r.high:.3f}]"
    per_set = ", ".join(f"{v:.3f}" for v in r.per_set)
    return _row([r.metric, r.policy, r.against, f"{r.mean:.3f}", interval, per_set])


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _number(value: float) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.3f}"
