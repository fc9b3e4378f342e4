"""Tests of the expert matcher on small constructed cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.errors import InvalidInputError
from matching.experts import Decisions, ExpertConfig, ExpertTables, match_experts

from .instances import pairs_of as _pairs
from .instances import tables_of as _tables


def test_deep_poverty_need_gets_its_first_expert_before_a_convenient_second() -> None:
    """E1 could be the near, well-fitting second expert of N0; the deep-poverty N1 gets it."""
    tables = _tables(
        experts=[
            {"lat": 26.0, "service_days_per_quarter": 5, "profile_zh": "茶园管理 病虫害"},
            {"lat": 26.0, "service_days_per_quarter": 5, "profile_zh": "茶园管理 病虫害"},
        ],
        needs=[
            {
                "village_id": "V0",
                "experts_wanted": 2,
                "urgency": 3,
                "description_zh": "茶园管理 病虫害",
            },
            {"village_id": "V1", "urgency": 1, "description_zh": "村里想种茶"},
        ],
        villages=[{"lat": 26.0}, {"lat": 26.8, "deep_poverty": 1}],
    )
    match = match_experts(tables)
    assert set(match.assignments["need_id"]) == {"N0", "N1"}
    assert match.unassigned.empty


def test_higher_tier_wins_the_only_expert() -> None:
    """A deep-poverty need takes the only expert from a better-fitting ordinary need."""
    tables = _tables(
        experts=[{"lat": 26.0, "service_days_per_quarter": 5, "profile_zh": "茶园管理 修剪 施肥"}],
        needs=[
            {"village_id": "V0", "urgency": 3, "description_zh": "茶园管理 修剪 施肥"},
            {"village_id": "V1", "urgency": 1, "description_zh": "想学种茶"},
        ],
        villages=[{"lat": 26.0}, {"lat": 26.8, "deep_poverty": 1}],
    )
    match = match_experts(tables)
    assert _pairs(match) == {("E0", "N1")}
    reason = match.unassigned.set_index("need_id")["reason"]
    assert reason["N0"] == "used_elsewhere"


def test_first_expert_anywhere_before_a_second_anywhere() -> None:
    """Two experts, a two-expert ordinary need and a one-expert need: both needs get one."""
    tables = _tables(
        experts=[{"lat": 26.0, "service_days_per_quarter": 5}] * 2,
        needs=[
            {"village_id": "V0", "experts_wanted": 2, "urgency": 3},
            {"village_id": "V1", "urgency": 1},
        ],
        villages=[{"lat": 26.0}, {"lat": 26.5}],
    )
    match = match_experts(tables)
    assert set(match.assignments["need_id"]) == {"N0", "N1"}


def test_team_takes_the_missing_skill_not_the_same_one_twice() -> None:
    """A need asking for two skills gets one expert of each, not two of the same."""
    tables = _tables(
        experts=[
            {"lat": 26.0, "specialty_codes": "TEA-01"},
            {"lat": 26.0, "specialty_codes": "TEA-01"},
            {"lat": 26.5, "specialty_codes": "TEA-02", "profile_zh": "病虫害"},
        ],
        needs=[{"village_id": "V0", "experts_wanted": 2, "skill_codes": "TEA-01;TEA-02"}],
        villages=[{"lat": 26.0}],
    )
    chosen = match_experts(tables).assignments.set_index("expert_id")
    assert "E2" in chosen.index
    assert len(chosen) == 2


def test_no_candidate_names_the_rule() -> None:
    """A need nobody can reach says that distance removed the most experts."""
    tables = _tables(
        experts=[{"lat": 26.0}, {"lat": 26.1}],
        needs=[{"village_id": "V0"}],
        villages=[{"lat": 29.0}],
    )
    match = match_experts(tables)
    assert match.assignments.empty
    explanation = match.explanations[0]
    assert explanation["reason"]["key"] == "no_candidate"
    assert explanation["terms"][0]["value"]["key"] == "distance"


def test_language_rule() -> None:
    """A need asking for 苗语 is only served by an expert who speaks it."""
    tables = _tables(
        experts=[{"lat": 26.0}, {"lat": 26.3, "language_codes": "zh;miao"}],
        needs=[{"village_id": "V0", "language_code": "miao"}],
        villages=[{"lat": 26.0}],
    )
    assert _pairs(match_experts(tables)) == {("E1", "N0")}


def test_decline_rematches_only_what_must_change() -> None:
    """After E0 declines N0, N0 gets another expert and every other pair stays."""
    tables = _tables(
        experts=[{"lat": 26.0}, {"lat": 26.1}, {"lat": 26.2}, {"lat": 26.3}],
        needs=[{"village_id": f"V{i}"} for i in range(3)],
        villages=[{"lat": 26.0}, {"lat": 26.1}, {"lat": 26.2}],
    )
    first = _pairs(match_experts(tables))
    assert len(first) == 3
    declined = next(p for p in first if p[1] == "N0")
    again = match_experts(
        tables, decisions=Decisions(previous=frozenset(first), declined=frozenset({declined}))
    )
    second = _pairs(again)
    assert declined not in second
    assert first - {declined} <= second
    assert "N0" in set(again.assignments["need_id"])


def test_lock_and_forbid() -> None:
    """A locked pair is kept even when worse; a forbidden pair never appears."""
    tables = _tables(
        experts=[{"lat": 26.0}, {"lat": 26.5}],
        needs=[{"village_id": "V0"}],
        villages=[{"lat": 26.0}],
    )
    locked = match_experts(tables, decisions=Decisions(locked=frozenset({("E1", "N0")})))
    assert _pairs(locked) == {("E1", "N0")}
    forbidden = match_experts(tables, decisions=Decisions(forbidden=frozenset({("E0", "N0")})))
    assert _pairs(forbidden) == {("E1", "N0")}


def test_lock_that_breaks_a_rule_is_refused() -> None:
    """Locking an expert onto a need outside their travel radius is invalid input."""
    tables = _tables(
        experts=[{"lat": 29.0}], needs=[{"village_id": "V0"}], villages=[{"lat": 26.0}]
    )
    with pytest.raises(InvalidInputError):
        match_experts(tables, decisions=Decisions(locked=frozenset({("E0", "N0")})))


def test_locks_beyond_the_wanted_places_open_no_team_place() -> None:
    """Two locks on a need wanting one expert keep both and add no third expert."""
    tables = _tables(
        experts=[
            {"lat": 26.0, "specialty_codes": "TEA-01;TEA-02"},
            {"lat": 26.0, "specialty_codes": "TEA-01;TEA-02"},
            {"lat": 26.0, "specialty_codes": "TEA-03"},
        ],
        needs=[{"village_id": "V0", "skill_codes": "TEA-01;TEA-02;TEA-03;TEA-04"}],
        villages=[{"lat": 26.0}],
    )
    locks = frozenset({("E0", "N0"), ("E1", "N0")})
    match = match_experts(tables, decisions=Decisions(locked=locks))
    assert _pairs(match) == set(locks)


def test_team_locks_keep_their_days_from_the_lead_stage() -> None:
    """The lead stage plans around a team lock's days instead of crowding the lock out."""
    tables = _tables(
        experts=[{"lat": 26.0}, {"lat": 27.0}],
        needs=[
            {"village_id": "V0", "experts_wanted": 2},
            {"village_id": "V1", "days_needed": 6},
        ],
        villages=[{"lat": 26.5}, {"lat": 27.5}],
    )
    locks = frozenset({("E0", "N0"), ("E1", "N0")})  # E1's lock is a team lock of 5 days
    match = match_experts(tables, decisions=Decisions(locked=locks))
    assert _pairs(match) == set(locks)  # N1's 6 days no longer fit E1's 10


def test_locks_beyond_an_experts_days_are_refused() -> None:
    """Locks that need more days than the expert has in the quarter are invalid input."""
    tables = _tables(
        experts=[{"lat": 26.0}],
        needs=[{"village_id": "V0", "days_needed": 6}, {"village_id": "V0", "days_needed": 6}],
        villages=[{"lat": 26.0}],
    )
    locks = frozenset({("E0", "N0"), ("E0", "N1")})
    with pytest.raises(InvalidInputError, match="E0"):
        match_experts(tables, decisions=Decisions(locked=locks))


def test_no_experts_or_no_needs() -> None:
    """Empty expert or need tables give an empty match; every need is reported unassigned."""
    full = _tables(experts=[{"lat": 26.0}], needs=[{"village_id": "V0"}], villages=[{"lat": 26.0}])
    experts, needs, villages = full.experts, full.needs, full.villages
    no_experts = match_experts(ExpertTables(experts.iloc[:0], needs, villages))
    assert no_experts.assignments.empty
    assert list(no_experts.unassigned["need_id"]) == ["N0"]
    for tables in (
        ExpertTables(experts, needs.iloc[:0], villages),
        ExpertTables(experts.iloc[:0], needs.iloc[:0], villages),
    ):
        match = match_experts(tables)
        assert match.assignments.empty and match.unassigned.empty


def test_explanations_match_the_chosen_pairs() -> None:
    """There is one assignment explanation per chosen pair, and one per uncovered need."""
    tables = _tables(
        experts=[{"lat": 26.0}],
        needs=[{"village_id": "V0"}, {"village_id": "V1"}],
        villages=[{"lat": 26.0}, {"lat": 26.1}],
    )
    match = match_experts(tables, ExpertConfig(top_k=5))
    explained = {
        (e["expert_id"], e["need_id"]) for e in match.explanations if e["kind"] == "assignment"
    }
    assert explained == _pairs(match)
    uncovered = {e["need_id"] for e in match.explanations if e["kind"] == "uncovered_need"}
    assert uncovered == set(match.unassigned["need_id"])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_hard_rules_never_violated(seed: int) -> None:
    """On random instances every chosen pair passes every hard rule and capacities hold."""
    rng = np.random.default_rng(seed)
    skills = ["TEA-01", "TEA-02", "CAT-01"]
    experts = [
        {
            "lat": 26 + rng.random(),
            "industry_codes": "TEA;CAT" if rng.random() < 0.3 else "TEA",
            "specialty_codes": ";".join(rng.choice(skills, rng.integers(1, 3), replace=False)),
            "language_codes": "zh;miao" if rng.random() < 0.3 else "zh",
            "service_days_per_quarter": int(rng.integers(2, 12)),
            "max_travel_km": int(rng.integers(10, 120)),
            "available_periods": "2026Q1;2026Q2" if rng.random() < 0.5 else "2026Q2",
        }
        for _ in range(8)
    ]
    needs = [
        {
            "village_id": f"V{i % 4}",
            "period": str(rng.choice(["2026Q1", "2026Q2"])),
            "industry_code": str(rng.choice(["TEA", "CAT"])),
            "skill_codes": str(rng.choice(skills)),
            "language_code": "miao" if rng.random() < 0.3 else "",
            "days_needed": int(rng.integers(1, 6)),
            "experts_wanted": int(rng.integers(1, 3)),
        }
        for i in range(10)
    ]
    villages = [
        {"lat": 26 + rng.random(), "deep_poverty": int(rng.random() < 0.3)} for _ in range(4)
    ]
    tables = _tables(experts, needs, villages)
    chosen = match_experts(tables, ExpertConfig(top_k=4)).assignments
    e = tables.experts.set_index("expert_id").loc[chosen["expert_id"]].reset_index()
    n = tables.needs.set_index("need_id").loc[chosen["need_id"]].reset_index()
    for (_, ex), (_, nd), km in zip(e.iterrows(), n.iterrows(), chosen["distance_km"], strict=True):
        assert nd["industry_code"] in ex["industry_codes"].split(";")
        assert set(nd["skill_codes"].split(";")) & set(ex["specialty_codes"].split(";"))
        assert km <= ex["max_travel_km"]
        assert nd["period"] in ex["available_periods"].split(";")
        assert not nd["language_code"] or nd["language_code"] in ex["language_codes"].split(";")
    used = chosen.groupby(["expert_id", "period"])["days"].sum()
    for (expert_id, _), days in used.items():
        assert (
            days <= tables.experts.set_index("expert_id").loc[expert_id, "service_days_per_quarter"]
        )
    assert (
        chosen.groupby("need_id").size() <= n.groupby("need_id")["experts_wanted"].first()
    ).all()
    assert not chosen.duplicated(["expert_id", "need_id"]).any()
