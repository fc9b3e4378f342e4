"""Turning float values into the integers that OR-Tools solvers need, without losing optimality.

The scale is a power of ten. When some power 10**p (within what the solver's
integer range allows) makes every value whole — which holds for any input written
with up to p decimals, such as 73.5 or 0.125: dividing the rounded integer by 10**p
gives back the very same float — the integer problem is the float problem
multiplied by 10**p, so its optimum is the true optimum. Otherwise the
largest power the range allows is used and every value is rounded by at most
`0.5 / scale`; the integer optimum then falls short of the true optimum by at most
`terms / scale` (half of that from its own rounding, half from the other solution's), and
the solvers report that as the remaining gap instead of claiming more than they proved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_MAX_DECIMALS = 12


@dataclass(frozen=True)
class Scaling:
    """Multiply by `factor` and round; `exact` says the rounding changed nothing."""

    factor: float
    exact: bool

    def apply(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
        return np.rint(values * self.factor).astype(np.int64)

    def error_bound(self, terms: int) -> float:
        """How much the float objective of the integer optimum can fall short of the true one."""
        return 0.0 if self.exact else terms / self.factor


def choose_scaling(values: npt.NDArray[np.float64], magnitude_limit: float) -> Scaling:
    """Smallest exact power of ten, else the largest one with |value| * factor <= limit."""
    largest = float(np.max(np.abs(values))) if values.size else 0.0
    if largest == 0.0:
        return Scaling(factor=1.0, exact=True)
    # Logarithms of each side: limit / largest overflows for tiny values such as 1e-309.
    top = math.floor(math.log10(magnitude_limit) - math.log10(largest))
    top = min(top, _MAX_DECIMALS)
    nonzero = values[values != 0.0]
    # A small sample rules out most powers cheaply; only a candidate is checked on everything.
    sample = nonzero[:: max(1, len(nonzero) // 1000)]
    for power in range(min(0, top), top + 1):
        factor = 10.0**power
        if _round_trips(sample, factor) and _round_trips(nonzero, factor):
            return Scaling(factor=factor, exact=True)
    return Scaling(factor=10.0**top, exact=False)


def _round_trips(values: npt.NDArray[np.float64], factor: float) -> bool:
    """Whether scaling and rounding loses nothing.

    The decimal literal 73.1 is stored as 73.0999999999999943..., which times 10
    rounds to 731, and 731 / 10 is that same float again: the scale loses nothing.
    A tolerance instead would round away real differences (-999999.9996 to -1e6).
    """
    return bool(np.all(np.rint(values * factor) / factor == values))
