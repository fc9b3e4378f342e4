"""Deep poverty first, checked on the plan: does it cover as many needs in deep-poverty
villages as any plan could?

The lead stage's values put a deep-poverty need above any other need one expert could
serve instead, but a plan is only as good as the solver's gap, and days make the rule
weaker than it reads: an expert's ten days can serve one deep-poverty need or several
shorter needs elsewhere. So the match checks its result directly: `at_most` bounds, over
every eligible pair, how many deep-poverty needs any plan of the lead stage covers
(`matching.engine.coverage.most_placed`: exact when the needs several experts contend
for are few enough for CP-SAT, else a bound), and the plan's count is compared with it.
Equal, the plan provably covers the most; below it, `at_most - covered` is how many more
at most a plan could cover (exactly that many when `exact`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.engine.coverage import most_placed
from matching.engine.problem import Problem

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class DeepPovertyCheck:
    needs: int  # open needs in deep-poverty villages
    eligible: int  # of them, with at least one eligible expert who has the days
    covered: int  # of them, with a lead expert in the plan
    at_most: int  # no plan of the lead stage covers more of them
    exact: bool = False  # some plan covers `at_most` of them (else it is only a bound)

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
            "coverable_exact": self.exact,
            "proven_most": self.proven,
        }


def check_deep_poverty(
    problem: Problem, chosen: IntArray, deep: BoolArray, seed: int = 0
) -> DeepPovertyCheck:
    """The check for the lead stage's `problem` (one demand per need, `deep` per need) and
    its plan `chosen` (edges of that problem)."""
    reachable = np.zeros(problem.n_demands, dtype=np.bool_)
    reachable[problem.edge_demand[problem.edge_fits]] = True
    covered = np.zeros(problem.n_demands, dtype=np.bool_)
    covered[problem.edge_demand[chosen]] = True
    most = most_placed(problem, deep, seed=seed)
    return DeepPovertyCheck(
        needs=int(deep.sum()),
        eligible=int((deep & reachable).sum()),
        covered=int((deep & covered).sum()),
        at_most=min(most.most, int((deep & reachable).sum())),
        exact=most.proven,
    )
