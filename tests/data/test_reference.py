"""The Guizhou reference tables are complete and consistent."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matching.data.reference import load_reference, read_reference, reference_dir
from matching.data.tables import split_codes
from matching.errors import InvalidInputError

DEEP_POVERTY_COUNTIES = {
    "水城县", "正安县", "关岭县", "紫云县", "纳雍县", "威宁县", "赫章县",
    "沿河县", "晴隆县", "望谟县", "册亨县", "榕江县", "从江县", "三都县",
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


def test_every_prefecture_but_guiyang_is_paired() -> None:
    """Each prefecture except 贵阳 has an eastern partner city."""
    ref = load_reference()
    paired = set(ref.active_pairings(2018)["prefecture_code"])
    assert paired == set(ref.prefectures["prefecture_code"]) - {"guiyang"}


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
