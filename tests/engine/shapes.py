"""Problems of the generalized assignment shape shared by the engine's tests."""

from __future__ import annotations

import numpy as np

from matching.engine.problem import Problem


def split_heavy_edge() -> Problem:
    """A (capacity 3) sends 3 units of load 2: the flow relaxation fills its edge at D and
    half of its edge at E (bound 5 + 2.5 + 0.5 from B = 8); only one of A's edges fits
    (optimum 6)."""
    return Problem.from_arrays(
        supplier_ids=["A", "B"],
        capacity=[3, 3],
        demand_ids=["D", "E"],
        slots=[1, 1],
        edge_supplier=[0, 0, 1],
        edge_demand=[0, 1, 1],
        weight=[5.0, 5.0, 1.0],
        load=[2, 2, 2],
    )


def lead_stage_like(seed: int, n_suppliers: int, n_demands: int, per_demand: int) -> Problem:
    """The shape of the expert match's lead stage: one slot per demand, a demand's load
    (1-3 days) the same at each of its `per_demand` candidate suppliers, 2-6 days of
    capacity, weights in [0, 1), slot values in two tiers (1 and 11)."""
    rng = np.random.default_rng(seed)
    supplier = np.concatenate(
        [rng.choice(n_suppliers, per_demand, replace=False) for _ in range(n_demands)]
    )
    demand = np.repeat(np.arange(n_demands), per_demand)
    demand_load = rng.integers(1, 4, n_demands)
    return Problem.from_arrays(
        supplier_ids=[f"S{i}" for i in range(n_suppliers)],
        capacity=rng.integers(2, 7, n_suppliers),
        demand_ids=[f"D{j}" for j in range(n_demands)],
        slots=np.ones(n_demands, dtype=np.int64),
        edge_supplier=supplier,
        edge_demand=demand,
        weight=rng.integers(0, 100, len(demand)) / 100,
        load=demand_load[demand],
        slot_values=[[float(rng.choice([1.0, 11.0]))] for _ in range(n_demands)],
    )


def counting(problem: Problem, marked: np.ndarray) -> Problem:
    """The same problem where a place at a `marked` demand is worth one and nothing else
    is worth anything: its optimum is the most places of those demands any plan fills."""
    return Problem.from_arrays(
        supplier_ids=problem.supplier_ids,
        capacity=problem.capacity,
        demand_ids=problem.demand_ids,
        slots=problem.slots,
        slot_values=[[0.0] * int(k) for k in problem.slots.tolist()],
        edge_supplier=problem.edge_supplier,
        edge_demand=problem.edge_demand,
        weight=marked[problem.edge_demand].astype(float),
        load=problem.load,
    )
