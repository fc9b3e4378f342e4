"""The hidden ground truth behind every generated outcome. For evaluation only.

Placement outcomes (`retained_6m`) and visit ratings in the generated history were drawn
from the functions below, so they give the *true* expected success of any assignment,
including pairs that never happened. A learned model may be compared with them; it must
never use them as features or training targets.

Retention (worker w in posting p, still employed after six months)::

    logit P = -0.6
        + 1.0 * required_skill_fit     share of the posting's required skills w has (1 if none)
        + 0.7 * sector_experience      w has any skill of the posting's sector
        - 0.9 * certificate_missing    the posting requires a certificate w lacks
        + 0.6 * wants_sector           sector among w's intended industries (0.5 if none given)
        + 0.3 * wants_city             city among w's intended cities (0.5 if none given)
        - 0.6 * (distance_km - 1000) / 1000     home village to partner city
        - 0.7 * (1 - willing_far)
        + 2.5 * min(r, 0) + 1.2 * max(r, 0)     r = clip(log(wage / expected_wage), ±0.5)
        + 0.2 * age_c - 0.1 * age_c**2  with age_c = (age - 35) / 10
        - 0.8 * outside_age_range
        + 0.5 * housing + 0.4 * housing * clip((distance_km - 1000) / 1000, 0, 1)
        + 0.2 * meals
        + 0.6 * with_group             went with fellow villagers to the same posting
        + 0.4 * paired                 posting earmarked for, or city paired with, w's prefecture
        + 0.1 * registered_poor        (targeted follow-up support)
        + worker_effect  ~ N(0, 0.5²)  hidden, fixed per worker id and seed
        + employer_effect ~ N(0, 0.4²) hidden, fixed per employer id and seed

Why these terms (retention studies of migrant workers; the coefficients are illustrative,
set to the direction and rough order the studies report, not estimated):

- Pay against what the worker hoped for, with losses weighing more than gains: low
  earnings are the first reason migrant workers in the Pearl River Delta change jobs (Wang,
  Chen and Lu, "Decision making process of job mobility to rural-urban migrant workers:
  urban survey in the Pearl River Delta of China"), and remuneration is among the strongest
  predictors of turnover intention in a survey of 379 Guizhou migrant workers in
  manufacturing (Tang Meirun, "Turnover intention among new generation rural migrant
  workers in China: the role of job embeddedness", Universiti Utara Malaysia, 2019).
- Distance and ties at home: workers who look after elderly parents or children leave
  sooner (Wang, Chen and Lu; 谢涵、林光华、方萍萍《家庭负担对农村劳动力非农就业稳定性的
  影响》, 江苏农业科学 2020 (11), on CFPS 2014/2016: the heavier the family burden, the less
  stable the job, work location mattering too), and hometown embeddedness turns return
  intentions into actual return ("Homeward bound or urban aspirations", Human Relations,
  2025, 1,673 workers tracked). Hence the distance term, the penalty for those unwilling
  to go far, and part of the hidden worker effect (family burden is not in the data).
- Housing, more so far from home: poor living conditions push migrant workers to change
  jobs (Wang, Chen and Lu); a dormitory matters most where the worker cannot go home at
  weekends, so its value grows past 1,000 km.
- Fellow villagers and the paired city: job and community embeddedness lower turnover
  intentions (Tang 2019; H. Hoken, "Can attitudes toward job and workplace influence
  turnover intentions among migrant workers?", IDE-JETRO, 2024, a Suzhou factory survey);
  going with fellow villagers (抱团外出) and to the city whose labour-cooperation office
  follows up on Guizhou workers are the embedding a placement can offer.
- Skill fit, sector experience and the certificate: a worker who can do the job keeps it;
  a missing certificate means reassignment or dismissal.
- Age: younger workers change jobs more (Wang, Chen and Lu; Hoken), and the oldest leave
  physically heavy work, hence an inverted U that peaks at 45.
- Gender has no effect at all, on purpose: a model that learns one learns noise.

What a matcher can and cannot see: the retention model's features
(`matching.labour.features`) include most of the terms above as separate columns, but not
the asymmetry of the wage term, the housing × distance interaction, nor the hidden worker
and employer effects (an employer's past retention rate only estimates the latter). The
upper bound (`matching.evaluation`) uses the whole truth; the observable bound knows the
documented logit and every employer's effect but integrates each worker's effect out.

Placements start 2024–2025 while `age` is the worker's age in the planning year; the
truth reads `age` as is.

Visit quality (expert e serving need n), a number in (0, 1); the expected rating on the
village's 1–5 scale is ``1 + 4 * quality``::

    logit quality = -0.2
        + 1.8 * specialty_fit          share of the need's skills among e's specialties
        + 0.6 * industry_match         e has a specialty in the need's industry
        + 0.4 * speaks_asked_language  the need asks for a language and e speaks it
        - 0.8 * lacks_asked_language   the need asks for a language and e does not
        - 1.0 * max(0, distance_km / max_travel_km - 1)
        - 0.2 * distance_km / 100
        + 0.15 * (tier == 省级) + 0.05 * (tier == 市级) + 0.2 * (role == 科技副职)
        + expert_effect ~ N(0, 0.5²)   hidden, fixed per expert id and seed
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, ndtri

from matching.data.dataset import Dataset
from matching.data.reference import Reference, load_reference
from matching.errors import InvalidInputError
from matching.synth.truth_features import (
    RetentionFeatures,
    VisitFeatures,
    retention_features,
    visit_features,
)

WORKER_EFFECT_SD = 0.5
EMPLOYER_EFFECT_SD = 0.4
EXPERT_EFFECT_SD = 0.5
_SALT = {"worker": 0x5EED_0001, "employer": 0x5EED_0002, "expert": 0x5EED_0003}


def _splitmix64(values: NDArray[np.uint64]) -> NDArray[np.uint64]:
    z = values + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return np.asarray(z ^ (z >> np.uint64(31)), dtype=np.uint64)


def hidden_effect(
    ids: Sequence[str] | pd.Series | NDArray[Any], seed: int, kind: str, sd: float
) -> NDArray[np.float64]:
    """A fixed N(0, sd²) draw per id, from the id's number, the seed and the effect kind."""
    numbers = pd.Series(list(ids), dtype=str).str.slice(1).astype(np.int64).to_numpy()
    mixed = numbers.astype(np.uint64) ^ np.uint64(_SALT[kind]) ^ (np.uint64(seed) << np.uint64(32))
    with np.errstate(over="ignore"):
        hashed = _splitmix64(_splitmix64(mixed))
    uniform = ((hashed >> np.uint64(11)).astype(np.float64) + 0.5) / 2.0**53
    return np.asarray(sd * ndtri(uniform), dtype=np.float64)


def _positions(frame: pd.DataFrame, column: str, ids: ArrayLike) -> NDArray[np.int64]:
    wanted = pd.Index(np.asarray(ids, dtype=str).ravel())
    positions = pd.Index(frame[column]).get_indexer(wanted)
    if (positions < 0).any():
        unknown = wanted[int(np.flatnonzero(positions < 0)[0])]
        raise InvalidInputError(f"unknown {column} {unknown!r}", item=str(unknown))
    return np.asarray(positions, dtype=np.int64)


def wage_term(wage: NDArray[np.float64], expected: NDArray[np.float64]) -> NDArray[np.float64]:
    """Pay against the worker's hope, on a log scale clipped to ±0.5: pay below the hope
    drives people away faster than pay above it keeps them (2.5 against 1.2 per unit)."""
    ratio = np.clip(np.log(wage / expected), -0.5, 0.5)
    return np.asarray(2.5 * np.minimum(ratio, 0.0) + 1.2 * np.maximum(ratio, 0.0))


def far_beyond(distance_km: NDArray[np.float64]) -> NDArray[np.float64]:
    """How far past 1,000 km the city is, in thousands of km, at most 1 (2,000 km)."""
    return np.asarray(np.clip((distance_km - 1000.0) / 1000.0, 0.0, 1.0))


def retention_logit(features: RetentionFeatures) -> NDArray[np.float64]:
    """The documented retention logit, without the hidden effects."""
    f = features
    age_c = (f.age - 35.0) / 10.0
    return np.asarray(
        -0.6
        + 1.0 * f.required_skill_fit
        + 0.7 * f.sector_experience
        - 0.9 * f.certificate_missing
        + 0.6 * f.wants_sector
        + 0.3 * f.wants_city
        - 0.6 * (f.distance_km - 1000.0) / 1000.0
        - 0.7 * (1.0 - f.willing_far)
        + wage_term(f.wage, f.expected_wage)
        + 0.2 * age_c
        - 0.1 * age_c**2
        - 0.8 * f.outside_age_range
        + 0.5 * f.housing
        + 0.4 * f.housing * far_beyond(f.distance_km)
        + 0.2 * f.meals
        + 0.6 * f.with_group
        + 0.4 * f.paired
        + 0.1 * f.registered_poor
    )


def retention_probability(
    data: Dataset,
    worker_ids: ArrayLike,
    posting_ids: ArrayLike,
    with_group: ArrayLike = False,
    reference: Reference | None = None,
) -> NDArray[np.float64]:
    """True P(still employed after 6 months) for each (worker, posting) pair, in [0, 1].

    `worker_ids` and `posting_ids` are equally long id arrays; `with_group` (bool or
    array) says whether the worker goes with fellow villagers to the same posting.
    """
    workers = _positions(data.workers, "worker_id", worker_ids)
    postings = _positions(data.postings, "posting_id", posting_ids)
    if len(workers) != len(postings):
        raise InvalidInputError("worker_ids and posting_ids differ in length", item="posting_ids")
    group = np.broadcast_to(np.asarray(with_group, dtype=np.float64), workers.shape)
    features = retention_features(data, reference or load_reference(), workers, postings, group)
    seed = int(data.manifest.get("seed", 0))
    worker_effect = hidden_effect(
        data.workers["worker_id"].to_numpy()[workers], seed, "worker", WORKER_EFFECT_SD
    )
    employer_ids = data.postings["employer_id"].to_numpy()[postings]
    employer_effect = hidden_effect(employer_ids, seed, "employer", EMPLOYER_EFFECT_SD)
    return np.asarray(expit(retention_logit(features) + worker_effect + employer_effect))


def visit_logit(features: VisitFeatures) -> NDArray[np.float64]:
    """The documented visit-quality logit, without the hidden expert effect."""
    f = features
    return np.asarray(
        -0.2
        + 1.8 * f.specialty_fit
        + 0.6 * f.industry_match
        + 0.4 * f.speaks_asked_language
        - 0.8 * f.lacks_asked_language
        - 1.0 * np.maximum(0.0, f.distance_km / f.max_travel_km - 1.0)
        - 0.2 * f.distance_km / 100.0
        + 0.15 * f.province_tier
        + 0.05 * f.prefecture_tier
        + 0.2 * f.deputy_head
    )


def visit_quality(data: Dataset, expert_ids: ArrayLike, need_ids: ArrayLike) -> NDArray[np.float64]:
    """True expected quality in (0, 1) of each (expert, need) pair's visit."""
    experts = _positions(data.experts, "expert_id", expert_ids)
    needs = _positions(data.needs, "need_id", need_ids)
    if len(experts) != len(needs):
        raise InvalidInputError("expert_ids and need_ids differ in length", item="need_ids")
    features = visit_features(data, experts, needs)
    seed = int(data.manifest.get("seed", 0))
    effect = hidden_effect(
        data.experts["expert_id"].to_numpy()[experts], seed, "expert", EXPERT_EFFECT_SD
    )
    return np.asarray(expit(visit_logit(features) + effect))


def expected_visit_rating(
    data: Dataset, expert_ids: ArrayLike, need_ids: ArrayLike
) -> NDArray[np.float64]:
    """True expected village rating (1–5 scale) of each (expert, need) pair."""
    return 1.0 + 4.0 * visit_quality(data, expert_ids, need_ids)
