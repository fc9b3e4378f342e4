"""The plan as a coordinator reads it in a spreadsheet: names beside ids, numbers rounded
to what a person reads (km to 0.1, scores to 3 digits), flags as 0/1, reasons with their
Chinese label.

Built here, from the ids a run returns and the data set's names, so the matchers stay
free of presentation. Columns keep stable English keys; `COLUMN_LABELS` gives each its
Chinese label for a header people read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from matching.data.dataset import Dataset
from matching.data.decisions import PAIR_COLUMN_LABELS
from matching.data.reference import Reference
from matching.explain import LABELS
from matching.runs import MatchResult, Term

KM_DIGITS = 1
SCORE_DIGITS = 3

COLUMN_LABELS: Mapping[str, str] = {
    **LABELS,
    **PAIR_COLUMN_LABELS,
    "expert_name": "专家姓名",
    "village_id": "村编号",
    "village_name": "村名",
    "township_name": "乡镇",
    "county_name": "县",
    "period": "服务季度",
    "days": "服务天数",
    "asked_skills": "所需技能代码",
    "asked_skill_names": "所需技能",
    "seat_skills": "本岗位技能代码",
    "seat_skill_names": "本岗位所需技能",
    "specialties": "专家专长代码",
    "previous": "沿用上期安排",
    "industry_code": "产业代码",
    "industry_name": "产业",
    "reason": "原因代码",
    "reason_label": "原因",
    "rule_removed_most": "淘汰最多的规则代码",
    "rule_label": "淘汰最多的规则",
    "worker_id": "劳动力编号",
    "posting_id": "岗位编号",
    "employer_id": "企业编号",
    "employer_name": "企业名称",
    "job_title": "岗位名称",
    "partner_city_code": "帮扶城市代码",
    "partner_city_name": "帮扶城市",
}
ROLE_LABELS = {"lead": "牵头专家", "team": "团队专家", "locked": "协调员锁定"}


@dataclass(frozen=True)
class ReadableTables:
    assignments: pd.DataFrame
    unassigned: pd.DataFrame


def readable_tables(
    result: MatchResult[Any, Any], dataset: Dataset, reference: Reference
) -> ReadableTables:
    names = _Names(dataset, reference)
    reasons = _rules_removed_most(result)
    if result.market == "experts":
        return ReadableTables(
            _expert_assignments(result.assignments, names),
            _uncovered_needs(result.unassigned, names, reasons),
        )
    return ReadableTables(
        _labour_assignments(result.assignments, names),
        _unplaced_workers(result.unassigned, names, reasons),
    )


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The same frame with Chinese column labels (and roles) for people."""
    out = frame.rename(columns=lambda key: COLUMN_LABELS.get(key, key))
    if "role" in frame.columns:
        out[COLUMN_LABELS["role"]] = frame["role"].map(ROLE_LABELS).fillna(frame["role"])
    return out


class _Names:
    """Id -> name lookups from the data set and the reference tables."""

    def __init__(self, dataset: Dataset, reference: Reference) -> None:
        self.expert = _lookup(dataset.experts, "expert_id", "name_zh")
        self.village = dataset.villages.set_index("village_id")
        self.township = _lookup(dataset.townships, "township_id", "name_zh")
        self.county = _lookup(reference.counties, "county_code", "short_name_zh")
        self.skill = _lookup(reference.skills, "skill_code", "name_zh")
        self.industry = _lookup(reference.industries, "industry_code", "name_zh")
        self.city = _lookup(reference.partner_cities, "city_code", "name_zh")
        self.need = dataset.needs.set_index("need_id")
        self.posting = dataset.postings.set_index("posting_id")
        self.worker = dataset.workers.set_index("worker_id")

    def village_columns(self, village_ids: Any) -> dict[str, Any]:
        """Village id, name, township and county of each row."""
        village = self.village.reindex(list(village_ids))
        return {
            "village_id": list(village_ids),
            "village_name": _values(village["name_zh"]),
            "township_name": _values(village["township_id"].map(self.township)),
            "county_name": _values(village["county_code"].map(self.county)),
        }

    def skill_names(self, codes: pd.Series) -> pd.Series:
        return codes.map(
            lambda cell: ";".join(self.skill.get(c, c) for c in str(cell).split(";") if c)
        )


def _lookup(frame: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    return dict(zip(frame[key].astype(str), frame[value].astype(str), strict=True))


def _values(series: pd.Series) -> list[Any]:
    return series.fillna("").tolist()


def _flag(series: pd.Series) -> pd.Series:
    return series.astype(bool).astype(int)


def _expert_assignments(raw: pd.DataFrame, names: _Names) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "expert_id": raw["expert_id"],
            "expert_name": raw["expert_id"].map(names.expert),
            "need_id": raw["need_id"],
            **names.village_columns(raw["village_id"]),
            "period": raw["period"],
            "days": raw["days"],
            "role": raw["role"],
            "seat_skills": raw["seat_skills"],
            "seat_skill_names": names.skill_names(raw["seat_skills"]),
            "asked_skills": raw["asked_skills"],
            "asked_skill_names": names.skill_names(raw["asked_skills"]),
            "specialties": raw["specialties"],
            "distance_km": raw["distance_km"].round(KM_DIGITS),
            "travel_limit_km": raw["travel_limit_km"].round(KM_DIGITS),
            "text_affinity": raw["text_affinity"].round(SCORE_DIGITS),
            "edge_weight": raw["edge_weight"].round(SCORE_DIGITS),
            "priority_tier": raw["priority_tier"],
            "urgency": raw["urgency"],
            "previous": _flag(raw["previous"]),
        }
    )
    for flag in ("deep_poverty_village", "extremely_poor_township", "key_county"):
        out[flag] = _flag(raw[flag])
    return out


def _labour_assignments(raw: pd.DataFrame, names: _Names) -> pd.DataFrame:
    posting = names.posting.reindex(raw["posting_id"].to_numpy())
    worker = names.worker.reindex(raw["worker_id"].to_numpy())
    return pd.DataFrame(
        {
            "worker_id": raw["worker_id"],
            **names.village_columns(worker["village_id"]),
            "group_id": raw["group_id"],
            "posting_id": raw["posting_id"],
            "employer_id": _values(posting["employer_id"]),
            "employer_name": _values(posting["employer_name_zh"]),
            "job_title": _values(posting["title_zh"]),
            "partner_city_code": raw["partner_city_code"],
            "partner_city_name": raw["partner_city_code"].map(names.city),
            "wage_yuan_month": raw["wage_yuan_month"].astype(int),
            "predicted_retention": raw["predicted_retention"].round(SCORE_DIGITS),
            "priority_factor": raw["priority_factor"].round(SCORE_DIGITS),
            "registered_poor": _flag(raw["registered_poor"]),
            "deep_poverty_village": _flag(raw["deep_poverty_village"]),
            "city_wish": _flag(raw["city_wish"]),
            "industry_wish": _flag(raw["industry_wish"]),
            "wage_term": raw["wage_term"].round(SCORE_DIGITS),
            "edge_weight": raw["edge_weight"].round(SCORE_DIGITS),
        }
    )


def _rules_removed_most(result: MatchResult[Any, Any]) -> dict[str, tuple[str, str]]:
    """Subject id -> (rule key, Chinese label) of the hard rule that removed most candidates."""
    found: dict[str, tuple[str, str]] = {}
    for explanation in result.explanations:
        if explanation.reason is None:
            continue
        term = explanation.term("rule_removed_most")
        rule = term.value if term is not None else None
        if isinstance(rule, Term):
            subject = next(iter(explanation.ids.values()))
            found[subject] = (rule.key, rule.label)
    return found


def _reason_columns(
    ids: pd.Series, reasons: pd.Series, rules: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    rule = [rules.get(i, ("", "")) for i in ids]
    return {
        "reason": reasons,
        "reason_label": reasons.map(lambda r: LABELS.get(r, r)),
        "rule_removed_most": [r[0] for r in rule],
        "rule_label": [r[1] for r in rule],
    }


def _uncovered_needs(
    raw: pd.DataFrame, names: _Names, rules: dict[str, tuple[str, str]]
) -> pd.DataFrame:
    need = names.need.reindex(raw["need_id"].to_numpy())
    industry = pd.Series(need["industry_code"].to_numpy())
    return pd.DataFrame(
        {
            "need_id": raw["need_id"].to_numpy(),
            **names.village_columns(need["village_id"]),
            "period": need["period"].to_numpy(),
            "industry_code": industry.to_numpy(),
            "industry_name": industry.map(names.industry).to_numpy(),
            "asked_skills": need["skill_codes"].to_numpy(),
            "asked_skill_names": names.skill_names(pd.Series(need["skill_codes"].to_numpy())),
            "priority_tier": raw["priority_tier"].to_numpy(),
            **_reason_columns(raw["need_id"], raw["reason"], rules),
        }
    )


def _unplaced_workers(
    raw: pd.DataFrame, names: _Names, rules: dict[str, tuple[str, str]]
) -> pd.DataFrame:
    worker = names.worker.reindex(raw["worker_id"].to_numpy())
    return pd.DataFrame(
        {
            "worker_id": raw["worker_id"].to_numpy(),
            **names.village_columns(worker["village_id"]),
            "group_id": worker["group_id"].to_numpy(),
            "registered_poor": _flag(pd.Series(worker["registered_poor"].to_numpy())).to_numpy(),
            **_reason_columns(raw["worker_id"], raw["reason"], rules),
        }
    )
