"""Hard rules and edge weights of (need, expert) pairs, one block of needs at a time.

Rules, in the order the explanations list them: the expert works in the need's industry,
has at least one of the asked skills, lives within their travel radius of the village,
is available in the need's period, speaks the asked language, and has at least as many
service days as the need asks for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matching.experts.config import ExpertConfig
from matching.experts.tables import ExpertTables
from matching.scoring.text import TextAffinity

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

RULES = ("industry", "skill", "distance", "period", "language", "days")


@dataclass(frozen=True)
class PairBlock:
    """Rule outcomes and weight terms for needs `rows` × experts `cols` (dense, small)."""

    rows: IntArray
    cols: IntArray
    passes: dict[str, BoolArray]  # rule -> (len(rows), len(cols)); industry is implied
    text: FloatArray
    skill_share: FloatArray
    distance_km: FloatArray

    @property
    def allowed(self) -> BoolArray:
        allowed = np.ones((self.rows.size, self.cols.size), dtype=bool)
        for passed in self.passes.values():
            allowed &= passed
        return allowed

    def weight(self, config: ExpertConfig, travel_km: FloatArray) -> FloatArray:
        closeness = np.clip(1.0 - self.distance_km / np.maximum(travel_km, 1.0), 0.0, 1.0)
        return (
            config.text_weight * self.text
            + config.skill_weight * self.skill_share
            + config.closeness_weight * closeness
        )


@dataclass(frozen=True)
class PairContext:
    """Arrays every block needs, computed once per matching run."""

    tables: ExpertTables
    config: ExpertConfig
    need_text: sp.csr_matrix
    expert_text: sp.csr_matrix
    # The fitted vectoriser, to put past needs' descriptions in the same space.
    text_model: TextAffinity | None = None

    def block(self, rows: IntArray, cols: IntArray) -> PairBlock:
        t, config = self.tables, self.config
        asked = np.asarray(t.need_skills[rows].sum(axis=1)).ravel()
        overlap = (t.need_skills[rows] @ t.expert_skills[cols].T).toarray()
        village = t.need_village
        distance = config.distance(
            village["lat"].to_numpy(np.float64)[rows][:, None],
            village["lon"].to_numpy(np.float64)[rows][:, None],
            t.experts["lat"].to_numpy(np.float64)[cols],
            t.experts["lon"].to_numpy(np.float64)[cols],
        )
        travel = t.experts["max_travel_km"].to_numpy(np.float64)[cols]
        days = t.experts["service_days_per_quarter"].to_numpy(np.int64)[cols]
        passes = {
            "skill": overlap > 0,
            "distance": distance <= travel[None, :],
            "period": t.expert_periods[cols][:, t.need_period[rows]].T.toarray() > 0,
            "language": self._speaks(rows, cols),
            "days": days[None, :] >= t.needs["days_needed"].to_numpy(np.int64)[rows][:, None],
        }
        text = (self.need_text[rows] @ self.expert_text[cols].T).toarray()
        return PairBlock(
            rows=rows,
            cols=cols,
            passes=passes,
            text=np.asarray(text, dtype=np.float64),
            skill_share=overlap / np.maximum(asked, 1.0)[:, None],
            distance_km=np.asarray(distance, dtype=np.float64),
        )

    def _speaks(self, rows: IntArray, cols: IntArray) -> BoolArray:
        asked = self.tables.need_language[rows]
        speaks = np.ones((rows.size, cols.size), dtype=bool)
        needing = np.flatnonzero(asked >= 0)
        if needing.size:
            spoken = self.tables.expert_languages[cols][:, asked[needing]].T.toarray() > 0
            speaks[needing] = spoken
        return speaks
