"""Hypothesis strategies for small random problems in the `bangfu.assignment/1` format."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# Quarter units are exact in binary, so every sum of them is exact too.
QUARTERS = st.integers(-20, 40).map(lambda k: k / 4)
NONNEGATIVE_QUARTERS = st.integers(0, 40).map(lambda k: k / 4)
# Arbitrary floats, and quarters nudged by a few millionths, so that edge sets whose
# values nearly tie differ by less than a coarse rounding would notice.
FLOATS = st.one_of(
    st.floats(-5.0, 10.0, allow_nan=False, allow_infinity=False),
    st.tuples(QUARTERS, st.floats(-1e-5, 1e-5)).map(sum),
)
NONNEGATIVE_FLOATS = st.one_of(
    st.floats(0.0, 10.0, allow_nan=False, allow_infinity=False),
    st.tuples(NONNEGATIVE_QUARTERS, st.floats(0.0, 1e-5)).map(sum),
)
COUNTS = st.sampled_from([0, 1, 1, 2, 2, 3])


@st.composite
def documents(
    draw: st.DrawFn, *, decimal: bool = True, flow_shape: bool | None = None
) -> dict[str, Any]:
    """A problem with at most 4 suppliers, 3 demands and 8 edges.

    `flow_shape` True gives unit loads and no groups (the flow applies); False or
    None (random) allows loads and groups.
    """
    value = QUARTERS if decimal else FLOATS
    nonnegative = NONNEGATIVE_QUARTERS if decimal else NONNEGATIVE_FLOATS
    flow = draw(st.booleans()) if flow_shape is None else flow_shape
    suppliers = [{"id": f"S{i}", "capacity": draw(COUNTS)} for i in range(draw(st.integers(1, 4)))]
    demands = [_demand(draw, f"D{j}", nonnegative) for j in range(draw(st.integers(1, 3)))]
    pairs = [(s["id"], d["id"]) for s in suppliers for d in demands]
    order = draw(st.permutations(pairs))
    picked = order[: draw(st.sampled_from(range(min(8, len(pairs)) + 1)))]
    edges = [_edge(draw, s, d, value, unit=flow) for s, d in picked]
    document: dict[str, Any] = {
        "format": "bangfu.assignment/1",
        "suppliers": suppliers,
        "demands": demands,
        "edges": edges,
    }
    if not flow and suppliers:
        groups = _groups(draw, [s["id"] for s in suppliers])
        if groups:
            document["groups"] = groups
            edges += _group_edges(draw, groups, demands, edges, value)
    for section, most in (("fixed", 2), ("previous", 4)):
        if edges and draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(edges), unique_by=_pair, max_size=most))
            if chosen:
                document[section] = [
                    {"supplier": e["supplier"], "demand": e["demand"]} for e in chosen
                ]
    if draw(st.booleans()):
        document["stability_bonus"] = draw(nonnegative)
    return document


def _pair(edge: dict[str, Any]) -> tuple[str, str]:
    return edge["supplier"], edge["demand"]


def _demand(draw: st.DrawFn, did: str, nonnegative: st.SearchStrategy[float]) -> dict[str, Any]:
    slots = draw(COUNTS)
    demand: dict[str, Any] = {"id": did, "slots": slots}
    values = draw(st.lists(nonnegative, max_size=slots))
    if values or draw(st.booleans()):
        demand["slot_values"] = sorted(values, reverse=True)
    return demand


def _edge(
    draw: st.DrawFn, supplier: str, demand: str, value: st.SearchStrategy[float], *, unit: bool
) -> dict[str, Any]:
    edge: dict[str, Any] = {"supplier": supplier, "demand": demand, "weight": draw(value)}
    load = 1 if unit else draw(st.sampled_from([1, 1, 2, 3]))
    if load != 1 or draw(st.booleans()):
        edge["load"] = load
    return edge


def _group_edges(
    draw: st.DrawFn,
    groups: list[dict[str, Any]],
    demands: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    value: st.SearchStrategy[float],
) -> list[dict[str, Any]]:
    """Often give a group's members edges to one shared demand, so it can be placed."""
    if not demands or not draw(st.booleans()):
        return []
    group = draw(st.sampled_from(groups))
    demand = draw(st.sampled_from(demands))["id"]
    have = {(e["supplier"], e["demand"]) for e in edges}
    missing = [m for m in group["members"] if (m, demand) not in have]
    if len(edges) + len(missing) > 8:
        return []
    return [_edge(draw, m, demand, value, unit=False) for m in missing]


def _groups(draw: st.DrawFn, suppliers: list[str]) -> list[dict[str, Any]]:
    """Disjoint groups: each supplier joins group 0, group 1 or none."""
    labels = draw(
        st.lists(st.sampled_from([None, 0, 1]), min_size=len(suppliers), max_size=len(suppliers))
    )
    groups = []
    for g in (0, 1):
        members = [s for s, label in zip(suppliers, labels, strict=True) if label == g]
        if members:
            groups.append({"id": f"G{g}", "members": members})
    return groups


# Loads and capacities for the relaxation's shape: capacities often hold one heavy edge
# but not two, so the relaxation fills edges only in part.
DEMAND_LOADS = st.sampled_from([1, 1, 2, 3])
HEAVY_LOADS = st.sampled_from([2, 3])
CAPACITIES = st.sampled_from([0, 1, 2, 2, 3, 3, 4, 5])


@st.composite
def relaxable_documents(
    draw: st.DrawFn, *, decimal: bool = True, heavy: bool = False
) -> dict[str, Any]:
    """A problem of at most 4 suppliers, 3 demands and 10 edges that `decompose` accepts.

    Every edge at a demand has the demand's load; demands that group members have edges
    to take load 1, so group members' edges all have load 1. `heavy` gives every other
    demand load 2 or 3, where the relaxation is most often fractional.
    """
    loads = HEAVY_LOADS if heavy else DEMAND_LOADS
    value = QUARTERS if decimal else FLOATS
    nonnegative = NONNEGATIVE_QUARTERS if decimal else NONNEGATIVE_FLOATS
    suppliers: list[dict[str, Any]] = [
        {"id": f"S{i}", "capacity": draw(CAPACITIES)} for i in range(draw(st.integers(2, 4)))
    ]
    demands = [_demand(draw, f"D{j}", nonnegative) for j in range(draw(st.integers(1, 3)))]
    with_groups: bool = draw(st.booleans())
    groups = _groups(draw, [s["id"] for s in suppliers]) if with_groups else []
    pairs = [(s["id"], d["id"]) for s in suppliers for d in demands]
    order = draw(st.permutations(pairs))
    picked = order[: draw(st.integers(min(2, len(pairs)), min(8, len(pairs))))]
    share: bool = draw(st.booleans())
    if groups and share:
        # Give one group edges to one shared demand, so that it can be placed.
        group = draw(st.sampled_from(groups))
        shared = draw(st.sampled_from(demands))["id"]
        picked += [(m, shared) for m in group["members"] if (m, shared) not in picked]
    picked = picked[:10]
    grouped = {m for group in groups for m in group["members"]}
    unit_demands = {d for s, d in picked if s in grouped}
    load_of = {d["id"]: 1 if d["id"] in unit_demands else draw(loads) for d in demands}
    edges = []
    for s, d in picked:
        edge: dict[str, Any] = {"supplier": s, "demand": d, "weight": draw(value)}
        if load_of[d] != 1 or draw(st.booleans()):
            edge["load"] = load_of[d]
        edges.append(edge)
    document: dict[str, Any] = {
        "format": "bangfu.assignment/1",
        "suppliers": suppliers,
        "demands": demands,
        "edges": edges,
    }
    if groups:
        document["groups"] = groups
    for section, most in (("fixed", 2), ("previous", 4)):
        listed: bool = draw(st.booleans())
        if edges and listed:
            chosen = draw(st.lists(st.sampled_from(edges), unique_by=_pair, max_size=most))
            if chosen:
                document[section] = [
                    {"supplier": e["supplier"], "demand": e["demand"]} for e in chosen
                ]
    if draw(st.booleans()):
        document["stability_bonus"] = draw(nonnegative)
    return document
