"""Baseline for `bangfu solve`: parse a problem file and call OR-Tools, nothing else."""

import sys

import numpy as np
import orjson
from ortools.graph.python import min_cost_flow

with open(sys.argv[1], "rb") as handle:
    document = orjson.loads(handle.read())
supplier = {s["id"]: i for i, s in enumerate(document["suppliers"])}
demand = {d["id"]: i for i, d in enumerate(document["demands"])}
edges = document["edges"]
n_s, n_d = len(supplier), len(demand)
tails = np.fromiter((supplier[e["supplier"]] for e in edges), np.int32, len(edges))
heads = np.fromiter((demand[e["demand"]] for e in edges), np.int32, len(edges)) + n_s
costs = -np.rint(np.fromiter((e["weight"] for e in edges), float, len(edges)) * 100)
capacity = np.fromiter((s["capacity"] for s in document["suppliers"]), np.int64, n_s)
slots = np.fromiter((d["slots"] for d in document["demands"]), np.int64, n_d)
source, sink, total = n_s + n_d, n_s + n_d + 1, int(capacity.sum())
flow = min_cost_flow.SimpleMinCostFlow()
flow.add_arcs_with_capacity_and_unit_cost(
    np.concatenate((np.full(n_s, source), tails, n_s + np.arange(n_d), [source])).astype(np.int32),
    np.concatenate((np.arange(n_s), heads, np.full(n_d, sink), [sink])).astype(np.int32),
    np.concatenate((capacity, np.ones(len(edges), np.int64), slots, [total])),
    np.concatenate((np.zeros(n_s), costs, np.zeros(n_d), [0])).astype(np.int64),
)
supplies = np.zeros(n_s + n_d + 2, np.int64)
supplies[source], supplies[sink] = total, -total
flow.set_nodes_supplies(np.arange(n_s + n_d + 2, dtype=np.int32), supplies)
assert flow.solve() == flow.OPTIMAL
print(flow.optimal_cost())
