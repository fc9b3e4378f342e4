"""Seeded generators of benchmark instances for the engine.

The shapes follow the domain: many suppliers with a few candidate demands each,
demands with a handful of slots, a fifth of the demands in deep-poverty villages with
slot values that put their first supplier first, weights written with two decimals
(as scores usually are).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching import Problem


@dataclass(frozen=True)
class FlowShape:
    suppliers: int
    demands: int
    edges_per_supplier: int


def flow_arrays(shape: FlowShape, seed: int) -> dict[str, object]:
    """Arrays for `Problem.from_arrays`: unit loads, no groups (the fast path)."""
    rng = np.random.default_rng(seed)
    n_s, n_d, k = shape.suppliers, shape.demands, shape.edges_per_supplier
    base = rng.integers(0, n_d, size=n_s)
    # Distinct demands per supplier: fixed strides from a random start.
    stride = max(1, n_d // (k + 1))
    demand = (base[:, None] + stride * np.arange(k)[None, :]) % n_d
    supplier = np.repeat(np.arange(n_s), k)
    weight = np.round(rng.uniform(0, 100, size=n_s * k), 2)
    # One job per worker, and fewer positions than workers: the labour market's shape.
    capacity = np.ones(n_s, dtype=np.int64)
    slots = rng.integers(2, 2 + max(1, 8 * n_s // (n_d * 20)), size=n_d)
    deep = rng.random(n_d) < 0.2
    slot_values = [[500.0, 100.0] if d and s >= 2 else [] for d, s in zip(deep, slots, strict=True)]
    return {
        "supplier_ids": [f"S{i}" for i in range(n_s)],
        "capacity": capacity,
        "demand_ids": [f"D{i}" for i in range(n_d)],
        "slots": slots,
        "edge_supplier": supplier,
        "edge_demand": demand.ravel(),
        "weight": weight,
        "slot_values": slot_values,
    }


def general_problem(
    suppliers: int, demands: int, edges: int, seed: int, group_share: float = 0.2
) -> Problem:
    """Loads (service days) and groups of two or three: the general path's shape.

    Suppliers carry 5-15 days, each edge 1-5 days; a demand wants 1-4 suppliers; group
    members (unit loads) share their candidate demands, as fellow villagers apply together.
    """
    rng = np.random.default_rng(seed)
    per_supplier = edges // suppliers
    arrays = flow_arrays(FlowShape(suppliers, demands, per_supplier), seed)
    demand = np.asarray(arrays["edge_demand"]).reshape(suppliers, per_supplier).copy()
    load = rng.integers(1, 6, size=(suppliers, per_supplier))
    groups = _fellow_groups(rng, group_share, 3, demand)
    for group in groups.values():
        load[group] = 1
    slots = rng.integers(1, 5, size=demands)
    deep = rng.random(demands) < 0.2
    return Problem.from_arrays(
        supplier_ids=[f"S{i}" for i in range(suppliers)],
        capacity=rng.integers(5, 16, size=suppliers),
        demand_ids=[f"D{i}" for i in range(demands)],
        slots=slots,
        edge_supplier=np.repeat(np.arange(suppliers), per_supplier),
        edge_demand=demand.ravel(),
        weight=np.asarray(arrays["weight"]),
        load=load.ravel(),
        slot_values=[
            [500.0, 100.0][: int(n)] if d else [] for d, n in zip(deep, slots, strict=True)
        ],
        groups=groups,
    )


def grouped_labour_problem(workers: int, postings: int, per_worker: int, seed: int) -> Problem:
    """The labour market's shape: one job per worker, a third of them in groups of 2-6
    fellow villagers who share their candidate postings, 1-30 positions per posting."""
    rng = np.random.default_rng(seed)
    arrays = flow_arrays(FlowShape(workers, postings, per_worker), seed)
    demand = np.asarray(arrays["edge_demand"]).reshape(workers, per_worker).copy()
    groups = _fellow_groups(rng, 1 / 3, 6, demand)
    return Problem.from_arrays(
        supplier_ids=[f"W{i}" for i in range(workers)],
        capacity=np.ones(workers, dtype=np.int64),
        demand_ids=[f"P{i}" for i in range(postings)],
        slots=rng.integers(1, 31, size=postings),
        edge_supplier=np.repeat(np.arange(workers), per_worker),
        edge_demand=demand.ravel(),
        weight=np.asarray(arrays["weight"]),
        groups=groups,
    )


def _fellow_groups(
    rng: np.random.Generator, share: float, largest: int, demand: np.ndarray
) -> dict[str, list[int]]:
    """Groups of 2..largest among a `share` of the suppliers (rows of `demand`); members
    get the first member's candidate demands, changed in place, as fellow villagers apply
    together."""
    members = np.flatnonzero(rng.random(demand.shape[0]) < share)
    sizes = rng.integers(2, largest + 1, size=len(members))
    groups: dict[str, list[int]] = {}
    start = 0
    while start + 1 < len(members):
        group = members[start : start + int(sizes[start])].tolist()
        groups[f"G{len(groups)}"] = group
        demand[group] = demand[group[0]]
        start += len(group)
    return groups


def one_to_one_problem(suppliers: int, demands: int, edges_per_supplier: int, seed: int) -> Problem:
    """Every capacity, slot and load 1: an assignment problem, complete when
    `edges_per_supplier` equals `demands`; weights with two decimals, a fifth of the
    demands with a deep-poverty slot value of 500."""
    rng = np.random.default_rng(seed)
    k = edges_per_supplier
    if k >= demands:
        demand = np.tile(np.arange(demands), suppliers)
    elif suppliers * demands <= 50_000_000:
        demand = np.argsort(rng.random((suppliers, demands)), axis=1)[:, :k].ravel()
    else:  # distinct demands per supplier: fixed strides from a random start
        start = rng.integers(0, demands, size=suppliers)
        demand = ((start[:, None] + (demands // (k + 1)) * np.arange(k)) % demands).ravel()
    deep = rng.random(demands) < 0.2
    return Problem.from_arrays(
        supplier_ids=[f"S{i}" for i in range(suppliers)],
        capacity=np.ones(suppliers, dtype=np.int64),
        demand_ids=[f"D{i}" for i in range(demands)],
        slots=np.ones(demands, dtype=np.int64),
        edge_supplier=np.repeat(np.arange(suppliers), min(k, demands)),
        edge_demand=demand,
        weight=np.round(rng.uniform(0, 100, len(demand)), 2),
        slot_values=[[500.0] if d else [] for d in deep],
    )
