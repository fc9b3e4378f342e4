"""Village needs: open needs for the planning periods, closed ones behind history visits.

About 75% of needs are about one of the village's own featured industries, and then about
one crop of that industry that the county grows (`data/reference/county_industries.csv`),
with skills drawn from that crop's pool (see `catalog`); the rest are
"eight elements" needs (marketing, e-commerce, cooperatives, finance, training, …), as the
province's demand-driven programme asks. A village whose everyday language is not Chinese
asks for an expert who speaks it half of the time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.data.tables import split_codes
from matching.synth.catalog import Catalog
from matching.synth.sampling import IntArray, draw_from_pools, join_rows, make_ids
from matching.synth.text_needs import need_descriptions
from matching.synth.vocabulary import RAISED

FEATURED_SHARE = 0.75
ELEMENT_WEIGHTS = {
    "MKT": 3,
    "ECOM": 3,
    "ORG": 2,
    "FIN": 2,
    "TRAIN": 2,
    "TECH": 2,
    "PLAN": 1,
    "LINK": 1,
    "PARTY": 1,
}
LANGUAGE_ASK_SHARE = 0.5
# cumulative 1/rank weights over a village's 1–3 industries, normalised
RANK_WEIGHTS = {
    n: np.cumsum(1.0 / np.arange(1, n + 1)) / np.sum(1.0 / np.arange(1, n + 1)) for n in (1, 2, 3)
}


def _industries(rng: np.random.Generator, village_industries: list[list[str]]) -> list[str]:
    """The need's industry: one of the village's (its main one the likeliest, weight
    1/rank) or, a quarter of the time, an "eight elements" industry."""
    size = len(village_industries)
    own = [
        items[int(np.searchsorted(RANK_WEIGHTS[len(items)], u, side="right"))]
        for items, u in zip(village_industries, rng.random(size), strict=True)
    ]
    codes, weights = zip(*ELEMENT_WEIGHTS.items(), strict=True)
    p = np.array(weights, dtype=np.float64)
    element = rng.choice(list(codes), size=size, p=p / p.sum())
    featured = rng.random(size) < FEATURED_SHARE
    return [o if f else e for o, e, f in zip(own, element.tolist(), featured.tolist(), strict=True)]


def _languages(rng: np.random.Generator, village_languages: list[list[str]]) -> list[str]:
    asks = rng.random(len(village_languages)) < LANGUAGE_ASK_SHARE
    return [
        langs[0] if ask and langs[0] != "zh" else ""
        for langs, ask in zip(village_languages, asks.tolist(), strict=True)
    ]


def _urgency(rng: np.random.Generator, deep: IntArray) -> IntArray:
    high = 0.2 + 0.15 * deep
    u = rng.random(len(deep))
    return np.where(u < high, 3, np.where(u < high + 0.45, 2, 1)).astype(np.int64)


def _texts(
    rng: np.random.Generator,
    catalog: Catalog,
    frame: pd.DataFrame,
    context: pd.DataFrame,
    skills: list[list[str]],
    language_names: dict[str, str],
) -> list[str]:
    """Descriptions that name the need's crop (or the village's, for an element need)
    and one of the need's own skills with one of that skill's keywords."""
    size = len(frame)
    crops = [catalog.crop[code] for code in context["text_crop"]]
    u = rng.random((size, 3))
    focus = [s[int(x * len(s))] for s, x in zip(skills, u[:, 1], strict=True)]
    # a keyword that is itself a crop ("油茶", "生猪") makes no problem: "要注意油茶"
    crop_words = {w for crop in catalog.crop.values() for w in (crop.name, *crop.words)}
    keywords = [
        [k for k in catalog.skill_keywords[code] if k not in crop_words]
        or [catalog.skill_name[code]]
        for code in focus
    ]
    fields = {
        "village": context["village_name"].tolist(),
        "township": context["township_name"].tolist(),
        "product": [c.words[int(x * len(c.words))] for c, x in zip(crops, u[:, 0], strict=True)],
        "unit": [c.unit for c in crops],
        "verb": ["养" if c.industry in RAISED else "种" for c in crops],
        "skill": [catalog.skill_name[code] for code in focus],
        "kw": [k[int(x * len(k))] for k, x in zip(keywords, u[:, 2], strict=True)],
        "days": frame["days_needed"].astype(str).tolist(),
        "hh": context["poor_households"].astype(str).tolist(),
        "years": rng.integers(1, 8, size=size).astype(str).tolist(),
        "lang": [language_names.get(code, "") for code in frame["language_code"]],
        "urgent": ["1" if level == 3 else "" for level in frame["urgency"]],
    }
    low = np.array([c.qty_min for c in crops], dtype=np.float64)
    high = np.array([c.qty_max for c in crops], dtype=np.float64)
    quantities = np.round(np.exp(rng.uniform(np.log(low), np.log(high)))).astype(np.int64)
    is_element = [catalog.industry_kind[code] == "element" for code in frame["industry_code"]]
    return need_descriptions(rng, fields, quantities, is_element)


def make_needs(
    rng: np.random.Generator,
    catalog: Catalog,
    villages: pd.DataFrame,
    townships: pd.DataFrame,
    village_index: IntArray,
    periods: tuple[str, ...],
    status: str,
    language_names: dict[str, str],
) -> pd.DataFrame:
    """One need per entry of `village_index` (a row of `villages`), in `periods`."""
    size = len(village_index)
    chosen = villages.iloc[village_index].reset_index(drop=True)
    village_industries = [split_codes(v) for v in chosen["industry_codes"]]
    industries = _industries(rng, village_industries)
    counties = chosen["county_code"].astype(str).tolist()
    # a featured need is about one crop the county grows; its skills are that crop's
    crops = catalog.draw_crops(rng, counties, industries)
    village_crops = catalog.draw_crops(rng, counties, [v[0] for v in village_industries])
    counts = rng.choice([1, 2, 3], size=size, p=[0.5, 0.35, 0.15])
    drawn = draw_from_pools(rng, catalog.skill_pools, catalog.pool_rows(crops, industries), 3)
    skill_codes = join_rows(drawn, counts)
    frame = pd.DataFrame(
        {
            "need_id": [""] * size,
            "village_id": chosen["village_id"].to_numpy(),
            "period": rng.choice(list(periods), size=size),
            "status": status,
            "industry_code": industries,
            "skill_codes": skill_codes,
            "language_code": _languages(rng, [split_codes(v) for v in chosen["language_codes"]]),
            "days_needed": np.clip(rng.gamma(2.0, 3.0, size=size) + 1, 1, 30).astype(np.int64),
            "experts_wanted": rng.choice([1, 2, 3], size=size, p=[0.7, 0.25, 0.05]).astype(
                np.int64
            ),
            "urgency": _urgency(rng, chosen["deep_poverty"].to_numpy()),
        }
    )
    township_name = townships.set_index("township_id")["name_zh"]
    context = pd.DataFrame(
        {
            "village_name": chosen["name_zh"].to_numpy(),
            "township_name": township_name.reindex(chosen["township_id"]).to_numpy(),
            "text_crop": [c or v for c, v in zip(crops, village_crops, strict=True)],
            "poor_households": chosen["poor_households"].to_numpy(),
        }
    )
    skills = [split_codes(s) for s in skill_codes]
    frame["description_zh"] = _texts(rng, catalog, frame, context, skills, language_names)
    return frame


def open_need_villages(
    rng: np.random.Generator, villages: pd.DataFrame, per_village: float
) -> IntArray:
    """Village row of each open need: 1–6 needs per village, about `per_village` on average."""
    counts = np.clip(rng.poisson(per_village, size=len(villages)), 1, 6)
    return np.repeat(np.arange(len(villages)), counts).astype(np.int64)


def number_needs(open_needs: pd.DataFrame, closed_needs: pd.DataFrame) -> pd.DataFrame:
    """Closed (history) needs first, then open needs, numbered N000001, …"""
    needs = pd.concat([closed_needs, open_needs], ignore_index=True)
    needs["need_id"] = make_ids("N", len(needs), 6)
    return needs
