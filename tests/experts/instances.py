"""Small named expert-matching instances built from a few overrides of typical rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from matching.experts import ExpertTables
from matching.scoring.geo import haversine_km

# Villages sit on one meridian; 0.1° of latitude is about 11 km.
VILLAGE = {"county_code": "c", "lon": 106.0, "deep_poverty": 0, "extremely_poor_township": 0}
EXPERT = {
    "lon": 106.0,
    "industry_codes": "TEA",
    "specialty_codes": "TEA-01",
    "language_codes": "zh",
    "service_days_per_quarter": 10,
    "max_travel_km": 100,
    "available_periods": "2026Q1",
    "profile_zh": "茶园管理",
}
NEED = {
    "period": "2026Q1",
    "industry_code": "TEA",
    "skill_codes": "TEA-01",
    "language_code": "",
    "days_needed": 5,
    "experts_wanted": 1,
    "urgency": 2,
    "description_zh": "茶园需要管理",
}


def tables_of(
    experts: list[dict[str, Any]],
    needs: list[dict[str, Any]],
    villages: list[dict[str, Any]],
    key_counties: frozenset[str] = frozenset(),
) -> ExpertTables:
    return ExpertTables(
        experts=pd.DataFrame(
            [{**EXPERT, "expert_id": f"E{i}", **e} for i, e in enumerate(experts)]
        ),
        needs=pd.DataFrame([{**NEED, "need_id": f"N{i}", **n} for i, n in enumerate(needs)]),
        villages=pd.DataFrame(
            [{**VILLAGE, "village_id": f"V{i}", **v} for i, v in enumerate(villages)]
        ),
        key_counties=key_counties,
    )


def pairs_of(match: Any) -> set[tuple[str, str]]:
    return set(zip(match.assignments["expert_id"], match.assignments["need_id"], strict=True))


def assert_obeys_rules(
    tables: ExpertTables, expert_ids: Sequence[str], need_ids: Sequence[str]
) -> None:
    """Every pair passes every hard rule, written out anew from the frames; days and
    places fit; no pair twice."""
    experts = tables.experts.set_index("expert_id")
    needs = tables.needs.set_index("need_id")
    villages = tables.villages.set_index("village_id")
    plan = pd.DataFrame({"expert_id": list(expert_ids), "need_id": list(need_ids)})
    assert not plan.duplicated().any()
    for expert_id, need_id in zip(plan["expert_id"], plan["need_id"], strict=True):
        ex, nd = experts.loc[expert_id], needs.loc[need_id]
        village = villages.loc[nd["village_id"]]
        assert nd["industry_code"] in str(ex["industry_codes"]).split(";")
        assert set(str(nd["skill_codes"]).split(";")) & set(str(ex["specialty_codes"]).split(";"))
        km = haversine_km(village["lat"], village["lon"], ex["lat"], ex["lon"])
        assert km <= ex["max_travel_km"] + 1e-9
        assert str(nd["period"]) in str(ex["available_periods"]).split(";")
        language = "" if pd.isna(nd["language_code"]) else str(nd["language_code"])
        assert not language or language in str(ex["language_codes"]).split(";")
        assert nd["days_needed"] <= ex["service_days_per_quarter"]
    plan["days"] = needs.loc[plan["need_id"], "days_needed"].to_numpy()
    plan["period"] = needs.loc[plan["need_id"], "period"].astype(str).to_numpy()
    used = plan.groupby(["expert_id", "period"])["days"].sum()
    capacity = experts.loc[used.index.get_level_values(0), "service_days_per_quarter"]
    assert (used.to_numpy() <= capacity.to_numpy()).all()
    places = plan.groupby("need_id").size()
    assert (places <= needs.loc[places.index, "experts_wanted"]).all()
