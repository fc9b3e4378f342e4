"""Labour policies measured with the hidden truth: Bangfu, today's practice, upper bounds.

Every policy places workers of the same open market under the same hard rules,
positions and group rule; each plan is then measured with the generator's true retention
model (`matching.synth.truth`), never with the learned one:

- `bangfu`: the labour match (`matching.runs.run_labour_match`).
- `hand_dispatch`, `greedy_wage`, `first_come`: `matching.labour.baselines`.
- `upper_bound`: the most truly retained workers any plan can reach: the true
  probability of every eligible pair, maximised exactly (column generation and the
  engine's flow solver), with groups relaxed — members may go one by one and are counted
  as if their fellow villagers went along, which only raises the bound.
- `upper_bound_priority`: the same with the true probability weighted like Bangfu's
  priority (registered-poor households and deep-poverty villages).
- `observable_bound`: the best plan of a perfect model of everything but the person —
  the truth's formula and employers' hidden effects known, each worker's own hidden effect
  integrated out, groups whole. What separates it from `upper_bound` no model can learn.
- `poor_ceiling`: the most truly retained registered-poor workers any plan can keep under
  the rules with groups whole: the truth known exactly (every hidden effect), the
  registered poor weighted 21 to 1, so the plan takes a registered-poor worker over
  anyone else wherever the rules let it.

Blocking pairs use one pair set and one preference rule for every policy: the pair set
is every eligible pair; a worker prefers a posting by their own stated wishes and wage
(`city wish + industry wish + 2 × wage term`, the rule of stable mode), and being placed
to being unplaced; a posting prefers workers by the observable fit rule
(`matching.labour.rules.pre_score`). A pair blocks when the worker prefers the posting
to their placement and the posting has room or prefers the worker to one it took.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.data.dataset import Dataset
from matching.data.reference import Reference
from matching.engine.solvers import solve
from matching.evaluation.labour_truth import TruthGrid
from matching.labour.baselines import BASELINES, run_baseline
from matching.labour.config import LabourConfig
from matching.labour.eligible import eligible_blocks
from matching.labour.match import engine_pairs, groups_of, placement_problem, solve_placement
from matching.labour.model import train_retention
from matching.labour.pricing import price
from matching.labour.rules import acceptable_cities, pre_score, wage_term
from matching.labour.tables import Workforce
from matching.labour.weights import Scorer, priority
from matching.runs import run_labour_match, workforces
from matching.scoring.outcome import expected_calibration_error
from matching.synth.truth import retention_probability

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

LABOUR_POLICIES = (
    "bangfu",
    "hand_dispatch",
    "greedy_wage",
    "first_come",
    "upper_bound",
    "upper_bound_priority",
    "observable_bound",
    "poor_ceiling",
)
# The poor ceiling's weight: 1 + this for a registered-poor worker, 1 for anyone else.
# A placement is worth at most 1, so one registered-poor worker outweighs any 20 others.
POOR_FIRST_BONUS = 20.0


@dataclass(frozen=True)
class LabourPlan:
    """One row per placed worker. `bound`: for the upper bounds, the proven optimum of
    their objective over every eligible pair (truly retained, groups relaxed)."""

    policy: str
    worker_id: tuple[str, ...]
    posting_id: tuple[str, ...]
    bound: float | None = None


@dataclass(frozen=True)
class LabourOutcome:
    """A plan measured with the true retention model (expected values after 6 months)."""

    policy: str
    placed: int
    retained: float
    mean_retention: float
    poor_placed: int
    poor_retained: float
    deep_village_placed: int
    deep_village_retained: float
    groups_whole: int
    groups_split: int
    blocking_pairs: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def labour_plans(
    dataset: Dataset, reference: Reference, *, seed: int, config: LabourConfig | None = None
) -> dict[str, LabourPlan]:
    """Every policy's plan on the open market of `dataset`, random choices from `seed`."""
    config = replace(config or LabourConfig(), seed=seed)
    force, _ = workforces(dataset, reference)
    plans = {"bangfu": _bangfu(dataset, reference, config)}
    for policy in BASELINES:
        plan = run_baseline(force, config, policy, seed)
        plans[policy] = _plan(force, policy, plan.worker, plan.posting)
    plans["upper_bound"] = upper_bound(dataset, force, config, weighted=False)
    plans["upper_bound_priority"] = upper_bound(dataset, force, config, weighted=True)
    plans["observable_bound"] = observable_bound(dataset, force, config)
    plans["poor_ceiling"] = poor_ceiling(dataset, force, config)
    return plans


def _bangfu(dataset: Dataset, reference: Reference, config: LabourConfig) -> LabourPlan:
    frame = run_labour_match(dataset, reference, config).assignments
    return LabourPlan(
        "bangfu",
        tuple(frame["worker_id"].astype(str)),
        tuple(frame["posting_id"].astype(str)),
    )


def _plan(
    force: Workforce, policy: str, worker: IntArray, posting: IntArray, bound: float | None = None
) -> LabourPlan:
    return LabourPlan(
        policy,
        tuple(force.workers["worker_id"].astype(str).to_numpy()[worker]),
        tuple(force.postings["posting_id"].astype(str).to_numpy()[posting]),
        bound,
    )


def upper_bound(
    dataset: Dataset, force: Workforce, config: LabourConfig, *, weighted: bool
) -> LabourPlan:
    """The best plan under the true model over every eligible pair, groups relaxed;
    `weighted`: the true probability × Bangfu's priority weights."""
    prio = priority(force, config, np.arange(force.n_workers, dtype=np.int64))
    truth = TruthGrid(dataset, force, prio if weighted else None)
    market = price(force, config, truth, relax_groups=True)
    columns = market.columns
    problem = placement_problem(force, columns.worker, columns.posting, columns.weight)
    chosen = solve(problem, solver="flow").chosen
    worker, posting = columns.worker[chosen], columns.posting[chosen]
    sample = np.arange(0, worker.size, max(1, worker.size // 50))
    truth.check_against_truth(worker[sample], posting[sample])
    policy = "upper_bound_priority" if weighted else "upper_bound"
    # The dual value over every eligible pair: proven whether or not pricing converged.
    return _plan(force, policy, worker, posting, market.report.full_bound)


def observable_bound(dataset: Dataset, force: Workforce, config: LabourConfig) -> LabourPlan:
    """The plan of a perfect model of everything but the person: the truth's documented
    logit and every employer's hidden effect known exactly, each worker's own hidden effect
    (N(0, 0.5²), traits no data shows for a new worker) integrated out; groups kept whole.

    No learned model can expect to beat it, so it says how far the upper bound, which
    knows every worker's hidden effect, is out of any model's reach.
    """
    truth = TruthGrid(dataset, force, None, worker_effect_known=False)
    return _plan_whole_groups(force, config, truth, "observable_bound")


def poor_ceiling(dataset: Dataset, force: Workforce, config: LabourConfig) -> LabourPlan:
    """The plan that keeps the most registered-poor workers in work, knowing the truth
    exactly, groups whole: how far any priority weight could push that figure."""
    poor = force.workers["registered_poor"].to_numpy(np.float64)
    truth = TruthGrid(dataset, force, 1.0 + POOR_FIRST_BONUS * poor)
    return _plan_whole_groups(force, config, truth, "poor_ceiling")


def _plan_whole_groups(
    force: Workforce, config: LabourConfig, truth: TruthGrid, policy: str
) -> LabourPlan:
    """The engine's best plan for `truth`'s weights over every eligible pair, groups whole:
    priced like Bangfu's match and solved on the same pairs (group options with every
    member)."""
    market = price(force, config, truth, relax_groups=False)
    worker, posting = engine_pairs(market, config.engine_slack)
    problem = placement_problem(
        force, worker, posting, truth.aligned(worker, posting), groups_of(force, worker)
    )
    chosen = solve_placement(problem, config).chosen
    return _plan(force, policy, worker[chosen], posting[chosen])


def labour_outcomes(dataset: Dataset, reference: Reference, plan: LabourPlan) -> LabourOutcome:
    """`plan` measured with the true model: placed, truly retained (a worker counts as
    going with the group when a fellow villager is at the same posting), the same among
    registered-poor and deep-poverty-village workers, groups, blocking pairs."""
    force, _ = workforces(dataset, reference)
    worker, posting = _indices(force, plan)
    group = force.group_of_worker[worker]
    together = _with_fellows(group, posting)
    truth = (
        retention_probability(
            dataset, list(plan.worker_id), list(plan.posting_id), together, reference
        )
        if worker.size
        else np.zeros(0)
    )
    poor = force.workers["registered_poor"].to_numpy(np.int64)[worker] == 1
    deep = force.worker_village["deep_poverty"].to_numpy(np.int64)[worker] == 1
    whole, split = _groups(force, worker, posting)
    return LabourOutcome(
        policy=plan.policy,
        placed=int(worker.size),
        retained=float(truth.sum()),
        mean_retention=float(truth.mean()) if worker.size else 0.0,
        poor_placed=int(poor.sum()),
        poor_retained=float(truth[poor].sum()),
        deep_village_placed=int(deep.sum()),
        deep_village_retained=float(truth[deep].sum()),
        groups_whole=whole,
        groups_split=split,
        blocking_pairs=blocking_pairs(force, LabourConfig(), worker, posting),
    )


def _indices(force: Workforce, plan: LabourPlan) -> tuple[IntArray, IntArray]:
    w = pd.Index(force.workers["worker_id"].astype(str)).get_indexer(pd.Index(list(plan.worker_id)))
    p = pd.Index(force.postings["posting_id"].astype(str)).get_indexer(
        pd.Index(list(plan.posting_id))
    )
    if (w < 0).any() or (p < 0).any():
        raise ValueError(f"plan {plan.policy!r} names a worker or posting not in the market")
    return np.asarray(w, dtype=np.int64), np.asarray(p, dtype=np.int64)


def _with_fellows(group: IntArray, posting: IntArray) -> npt.NDArray[np.bool_]:
    """A grouped worker with at least one fellow villager at the same posting."""
    key = pd.Series(list(zip(group.tolist(), posting.tolist(), strict=True)))
    counts = key.map(key.value_counts()).to_numpy()
    return np.asarray((group >= 0) & (counts >= 2))


def _groups(force: Workforce, worker: IntArray, posting: IntArray) -> tuple[int, int]:
    """Groups placed whole at one posting, and groups placed in part or spread out."""
    n = len(force.group_names)
    group = force.group_of_worker[worker]
    inside = group >= 0
    sizes = np.bincount(force.group_of_worker[force.group_of_worker >= 0], minlength=n)
    placed = np.bincount(group[inside], minlength=n)
    spread = pd.Series(posting[inside]).groupby(group[inside]).nunique()
    several = np.zeros(n, dtype=bool)
    several[spread.index[spread > 1].to_numpy(np.int64)] = True
    whole = (placed == sizes) & ~several & (sizes > 0)
    return int(whole.sum()), int(((placed > 0) & ~whole).sum())


def blocking_pairs(
    force: Workforce, config: LabourConfig, worker: IntArray, posting: IntArray
) -> int:
    """Eligible pairs that block the plan under the common rule (see the module doc)."""
    n_w = force.n_workers
    assigned = np.full(n_w, -1, dtype=np.int64)
    assigned[worker] = posting
    own = np.full(n_w, -np.inf)  # unplaced: any eligible posting is better
    own[worker] = _worker_score(force, worker, posting)
    positions = force.postings["positions"].to_numpy(np.int64)
    taken = np.bincount(posting, minlength=force.n_postings)
    worst = np.full(force.n_postings, np.inf)
    if worker.size:
        fit = _aligned_fit(force, config, worker, posting)
        np.minimum.at(worst, posting, fit)
    worst[taken < positions] = -np.inf  # room left: any eligible worker is welcome
    total = 0
    accept = acceptable_cities(force, config)
    for block in eligible_blocks(force, config, accept=accept):
        if block.posts.size == 0:
            continue
        wants = _worker_score(force, block.rows[:, None], block.posts[None, :])
        better = wants > own[block.rows][:, None]
        better &= block.posts[None, :] != assigned[block.rows][:, None]
        fit = pre_score(force, config, block.rows, block.posts)
        welcome = fit > worst[block.posts][None, :]
        total += int((block.allowed & better & welcome).sum())
    return total


def _worker_score(force: Workforce, rows: npt.ArrayLike, posts: npt.ArrayLike) -> FloatArray:
    """A worker's own preference: city wish + industry wish + 2 × wage term (broadcast)."""
    r = np.asarray(rows, dtype=np.int64)
    p = np.asarray(posts, dtype=np.int64)
    city = force.city_wish[r, force.posting_city[p]]
    table, column = force.industry_wish
    col = column[p]
    industry = np.where(col >= 0, table[r, np.maximum(col, 0)], False)
    expected = force.workers["expected_wage_yuan"].to_numpy(np.float64)[r]
    wage = force.postings["wage_yuan_month"].to_numpy(np.float64)[p]
    return np.asarray(city + industry + 2.0 * wage_term(wage, expected), dtype=np.float64)


def _aligned_fit(
    force: Workforce, config: LabourConfig, worker: IntArray, posting: IntArray
) -> FloatArray:
    fit = np.empty(worker.size, dtype=np.float64)
    for start in range(0, worker.size, 2048):
        w, p = worker[start : start + 2048], posting[start : start + 2048]
        unique_p, inverse = np.unique(p, return_inverse=True)
        fit[start : start + w.size] = pre_score(force, config, w, unique_p)[
            np.arange(w.size), inverse
        ]
    return fit


@dataclass(frozen=True)
class ModelVsTruth:
    """The learned retention model against the truth."""

    auc_vs_truth_draws: float  # AUC against outcomes drawn from the true probabilities
    auc_of_truth: float  # the truth's own AUC on the same draws (the ceiling)
    ece_vs_truth: float  # calibration: predicted against true probabilities, binned
    chosen_predicted: float  # Bangfu's chosen pairs: mean predicted retention
    chosen_true: float  # ... and their mean true retention (the winner's curse)
    n_pairs: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def retention_model_vs_truth(
    dataset: Dataset,
    reference: Reference,
    plan: LabourPlan,
    *,
    seed: int,
    n_pairs: int = 20_000,
    config: LabourConfig | None = None,
) -> ModelVsTruth:
    """AUC and calibration of the learned model on random eligible open pairs against the
    truth, and predicted vs true retention on Bangfu's chosen pairs (`plan`)."""
    from sklearn.metrics import roc_auc_score

    config = replace(config or LabourConfig(), seed=seed)
    force, history = workforces(dataset, reference)
    fit = train_retention(history, dataset.placements, random_state=seed)
    scorer = Scorer(force, config, fit.model, fit.employers.rates(force))
    rng = np.random.default_rng(seed)
    worker, posting = _sample_eligible(force, config, rng, n_pairs)
    predicted = scorer.edges(worker, posting).retention
    ids_w = force.workers["worker_id"].to_numpy()
    ids_p = force.postings["posting_id"].to_numpy()
    grouped = force.group_of_worker[worker] >= 0
    true = retention_probability(dataset, ids_w[worker], ids_p[posting], grouped, reference)
    drawn = (rng.random(true.size) < true).astype(np.int64)
    chosen_w, chosen_p = _indices(force, plan)
    chosen_pred = scorer.edges(chosen_w, chosen_p).retention
    together = _with_fellows(force.group_of_worker[chosen_w], chosen_p)
    chosen_true = retention_probability(
        dataset, ids_w[chosen_w], ids_p[chosen_p], together, reference
    )
    return ModelVsTruth(
        auc_vs_truth_draws=float(roc_auc_score(drawn, predicted)),
        auc_of_truth=float(roc_auc_score(drawn, true)),
        ece_vs_truth=expected_calibration_error(true, predicted),
        chosen_predicted=float(chosen_pred.mean()) if chosen_w.size else 0.0,
        chosen_true=float(chosen_true.mean()) if chosen_w.size else 0.0,
        n_pairs=int(worker.size),
    )


def _sample_eligible(
    force: Workforce, config: LabourConfig, rng: np.random.Generator, n: int
) -> tuple[IntArray, IntArray]:
    """About `n` eligible pairs drawn uniformly (each block keeps its share)."""
    blocks = list(eligible_blocks(force, config))
    total = sum(int(b.allowed.sum()) for b in blocks)
    share = min(1.0, n / max(total, 1))
    found_w, found_p = [], []
    for block in blocks:
        i, j = np.nonzero(block.allowed & (rng.random(block.allowed.shape) < share))
        found_w.append(block.rows[i])
        found_p.append(block.posts[j])
    if not found_w:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(found_w), np.concatenate(found_p)
