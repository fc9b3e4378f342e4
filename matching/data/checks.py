"""Cross-table checks of a generated data set: every referenced id and code exists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matching.data import specs
from matching.data.reference import Reference
from matching.data.tables import check_codes

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
