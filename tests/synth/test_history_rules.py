"""Hand-dispatched history is imperfect, never illegal: every placement and visit passes
the hard rules the matchers apply, checked with the matchers' own rule functions, on the
demo, the county and a sample of the province."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from matching.data.dataset import Dataset
from matching.data.reference import load_reference
from matching.experts.config import ExpertConfig
from matching.experts.rules import PairContext
from matching.experts.tables import ExpertTables
from matching.labour.config import LabourConfig
from matching.labour.rules import acceptable_cities, person_rules
from matching.labour.tables import Workforce
from matching.synth.generate import generate
from matching.synth.scales import PLANNING_YEAR

CHUNK = 400
PROVINCE_SAMPLE = 3000


def _labour_breaks(data: Dataset, placements: pd.DataFrame) -> dict[str, int]:
    """How many placements break each labour rule (age as it was in the start year)."""
    ref = load_reference()
    workers = data.workers.set_index("worker_id").loc[placements["worker_id"]].reset_index()
    postings = data.postings.set_index("posting_id").loc[placements["posting_id"]].reset_index()
    start_year = pd.to_datetime(placements["start_date"]).dt.year.to_numpy()
    workers["age"] = workers["age"].to_numpy() - (PLANNING_YEAR - start_year)
    # one row per placement on both sides: pair i is worker row i with posting row i
    force = Workforce(
        workers, postings, data.villages, ref.partner_cities, ref.active_pairings(PLANNING_YEAR)
    )
    config = LabourConfig()
    rows = np.arange(len(placements), dtype=np.int64)
    breaks = {
        "city": int((~acceptable_cities(force, config)[rows, force.posting_city]).sum()),
        "earmark": int((~force.earmarked[rows, force.worker_prefecture]).sum()),
        "age": 0,
        "certificate": 0,
    }
    for start in range(0, rows.size, CHUNK):
        part = rows[start : start + CHUNK]
        rules = person_rules(force, part, part)
        breaks["age"] += int((~np.diag(rules["age"])).sum())
        breaks["certificate"] += int((~np.diag(rules["certificate"])).sum())
    return breaks


def _visit_breaks(data: Dataset, visits: pd.DataFrame) -> dict[str, int]:
    """How many visits break each expert rule except availability (unknown for the past)."""
    experts = data.experts.set_index("expert_id").loc[visits["expert_id"]].reset_index()
    needs = data.needs.set_index("need_id").loc[visits["need_id"]].reset_index()
    tables = ExpertTables(experts, needs, data.villages)
    # the block scores text too, which is no rule: empty text vectors of the right shape
    context = PairContext(
        tables,
        ExpertConfig(),
        sp.csr_matrix((tables.n_needs, 1)),
        sp.csr_matrix((tables.n_experts, 1)),
    )
    in_industry = np.zeros(len(visits), dtype=bool)
    for industry, members in tables.experts_in_industry.items():
        at = members[tables.needs["industry_code"].to_numpy()[members] == industry]
        in_industry[at] = True
    breaks = {"industry": int((~in_industry).sum())}
    rows = np.arange(len(visits), dtype=np.int64)
    for start in range(0, rows.size, CHUNK):
        part = rows[start : start + CHUNK]
        passes = context.block(part, part).passes
        for rule in ("skill", "distance", "language", "days"):
            breaks[rule] = breaks.get(rule, 0) + int((~np.diag(passes[rule])).sum())
    return breaks


def _check_history(data: Dataset, sample: int | None = None) -> None:
    placements, visits = data.placements, data.visits
    if sample is not None:
        placements = placements.sample(min(sample, len(placements)), random_state=0)
        visits = visits.sample(min(sample, len(visits)), random_state=0)
    assert _labour_breaks(data, placements) == {"city": 0, "earmark": 0, "age": 0, "certificate": 0}
    assert set(_visit_breaks(data, visits).values()) == {0}
    _check_capacities(data)


def _check_capacities(data: Dataset) -> None:
    """No posting fills beyond its positions; no expert serves beyond a quarter's days;
    fellow villagers who went together took the same posting."""
    taken = data.placements["posting_id"].value_counts()
    positions = data.postings.set_index("posting_id")["positions"].reindex(taken.index)
    assert (taken <= positions).all()
    needs = data.needs.set_index("need_id")
    period = needs["period"].reindex(data.visits["need_id"]).to_numpy()
    used = data.visits.assign(period=period).groupby(["expert_id", "period"])["days"].sum()
    capacity = data.experts.set_index("expert_id")["service_days_per_quarter"]
    assert (used.to_numpy() <= capacity.reindex(used.index.get_level_values(0)).to_numpy()).all()
    together = data.placements[data.placements["with_group"] == 1].merge(
        data.workers[["worker_id", "group_id"]], on="worker_id"
    )
    assert (together["group_id"] != "").all()
    assert (together.groupby("group_id")["posting_id"].nunique() == 1).all()


@pytest.fixture(scope="module")
def demo_data() -> Dataset:
    return generate("demo", 7)


def test_demo_history_obeys_every_hard_rule(demo_data: Dataset) -> None:
    """Every demo placement and visit passes the matchers' hard rules."""
    _check_history(demo_data)


def test_county_history_obeys_every_hard_rule(county_data: Dataset) -> None:
    """Every county placement and visit passes the matchers' hard rules."""
    _check_history(county_data)


@pytest.mark.slow
def test_province_history_obeys_every_hard_rule(province_data: Dataset) -> None:
    """A sample of the province's placements and visits passes the matchers' hard rules."""
    _check_history(province_data, sample=PROVINCE_SAMPLE)


def test_the_check_catches_a_broken_placement(demo_data: Dataset) -> None:
    """The checker is no rubber stamp: a placement of a too-old worker is counted."""
    placements = demo_data.placements.head(5).copy()
    workers = demo_data.workers.copy()
    workers.loc[workers["worker_id"] == placements["worker_id"].iat[0], "age"] = 99
    broken = dataclasses.replace(demo_data, workers=workers)
    assert _labour_breaks(broken, placements)["age"] == 1


def test_history_is_mostly_served(county_data: Dataset) -> None:
    """Rules still leave room: the dispatcher fills at least half the placements (postings
    earmarked for other prefectures are closed to a single county) and most closed needs."""
    closed = (county_data.needs["status"] == "closed").sum()
    assert 1500 <= len(county_data.placements) <= 3000
    assert 0.6 * closed <= len(county_data.visits) <= closed
