"""Expert policies measured with the hidden truth: Bangfu, today's practice, the upper bound.

`expert_plans` makes one plan per policy in `EXPERT_POLICIES` on the same data set:

- `bangfu`: the match (`matching.runs.run_expert_match`);
- `nearest`, `own_county`, `random_prefecture`: today's practice
  (`matching.experts.baselines`), under the same hard rules and service days;
- `upper_bound`: the best plan under the TRUE model — the matcher's own stages, rules,
  capacities and coverage-first tiers, with each pair's weight the true expected rating
  (rescaled onto the matcher's edge-weight range, so the tiers still dominate), solved by
  the engine with pricing over every eligible pair.

`expert_outcomes` scores a plan with the truth (`matching.synth.truth`): coverage of all
open needs and of deep-poverty needs, also as shares of the coverable needs
(`matching.evaluation.experts_setting`), the mean true rating (1–5), travel distance
and experts' day use. Churn after one decline is in `matching.evaluation.experts_churn`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from matching.data.dataset import Dataset
from matching.data.decisions import Decisions
from matching.data.reference import Reference
from matching.errors import InvalidInputError
from matching.evaluation.experts_setting import ExpertSetting, expert_setting
from matching.experts import ExpertConfig
from matching.experts.baselines import BASELINES, run_baseline
from matching.experts.match import run_stages
from matching.runs import run_expert_match
from matching.synth.truth import expected_visit_rating

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

EXPERT_POLICIES = ("bangfu", "nearest", "own_county", "random_prefecture", "upper_bound")


@dataclass(frozen=True)
class ExpertPlan:
    """One policy's plan: one row per assigned (expert, need) pair."""

    policy: str
    expert_id: tuple[str, ...]
    need_id: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.expert_id) != len(self.need_id):
            raise InvalidInputError("expert_id and need_id differ in length.", item="need_id")

    @property
    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(zip(self.expert_id, self.need_id, strict=True))


@dataclass(frozen=True)
class ExpertOutcome:
    """A plan's figures under the truth model; shares are of the needs named."""

    needs: int
    needs_covered: int
    coverage: float  # of all open needs
    coverable: int  # most needs any plan could cover at once
    coverage_of_coverable: float
    priority_needs: int  # tier ≥ 1: a deep-poverty village, township or county
    priority_covered: int
    priority_coverage: float
    priority_coverable: int
    priority_coverage_of_coverable: float
    deep_poverty_village_coverage: float
    places_filled: int
    mean_true_rating: float  # expected village rating, 1–5
    true_rating_sum: float
    mean_distance_km: float
    day_use: float  # days assigned / days the available experts offer in the planned quarters
    experts_used: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def expert_plans(
    dataset: Dataset,
    reference: Reference,
    *,
    seed: int,
    config: ExpertConfig | None = None,
    setting: ExpertSetting | None = None,
) -> dict[str, ExpertPlan]:
    """Every policy's plan on `dataset`; `seed` draws the random baseline."""
    config = config or ExpertConfig()
    setting = setting or expert_setting(dataset, reference, config)
    plans = {"bangfu": bangfu_plan(dataset, reference, config)}
    for name in BASELINES:
        plans[name] = baseline_plan(setting, name, seed=seed)
    plans["upper_bound"] = upper_bound_plan(dataset, setting)
    return {name: plans[name] for name in EXPERT_POLICIES}


def bangfu_plan(
    dataset: Dataset,
    reference: Reference,
    config: ExpertConfig,
    decisions: Decisions | None = None,
) -> ExpertPlan:
    if decisions is None:
        match = run_expert_match(dataset, reference, config)
    else:
        match = run_expert_match(dataset, reference, config, decisions=decisions)
    frame = match.assignments
    return ExpertPlan(
        "bangfu",
        tuple(frame["expert_id"].astype(str)),
        tuple(frame["need_id"].astype(str)),
    )


def baseline_plan(
    setting: ExpertSetting,
    name: str,
    *,
    seed: int,
    declined: frozenset[tuple[str, str]] = frozenset(),
) -> ExpertPlan:
    t, pairs = setting.tables, setting.pairs
    expert_ids = t.experts["expert_id"].astype(str).to_numpy()
    need_ids = t.needs["need_id"].astype(str).to_numpy()
    excluded = None
    if declined:
        keys = set(declined)
        excluded = np.array(
            [
                (e, n) in keys
                for e, n in zip(expert_ids[pairs.expert], need_ids[pairs.need], strict=True)
            ]
        )
    chosen = run_baseline(
        name, t, pairs, county_prefecture=setting.county_prefecture, seed=seed, excluded=excluded
    )
    return ExpertPlan(
        name, tuple(expert_ids[pairs.expert[chosen]]), tuple(need_ids[pairs.need[chosen]])
    )


def upper_bound_plan(
    dataset: Dataset, setting: ExpertSetting, declined: frozenset[tuple[str, str]] = frozenset()
) -> ExpertPlan:
    """The matcher's stages with true expected ratings as weights (see the module)."""
    t, config = setting.tables, setting.config
    expert_ids = t.experts["expert_id"].astype(str).to_numpy()
    need_ids = t.needs["need_id"].astype(str).to_numpy()

    def true_weights(need: IntArray, expert: IntArray) -> FloatArray:
        rating = expected_visit_rating(dataset, expert_ids[expert], need_ids[need])
        return np.asarray((rating - 1.0) / 4.0 * config.max_edge_weight, dtype=np.float64)

    run = run_stages(t, config, Decisions(declined=declined), weights=true_weights)
    need, expert = run.pool.need[run.chosen], run.pool.expert[run.chosen]
    return ExpertPlan("upper_bound", tuple(expert_ids[expert]), tuple(need_ids[need]))


def expert_outcomes(
    dataset: Dataset,
    reference: Reference,
    plan: ExpertPlan,
    *,
    setting: ExpertSetting | None = None,
) -> ExpertOutcome:
    """Score `plan` with the truth model (pass `setting` to reuse the coverable counts)."""
    setting = setting or expert_setting(dataset, reference)
    t = setting.tables
    need_pos = {n: i for i, n in enumerate(t.needs["need_id"].astype(str))}
    expert_pos = {e: i for i, e in enumerate(t.experts["expert_id"].astype(str))}
    unknown = [n for n in plan.need_id if n not in need_pos]
    if unknown:
        raise InvalidInputError(
            f"plan {plan.policy}: {unknown[0]!r} is not an open need.", item=unknown[0]
        )
    need = np.array([need_pos[n] for n in plan.need_id], dtype=np.int64)
    expert = np.array([expert_pos[e] for e in plan.expert_id], dtype=np.int64)
    covered = np.zeros(t.n_needs, dtype=bool)
    covered[need] = True
    priority = t.tier > 0
    village = t.priority_flags["deep_poverty_village"].to_numpy() == 1
    rating = expected_visit_rating(dataset, list(plan.expert_id), list(plan.need_id))
    distance = setting.config.distance(
        t.need_village["lat"].to_numpy(np.float64)[need],
        t.need_village["lon"].to_numpy(np.float64)[need],
        t.experts["lat"].to_numpy(np.float64)[expert],
        t.experts["lon"].to_numpy(np.float64)[expert],
    )
    return ExpertOutcome(
        needs=t.n_needs,
        needs_covered=int(covered.sum()),
        coverage=_share(covered.sum(), t.n_needs),
        coverable=setting.all_needs.coverable,
        coverage_of_coverable=_share(covered.sum(), setting.all_needs.coverable),
        priority_needs=int(priority.sum()),
        priority_covered=int(covered[priority].sum()),
        priority_coverage=_share(covered[priority].sum(), priority.sum()),
        priority_coverable=setting.priority_needs.coverable,
        priority_coverage_of_coverable=_share(
            covered[priority].sum(), setting.priority_needs.coverable
        ),
        deep_poverty_village_coverage=_share(covered[village].sum(), village.sum()),
        places_filled=len(plan.need_id),
        mean_true_rating=float(rating.mean()) if rating.size else float("nan"),
        true_rating_sum=float(rating.sum()),
        mean_distance_km=float(np.mean(distance)) if need.size else float("nan"),
        day_use=_day_use(setting, need, expert),
        experts_used=int(np.unique(expert).size),
    )


def _share(part: float | np.integer, whole: float | np.integer) -> float:
    return float(part) / float(whole) if whole else float("nan")


def _day_use(setting: ExpertSetting, need: IntArray, expert: IntArray) -> float:
    """Days assigned over the days offered by experts in the quarters that have open needs."""
    t = setting.tables
    del expert
    used = t.needs["days_needed"].to_numpy(np.int64)[need].sum()
    quarters = np.asarray(t.expert_periods.sum(axis=1)).ravel()
    offered = (quarters * t.experts["service_days_per_quarter"].to_numpy(np.int64)).sum()
    return _share(used, offered)
