"""The Guizhou reference tables are complete and consistent."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matching.data.reference import load_reference, read_reference, reference_dir
from matching.data.tables import split_codes
from matching.errors import InvalidInputError

DEEP_POVERTY_COUNTIES = {
    "水城区", "正安县", "关岭县", "紫云县", "纳雍县", "威宁县", "赫章县",
    "沿河县", "晴隆县", "望谟县", "册亨县", "榕江县", "从江县", "三都县",
}  # fmt: skip
# 国家乡村振兴重点帮扶县 (2021): the 14 deep-poverty counties and six more.
KEY_COUNTIES = DEEP_POVERTY_COUNTIES | {"务川县", "织金县", "松桃县", "锦屏县", "剑河县", "罗甸县"}
# The east–west partner of each prefecture, by year (see data/reference/README.md).
PARTNERS = {
    2014: {
        "liupanshui": {"dalian"}, "zunyi": {"shanghai"}, "tongren": {"suzhou"},
        "qiandongnan": {"hangzhou"}, "qianxinan": {"ningbo"}, "anshun": {"qingdao"},
        "qiannan": {"guangzhou"}, "bijie": {"shenzhen"},
    },
    2018: {
        "liupanshui": {"dalian"}, "zunyi": {"shanghai"}, "tongren": {"suzhou"},
        "qiandongnan": {"hangzhou"}, "qianxinan": {"ningbo"}, "anshun": {"qingdao"},
        "qiannan": {"guangzhou"}, "bijie": {"guangzhou"},
    },
    2026: {
        "liupanshui": {"zhongshan"}, "zunyi": {"zhuhai"}, "tongren": {"dongguan"},
        "qiandongnan": {"foshan"}, "qianxinan": {"huizhou"}, "anshun": {"guangzhou"},
        "qiannan": {"guangzhou"}, "bijie": {"guangzhou"},
    },
}  # fmt: skip


def test_nine_prefectures_and_88_counties() -> None:
    """Guizhou has 9 prefecture-level divisions and 88 county-level divisions."""
    ref = load_reference()
    assert len(ref.prefectures) == 9
    assert len(ref.counties) == 88
    assert set(ref.counties["prefecture_code"]) == set(ref.prefectures["prefecture_code"])


def test_fourteen_deep_poverty_counties_by_name() -> None:
    """Exactly the 14 deep-poverty counties of DOMAIN.md are flagged."""
    counties = load_reference().counties
    flagged = set(counties.loc[counties["deep_poverty"] == 1, "short_name_zh"])
    assert flagged == DEEP_POVERTY_COUNTIES


def test_twenty_key_counties_include_the_deep_poverty_ones() -> None:
    """The 20 national key counties (2021) are flagged, every deep-poverty county among them."""
    counties = load_reference().counties
    flagged = set(counties.loc[counties["key_county"] == 1, "short_name_zh"])
    assert flagged == KEY_COUNTIES
    assert ((counties["key_county"] == 1) | (counties["deep_poverty"] == 0)).all()


def test_current_county_names_keep_the_old_ones_in_the_note() -> None:
    """水城区 and 黔西市 carry their current names; the note keeps the old ones."""
    counties = load_reference().counties.set_index("county_code")
    for code, name, old in (("shuicheng", "水城区", "水城县"), ("qianxi", "黔西市", "黔西县")):
        assert counties.loc[code, "name_zh"] == name
        assert old in counties.loc[code, "name_note"]


@pytest.mark.parametrize("year", sorted(PARTNERS))
def test_pairings_in_force_by_year(year: int) -> None:
    """Each prefecture but 贵阳 has exactly its partner(s) of that year, and no other."""
    ref = load_reference()
    active = ref.active_pairings(year)
    found: dict[str, set[str]] = {}
    for city, prefecture in zip(
        active["partner_city_code"], active["prefecture_code"], strict=True
    ):
        found.setdefault(prefecture, set()).add(city)
    assert found == PARTNERS[year]


def test_every_pairing_change_cites_a_source_listed_in_the_readme() -> None:
    """Every pairings row names sources, each one defined in data/reference/README.md."""
    ref = load_reference()
    readme = (reference_dir() / "README.md").read_text(encoding="utf-8")
    for cell in ref.pairings["source"]:
        keys = split_codes(cell)
        assert keys and all(f"| {key} |" in readme for key in keys), cell


def test_partner_cities_carry_wages_and_job_sectors() -> None:
    """Every city in force since 2013 has a wage level and sector weights over job sectors."""
    ref = load_reference()
    jobs = set(ref.industry_codes("job"))
    paired = set(ref.pairings["partner_city_code"])
    assert paired <= set(ref.partner_cities["city_code"])
    assert {"foshan", "dongguan", "zhongshan", "zhuhai", "huizhou"} <= paired
    for code in ref.partner_cities["city_code"]:
        weights = ref.sector_weights(code)
        assert set(weights) <= jobs and sum(weights.values()) == pytest.approx(1.0)
    assert ref.partner_cities["wage_yuan_month"].between(3000, 8000).all()


def test_unknown_sector_of_a_city_names_file_row_and_column(tmp_path: Path) -> None:
    """A city's sector that is not a job sector is refused with file, row and column."""
    for path in reference_dir().glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    cities = pd.read_csv(tmp_path / "partner_cities.csv", dtype=str, keep_default_na=False)
    cities.loc[1, "sector_weights"] = "ELEC:0.5;TEA:0.5"
    cities.to_csv(tmp_path / "partner_cities.csv", index=False)
    with pytest.raises(
        InvalidInputError, match=r"partner_cities\.csv, row 3, column sector_weights"
    ):
        read_reference(tmp_path)


def test_codes_are_unique_and_skills_sit_under_industries() -> None:
    """Keys are unique and every skill and certificate names an existing industry."""
    ref = load_reference()
    assert ref.skills["skill_code"].is_unique and ref.industries["industry_code"].is_unique
    assert set(ref.skills["industry_code"]) <= set(ref.industries["industry_code"])
    assert set(ref.certificates["skill_code"]) <= set(ref.skills["skill_code"])
    assert len(ref.skills) >= 200
    assert len(ref.industry_codes("featured")) == 12


def test_every_industry_has_skills_and_keywords() -> None:
    """No industry is empty and every skill carries Chinese keywords for texts."""
    ref = load_reference()
    assert set(ref.industries["industry_code"]) == set(ref.skills["industry_code"])
    assert all(split_codes(words) for words in ref.skills["keywords_zh"])


def test_coordinates_inside_guizhou_and_marked_approximate() -> None:
    """County seats lie inside Guizhou's bounding box and say they are approximate."""
    counties = load_reference().counties
    assert counties["lat"].between(24.5, 29.3).all()
    assert counties["lon"].between(103.5, 109.7).all()
    assert (counties["coord_source"] == "approximate").all()


def test_languages_include_the_village_languages() -> None:
    """The main village languages of the province are listed."""
    names = set(load_reference().languages["name_zh"])
    assert {"汉语", "苗语", "布依语", "侗语", "彝语", "水语", "土家语", "仡佬语"} <= names


def test_reference_dir_can_be_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """BANGFU_REFERENCE_DIR points the loader elsewhere."""
    monkeypatch.setenv("BANGFU_REFERENCE_DIR", str(tmp_path))
    assert reference_dir() == tmp_path


def test_bad_reference_value_names_file_row_and_column(tmp_path: Path) -> None:
    """A broken flag in counties.csv is reported with file, row and column."""
    source = reference_dir()
    for path in source.glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    counties = pd.read_csv(tmp_path / "counties.csv", dtype=str, keep_default_na=False)
    counties.loc[4, "deep_poverty"] = "yes"
    counties.to_csv(tmp_path / "counties.csv", index=False)
    with pytest.raises(InvalidInputError, match=r"counties\.csv, row 6, column deep_poverty"):
        read_reference(tmp_path)
