"""Team places aim at missing skills even beyond the top k; a lock that breaks a rule says which."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matching.data.dataset import load_dataset
from matching.data.decisions import Decisions, read_decisions
from matching.data.reference import load_reference
from matching.errors import InvalidInputError
from matching.experts import ExpertConfig, match_experts
from matching.experts.match import run_stages
from matching.runs import expert_tables

from .instances import tables_of

PEST = {"specialty_codes": "TEA-01", "profile_zh": "茶园管理 茶叶病虫害防治 修剪 施肥"}


def test_team_takes_a_missing_skill_outside_the_top_k() -> None:
    """A free e-commerce expert joins the team, not a third pest specialist.

    The need asks for 病虫害防治 (TEA-01) and 电商 (TEA-02) and wants three experts. Its
    description reads like the pest specialists' profiles, so with top_k=3 the cut keeps
    the three pest specialists and drops the e-commerce expert (far, little text in common).
    """
    tables = tables_of(
        experts=[
            {"lat": 26.0, **PEST},
            {"lat": 26.0, **PEST},
            {"lat": 26.0, **PEST},
            {"lat": 26.8, "specialty_codes": "TEA-02", "profile_zh": "网店"},
        ],
        needs=[
            {
                "village_id": "V0",
                "experts_wanted": 3,
                "skill_codes": "TEA-01;TEA-02",
                "description_zh": "茶园管理 茶叶病虫害防治 修剪 施肥",
            }
        ],
        villages=[{"lat": 26.0}],
    )
    match = match_experts(tables, ExpertConfig(top_k=3))
    team = match.assignments.set_index("expert_id")
    assert "E3" in team.index  # the only e-commerce expert, free and eligible
    assert len(team) == 3
    assert "TEA-02" in set(team.loc["E3", "seat_skills"].split(";"))


def test_lock_breaking_a_rule_names_rule_and_line(tmp_path: Path) -> None:
    """A lock beyond the travel radius names 超出出行距离 (distance) and its decisions line."""
    tables = tables_of(
        experts=[{"lat": 26.0}, {"lat": 29.0}],
        needs=[{"village_id": "V0"}],
        villages=[{"lat": 26.0}],
    )
    path = tmp_path / "decisions.csv"
    path.write_text("expert_id,need_id,decision\nE0,N0,forbid\nE1,N0,lock\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        match_experts(tables, decisions=read_decisions(None, path))
    message = str(caught.value)
    assert "超出出行距离" in message and "(distance)" in message
    assert "row 3" in message and caught.value.item == "decisions.csv row 3"


@pytest.mark.parametrize(
    ("expert", "rule", "label"),
    [
        ({"industry_codes": "CATTLE"}, "industry", "产业不符"),
        ({"specialty_codes": "TEA-09"}, "skill", "技能不符"),
        ({"available_periods": "2026Q3"}, "period", "服务期不可用"),
        ({"service_days_per_quarter": 2}, "days", "服务天数不足"),
    ],
)
def test_lock_names_the_first_rule_it_breaks(
    expert: dict[str, object], rule: str, label: str
) -> None:
    """Each broken rule is named by its Chinese label and English key."""
    tables = tables_of(
        experts=[{"lat": 26.0, **expert}], needs=[{"village_id": "V0"}], villages=[{"lat": 26.0}]
    )
    lock = Decisions(locked=frozenset({("E0", "N0")}))
    with pytest.raises(InvalidInputError, match=f"{label} \\({rule}\\)"):
        match_experts(tables, decisions=lock)


def test_team_stage_offers_only_pairs_whose_days_fit() -> None:
    """A pair whose need takes more days than the expert has left after the lead stage is
    no pair of the team stage: no plan can use it, and it would only loosen the bound."""
    reference = load_reference()
    tables = expert_tables(load_dataset("data/demo", reference), reference)
    run = run_stages(tables, ExpertConfig(), Decisions())
    team = run.stages[1].problem
    assert team.n_edges > 0
    assert np.all(team.load <= team.capacity[team.edge_supplier])
    # Experts the lead stage filled up still exist as suppliers (with nothing left).
    assert np.any(team.capacity == 0)
    result, pricing = run.results[1], run.pricing[1]
    assert pricing.bound >= result.objective - 1e-6
