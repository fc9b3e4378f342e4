"""The coordinator's run pages in words: a proposal's explanation as short Chinese
sentences (why this expert, why this job), why a need stayed uncovered, and the figures
of a finished run. Only presentation: the explanations are the ones the matcher stored
and `GET /match-runs/{id}/assignments` answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from api.assignments.labels import code_label
from api.match_runs.schemas import RunOut
from matching.explain import LABELS

ROLE_LABELS = {"lead": "牵头专家", "member": "团队成员"}
PRIORITY_FLAGS = (
    ("deep_poverty_village", "深度贫困村"),
    ("extremely_poor_township", "极贫乡镇"),
    ("key_county", "重点帮扶县"),
)


def terms_of(explanation: Mapping[str, Any] | None) -> dict[str, Any]:
    """The explanation's terms by key (their values)."""
    terms = (explanation or {}).get("terms") or []
    return {str(t.get("key")): t.get("value") for t in terms if isinstance(t, Mapping)}


def _codes(values: Any) -> str:
    return "、".join(code_label(str(v)) for v in values or [])


def _number(value: Any, digits: int = 1) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


@dataclass(frozen=True)
class Reason:
    label: str  # what is said, e.g. 对口技能
    text: str  # its value in words


def expert_reasons(explanation: Mapping[str, Any] | None) -> list[Reason]:
    """Why this expert for this need, in the order a coordinator weighs it."""
    t = terms_of(explanation)
    out: list[Reason] = []
    if t.get("role") in ROLE_LABELS:
        out.append(Reason("角色", ROLE_LABELS[t["role"]]))
    if t.get("matched_skills"):
        out.append(Reason("对口技能", _codes(t["matched_skills"])))
    if t.get("missing_skills"):
        out.append(Reason("所缺技能", _codes(t["missing_skills"])))
    if t.get("distance_km") is not None:
        text = f"约 {_number(t['distance_km'])} 公里"
        if t.get("travel_limit_km") is not None:
            text += f"（专家最远出行 {_number(t['travel_limit_km'], 0)} 公里）"
        out.append(Reason("距离", text))
    flags = [label for key, label in PRIORITY_FLAGS if t.get(key)]
    if flags:
        out.append(Reason("优先帮扶", "、".join(flags) + "，优先安排"))
    if t.get("urgency") is not None:
        out.append(Reason("紧急程度", f"{t['urgency']} 级"))
    if t.get("predicted_rating") is not None:
        text = f"{_number(t['predicted_rating'])} 分（满分 5 分）"
        if t.get("past_visits") is not None:
            text += (
                f"；以往服务 {t['past_visits']} 次，本村 {t.get('past_visits_in_village', 0)} 次"
            )
        out.append(Reason("预测服务评分", text))
    leading = [
        str(r.get("label") or LABELS.get(str(r.get("key")), r.get("key")))
        for r in t.get("rating_reasons") or []
        if isinstance(r, Mapping)
    ]
    if leading:
        out.append(Reason("评分领先的因素", "、".join(leading)))
    if t.get("stability_bonus"):
        out.append(Reason("稳定性", "沿用现行安排（稳定性加分）"))
    if t.get("locked"):
        out.append(Reason("协调员锁定", "是"))
    if t.get("edge_weight") is not None:
        out.append(Reason("匹配得分", _number(t["edge_weight"], 2)))
    return out


def labour_reasons(explanation: Mapping[str, Any] | None) -> list[Reason]:
    """Why this job for this worker: retention estimate, priority, wishes, wage."""
    t = terms_of(explanation)
    out: list[Reason] = []
    if t.get("predicted_retention") is not None:
        out.append(Reason("预测六个月留岗率", f"{float(t['predicted_retention']):.0%}"))
    flags = [
        label
        for key, label in (("registered_poor", "建档立卡贫困户"), *PRIORITY_FLAGS[:1])
        if t.get(key)
    ]
    if flags:
        out.append(Reason("优先帮扶", "、".join(flags) + "，优先安排"))
    met = [
        label
        for key, label in (("city_wish", "意向城市"), ("industry_wish", "意向行业"))
        if t.get(key)
    ]
    if met:
        out.append(Reason("符合意愿", "、".join(met)))
    if t.get("wage_yuan_month") is not None:
        out.append(Reason("月工资", f"{t['wage_yuan_month']} 元"))
    if t.get("group_id"):
        out.append(Reason("抱团外出", f"小组 {t['group_id']}"))
    if t.get("edge_weight") is not None:
        out.append(Reason("匹配得分", _number(t["edge_weight"], 2)))
    return out


def uncovered_reasons(explanation: Mapping[str, Any]) -> tuple[str, list[str]]:
    """Why a need stayed uncovered: the reason, then its details in words."""
    reason = explanation.get("reason") or {}
    key = str(reason.get("key", "")) if isinstance(reason, Mapping) else ""
    label = str(reason.get("label") or LABELS.get(key, key)) if isinstance(reason, Mapping) else ""
    t = terms_of(explanation)
    details: list[str] = []
    rule = t.get("rule_removed_most")
    if isinstance(rule, Mapping):
        name = rule.get("label") or LABELS.get(str(rule.get("key")), rule.get("key"))
        details.append(f"淘汰最多的规则：{name}")
    funnel = t.get("removed_by_rule")
    if isinstance(funnel, Mapping):
        counted = [f"{LABELS.get(str(k), k)} {v} 人" for k, v in funnel.items() if v]
        if counted:
            details.append("各规则淘汰：" + "，".join(counted))
    for candidate in t.get("candidates") or []:
        if isinstance(candidate, Mapping):
            where = "、".join(str(n) for n in candidate.get("assigned_to") or []) or "其他需求"
            details.append(f"候选专家 {candidate.get('expert_id')} 已安排到 {where}")
    return label or "原因未记录", details


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


def _share(value: Any) -> str:
    return f"{float(value):.1%}" if isinstance(value, int | float) else "—"


def run_figures(run: RunOut) -> list[Figure]:
    """The engine's answer and the run's summary figures, as the page shows them."""
    out: list[Figure] = []
    if run.status_label:
        out.append(Figure("求解状态", run.status_label))
    for label, value in (("目标值", run.objective), ("上界", run.bound)):
        if value is not None:
            out.append(Figure(label, f"{value:,.2f}"))
    if run.gap is not None:
        out.append(Figure("最优性差距", f"{run.gap:.2%}"))
    s = run.summary or {}
    extra = s.get("extra") or {}
    if run.market == "experts":
        if "demands" in s:
            out.append(Figure("已覆盖需求", f"{s.get('demands_served', 0)} / {s['demands']}"))
        if "coverage_deep_poverty_village" in extra:
            out.append(Figure("深度贫困村覆盖率", _share(extra["coverage_deep_poverty_village"])))
        deep = extra.get("deep_poverty_first") or {}
        if "coverable_at_most" in deep:
            proven = "已证明无法更多" if deep.get("proven_most") else "或可更多"
            counts = f"{deep['covered']} / {deep['coverable_at_most']}（{proven}）"
            out.append(Figure("深度贫困村需求：已覆盖 / 最多可覆盖", counts))
        if "places" in s:
            out.append(Figure("专家席位", f"{s.get('places_filled', 0)} / {s['places']}"))
        if "suppliers" in s:
            out.append(
                Figure("参与专家", f"{s.get('suppliers_assigned', 0)} / {s['suppliers']} 人")
            )
        if "pairs_kept_from_previous" in extra:
            out.append(Figure("沿用现行安排", f"{extra['pairs_kept_from_previous']} 项"))
    else:
        if "suppliers" in s:
            out.append(
                Figure("推荐劳动力", f"{s.get('suppliers_assigned', 0)} / {s['suppliers']} 人")
            )
        if "places" in s:
            out.append(Figure("岗位名额", f"{s.get('places_filled', 0)} / {s['places']}"))
    for entry in (s.get("left_out") or {}).values():
        if isinstance(entry, Mapping):
            out.append(Figure(f"未覆盖：{entry.get('label')}", f"{entry.get('count')} 项"))
    if run.progress.elapsed_s is not None:
        out.append(Figure("用时", f"{run.progress.elapsed_s:.1f} 秒"))
    return out
