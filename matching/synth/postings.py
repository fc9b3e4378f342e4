"""Job postings of eastern partner cities, open now or closed (behind history placements).

A posting comes from a city paired with Guizhou in the posting's year (pairings.csv, each
city weighted by how many prefectures it pairs with then); its sector follows the city's
`sector_weights` and its wage the city's `wage_yuan_month` (partner_cities.csv). Employers
are shared between open and closed postings so a learned model can see the same employer
twice. About 60% of postings are earmarked for the prefecture(s) the city is paired with
in the posting's year (东西部劳务协作); the rest are open to all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.data.reference import Reference, period_year
from matching.data.tables import join_codes
from matching.errors import InvalidInputError
from matching.synth import names
from matching.synth.catalog import Catalog
from matching.synth.jobs import SECTOR_MAX_AGE, SECTOR_WAGE_FACTOR, SECTOR_WEIGHTS
from matching.synth.licences import licensed_skills
from matching.synth.sampling import draw_from_pools, make_ids
from matching.synth.text_jobs import posting_descriptions
from matching.synth.vocabulary import JOB_TITLES

EARMARKED_SHARE = 0.6
POSTINGS_PER_EMPLOYER = 4


def _employers(
    rng: np.random.Generator, ref: Reference, city: list[str], sector: list[str]
) -> tuple[list[str], list[str]]:
    """Employer id and name per posting; each employer is one city and one sector."""
    per_slot = POSTINGS_PER_EMPLOYER * len(SECTOR_WEIGHTS) * max(1, len(set(city)))
    slots = max(1, len(city) // per_slot)
    keys = pd.DataFrame(
        {"city": city, "sector": sector, "slot": rng.integers(0, slots, size=len(city))}
    )
    unique = keys.drop_duplicates().sort_values(["city", "sector", "slot"]).reset_index(drop=True)
    unique["employer_id"] = make_ids("C", len(unique), 5)
    city_name = (
        ref.partner_cities.set_index("city_code")["name_zh"].reindex(unique["city"]).tolist()
    )
    unique["employer_name_zh"] = names.employer_names(rng, city_name, unique["sector"].tolist())
    merged = keys.merge(unique, on=["city", "sector", "slot"], how="left")
    return merged["employer_id"].tolist(), merged["employer_name_zh"].tolist()


def _cities(rng: np.random.Generator, ref: Reference, years: list[int]) -> list[str]:
    """A city in force in each posting's year, weighted by the prefectures it pairs with."""
    city = np.full(len(years), "", dtype=object)
    year_of = np.asarray(years)
    for year in sorted(set(years)):
        counts = ref.active_pairings(year)["partner_city_code"].value_counts()
        if counts.empty:
            raise InvalidInputError(f"No partner city is paired in {year}.", item="period")
        codes = [c for c in ref.partner_cities["city_code"] if c in counts.index]
        weight = counts.reindex(codes).to_numpy(np.float64)
        at = np.flatnonzero(year_of == year)
        city[at] = rng.choice(codes, size=at.size, p=weight / weight.sum())
    return [str(c) for c in city]


def _sectors(rng: np.random.Generator, ref: Reference, city: list[str]) -> list[str]:
    """A job sector per posting, drawn from its city's sector weights."""
    sector = np.full(len(city), "", dtype=object)
    city_of = np.asarray(city)
    for code in sorted(set(city)):
        weights = ref.sector_weights(code)
        at = np.flatnonzero(city_of == code)
        p = np.array(list(weights.values()))
        sector[at] = rng.choice(list(weights), size=at.size, p=p / p.sum())
    return [str(s) for s in sector]


def _earmarks(
    rng: np.random.Generator, ref: Reference, city: list[str], years: list[int]
) -> list[str]:
    """The prefectures paired with the posting's city in the posting's year, or ""."""
    paired = {
        year: ref.active_pairings(year)
        .groupby("partner_city_code")["prefecture_code"]
        .agg(join_codes)
        for year in sorted(set(years))
    }
    earmark = rng.random(len(city)) < EARMARKED_SHARE
    return [
        str(paired[y].get(c, "")) if e else ""
        for c, y, e in zip(city, years, earmark.tolist(), strict=True)
    ]


def _certificates(
    rng: np.random.Generator, ref: Reference, catalog: Catalog, skills: list[str]
) -> list[str]:
    """The main skill's licence always (`matching.synth.licences`), another certificate
    half the time."""
    asks = rng.random(len(skills)) < 0.5
    licensed = licensed_skills(ref)
    return [
        catalog.certificate_of_skill.get(s, "") if a or s in licensed else ""
        for s, a in zip(skills, asks.tolist(), strict=True)
    ]


def make_postings(
    rng: np.random.Generator,
    ref: Reference,
    catalog: Catalog,
    periods: list[str],
    status: list[str],
) -> pd.DataFrame:
    """One posting per entry of `periods` (with its `status`); ids are left to the caller."""
    size = len(periods)
    years = [period_year(p) for p in periods]
    city = _cities(rng, ref, years)
    sector = _sectors(rng, ref, city)
    main_skill = draw_from_pools(rng, catalog.skill_pools, catalog.industry_index(sector), 1)[
        :, 0
    ].tolist()
    requires_skill = rng.random(size) < 0.6
    employer_id, employer_name = _employers(rng, ref, city, sector)
    city_wage = ref.partner_cities.set_index("city_code")["wage_yuan_month"]
    base = np.array(
        [city_wage[c] * SECTOR_WAGE_FACTOR[s] for c, s in zip(city, sector, strict=True)]
    )
    wage = (np.round(base * rng.lognormal(0.0, 0.12, size=size) / 100) * 100).astype(np.int64)
    frame = pd.DataFrame(
        {
            "posting_id": [""] * size,
            "partner_city_code": city,
            "employer_id": employer_id,
            "employer_name_zh": employer_name,
            "title_zh": [JOB_TITLES[catalog.skill_name[s]] for s in main_skill],
            "industry_code": sector,
            "positions": np.clip(rng.lognormal(np.log(8), 0.8, size=size), 1, 80).astype(np.int64),
            "wage_yuan_month": wage,
            "required_skill_codes": np.where(requires_skill, main_skill, "").tolist(),
            "required_certificate_codes": _certificates(rng, ref, catalog, main_skill),
            "min_age": np.full(size, 18, dtype=np.int64),
            "max_age": np.array([SECTOR_MAX_AGE[s] for s in sector], dtype=np.int64)
            + rng.choice([-5, 0, 5], size=size),
            "housing": (rng.random(size) < 0.7).astype(np.int64),
            "meals": (rng.random(size) < 0.6).astype(np.int64),
            "earmarked_prefecture_codes": _earmarks(rng, ref, city, years),
            "period": periods,
            "status": status,
        }
    )
    frame["description_zh"] = _descriptions(rng, ref, catalog, frame, main_skill)
    return frame


def _descriptions(
    rng: np.random.Generator,
    ref: Reference,
    catalog: Catalog,
    frame: pd.DataFrame,
    main_skill: list[str],
) -> list[str]:
    prefecture_name = ref.prefectures.set_index("prefecture_code")["short_name_zh"]
    city_name = ref.partner_cities.set_index("city_code")["name_zh"]
    wage = frame["wage_yuan_month"].to_numpy()
    fields = {
        "employer": frame["employer_name_zh"].tolist(),
        "city": city_name.reindex(frame["partner_city_code"]).tolist(),
        "title": frame["title_zh"].tolist(),
        "n": frame["positions"].astype(str).tolist(),
        "low": (wage - 500).astype(str).tolist(),
        "high": (wage + 1000).astype(str).tolist(),
        "wage": wage.astype(str).tolist(),
        "min": frame["min_age"].astype(str).tolist(),
        "max": frame["max_age"].astype(str).tolist(),
        "skill": [catalog.skill_name[s] for s in main_skill],
        "cert": [catalog.certificate_name.get(c, "") for c in frame["required_certificate_codes"]],
        "prefs": [
            "、".join(str(prefecture_name[p]) for p in codes.split(";") if p)
            for codes in frame["earmarked_prefecture_codes"]
        ],
    }
    flags = {
        "housing": (frame["housing"] == 1).tolist(),
        "meals": (frame["meals"] == 1).tolist(),
        "wants_skill": (frame["required_skill_codes"] != "").tolist(),
        "wants_cert": (frame["required_certificate_codes"] != "").tolist(),
        "earmarked": (frame["earmarked_prefecture_codes"] != "").tolist(),
    }
    return posting_descriptions(rng, fields, flags)


def posting_periods(
    rng: np.random.Generator,
    open_count: int,
    closed_count: int,
    planning: tuple[str, ...],
    history: tuple[str, ...],
) -> tuple[list[str], list[str]]:
    """Periods and statuses: closed (history) postings first, then open ones."""
    periods = (
        rng.choice(list(history), size=closed_count).tolist()
        + rng.choice(list(planning), size=open_count).tolist()
    )
    return periods, ["closed"] * closed_count + ["open"] * open_count


def number_postings(frame: pd.DataFrame) -> pd.DataFrame:
    """Give postings their ids P00001, … in row order."""
    numbered = frame.copy()
    numbered["posting_id"] = make_ids("P", len(frame), 5)
    return numbered
