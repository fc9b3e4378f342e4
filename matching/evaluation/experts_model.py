"""The expert match's rating model against the hidden truth.

Three views: the held-out report on past visits (error and calibration of the model, of a
constant and of the content edge weight, against the villages' noisy ratings); the
model's prediction against the TRUE expected rating on the pairs Bangfu chose (the
winner's curse: chosen pairs were chosen because their prediction was high); and how
well predictions rank each need's eligible experts by true rating.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from matching.data.dataset import Dataset
from matching.evaluation.experts import ExpertPlan
from matching.evaluation.experts_setting import ExpertSetting
from matching.experts.match import pair_context
from matching.experts.rating import train_rating
from matching.experts.rating_features import content_terms, expert_side, pair_features
from matching.synth.truth import expected_visit_rating

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RatingVsTruth:
    """Held-out figures on visits, and predicted against true rating on chosen pairs."""

    visits: int
    holdout_rmse: float
    holdout_rmse_constant: float
    holdout_rmse_content_weight: float
    holdout_calibration_error: float
    holdout_calibration_error_content_weight: float
    chosen_pairs: int
    chosen_mean_predicted: float
    chosen_mean_true: float
    chosen_rmse_to_true: float
    chosen_correlation_with_true: float

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


def rating_model_vs_truth(
    dataset: Dataset, setting: ExpertSetting, plan: ExpertPlan
) -> RatingVsTruth | None:
    """The model as the match trains it, measured with the truth; None without history."""
    tables, config = setting.tables, setting.config
    context = pair_context(tables, config)
    fit = train_rating(tables, context)
    if fit is None:
        return None
    need_pos = {n: i for i, n in enumerate(tables.needs["need_id"].astype(str))}
    expert_pos = {e: i for i, e in enumerate(tables.experts["expert_id"].astype(str))}
    need = np.array([need_pos[n] for n in plan.need_id], dtype=np.int64)
    expert = np.array([expert_pos[e] for e in plan.expert_id], dtype=np.int64)
    terms = content_terms(tables, context.need_text, context.expert_text, need, expert, config)
    side = expert_side(tables)
    predicted = fit.model.predict(pair_features(tables, side, need, expert, terms))
    true = expected_visit_rating(dataset, list(plan.expert_id), list(plan.need_id))
    report = fit.report
    return RatingVsTruth(
        visits=fit.visits,
        holdout_rmse=report.rmse,
        holdout_rmse_constant=report.rmse_constant,
        holdout_rmse_content_weight=report.rmse_reference,
        holdout_calibration_error=report.calibration_error,
        holdout_calibration_error_content_weight=report.calibration_error_reference,
        chosen_pairs=int(need.size),
        chosen_mean_predicted=_mean(predicted),
        chosen_mean_true=_mean(true),
        chosen_rmse_to_true=float(np.sqrt(np.mean((predicted - true) ** 2))) if need.size else 0.0,
        chosen_correlation_with_true=_correlation(predicted, true),
    )


def _mean(values: FloatArray) -> float:
    return float(values.mean()) if values.size else float("nan")


def _correlation(left: FloatArray, right: FloatArray) -> float:
    if left.size < 2 or np.std(left) == 0 or np.std(right) == 0:
        return float("nan")
    return float(np.corrcoef(left, right)[0, 1])
