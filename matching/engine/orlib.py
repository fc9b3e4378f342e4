"""OR-Library's generalized assignment files (Beasley), as `Problem`s.

GAP: every job goes to exactly one agent; agent i has capacity b_i; job j at agent i
uses a_ij of it and costs (or, in gap1-gap12, gains) c_ij. File format: the number of
problems; then per problem m and n, the m × n costs, the m × n resource uses and the m
capacities, whitespace-separated. A problem becomes a `bangfu.assignment/1` problem with
agents as suppliers, jobs as demands of one slot whose slot value is large enough that
every plan placing all jobs beats every plan that does not, and edges weighing minus the
cost (or the profit) with the resource use as load. Used by the benchmark
(`benchmarks/gap.py`) and the tests; the files are in `data/benchmarks/gap/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from matching.engine.problem import Problem

IntMatrix = npt.NDArray[np.int64]


@dataclass(frozen=True)
class GapInstance:
    """One instance: costs (or profits) and resource use per agent and job, capacities."""

    name: str
    cost: IntMatrix  # m × n
    resource: IntMatrix  # m × n
    capacity: IntMatrix  # m
    maximize: bool
    best_known: int
    lower_bound: int | None  # for a minimization whose optimum is not proven

    @property
    def agents(self) -> int:
        return int(self.cost.shape[0])

    @property
    def jobs(self) -> int:
        return int(self.cost.shape[1])

    @property
    def slot_value(self) -> int:
        """Larger than any difference in cost two full plans can have, so that placing
        every job always comes first."""
        return 2 * int(np.abs(self.cost).max(axis=0).sum()) + 1

    def problem(self) -> Problem:
        m, n = self.agents, self.jobs
        sign = 1 if self.maximize else -1
        return Problem.from_arrays(
            supplier_ids=[f"A{i + 1}" for i in range(m)],
            capacity=self.capacity,
            demand_ids=[f"J{j + 1}" for j in range(n)],
            slots=np.ones(n, dtype=np.int64),
            slot_values=[[float(self.slot_value)]] * n,
            edge_supplier=np.repeat(np.arange(m), n),
            edge_demand=np.tile(np.arange(n), m),
            weight=(sign * self.cost).ravel().astype(np.float64),
            load=self.resource.ravel(),
        )

    def cost_of(self, objective: float) -> float:
        """The instance's cost (or profit) of a plan placing every job, from its objective."""
        edges = objective - self.jobs * self.slot_value
        return edges if self.maximize else -edges

    def places_all(self, objective: float) -> bool:
        """Whether a plan of this objective places every job: such a plan is worth at least
        n × slot value − Σ_j max_i |c_ij|, one placing fewer at most 1 less than that."""
        spread = int(np.abs(self.cost).max(axis=0).sum())
        return bool(objective > self.jobs * self.slot_value - spread - 0.5)


def read_file(path: Path) -> list[tuple[IntMatrix, IntMatrix, IntMatrix]]:
    """The problems of an OR-Library GAP file: (cost, resource, capacity) each."""
    numbers = np.asarray(path.read_text().split(), dtype=np.int64)
    count, at = int(numbers[0]), 1
    problems = []
    for _ in range(count):
        m, n = int(numbers[at]), int(numbers[at + 1])
        at += 2
        cost = numbers[at : at + m * n].reshape(m, n)
        at += m * n
        resource = numbers[at : at + m * n].reshape(m, n)
        at += m * n
        capacity = numbers[at : at + m]
        at += m
        problems.append((cost, resource, capacity))
    if at != len(numbers):
        raise ValueError(f"{path}: {len(numbers) - at} numbers left after {count} problems")
    return problems


@cache
def published(directory: Path) -> dict[str, tuple[str, int, str, int, int | None]]:
    """name -> (file, problem in file, sense, best known, lower bound), from the table in
    the folder's README.md (`| name | file | problem | m × n | min/max | value ... |`)."""
    rows = {}
    pattern = re.compile(
        r"^\| (\S+) \| (\S+\.txt) \| (\d+) \| \d+ × \d+ \| (min|max) \| "
        r"(\d+)(?:.*lower bound (\d+))?"
    )
    for line in (directory / "README.md").read_text(encoding="utf-8").splitlines():
        match = pattern.match(line)
        if match:
            name, file, index, sense, best, lower = match.groups()
            rows[name] = (file, int(index), sense, int(best), int(lower) if lower else None)
    return rows


def load(directory: Path, name: str) -> GapInstance:
    """The named instance of the folder's README table, with its published values."""
    file, index, sense, best, lower = published(directory)[name]
    cost, resource, capacity = read_file(directory / file)[index - 1]
    return GapInstance(
        name=name,
        cost=cost,
        resource=resource,
        capacity=capacity,
        maximize=sense == "max",
        best_known=best,
        lower_bound=lower,
    )
