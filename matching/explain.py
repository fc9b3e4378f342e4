"""Explanations a coordinator can read: stable English keys, Chinese labels, plain values.

Every explanation is a JSON-ready dict. Terms are `{"key", "label", "value"}` triples so a
program reads the key and a person reads the label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LABELS: Mapping[str, str] = {
    # assignments
    "matched_skills": "匹配技能",
    "missing_skills": "缺少技能",
    "seat_skills": "本岗位所需技能",
    "role": "角色",
    "text_affinity": "文本相似度",
    "skill_share": "技能覆盖比例",
    "distance_km": "距离（公里）",
    "travel_limit_km": "最远出行距离（公里）",
    "priority_tier": "优先级层级",
    "deep_poverty_village": "深度贫困村",
    "extremely_poor_township": "极贫乡镇",
    "key_county": "乡村振兴重点帮扶县",
    "urgency": "紧急程度",
    "slot_value": "覆盖价值",
    "edge_weight": "匹配得分",
    "stability_bonus": "稳定性加分",
    "locked": "协调员锁定",
    "predicted_retention": "预测六个月留岗率",
    "priority_factor": "优先帮扶系数",
    "registered_poor": "建档立卡贫困户",
    "city_wish": "意向城市",
    "industry_wish": "意向行业",
    "wage_term": "工资得分",
    "wage_yuan_month": "月工资（元）",
    "group_id": "抱团外出小组",
    # the expert rating model: predicted rating and the reasons that lift a chosen expert
    "predicted_rating": "预测服务评分（1–5）",
    "past_visits": "以往服务次数",
    "past_visits_in_village": "在本村服务次数",
    "rating_reasons": "评分领先的因素",
    "skill_fit": "擅长所需技能",
    "close_by": "距离近",
    "same_county": "本县专家",
    "speaks_language": "会讲村里要求的语言",
    "industry_match": "产业对口",
    "expert_standing": "职级、岗位与经验",
    "past_rating": "以往服务评分高",
    "past_rating_in_village": "过去在本村服务评分高",
    # reasons
    "no_candidate": "没有候选人通过硬性规则",
    "used_elsewhere": "候选人已被安排到更需要的地方",
    "excluded_by_decision": "候选人均被排除（拒绝或禁止）",
    "rule_removed_most": "淘汰最多的规则",
    "removed_by_rule": "各规则淘汰人数",
    "candidates": "候选人去向",
    "group_not_placeable": "小组无法整体安置",
    # rules
    "industry": "产业不符",
    "skill": "技能不符",
    "distance": "超出出行距离",
    "period": "服务期不可用",
    "language": "不会所需语言",
    "days": "服务天数不足",
    "age": "年龄不符",
    "certificate": "缺少证书",
    "city": "非意向城市或不愿远行",
    "earmark": "岗位定向其他市州",
}


def term(key: str, value: Any) -> dict[str, Any]:
    """One explained quantity: the program's key, the person's label and the value."""
    return {"key": key, "label": LABELS.get(key, key), "value": value}


def rounded(value: float, digits: int = 3) -> float:
    return round(float(value), digits)
