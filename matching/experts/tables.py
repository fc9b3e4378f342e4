"""The expert matcher's input: data frames in, aligned arrays and code matrices out."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from matching.data.tables import codes_matrix, require_columns, split_codes, vocabulary
from matching.errors import InvalidInputError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

EXPERT_COLUMNS = (
    "expert_id", "lat", "lon", "industry_codes", "specialty_codes", "language_codes",
    "service_days_per_quarter", "max_travel_km", "available_periods", "profile_zh",
)  # fmt: skip
NEED_COLUMNS = (
    "need_id", "village_id", "period", "industry_code", "skill_codes", "language_code",
    "days_needed", "experts_wanted", "urgency", "description_zh",
)  # fmt: skip
VILLAGE_COLUMNS = (
    "village_id", "county_code", "lat", "lon", "deep_poverty", "extremely_poor_township",
)  # fmt: skip
PRIORITY_FLAGS = ("deep_poverty_village", "extremely_poor_township", "key_county")
# A deep-poverty village outranks every other need: its weight (3) exceeds the other two
# flags together, so deep-poverty villages come first, then key counties (and the
# extremely poor townships inside them).
PRIORITY_WEIGHTS = (3, 1, 1)
MAX_TIER = sum(PRIORITY_WEIGHTS)


@dataclass(frozen=True)
class ExpertTables:
    """Open needs, experts and villages (frames as the data set stores them), plus counties.

    Frames are copied on construction, never modified; everything else is derived.
    """

    experts: pd.DataFrame
    needs: pd.DataFrame
    villages: pd.DataFrame
    # The national key counties for rural revitalisation (国家乡村振兴重点帮扶县, from 2021).
    key_counties: frozenset[str] = field(default_factory=frozenset)
    # Past visits (expert_id, need_id, village_id, rating) and the closed needs they served:
    # the history the rating model learns from. None: no history (content scores only).
    visits: pd.DataFrame | None = None
    past_needs: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        require_columns(self.experts, EXPERT_COLUMNS, "experts")
        require_columns(self.needs, NEED_COLUMNS, "needs")
        require_columns(self.villages, VILLAGE_COLUMNS, "villages")
        object.__setattr__(self, "experts", self.experts.reset_index(drop=True).copy())
        object.__setattr__(self, "needs", self.needs.reset_index(drop=True).copy())
        unknown = ~self.needs["village_id"].isin(self.villages["village_id"])
        if unknown.any():
            row = int(np.flatnonzero(unknown.to_numpy())[0])
            raise InvalidInputError(
                f"needs row {row}: unknown village_id {self.needs['village_id'][row]!r}.",
                item=f"needs.village_id[{row}]",
            )

    @property
    def n_experts(self) -> int:
        return len(self.experts)

    @property
    def n_needs(self) -> int:
        return len(self.needs)

    @cached_property
    def need_village(self) -> pd.DataFrame:
        """The village row of every need, aligned with `needs`."""
        village = self.villages.set_index("village_id").loc[self.needs["village_id"]]
        return village.reset_index()

    @cached_property
    def priority_flags(self) -> pd.DataFrame:
        """Per need: deep-poverty village, extremely poor township, key county."""
        village = self.need_village
        county = village["county_code"].isin(self.key_counties)
        return pd.DataFrame(
            {
                "deep_poverty_village": village["deep_poverty"].astype(int).to_numpy(),
                "extremely_poor_township": village["extremely_poor_township"]
                .astype(int)
                .to_numpy(),
                "key_county": county.astype(int).to_numpy(),
            }
        )

    @cached_property
    def tier(self) -> IntArray:
        """Priority tier 0–5: 3 × deep-poverty village + extremely poor township + key
        county, so any deep-poverty village (tier ≥ 3) comes before any other need (≤ 2)."""
        flags = self.priority_flags.to_numpy()
        return np.asarray(flags @ np.array(PRIORITY_WEIGHTS), dtype=np.int64)

    @cached_property
    def periods(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(sorted(set(self.needs["period"].astype(str))))}

    @cached_property
    def need_period(self) -> IntArray:
        return np.asarray(self.needs["period"].astype(str).map(self.periods), dtype=np.int64)

    @cached_property
    def expert_periods(self) -> sp.csr_matrix:
        return codes_matrix(self.experts["available_periods"], self.periods, dtype=np.float32)

    @cached_property
    def skill_index(self) -> dict[str, int]:
        return vocabulary([self.experts["specialty_codes"], self.needs["skill_codes"]])

    @cached_property
    def need_skills(self) -> sp.csr_matrix:
        return codes_matrix(self.needs["skill_codes"], self.skill_index, dtype=np.float32)

    @cached_property
    def expert_skills(self) -> sp.csr_matrix:
        return codes_matrix(self.experts["specialty_codes"], self.skill_index, dtype=np.float32)

    @cached_property
    def language_index(self) -> dict[str, int]:
        return vocabulary([self.experts["language_codes"], self.needs["language_code"]])

    @cached_property
    def expert_languages(self) -> sp.csr_matrix:
        return codes_matrix(self.experts["language_codes"], self.language_index, dtype=np.float32)

    @cached_property
    def need_language(self) -> IntArray:
        """Column of the asked language in `expert_languages`, or -1 when none is asked."""
        codes = [split_codes(c) for c in self.needs["language_code"]]
        return np.array([self.language_index[c[0]] if c else -1 for c in codes], dtype=np.int64)

    @cached_property
    def experts_in_industry(self) -> dict[str, IntArray]:
        """Industry code -> indices of experts with a specialty in it."""
        members: dict[str, list[int]] = {}
        for row, cell in enumerate(self.experts["industry_codes"]):
            for code in split_codes(cell):
                members.setdefault(code, []).append(row)
        return {code: np.array(rows, dtype=np.int64) for code, rows in members.items()}
