"""The earmark rule and the pairing feature use the pairs in force in a posting's year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matching.labour import LabourConfig, Workforce
from matching.labour.eligible import eligible_pairs
from matching.labour.weights import priority

CITIES = pd.DataFrame(
    {"city_code": ["guangzhou", "shenzhen"], "lat": [23.13, 22.54], "lon": [113.26, 114.06]}
)
# 深圳 paired with 毕节 until 2015, 广州 from 2016 (data/reference/pairings.csv).
PAIRINGS = pd.DataFrame(
    {
        "partner_city_code": ["shenzhen", "guangzhou"],
        "prefecture_code": ["bijie", "bijie"],
        "since_year": [2013, 2016],
        "until_year": ["2015", ""],
    }
)
VILLAGES = pd.DataFrame(
    {"village_id": ["V0"], "prefecture_code": ["bijie"], "lat": [27.3], "lon": [105.3],
     "deep_poverty": [1]}
)  # fmt: skip
WORKERS = pd.DataFrame(
    [
        {
            "worker_id": "W0", "village_id": "V0", "registered_poor": 1, "age": 30,
            "gender": "男", "education": "初中", "skill_codes": "", "certificate_codes": "",
            "intended_industry_codes": "", "intended_city_codes": "", "willing_far": 1,
            "expected_wage_yuan": 4000, "group_id": "",
        }
    ]
)  # fmt: skip


def _postings(cities_and_periods: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "posting_id": f"P{i}", "partner_city_code": city, "industry_code": "ELEC",
                "positions": 2, "wage_yuan_month": 4500, "required_skill_codes": "",
                "required_certificate_codes": "", "min_age": 18, "max_age": 50, "housing": 1,
                "meals": 0, "earmarked_prefecture_codes": "bijie", "period": period,
            }
            for i, (city, period) in enumerate(cities_and_periods)
        ]
    )  # fmt: skip


def test_an_earmark_counts_only_while_its_city_is_paired() -> None:
    """A posting earmarked for 毕节 takes 毕节's workers only in a year its city pairs
    with 毕节: 深圳 in 2014, 广州 in 2018 and 2026, neither the other way round."""
    postings = _postings(
        [("shenzhen", "2014Q1"), ("shenzhen", "2026Q1"), ("guangzhou", "2014Q1"),
         ("guangzhou", "2018Q2"), ("guangzhou", "2026Q1")]
    )  # fmt: skip
    force = Workforce(WORKERS, postings, VILLAGES, CITIES, PAIRINGS)
    _, posting = eligible_pairs(force, LabourConfig())
    assert force.postings["posting_id"].to_numpy()[posting].tolist() == ["P0", "P3", "P4"]


def test_the_pairing_feature_follows_the_markets_year() -> None:
    """The `paired` feature of a 2026 market pairs 毕节 with 广州, of a 2014 one with 深圳."""
    for period, partner in (("2014Q3", "shenzhen"), ("2026Q1", "guangzhou")):
        force = Workforce(WORKERS, _postings([("guangzhou", period)]), VILLAGES, CITIES, PAIRINGS)
        row = force.paired[force.worker_prefecture[0]]
        assert CITIES["city_code"].to_numpy()[np.flatnonzero(row)].tolist() == [partner]


def test_priority_puts_deep_poverty_villages_before_key_counties() -> None:
    """A supported household (脱贫户 or 监测对象) gets the poor bonus whatever its old flag;
    a deep-poverty village outweighs a key county, which outweighs neither."""
    villages = pd.DataFrame(
        {
            "village_id": ["V0", "V1", "V2"],
            "county_code": ["weining", "zhijin", "meitan"],
            "prefecture_code": ["bijie", "bijie", "zunyi"],
            "lat": [26.9, 26.7, 27.8],
            "lon": [104.3, 105.8, 107.5],
            "deep_poverty": [1, 0, 0],
        }
    )
    workers = pd.concat([WORKERS] * 4, ignore_index=True)
    workers["worker_id"] = ["W0", "W1", "W2", "W3"]
    workers["village_id"] = ["V0", "V1", "V2", "V2"]
    workers["registered_poor"] = [0, 0, 0, 0]
    workers["household_status"] = ["一般", "一般", "一般", "监测对象"]
    force = Workforce(
        workers,
        _postings([("guangzhou", "2026Q1")]),
        villages,
        CITIES,
        PAIRINGS,
        key_counties=frozenset({"weining", "zhijin"}),
    )
    config = LabourConfig()
    weight = priority(force, config, np.arange(4, dtype=np.int64))
    assert weight[0] > weight[1] > weight[2] == 1.0
    assert weight[3] == pytest.approx(1.0 + config.poor_bonus)
