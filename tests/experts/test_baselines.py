"""Today's practice obeys the same hard rules and service days as the match."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matching.data.dataset import load_dataset
from matching.data.reference import load_reference
from matching.experts import ExpertConfig, ExpertTables
from matching.experts.baselines import BASELINES, PairList, run_baseline
from matching.experts.candidates import generate
from matching.experts.match import pair_context
from matching.runs import expert_tables
from matching.scoring.geo import haversine_km

from .instances import assert_obeys_rules, tables_of


@pytest.fixture(scope="module")
def demo() -> tuple[ExpertTables, PairList, dict[str, str]]:
    """The demo data set's open needs and every eligible pair, with distances."""
    reference = load_reference()
    tables = expert_tables(load_dataset("data/demo", reference), reference)
    return (tables, _pair_list(tables), _county_prefecture(reference.counties))


def _pair_list(tables: ExpertTables) -> PairList:
    eligible = generate(pair_context(tables, ExpertConfig())).eligible
    order = np.lexsort((eligible.cols, eligible.rows))
    need, expert = eligible.rows[order], eligible.cols[order]
    village = tables.need_village
    distance = haversine_km(
        village["lat"].to_numpy()[need],
        village["lon"].to_numpy()[need],
        tables.experts["lat"].to_numpy()[expert],
        tables.experts["lon"].to_numpy()[expert],
    )
    return PairList(need, expert, np.asarray(distance, dtype=np.float64))


def _county_prefecture(counties: pd.DataFrame) -> dict[str, str]:
    return dict(zip(counties["county_code"], counties["prefecture_code"], strict=True))


@pytest.mark.parametrize("name", BASELINES)
def test_baseline_obeys_rules_and_days(
    demo: tuple[ExpertTables, PairList, dict[str, str]], name: str
) -> None:
    """Each chosen pair passes every hard rule; days per quarter and places per need fit."""
    tables, pairs, county_prefecture = demo
    chosen = run_baseline(name, tables, pairs, county_prefecture=county_prefecture, seed=3)
    assert chosen.size > 50
    expert_ids = tables.experts["expert_id"].astype(str).to_numpy()[pairs.expert[chosen]]
    need_ids = tables.needs["need_id"].astype(str).to_numpy()[pairs.need[chosen]]
    assert_obeys_rules(tables, list(expert_ids), list(need_ids))


def test_own_county_and_prefecture_stay_home(
    demo: tuple[ExpertTables, PairList, dict[str, str]],
) -> None:
    """own_county only uses the need's county's experts; random_prefecture its prefecture's."""
    tables, pairs, county_prefecture = demo
    need_county = tables.need_village["county_code"].to_numpy()
    home = tables.experts["home_county_code"].to_numpy()
    own = run_baseline("own_county", tables, pairs, county_prefecture=county_prefecture)
    assert (need_county[pairs.need[own]] == home[pairs.expert[own]]).all()
    drawn = run_baseline("random_prefecture", tables, pairs, county_prefecture=county_prefecture)
    prefecture = np.vectorize(county_prefecture.get)
    assert (
        prefecture(need_county[pairs.need[drawn]]) == prefecture(home[pairs.expert[drawn]])
    ).all()
    everyone = run_baseline("nearest", tables, pairs, county_prefecture=county_prefecture)
    assert (need_county[pairs.need[everyone]] != home[pairs.expert[everyone]]).any()


def test_random_baseline_is_seeded(demo: tuple[ExpertTables, PairList, dict[str, str]]) -> None:
    """The same seed draws the same plan; another seed another plan."""
    tables, pairs, county_prefecture = demo

    def draw(seed: int) -> list[int]:
        chosen = run_baseline(
            "random_prefecture", tables, pairs, county_prefecture=county_prefecture, seed=seed
        )
        return chosen.tolist()

    assert draw(5) == draw(5)
    assert draw(5) != draw(6)


def test_nearest_serves_the_most_urgent_need_first() -> None:
    """One expert, two needs: the urgent one gets the expert, though the other is nearer."""
    tables = tables_of(
        experts=[{"lat": 26.0, "service_days_per_quarter": 5}],
        needs=[{"village_id": "V0", "urgency": 1}, {"village_id": "V1", "urgency": 3}],
        villages=[{"lat": 26.0}, {"lat": 26.5}],
    )
    pairs = _pair_list(tables)
    chosen = run_baseline("nearest", tables, pairs, county_prefecture={})
    assert tables.needs["need_id"].to_numpy()[pairs.need[chosen]].tolist() == ["N1"]
