"""Generated free texts are Chinese and varied."""

from __future__ import annotations

import re

import pytest

from matching.data.dataset import Dataset

CJK = re.compile(r"[\u4e00-\u9fff]")
TEXT_COLUMNS = [
    ("needs", "description_zh"),
    ("experts", "profile_zh"),
    ("workers", "self_description_zh"),
    ("postings", "description_zh"),
]


@pytest.mark.parametrize(("table", "column"), TEXT_COLUMNS)
def test_texts_are_mostly_distinct(county_data: Dataset, table: str, column: str) -> None:
    """At least 95% of a table's texts are distinct."""
    texts = getattr(county_data, table)[column]
    assert texts.nunique() / len(texts) >= 0.95


@pytest.mark.parametrize(("table", "column"), TEXT_COLUMNS)
def test_texts_are_chinese(county_data: Dataset, table: str, column: str) -> None:
    """Every sampled text is mostly Chinese characters and has no unfilled placeholder."""
    sample = getattr(county_data, table)[column].sample(200, random_state=0)
    for text in sample:
        assert len(CJK.findall(text)) / len(text) > 0.6, text
        assert "{" not in text and "}" not in text, text


def test_need_texts_use_many_openings(county_data: Dataset) -> None:
    """Need descriptions do not all start the same way: many distinct 4-character openings."""
    openings = county_data.needs["description_zh"].str.slice(0, 4)
    assert openings.nunique() > 100


def test_need_text_mentions_the_asked_language(county_data: Dataset) -> None:
    """A need that asks for a language says so in its text."""
    needs = county_data.needs[county_data.needs["language_code"] == "yi"]
    assert len(needs) > 0
    assert needs["description_zh"].str.contains("彝语").all()
