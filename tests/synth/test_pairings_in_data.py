"""Generated postings and workers follow the pairings in force in their period, and the
2026 household labels agree with the historical registered-poor flag."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matching.data.dataset import Dataset, load_dataset, write_dataset
from matching.data.reference import load_reference, period_year
from matching.data.tables import split_codes
from matching.errors import InvalidInputError
from matching.synth.catalog import build_catalog
from matching.synth.postings import make_postings


def _in_force(year: int) -> set[tuple[str, str]]:
    active = load_reference().active_pairings(year)
    return set(zip(active["partner_city_code"], active["prefecture_code"], strict=True))


def test_postings_come_from_cities_paired_in_their_period(county_data: Dataset) -> None:
    """Every posting's city is paired in the posting's year, and its earmarks name only
    prefectures paired with that city then."""
    postings = county_data.postings
    for city, period, codes in zip(
        postings["partner_city_code"],
        postings["period"],
        postings["earmarked_prefecture_codes"],
        strict=True,
    ):
        pairs = _in_force(period_year(period))
        assert city in {c for c, _ in pairs}
        assert all((city, p) in pairs for p in split_codes(codes))


def test_postings_of_an_earlier_period_use_that_periods_cities() -> None:
    """Postings dated 2014 come from the 2013 cities (深圳 among them), 2018 ones from the
    seven of 2016–2020, 2026 ones from 广东 only; wages follow the city's level."""
    ref = load_reference()
    rng = np.random.default_rng(3)
    periods = ["2014Q2"] * 400 + ["2018Q3"] * 400 + ["2026Q1"] * 400
    frame = make_postings(rng, ref, build_catalog(ref), periods, ["closed"] * 1200)
    by_year = frame.groupby(frame["period"].str[:4])["partner_city_code"].agg(set)
    assert by_year["2014"] == set(ref.cities_in_force(2014)) and "shenzhen" in by_year["2014"]
    assert by_year["2018"] == set(ref.cities_in_force(2018)) and "shenzhen" not in by_year["2018"]
    assert by_year["2026"] == {"guangzhou", "foshan", "dongguan", "zhongshan", "zhuhai", "huizhou"}
    level = ref.partner_cities.set_index("city_code")["wage_yuan_month"]
    ratio = frame["wage_yuan_month"] / level.reindex(frame["partner_city_code"]).to_numpy()
    assert ratio.between(0.6, 1.8).all()


def test_city_wishes_name_cities_in_force(county_data: Dataset) -> None:
    """Workers wish for partner cities of the planning year, chiefly their own partner."""
    cities = set(load_reference().cities_in_force(2026))
    wished = county_data.workers["intended_city_codes"].map(split_codes).explode().dropna()
    wished = wished[wished != ""]
    assert set(wished) <= cities
    # 威宁 is in 毕节, paired with 广州 from 2016
    assert wished.value_counts().index[0] == "guangzhou"


def test_household_status_agrees_with_registered_poor(county_data: Dataset) -> None:
    """脱贫户 were registered poor, 一般 were not; 监测对象 come from both."""
    workers = county_data.workers
    table = pd.crosstab(workers["household_status"], workers["registered_poor"])
    assert table.loc["脱贫户", 0] == 0 and table.loc["一般", 1] == 0
    assert (table.loc["监测对象"] > 0).all()
    assert table.loc["脱贫户", 1] > table.loc["监测对象", 1]


def test_loading_refuses_an_earmark_for_an_unpaired_prefecture(
    demo_dir: Path, tmp_path: Path
) -> None:
    """An earmark naming a prefecture the city is not paired with in the posting's year is
    refused with file, row and column."""
    data = load_dataset(demo_dir)
    postings = data.postings.copy()
    row = int(np.flatnonzero(postings["partner_city_code"] == "guangzhou")[0])
    postings.loc[row, "earmarked_prefecture_codes"] = "zunyi"  # 遵义 pairs with 珠海
    write_dataset(replace(data, postings=postings), tmp_path)
    with pytest.raises(InvalidInputError, match=rf"postings\.csv, row {row + 2}, column earm"):
        load_dataset(tmp_path)


def test_loading_refuses_a_household_status_that_contradicts_the_flag(
    demo_dir: Path, tmp_path: Path
) -> None:
    """A 脱贫户 that was never registered poor is refused with file, row and column."""
    data = load_dataset(demo_dir)
    workers = data.workers.copy()
    row = int(np.flatnonzero(workers["registered_poor"] == 0)[0])
    workers.loc[row, "household_status"] = "脱贫户"
    write_dataset(replace(data, workers=workers), tmp_path)
    with pytest.raises(InvalidInputError, match=rf"workers\.csv, row {row + 2}, column house"):
        load_dataset(tmp_path)
