"""Tests of the labour matcher on small constructed markets."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.labour import LabourConfig, Workforce, compare_modes, match_labour
from matching.labour.eligible import eligible_pairs
from matching.labour.features import pair_features
from matching.labour.model import EmployerHistory, RetentionFit
from matching.labour.rules import acceptable_cities
from matching.scoring.outcome import LinearRetentionModel, calibration_report

CITIES = pd.DataFrame(
    {"city_code": ["guangzhou", "shanghai"], "lat": [23.13, 31.23], "lon": [113.26, 121.47]}
)
PAIRINGS = pd.DataFrame({"partner_city_code": ["guangzhou"], "prefecture_code": ["qiannan"]})
VILLAGES = pd.DataFrame(
    {
        "village_id": ["V0", "V1"],
        "prefecture_code": ["qiannan", "bijie"],
        "lat": [26.25, 27.3],
        "lon": [107.5, 105.3],
        "deep_poverty": [1, 0],
    }
)
WORKER = {
    "village_id": "V0", "registered_poor": 0, "age": 30, "gender": "男", "education": "初中",
    "skill_codes": "", "certificate_codes": "", "intended_industry_codes": "",
    "intended_city_codes": "", "willing_far": 1, "expected_wage_yuan": 4000, "group_id": "",
}  # fmt: skip
POSTING = {
    "partner_city_code": "guangzhou", "industry_code": "MANU", "positions": 2,
    "wage_yuan_month": 4500, "required_skill_codes": "", "required_certificate_codes": "",
    "min_age": 18, "max_age": 50, "housing": 1, "meals": 0, "earmarked_prefecture_codes": "",
}  # fmt: skip


def _force(workers: list[dict[str, Any]], postings: list[dict[str, Any]]) -> Workforce:
    return Workforce(
        workers=pd.DataFrame(
            [{**WORKER, "worker_id": f"W{i}", **w} for i, w in enumerate(workers)]
        ),
        postings=pd.DataFrame(
            [{**POSTING, "posting_id": f"P{i}", **p} for i, p in enumerate(postings)]
        ),
        villages=VILLAGES,
        cities=CITIES,
        pairings=PAIRINGS,
    )


def _model(_: Workforce) -> RetentionFit:
    return _shared_model()


@cache
def _shared_model() -> RetentionFit:
    """A small model fitted once on random pairs of a toy market with a made-up outcome."""
    force = _force([{"age": a, "willing_far": a % 2} for a in range(18, 50)], [{}, {"housing": 0}])
    rng = np.random.default_rng(0)
    worker = rng.integers(0, force.n_workers, 400)
    posting = rng.integers(0, force.n_postings, 400)
    X = pair_features(force, worker, posting)
    y = (rng.random(400) < 0.3 + 0.4 * X["housing"]).astype(int)
    model = LinearRetentionModel().fit(X, y)
    report = calibration_report(y, model.retention(X))
    no_history = EmployerHistory(pd.Series([], dtype=str), np.zeros(0, dtype=np.int64))
    return RetentionFit(model, report, no_history)


def _placed(match: Any) -> dict[str, str]:
    return dict(zip(match.assignments["worker_id"], match.assignments["posting_id"], strict=True))


def test_gender_never_reaches_the_model() -> None:
    """Pair features carry no gender column although the workers table has one."""
    force = _force([{}], [{}])
    columns = pair_features(force, np.array([0]), np.array([0])).columns
    assert not [c for c in columns if "gender" in c.lower()]


def test_groups_go_together_or_not_at_all() -> None:
    """A group of three skips a two-position posting and goes whole to the three-position one."""
    force = _force(
        [{"group_id": "G1"}] * 3 + [{}],
        [{"positions": 2, "wage_yuan_month": 9000}, {"positions": 3}],
    )
    placed = _placed(match_labour(force, _model(force)))
    assert {placed.get(f"W{i}") for i in range(3)} == {"P1"}


def test_no_workers_or_no_postings() -> None:
    """An empty market matches nobody, and both modes compare without error."""
    full = _force([{"group_id": "G1"}, {"group_id": "G1"}], [{}])
    for workers, postings in (
        (full.workers.iloc[:0], full.postings),
        (full.workers, full.postings.iloc[:0]),
    ):
        force = Workforce(workers, postings, VILLAGES, CITIES, PAIRINGS)
        match = match_labour(force, _model(force))
        assert match.assignments.empty
        assert len(match.unassigned) == force.n_workers
        assert compare_modes(match.run)["stable"]["workers_placed"] == 0


def test_posting_without_positions_is_no_candidate() -> None:
    """A posting with 0 positions is no eligible pair for anyone."""
    force = _force([{}], [{"positions": 0}, {"positions": 1}])
    _, posting = eligible_pairs(force, LabourConfig())
    assert set(posting.tolist()) == {1}


def test_earmark_and_age_rules() -> None:
    """An earmarked posting takes only its prefecture's workers; age limits hold."""
    force = _force(
        [{"village_id": "V1"}, {"age": 55}, {}],
        [{"earmarked_prefecture_codes": "qiannan", "positions": 3}],
    )
    assert _placed(match_labour(force, _model(force))) == {"W2": "P0"}


def test_refused_pairs_are_never_proposed() -> None:
    """A pair a city rejected is not proposed again; the worker goes elsewhere, and a group
    with one refused member does not go there whole."""
    workers = [{}, {"group_id": "G1"}, {"group_id": "G1"}]
    free = _force(workers, [{"positions": 3}, {"positions": 3, "housing": 0}])
    chosen = _placed(match_labour(free, _model(free)))
    assert len(set(chosen.values())) == 1  # without refusals, everyone at one posting
    first = chosen["W0"]
    other = "P1" if first == "P0" else "P0"
    refused = Workforce(
        free.workers,
        free.postings,
        VILLAGES,
        CITIES,
        PAIRINGS,
        frozenset({("W0", first), ("W2", first), ("W9", other)}),  # W9: unknown, ignored
    )
    worker, posting = eligible_pairs(refused, LabourConfig())
    pairs = {(f"W{w}", f"P{p}") for w, p in zip(worker.tolist(), posting.tolist(), strict=True)}
    assert ("W0", first) not in pairs and ("W2", first) not in pairs and ("W1", first) in pairs
    assert _placed(match_labour(refused, _model(refused))) == {
        "W0": other,
        "W1": other,
        "W2": other,
    }


def test_stable_mode_has_no_blocking_pairs() -> None:
    """Deferred acceptance leaves no blocking pair; both modes are reported side by side."""
    force = _force(
        [{"expected_wage_yuan": 3000 + 300 * i} for i in range(6)],
        [{"positions": 1, "wage_yuan_month": 4000 + 500 * j} for j in range(4)],
    )
    match = match_labour(force, _model(force))
    report = compare_modes(match.run)
    assert report["stable"]["blocking_pairs"] == 0
    assert report["optimized"]["workers_placed"] == 4


def test_unplaced_workers_carry_a_reason() -> None:
    """A worker too old for every posting is told that the age rule removed most."""
    force = _force([{"age": 58}, {}], [{"positions": 1}])
    match = match_labour(force, _model(force))
    reasons = match.unassigned.set_index("worker_id")["reason"]
    assert reasons["W0"] == "no_candidate"
    explanation = next(e for e in match.explanations if e.get("worker_id") == "W0")
    assert explanation["terms"][0]["value"]["key"] == "age"
    assigned = [e for e in match.explanations if e["kind"] == "assignment"]
    assert {(e["worker_id"], e["posting_id"]) for e in assigned} == set(_placed(match).items())


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_hard_rules_never_violated(seed: int) -> None:
    """On random markets every placement passes age, certificate, city and earmark rules."""
    rng = np.random.default_rng(seed)
    workers = [
        {
            "village_id": str(rng.choice(["V0", "V1"])),
            "age": int(rng.integers(17, 60)),
            "certificate_codes": "CERT-A" if rng.random() < 0.5 else "",
            "intended_city_codes": str(rng.choice(["", "shanghai", "guangzhou"])),
            "willing_far": int(rng.random() < 0.5),
            "group_id": str(rng.choice(["", "", "G1", "G2"])),
        }
        for _ in range(10)
    ]
    postings = [
        {
            "partner_city_code": str(rng.choice(["guangzhou", "shanghai"])),
            "positions": int(rng.integers(1, 4)),
            "required_certificate_codes": "CERT-A" if rng.random() < 0.3 else "",
            "min_age": int(rng.integers(16, 30)),
            "max_age": int(rng.integers(35, 60)),
            "earmarked_prefecture_codes": "qiannan" if rng.random() < 0.3 else "",
        }
        for _ in range(4)
    ]
    force = _force(workers, postings)
    match = match_labour(force, _model(force), LabourConfig(top_k=3))
    accept = acceptable_cities(force, LabourConfig())
    w_pos = {w: i for i, w in enumerate(force.workers["worker_id"])}
    p_pos = {p: i for i, p in enumerate(force.postings["posting_id"])}
    for worker_id, posting_id in _placed(match).items():
        w, p = force.workers.iloc[w_pos[worker_id]], force.postings.iloc[p_pos[posting_id]]
        assert p["min_age"] <= w["age"] <= p["max_age"]
        assert not p["required_certificate_codes"] or w["certificate_codes"]
        assert accept[w_pos[worker_id], force.posting_city[p_pos[posting_id]]]
        prefecture = VILLAGES.set_index("village_id").loc[w["village_id"], "prefecture_code"]
        assert p["earmarked_prefecture_codes"] in ("", prefecture)
    counts = match.assignments["posting_id"].value_counts()
    assert all(
        counts[p] <= force.postings.set_index("posting_id").loc[p, "positions"]
        for p in counts.index
    )
    for group, members in force.workers.groupby("group_id"):
        if group and len(members) >= 2:
            where = {_placed(match).get(w) for w in members["worker_id"]}
            assert len(where) == 1
