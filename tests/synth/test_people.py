"""Workers and experts are drawn coherently: ages, schooling, wishes, licences and texts
agree with each other and with the rows they describe."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from matching.data.dataset import Dataset
from matching.data.reference import load_reference
from matching.data.tables import split_codes
from matching.labour.config import LabourConfig
from matching.scoring.geo import haversine_km
from matching.synth.vocabulary import JOB_TITLES

# usual age at which each level of schooling is finished
LEAVING_AGE = {"小学": 12, "初中": 15, "高中": 18, "中专": 18, "大专": 20}


def test_ages_are_adults_without_piles(county_data: Dataset) -> None:
    """Every worker is 18–60 (postings start at 18); no single age is a pile of clipped
    draws, and the mean is near the outbound migrant workers' 39 years."""
    age = county_data.workers["age"]
    assert age.between(18, 60).all()
    counts = age.value_counts()
    assert counts.max() < 3 * counts.median()
    assert 36 <= age.mean() <= 42


def test_schooling_and_work_years_fit_the_age(county_data: Dataset) -> None:
    """Nobody finished a level after their age, nor worked longer than since school."""
    workers = county_data.workers
    leaving = workers["education"].map(LEAVING_AGE)
    assert (workers["age"] >= leaving).all()
    years = workers["self_description_zh"].str.extract(r"(?:干过|做过)(\d+)年")[0]
    has = years.notna()
    assert has.sum() > 100
    since = workers["age"][has] - leaving[has]
    assert (years[has].astype(int) <= since).all()


def _near_cities(data: Dataset) -> np.ndarray:
    ref = load_reference()
    village = data.villages.set_index("village_id").loc[data.workers["village_id"]]
    km = haversine_km(
        village["lat"].to_numpy()[:, None],
        village["lon"].to_numpy()[:, None],
        ref.partner_cities["lat"].to_numpy()[None, :],
        ref.partner_cities["lon"].to_numpy()[None, :],
    )
    return np.asarray(km <= LabourConfig().near_km)


def test_workers_who_stay_near_name_only_near_cities(county_data: Dataset) -> None:
    """A worker unwilling to go far names no city beyond the matcher's near distance, and
    says so; nobody who stays near says they would go anywhere."""
    workers = county_data.workers
    codes = load_reference().partner_cities["city_code"].tolist()
    near = _near_cities(county_data)
    stays = workers["willing_far"].to_numpy() == 0
    for i in np.flatnonzero(stays):
        named = [codes.index(c) for c in split_codes(workers["intended_city_codes"].iat[i])]
        assert near[i, named].all(), workers.iloc[i].to_dict()
    text = workers["self_description_zh"]
    assert text[stays].str.contains("不想离家太远|最好在省内").all()
    assert not text[stays].str.contains("去哪里都行").any()


def test_a_city_the_worker_wants_is_on_their_list(county_data: Dataset) -> None:
    """ "想去X"/"打算去X" and "X近一点" name a city of the worker's own list."""
    workers = county_data.workers
    ref = load_reference()
    names = ref.partner_cities["name_zh"].tolist()
    code_of = dict(zip(names, ref.partner_cities["city_code"], strict=True))
    city = "|".join(names)
    text = workers["self_description_zh"]
    wanted = text.str.extract(f"(?:想去|打算去)({city})")[0].fillna(
        text.str.extract(f"({city})近一点")[0]
    )
    found = wanted.notna()
    assert found.sum() > 100
    for name, listed in zip(wanted[found], workers["intended_city_codes"][found], strict=True):
        assert code_of[name] in split_codes(listed)


def _licensed() -> pd.DataFrame:
    certificates = load_reference().certificates
    return certificates[certificates["licence_required"] == 1]


def test_licensed_jobs_need_and_have_their_licence(county_data: Dataset) -> None:
    """Truck drivers, electricians, forklift and fire-control operators… hold their licence,
    and every posting for such a job requires it."""
    licensed = _licensed()
    ref = load_reference()
    skill_name = dict(zip(ref.skills["skill_code"], ref.skills["name_zh"], strict=True))
    workers, postings = county_data.workers, county_data.postings
    for skill, certificate in zip(
        licensed["skill_code"], licensed["certificate_code"], strict=True
    ):
        has_skill = workers["skill_codes"].map(lambda s, k=skill: k in split_codes(s))
        holds = workers["certificate_codes"].map(lambda c, k=certificate: k in split_codes(c))
        assert holds[has_skill].all(), skill
        titled = postings["title_zh"] == JOB_TITLES[skill_name[skill]]
        requires = postings["required_certificate_codes"].map(
            lambda c, k=certificate: k in split_codes(c)
        )
        assert requires[titled].all(), skill
    names = {"货车驾驶", "叉车驾驶", "消防设施操作", "建筑电工"}
    assert names <= {skill_name[s] for s in licensed["skill_code"]}


def _career_years(profiles: pd.Series) -> pd.Series:
    pattern = r"(?:工作|已有|这一行)(\d+)年|(\d+)年来一直"
    found = profiles.str.extract(pattern)
    return found[0].fillna(found[1]).astype(float)


def test_expert_profiles_agree_with_their_rows(county_data: Dataset) -> None:
    """Field days a year within four quarters of service days; e-commerce careers no older
    than the programme (2014); crop and animal specialists work at farming organisations,
    e-commerce experts at commerce ones and know no crop."""
    experts = county_data.experts
    profiles = experts["profile_zh"]
    yearly = profiles.str.extract(r"每年下乡服务(\d+)天")[0]
    has = yearly.notna()
    assert has.any()
    assert (yearly[has].astype(int) <= 4 * experts["service_days_per_quarter"][has]).all()
    years = _career_years(profiles)
    assert years.notna().all()
    primary = experts["industry_codes"].str.split(";").str[0]
    assert (years[primary == "ECOM"] <= 12).all()
    featured = set(load_reference().industry_codes("featured"))
    farming = primary.isin(featured)
    assert not profiles[farming].str.contains("电子商务|商务局|财政局|信用|组织部|党校").any()
    ecom = primary == "ECOM"
    assert ecom.any()
    assert (
        not experts["industry_codes"][ecom]
        .map(lambda c: bool(set(split_codes(c)) & featured))
        .any()
    )
    assert profiles[ecom].str.contains("商务|供销|经济").all()


def test_older_workers_want_jobs_that_take_their_age(county_data: Dataset) -> None:
    """A worker's first wished sector takes people of their age somewhere (its oldest
    postings' limit plus five years)."""
    workers = county_data.workers
    postings = county_data.postings
    oldest = postings.groupby("industry_code")["max_age"].max()
    first = workers["intended_industry_codes"].str.split(";").str[0]
    assert (workers["age"] <= first.map(oldest) + 5).all()


def test_profile_organisation_matches_tier(county_data: Dataset) -> None:
    """Province experts work at province bodies, county experts at their county's."""
    experts = county_data.experts
    counties = load_reference().counties.set_index("county_code")["short_name_zh"]
    county = experts["tier"] == "县级"
    home = counties.reindex(experts["home_county_code"][county]).to_numpy()
    orgs = experts["profile_zh"][county].str.split("，").str[1]
    assert all(str(o).startswith(str(h)) for o, h in zip(orgs, home, strict=True))
    province = experts["profile_zh"][experts["tier"] == "省级"].str.split("，").str[1]
    assert province.map(lambda o: bool(re.match("省|贵州", str(o)))).all()
