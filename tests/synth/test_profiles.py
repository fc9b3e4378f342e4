"""County industry profiles are respected, and need texts agree with their codes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from matching.data.dataset import Dataset
from matching.data.profiles import parse_weights
from matching.data.reference import Reference, load_reference, read_reference, reference_dir
from matching.data.tables import split_codes
from matching.errors import InvalidInputError
from matching.synth.generate import generate


@pytest.fixture(scope="module")
def demo_data() -> Dataset:
    """The demo scale (威宁, 从江, 湄潭), seed 7."""
    return generate("demo", 7)


def _profile(ref: Reference, county: str) -> pd.Series:
    return ref.county_industries.set_index("county_code").loc[county]


def _crop_words(ref: Reference) -> dict[str, str]:
    """Every word the texts use for a crop -> the crop."""
    words = {}
    for crop in ref.crops.itertuples(index=False):
        for word in split_codes(crop.words_zh):
            words[word] = crop.crop_code
    return words


def _named_crops(text: str, words: dict[str, str], neutral: list[str]) -> set[str]:
    """Crops named in `text`, reading the longest known word at each position: a crop
    word, or a `neutral` word that names no crop ("高山蔬菜" is the highland crop and not
    also "蔬菜"; "生猪育肥管理", a generic skill, does not name the crop 生猪)."""
    vocabulary: dict[str, str] = {word: "" for word in neutral if word}
    vocabulary.update(words)
    longest = max(len(w) for w in vocabulary)
    found, i = set(), 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            if text[i : i + size] in vocabulary:
                found.add(vocabulary[text[i : i + size]])
                i += size
                break
        else:
            i += 1
    return found - {""}


def _crop_of_skill(ref: Reference) -> dict[str, str]:
    """Crop-specific skill -> its crop."""
    return {
        skill: row.crop_code
        for row in ref.crops.itertuples(index=False)
        for skill in split_codes(row.skill_codes)
    }


def _needs(data: Dataset) -> pd.DataFrame:
    """Needs with their county and their village's and township's names."""
    places = data.villages[["village_id", "county_code", "township_id", "name_zh"]].merge(
        data.townships[["township_id", "name_zh"]], on="township_id", suffixes=("", "_township")
    )
    return data.needs.merge(places, on="village_id")


def test_every_county_has_a_profile_with_its_altitude() -> None:
    """88 profiles; each county's crops grow in one of its altitude bands (the loader
    checks it too) and its altitude lies in one of the bands it lists."""
    ref = load_reference()
    profiles = ref.county_industries
    assert set(profiles["county_code"]) == set(ref.counties["county_code"])
    band_of = pd.cut(profiles["altitude_m"], [0, 800, 1500, 9000], right=False, labels=False)
    for row, band in zip(profiles.itertuples(index=False), band_of, strict=True):
        assert ("low", "mid", "high")[band] in split_codes(row.altitude_bands), row.county_code


@pytest.mark.parametrize(
    ("county", "industry", "crops"),
    [
        ("weining", "VEG", {"POTATO", "HIGHVEG", "APPLE", "BEEF"}),
        ("meitan", "TEA", {"TEA"}),
        ("fenggang", "TEA", {"TEA"}),
        ("luodian", "FRUIT", {"DRAGON", "EARLYVEG"}),
        ("xiuwen", "FRUIT", {"KIWI"}),
        ("zhenfeng", "FOREST", {"PEPPER"}),
        ("chishui", "FOREST", {"BAMBOO", "DENDROBIUM"}),
    ],
)
def test_known_county_profiles(county: str, industry: str, crops: set[str]) -> None:
    """The counties a coordinator knows best have their main industry first and their
    well-known crops (sources in data/reference/README.md)."""
    profile = _profile(load_reference(), county)
    weights = parse_weights(profile["industry_weights"])
    assert max(weights, key=lambda code: weights[code]) == industry
    assert crops <= set(split_codes(profile["crop_codes"]))


def test_weining_is_a_high_county_without_lowland_fruit() -> None:
    """威宁 (about 2,200 m) grows no 火龙果, 百香果, 油茶 or tea."""
    profile = _profile(load_reference(), "weining")
    assert split_codes(profile["altitude_bands"]) == ["high"]
    assert not {"DRAGON", "PASSION", "OILTEA", "TEA"} & set(split_codes(profile["crop_codes"]))


def test_a_crop_outside_the_county_altitude_is_refused(tmp_path: Path) -> None:
    """Giving 威宁 火龙果 fails to load, naming file, row and column."""
    shutil.copytree(reference_dir(), tmp_path, dirs_exist_ok=True)
    path = tmp_path / "county_industries.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("POTATO;HIGHVEG;", "POTATO;HIGHVEG;DRAGON;", 1), "utf-8")
    with pytest.raises(
        InvalidInputError, match=r"county_industries.csv, row \d+, column crop_codes"
    ):
        read_reference(tmp_path)


def test_every_referenced_skill_exists(demo_data: Dataset) -> None:
    """Skills named by crops, certificates, needs, experts and workers are in skills.csv."""
    ref = load_reference()
    known = set(ref.skills["skill_code"])
    referenced = [
        *ref.crops["skill_codes"],
        *ref.certificates["skill_code"],
        *demo_data.needs["skill_codes"],
        *demo_data.experts["specialty_codes"],
        *demo_data.workers["skill_codes"],
    ]
    assert {code for codes in referenced for code in split_codes(codes)} <= known
    assert {"马铃薯高产栽培", "苹果矮砧密植"} <= set(ref.skills["name_zh"])


@pytest.mark.parametrize("scale", ["demo", "county"])
def test_villages_draw_industries_from_their_county(
    scale: str, demo_data: Dataset, county_data: Dataset
) -> None:
    """Every village's industries are in its county's profile, and the commonest among its
    villages is one of the county's top-weighted industries."""
    data = demo_data if scale == "demo" else county_data
    ref = load_reference()
    for county, villages in data.villages.groupby("county_code"):
        weights = parse_weights(_profile(ref, str(county))["industry_weights"])
        counts = villages["industry_codes"].map(split_codes).explode().value_counts()
        assert set(counts.index) <= set(weights), county
        assert weights[str(counts.index[0])] == max(weights.values()), county


@pytest.mark.parametrize("scale", ["demo", "county"])
def test_need_skills_belong_to_one_crop_of_the_county(
    scale: str, demo_data: Dataset, county_data: Dataset
) -> None:
    """A need's crop-specific skills name one crop, and the county grows it."""
    data = demo_data if scale == "demo" else county_data
    ref = load_reference()
    crop_of_skill = _crop_of_skill(ref)
    for need in _needs(data).itertuples(index=False):
        crops = {crop_of_skill[s] for s in split_codes(need.skill_codes) if s in crop_of_skill}
        assert len(crops) <= 1, need.need_id
        grown = set(split_codes(_profile(ref, need.county_code)["crop_codes"]))
        assert crops <= grown, need.need_id


@pytest.mark.parametrize("scale", ["demo", "county"])
def test_need_texts_name_the_crop_and_skill_of_their_codes(
    scale: str, demo_data: Dataset, county_data: Dataset
) -> None:
    """On a sample of 400 needs: the text names only crops its county grows, and a need of a
    featured industry names one; a need with a crop-specific skill names exactly that crop;
    every text names one of its skills or one of their keywords."""
    data = demo_data if scale == "demo" else county_data
    ref = load_reference()
    words, crop_of_skill = _crop_words(ref), _crop_of_skill(ref)
    names = dict(zip(ref.skills["skill_code"], ref.skills["name_zh"], strict=True))
    keywords = dict(zip(ref.skills["skill_code"], ref.skills["keywords_zh"], strict=True))
    featured = set(ref.industry_codes("featured"))
    sample = _needs(data).sample(min(400, len(data.needs)), random_state=0)
    for need in sample.itertuples(index=False):
        text, skills = need.description_zh, split_codes(need.skill_codes)
        mentioned = [names[s] for s in skills]
        mentioned += [k for s in skills for k in split_codes(keywords[s])]
        assert any(word in text for word in mentioned), (need.skill_codes, text)
        # place names are synthetic and may hold a crop's word (竹林村)
        neutral = [need.name_zh_township, need.name_zh, *(w for w in mentioned if w not in words)]
        named = _named_crops(text, words, neutral)
        grown = set(split_codes(_profile(ref, need.county_code)["crop_codes"]))
        assert named <= grown, text
        assert named or need.industry_code not in featured, text
        own = {crop_of_skill[s] for s in skills if s in crop_of_skill}
        if own:
            assert named == own, (need.skill_codes, text)


def test_weining_needs_are_mostly_vegetables_cattle_and_apples(county_data: Dataset) -> None:
    """威宁's featured needs are mostly vegetables (with potatoes), cattle and fruit
    (apples), and no text names a lowland crop."""
    needs = county_data.needs
    featured = needs[needs["industry_code"].isin(load_reference().industry_codes("featured"))]
    shares = featured["industry_code"].value_counts(normalize=True)
    assert set(shares.index[:3]) == {"VEG", "CATTLE", "FRUIT"}
    assert shares["VEG"] > 0.25
    for word in ("火龙果", "百香果", "油茶", "茶园", "芒果"):
        assert not needs["description_zh"].str.contains(word).any(), word
    assert needs["description_zh"].str.contains("马铃薯|洋芋").mean() > 0.05
    assert needs["description_zh"].str.contains("苹果").mean() > 0.05


def test_every_cited_source_is_listed() -> None:
    """A profile based on its county cites sources, and each is listed in the README."""
    ref = load_reference()
    readme = (reference_dir() / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| (S\d+) \|", readme, flags=re.MULTILINE))
    for row in ref.county_industries.to_dict("records"):
        cited = set(split_codes(row["sources"]))
        assert cited <= listed, row["county_code"]
        assert cited or row["basis"] == "prefecture", row["county_code"]
