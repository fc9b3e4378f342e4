"""The expert match weighted by the rating model: history picks the expert, a new expert
is not starved, explanations name the reasons, no history means content weights."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from matching.data.decisions import Decisions
from matching.experts import ExpertConfig, ExpertTables, match_experts
from matching.experts.rating import REASONS
from matching.explain import LABELS

from .instances import NEED, tables_of

N_PAST = 60


def _with_history(tables: ExpertTables, ratings: dict[str, int]) -> ExpertTables:
    """Past needs at the village V1 (not the open need's), each visited by one expert.

    Experts named in `ratings` always got that rating; the others (fillers) 3 or 4.
    """
    names = [e for e in tables.experts["expert_id"] if e not in ratings] or list(ratings)
    past, visits = [], []
    for i in range(N_PAST):
        rated = list(ratings.items())
        expert, rating = (
            rated[(i // 2) % len(rated)] if i % 2 == 0 else (names[i % len(names)], 3 + i % 2)
        )
        past.append({**NEED, "need_id": f"P{i}", "village_id": "V1", "period": "2025Q1"})
        visits.append(
            {"expert_id": expert, "need_id": f"P{i}", "village_id": "V1", "rating": rating}
        )
    return replace(tables, visits=pd.DataFrame(visits), past_needs=pd.DataFrame(past))


def _three_experts() -> ExpertTables:
    experts: list[dict[str, Any]] = [{"lat": 26.0}, {"lat": 26.0}, {"lat": 26.0}]
    experts += [{"lat": 26.0, "industry_codes": "CATTLE", "specialty_codes": "CATTLE-01"}] * 3
    villages = [{"lat": 26.1}, {"lat": 26.2}]
    return tables_of(experts, [{"village_id": "V0"}], villages)


def test_a_good_history_wins_and_a_new_expert_beats_a_bad_one() -> None:
    """E1 was always rated 5, E2 always 1, E0 never visited: E1 first; without E1, E0."""
    tables = _with_history(_three_experts(), {"E1": 5, "E2": 1})
    first = match_experts(tables)
    assert list(first.assignments["expert_id"]) == ["E1"]
    second = match_experts(tables, decisions=Decisions(declined=frozenset({("E1", "N0")})))
    assert list(second.assignments["expert_id"]) == ["E0"]


def test_explanations_name_the_reasons_with_labels() -> None:
    tables = _with_history(_three_experts(), {"E1": 5, "E2": 1})
    match = match_experts(tables)
    row = match.assignments.iloc[0]
    assert 1.0 <= row["predicted_rating"] <= 5.0
    assert row["past_visits"] > 0
    assert row["rating_reasons"].split(";")[0] == "past_rating"
    terms = {t["key"]: t for t in match.explanations[0]["terms"]}
    reasons = terms["rating_reasons"]["value"]
    assert reasons[0] == {
        "key": "past_rating",
        "label": "以往服务评分高",
        "value": pytest.approx(reasons[0]["value"]),
    }
    assert reasons[0]["value"] > 0
    assert all(r["key"] in REASONS and r["label"] == LABELS[r["key"]] for r in reasons)
    assert terms["predicted_rating"]["label"] == "预测服务评分（1–5）"
    assert match.summary["rating_model"]["visits"] == N_PAST


def test_every_reason_has_a_chinese_label() -> None:
    for key in [*REASONS, "predicted_rating", "rating_reasons", "past_visits"]:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in LABELS[key]), key


def test_content_weights_without_history_or_when_asked() -> None:
    """No visits, or edge_model = content: the fixed weights, no rating columns."""
    plain = match_experts(_three_experts())
    assert "predicted_rating" not in plain.assignments.columns
    assert plain.summary["rating_model"] is None
    tables = _with_history(_three_experts(), {"E1": 5, "E2": 1})
    content = match_experts(tables, ExpertConfig(edge_model="content"))
    assert content.summary["rating_model"] is None
    assert list(content.assignments["edge_weight"]) == list(plain.assignments["edge_weight"])


def test_unknown_edge_model_is_refused() -> None:
    with pytest.raises(Exception, match="edge_model"):
        ExpertConfig(edge_model="magic")


def test_priority_tiers_still_come_first() -> None:
    """A deep-poverty need gets the one expert with days, even the worse-rated pair."""
    experts: list[dict[str, Any]] = [{"lat": 26.0, "service_days_per_quarter": 5}]
    experts += [{"lat": 26.0, "industry_codes": "CATTLE", "specialty_codes": "CATTLE-01"}] * 3
    needs = [{"village_id": "V0"}, {"village_id": "V2"}]
    villages = [{"lat": 26.05}, {"lat": 26.2}, {"lat": 26.8, "deep_poverty": 1}]
    tables = _with_history(tables_of(experts, needs, villages), {"E0": 4})
    match = match_experts(tables)
    assert list(match.assignments["need_id"]) == ["N1"]


def test_a_new_expert_is_never_said_to_have_been_rated_well() -> None:
    """Chosen over badly rated colleagues, a new expert's reasons do not claim history."""
    tables = _with_history(_three_experts(), {"E1": 1, "E2": 1})
    match = match_experts(tables)
    row = match.assignments.iloc[0]
    assert row["expert_id"] == "E0" and row["past_visits"] == 0
    assert "past_rating" not in row["rating_reasons"].split(";")
