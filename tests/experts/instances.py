"""Small named expert-matching instances built from a few overrides of typical rows."""

from __future__ import annotations

from typing import Any

import pandas as pd

from matching.experts import ExpertTables

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
    deep_counties: frozenset[str] = frozenset(),
) -> ExpertTables:
    return ExpertTables(
        experts=pd.DataFrame(
            [{**EXPERT, "expert_id": f"E{i}", **e} for i, e in enumerate(experts)]
        ),
        needs=pd.DataFrame([{**NEED, "need_id": f"N{i}", **n} for i, n in enumerate(needs)]),
        villages=pd.DataFrame(
            [{**VILLAGE, "village_id": f"V{i}", **v} for i, v in enumerate(villages)]
        ),
        deep_poverty_counties=deep_counties,
    )


def pairs_of(match: Any) -> set[tuple[str, str]]:
    return set(zip(match.assignments["expert_id"], match.assignments["need_id"], strict=True))
