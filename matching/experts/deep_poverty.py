"""Deep poverty first, checked on the plan: does it cover as many needs in deep-poverty
villages as any plan could?

The lead stage's values put a deep-poverty need above any other need one expert could
serve instead, but a plan is only as good as the solver's gap, and days make the rule
weaker than it reads: an expert's ten days can serve one deep-poverty need or several
shorter needs elsewhere. So the match checks its result directly: `at_most` bounds, over
every eligible pair, how many deep-poverty needs any plan of the lead stage covers
(`matching.engine.pricing.placement_bound`: the relaxation counting one per covered
deep-poverty need, with each expert's days kept whole), and the plan's count is compared
with it. Equal, the plan provably covers the most; below it, `at_most - covered` is how
many more at most a plan could cover.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.engine.pricing import placement_bound
from matching.engine.problem import Problem

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class DeepPovertyCheck:
    needs: int  # open needs in deep-poverty villages
    eligible: int  # of them, with at least one eligible expert who has the days
    covered: int  # of them, with a lead expert in the plan
    at_most: int  # no plan of the lead stage covers more of them

    @property
    def proven(self) -> bool:
        """Whether no plan could cover more deep-poverty needs than this one."""
        return self.covered >= self.at_most

    def as_dict(self) -> dict[str, int | bool]:
        return {
            "needs": self.needs,
            "eligible": self.eligible,
            "covered": self.covered,
            "coverable_at_most": self.at_most,
            "proven_most": self.proven,
        }


def check_deep_poverty(problem: Problem, chosen: IntArray, deep: BoolArray) -> DeepPovertyCheck:
    """The check for the lead stage's `problem` (one demand per need, `deep` per need) and
    its plan `chosen` (edges of that problem)."""
    fits = problem.load <= problem.capacity[problem.edge_supplier]
    reachable = np.zeros(problem.n_demands, dtype=np.bool_)
    reachable[problem.edge_demand[fits]] = True
    covered = np.zeros(problem.n_demands, dtype=np.bool_)
    covered[problem.edge_demand[chosen]] = True
    # The bound is a sum of floats: a hair above a whole number is that number.
    at_most = math.floor(placement_bound(problem, deep) + 1e-6)
    return DeepPovertyCheck(
        needs=int(deep.sum()),
        eligible=int((deep & reachable).sum()),
        covered=int((deep & covered).sum()),
        at_most=min(at_most, int((deep & reachable).sum())),
    )
