"""Cross-table checks of a generated data set: every referenced id and code exists."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from matching.data import specs
from matching.data.reference import Reference, pairings_in_force, period_year
from matching.data.tables import bad_value, check_codes, split_codes

if TYPE_CHECKING:
    from matching.data.frames import Dataset


def _check_villages(data: Dataset, ref: Reference) -> None:
    check_codes(
        data.townships, specs.TOWNSHIPS, "county_code", ref.counties["county_code"], multi=False
    )
    villages = data.villages
    check_codes(villages, specs.VILLAGES, "township_id", data.townships["township_id"], multi=False)
    check_codes(villages, specs.VILLAGES, "county_code", ref.counties["county_code"], multi=False)
    prefectures = ref.prefectures["prefecture_code"]
    check_codes(villages, specs.VILLAGES, "prefecture_code", prefectures, multi=False)
    check_codes(
        villages, specs.VILLAGES, "ethnic_code", ref.ethnic_groups["ethnic_code"], multi=False
    )
    languages = ref.languages["language_code"]
    check_codes(villages, specs.VILLAGES, "language_codes", languages, multi=True)
    industries = ref.industries["industry_code"]
    check_codes(villages, specs.VILLAGES, "industry_codes", industries, multi=True)


def _check_experts(data: Dataset, ref: Reference) -> None:
    experts, spec = data.experts, specs.EXPERTS
    check_codes(experts, spec, "tier", specs.TIERS, multi=False)
    check_codes(experts, spec, "role", specs.ROLES, multi=False)
    check_codes(experts, spec, "home_county_code", ref.counties["county_code"], multi=False)
    check_codes(experts, spec, "industry_codes", ref.industries["industry_code"], multi=True)
    check_codes(experts, spec, "specialty_codes", ref.skills["skill_code"], multi=True)
    check_codes(experts, spec, "language_codes", ref.languages["language_code"], multi=True)


def _check_needs(data: Dataset, ref: Reference) -> None:
    needs, spec = data.needs, specs.NEEDS
    check_codes(needs, spec, "village_id", data.villages["village_id"], multi=False)
    check_codes(needs, spec, "status", specs.STATUSES, multi=False)
    check_codes(needs, spec, "industry_code", ref.industries["industry_code"], multi=False)
    check_codes(needs, spec, "skill_codes", ref.skills["skill_code"], multi=True)
    check_codes(needs, spec, "language_code", ref.languages["language_code"], multi=True)


def _check_workers(data: Dataset, ref: Reference) -> None:
    workers, spec = data.workers, specs.WORKERS
    check_codes(workers, spec, "village_id", data.villages["village_id"], multi=False)
    check_codes(workers, spec, "gender", specs.GENDERS, multi=False)
    check_codes(workers, spec, "education", specs.EDUCATION_LEVELS, multi=False)
    check_codes(workers, spec, "skill_codes", ref.skills["skill_code"], multi=True)
    certificates = ref.certificates["certificate_code"]
    check_codes(workers, spec, "certificate_codes", certificates, multi=True)
    industries = ref.industry_codes("job")
    check_codes(workers, spec, "intended_industry_codes", industries, multi=True)
    check_codes(workers, spec, "intended_city_codes", ref.partner_cities["city_code"], multi=True)
    check_codes(workers, spec, "household_status", specs.HOUSEHOLD_STATUSES, multi=False)
    _check_household_status(workers)


def _check_household_status(workers: pd.DataFrame) -> None:
    """A 脱贫户 was registered poor; a registered-poor household is 脱贫户 or monitored."""
    status = workers["household_status"].astype(str).to_numpy()
    poor = workers["registered_poor"].to_numpy() == 1
    wrong = (poor & (status == "一般")) | (~poor & (status == "脱贫户"))
    if wrong.any():
        row = int(np.flatnonzero(wrong)[0])
        problem = (
            f"{status[row]!r} contradicts registered_poor={int(poor[row])} "
            "(脱贫户 were registered poor; registered-poor households are 脱贫户 or 监测对象)"
        )
        raise bad_value(specs.WORKERS.file_name, row, "household_status", problem)


def _check_earmarks_paired(postings: pd.DataFrame, ref: Reference) -> None:
    """An earmark names only prefectures paired with the posting's city in its year."""
    in_force: dict[int, set[tuple[str, str]]] = {}
    cells = zip(
        postings["partner_city_code"].astype(str),
        postings["period"].astype(str),
        postings["earmarked_prefecture_codes"],
        strict=True,
    )
    for row, (city, period, codes) in enumerate(cells):
        prefectures = split_codes(codes)
        if not prefectures:
            continue
        year = period_year(period)
        if year not in in_force:
            active = pairings_in_force(ref.pairings, year)
            pairs = zip(active["partner_city_code"], active["prefecture_code"], strict=True)
            in_force[year] = set(pairs)
        unpaired = [p for p in prefectures if (city, p) not in in_force[year]]
        if unpaired:
            problem = f"{city} is not paired with {unpaired[0]} in {year} (pairings.csv)"
            raise bad_value(specs.POSTINGS.file_name, row, "earmarked_prefecture_codes", problem)


def _check_postings(data: Dataset, ref: Reference) -> None:
    postings, spec = data.postings, specs.POSTINGS
    check_codes(postings, spec, "partner_city_code", ref.partner_cities["city_code"], multi=False)
    check_codes(postings, spec, "industry_code", ref.industry_codes("job"), multi=False)
    check_codes(postings, spec, "required_skill_codes", ref.skills["skill_code"], multi=True)
    certificates = ref.certificates["certificate_code"]
    check_codes(postings, spec, "required_certificate_codes", certificates, multi=True)
    prefectures = ref.prefectures["prefecture_code"]
    check_codes(postings, spec, "earmarked_prefecture_codes", prefectures, multi=True)
    check_codes(postings, spec, "status", specs.STATUSES, multi=False)
    _check_earmarks_paired(postings, ref)


def _check_history(data: Dataset) -> None:
    placements, visits = data.placements, data.visits
    workers, postings = data.workers["worker_id"], data.postings["posting_id"]
    check_codes(placements, specs.PLACEMENTS, "worker_id", workers, multi=False)
    check_codes(placements, specs.PLACEMENTS, "posting_id", postings, multi=False)
    check_codes(visits, specs.VISITS, "expert_id", data.experts["expert_id"], multi=False)
    check_codes(visits, specs.VISITS, "need_id", data.needs["need_id"], multi=False)
    check_codes(visits, specs.VISITS, "village_id", data.villages["village_id"], multi=False)


def check_dataset_references(data: Dataset, ref: Reference) -> None:
    """Raise `InvalidInputError` at the first id or code that names nothing."""
    _check_villages(data, ref)
    _check_experts(data, ref)
    _check_needs(data, ref)
    _check_workers(data, ref)
    _check_postings(data, ref)
    _check_history(data)
