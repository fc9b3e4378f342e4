"""Village needs: open needs for the planning periods, closed ones behind history visits.

About 75% of needs are about one of the village's own featured industries; the rest are
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
from matching.synth.vocabulary import PRODUCTS, RAISED

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


def _industries(rng: np.random.Generator, village_industries: list[list[str]]) -> list[str]:
    size = len(village_industries)
    own = [
        items[int(u * len(items))]
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
    size = len(frame)
    product_industry = [
        code if code in PRODUCTS else own
        for code, own in zip(frame["industry_code"], context["first_industry"], strict=True)
    ]
    products = [PRODUCTS[code] for code in product_industry]
    u = rng.random((size, 3))
    keywords = [catalog.skill_keywords[s[0]] for s in skills]
    fields = {
        "village": context["village_name"].tolist(),
        "township": context["township_name"].tolist(),
        "product": [p[0][int(x * len(p[0]))] for p, x in zip(products, u[:, 0], strict=True)],
        "unit": [p[1] for p in products],
        "verb": ["养" if code in RAISED else "种" for code in product_industry],
        "skill": [
            catalog.skill_name[s[int(x * len(s))]] for s, x in zip(skills, u[:, 1], strict=True)
        ],
        "kw": [k[int(x * len(k))] for k, x in zip(keywords, u[:, 2], strict=True)],
        "days": frame["days_needed"].astype(str).tolist(),
        "hh": context["poor_households"].astype(str).tolist(),
        "years": rng.integers(1, 8, size=size).astype(str).tolist(),
        "lang": [language_names.get(code, "") for code in frame["language_code"]],
        "urgent": ["1" if level == 3 else "" for level in frame["urgency"]],
    }
    low = np.array([p[2] for p in products])
    high = np.array([p[3] for p in products])
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
    industries = _industries(rng, [split_codes(v) for v in chosen["industry_codes"]])
    counts = rng.choice([1, 2, 3], size=size, p=[0.5, 0.35, 0.15])
    drawn = draw_from_pools(rng, catalog.skill_pools, catalog.industry_index(industries), 3)
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
            "first_industry": [split_codes(v)[0] for v in chosen["industry_codes"]],
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
