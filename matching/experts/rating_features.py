"""Features of (need, expert) pairs for the rating model, never gender or ethnicity.

Of the pair: the share of asked skills the expert has, text affinity, distance (in 100 km
and as a share of the travel radius), industry and language match, whether the expert's
home county is the village's. Of the expert: tier, role, number of specialties and
languages, years of experience (read from the profile). Of the need: urgency and number
of asked skills. The key columns `expert_id` and `village_id` say whose learned effects
apply (`matching.scoring.rating`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from matching.data.tables import codes_matrix, split_codes, vocabulary
from matching.experts.config import ExpertConfig
from matching.experts.tables import ExpertTables
from matching.scoring.rating import EXPERT_KEY, VILLAGE_KEY
from matching.scoring.text import pair_cosine

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_YEARS = re.compile(r"(\d{1,2})\s*年")


@dataclass(frozen=True)
class ExpertSide:
    """Per-expert arrays the features need."""

    industries: npt.NDArray[np.bool_]  # experts × industry vocabulary
    industry_index: dict[str, int]
    languages: npt.NDArray[np.bool_]  # experts × tables.language_index
    county: npt.NDArray[np.object_]
    standing: pd.DataFrame  # expert-level features


def expert_side(tables: ExpertTables) -> ExpertSide:
    """Per-expert arrays, with industry and language columns of `tables`' vocabularies."""
    experts = tables.experts
    index = vocabulary([experts["industry_codes"], tables.needs["industry_code"].astype(str)])
    industries = codes_matrix(experts["industry_codes"], index).toarray() > 0
    county = _column(experts, "home_county_code", "").astype(str).to_numpy(dtype=object)
    tier = _column(experts, "tier", "").astype(str)
    role = _column(experts, "role", "").astype(str)
    profile = _column(experts, "profile_zh", "").astype(str)
    standing = pd.DataFrame(
        {
            "province_tier": (tier == "省级").to_numpy(np.float64),
            "prefecture_tier": (tier == "市级").to_numpy(np.float64),
            "deputy_head": (role == "科技副职").to_numpy(np.float64),
            "commissioner": (role == "科技特派员").to_numpy(np.float64),
            "specialties": [float(len(split_codes(c))) for c in experts["specialty_codes"]],
            "languages": [float(len(split_codes(c))) for c in experts["language_codes"]],
            "experience_years": [_years(text) for text in profile],
        }
    )
    return ExpertSide(
        industries=industries,
        industry_index=index,
        languages=tables.expert_languages.toarray() > 0,
        county=county,
        standing=standing,
    )


def _column(frame: pd.DataFrame, name: str, default: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].fillna(default)
    return pd.Series([default] * len(frame), index=frame.index)


def _years(profile: str) -> float:
    found = _YEARS.search(profile)
    return float(found.group(1)) if found else 0.0


def pair_features(
    tables: ExpertTables,
    side: ExpertSide,
    need: IntArray,
    expert: IntArray,
    terms: dict[str, FloatArray],
) -> pd.DataFrame:
    """Model input for pairs (need[i], expert[i]) of `tables`; `terms` holds the pair's
    text affinity, skill share and distance (as candidate generation computes them)."""
    travel = tables.experts["max_travel_km"].to_numpy(np.float64)[expert]
    distance = terms["distance_km"]
    asked = tables.need_language[need]
    has_ask = asked >= 0
    speaks = has_ask & side.languages[expert, np.maximum(asked, 0)]
    industry = tables.needs["industry_code"].astype(str).map(side.industry_index)
    industry_col = industry.fillna(-1).to_numpy(np.int64)[need]
    village = tables.need_village
    frame = pd.DataFrame(
        {
            "skill_share": terms["skill_share"],
            "text_affinity": terms["text"],
            "distance_100km": distance / 100.0,
            "distance_share": distance / np.maximum(travel, 1.0),
            "industry_match": np.where(
                industry_col >= 0, side.industries[expert, np.maximum(industry_col, 0)], False
            ).astype(np.float64),
            "speaks_asked_language": speaks.astype(np.float64),
            "lacks_asked_language": (has_ask & ~speaks).astype(np.float64),
            "same_county": (
                side.county[expert] == village["county_code"].astype(str).to_numpy(object)[need]
            ).astype(np.float64),
            "urgency": tables.needs["urgency"].to_numpy(np.float64)[need],
            "asked_skills": np.asarray(tables.need_skills.sum(axis=1)).ravel()[need],
        }
    )
    standing = side.standing.iloc[expert].reset_index(drop=True)
    frame = pd.concat([frame, standing], axis=1)
    frame[EXPERT_KEY] = tables.experts["expert_id"].astype(str).to_numpy()[expert]
    frame[VILLAGE_KEY] = tables.needs["village_id"].astype(str).to_numpy()[need]
    return frame


def content_terms(
    tables: ExpertTables,
    need_text: sp.csr_matrix,
    expert_text: sp.csr_matrix,
    need: IntArray,
    expert: IntArray,
    config: ExpertConfig,
) -> dict[str, FloatArray]:
    """Text affinity, skill share and distance of listed pairs (for pairs outside the
    candidates, such as past visits)."""
    overlap = np.asarray(
        tables.need_skills[need].multiply(tables.expert_skills[expert]).sum(axis=1)
    ).ravel()
    asked = np.asarray(tables.need_skills.sum(axis=1)).ravel()[need]
    village = tables.need_village
    distance = config.distance(
        village["lat"].to_numpy(np.float64)[need],
        village["lon"].to_numpy(np.float64)[need],
        tables.experts["lat"].to_numpy(np.float64)[expert],
        tables.experts["lon"].to_numpy(np.float64)[expert],
    )
    return {
        "text": pair_cosine(need_text, expert_text, need, expert),
        "skill_share": overlap / np.maximum(asked, 1.0),
        "distance_km": np.asarray(distance, dtype=np.float64),
    }


def content_weight(
    config: ExpertConfig, terms: dict[str, FloatArray], travel: FloatArray
) -> FloatArray:
    """Today's edge weight from the content terms (as `PairBlock.weight`)."""
    closeness = np.clip(1.0 - terms["distance_km"] / np.maximum(travel, 1.0), 0.0, 1.0)
    return np.asarray(
        config.text_weight * terms["text"]
        + config.skill_weight * terms["skill_share"]
        + config.closeness_weight * closeness
    )
