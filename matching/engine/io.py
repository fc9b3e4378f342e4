"""Reading `bangfu.assignment/1` problems and writing `bangfu.solution/1` solutions (JSON, UTF-8).

The reader turns the JSON into arrays in a few passes over plain lists (the
problem files hold up to millions of edges) and leaves the checks of values to
`Problem.from_arrays`; it checks what only the file can get wrong — the shape of
each item, unknown fields, unknown ids — and names the item in every error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from matching.engine.problem import Problem
from matching.engine.result import Result
from matching.errors import InvalidInputError

PROBLEM_FORMAT = "bangfu.assignment/1"
SOLUTION_FORMAT = "bangfu.solution/1"

_TOP_KEYS = {
    "format",
    "suppliers",
    "demands",
    "edges",
    "groups",
    "fixed",
    "previous",
    "stability_bonus",
}
_SUPPLIER_KEYS = {"id", "capacity"}
_DEMAND_KEYS = {"id", "slots", "slot_values"}
_EDGE_KEYS = {"supplier", "demand", "weight", "load"}
_PAIR_KEYS = {"supplier", "demand"}
_GROUP_KEYS = {"id", "members"}


def parse_problem(text: bytes | str) -> Problem:
    """Parse a problem document; raise InvalidInputError naming the item on any error."""
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise InvalidInputError(f"not valid JSON: {error}", item="document") from error
    if not isinstance(document, dict):
        raise InvalidInputError("the document must be a JSON object", item="document")
    return problem_from_document(document)


def problem_from_document(document: Mapping[str, Any]) -> Problem:
    _check_keys(document, _TOP_KEYS, "the document")
    if document.get("format") != PROBLEM_FORMAT:
        raise InvalidInputError(
            f"format must be {PROBLEM_FORMAT!r}, got {document.get('format')!r}", item="format"
        )
    suppliers = _objects(document, "suppliers", _SUPPLIER_KEYS, required=True)
    demands = _objects(document, "demands", _DEMAND_KEYS, required=True)
    edges = _objects(document, "edges", _EDGE_KEYS, required=True)
    supplier_ids = _strings(suppliers, "suppliers", "id")
    demand_ids = _strings(demands, "demands", "id")
    supplier_index = _index(supplier_ids, "supplier")
    demand_index = _index(demand_ids, "demand")
    tails = _lookup(edges, "edges", "supplier", supplier_index)
    heads = _lookup(edges, "edges", "demand", demand_index)
    edge_keys = tails * max(len(demand_ids), 1) + heads
    return Problem.from_arrays(
        supplier_ids=supplier_ids,
        capacity=_numbers(suppliers, "suppliers", "capacity"),
        demand_ids=demand_ids,
        slots=_numbers(demands, "demands", "slots"),
        edge_supplier=tails,
        edge_demand=heads,
        weight=_numbers(edges, "edges", "weight"),
        load=_numbers(edges, "edges", "load", default=1),
        slot_values=_slot_values(demands),
        groups=_groups(document, supplier_index),
        fixed=_pairs(document, "fixed", supplier_index, demand_index, edge_keys),
        previous=_pairs(document, "previous", supplier_index, demand_index, edge_keys),
        stability_bonus=_bonus(document),
    )


def _check_keys(item: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise InvalidInputError(f"{where}: unknown field {unknown[0]!r}", item=where)


def _objects(
    document: Mapping[str, Any], section: str, allowed: set[str], *, required: bool = False
) -> list[dict[str, Any]]:
    if section not in document:
        if required:
            raise InvalidInputError(f"missing field {section!r}", item=section)
        return []
    items = document[section]
    if not isinstance(items, list):
        raise InvalidInputError(f"{section} must be a list", item=section)
    # Checks at C speed over all items first; the slow search only runs to name a culprit.
    if not set(map(type, items)) <= {dict} or not set(chain.from_iterable(items)) <= allowed:
        for position, item in enumerate(items):
            if type(item) is not dict:
                raise InvalidInputError(
                    f"{section}[{position}] must be an object", item=f"{section}[{position}]"
                )
            _check_keys(item, allowed, f"{section}[{position}]")
    return items


def _strings(items: list[dict[str, Any]], section: str, key: str) -> list[str]:
    values = [item.get(key) for item in items]
    for position, value in enumerate(values):
        if type(value) is not str:
            raise InvalidInputError(
                f"{section}[{position}]: {key} must be a string, got {value!r}",
                item=f"{section}[{position}]",
            )
    return values  # type: ignore[return-value]


def _index(ids: list[str], kind: str) -> dict[str, int]:
    index = {item: position for position, item in enumerate(ids)}
    if len(index) != len(ids):
        seen: set[str] = set()
        duplicate = next(item for item in ids if item in seen or seen.add(item))  # type: ignore[func-returns-value]
        raise InvalidInputError(f"duplicate {kind} id {duplicate!r}", item=duplicate)
    return index


def _lookup(
    items: list[dict[str, Any]], section: str, key: str, index: dict[str, int]
) -> npt.NDArray[np.int64]:
    try:
        positions = map(index.__getitem__, map(itemgetter(key), items))
        return np.fromiter(positions, np.int64, len(items))
    except (KeyError, TypeError):
        pass
    for position, item in enumerate(items):
        if key not in item:
            raise InvalidInputError(
                f"{section}[{position}]: missing {key}", item=f"{section}[{position}]"
            )
        if type(item[key]) is not str or item[key] not in index:
            raise InvalidInputError(
                f"{section}[{position}]: unknown {key} {item[key]!r}", item=f"{section}[{position}]"
            )
    raise AssertionError("unreachable: every lookup succeeded the second time")


def _numbers(
    items: list[dict[str, Any]], section: str, key: str, default: float | None = None
) -> npt.NDArray[np.float64]:
    try:
        values = list(map(itemgetter(key), items))
    except KeyError:
        values = [item.get(key, default) for item in items]
    number_types = (int, float)
    if not set(map(type, values)) <= set(number_types):
        for position, value in enumerate(values):
            if type(value) not in number_types:
                what = "missing" if value is None else f"must be a number, got {value!r}"
                label = _label(items[position], section, position)
                raise InvalidInputError(f"{label}: {key} {what}", item=label)
    return np.asarray(values, dtype=np.float64)


def _label(item: Mapping[str, Any], section: str, position: int) -> str:
    if "id" in item:
        return f"{section}[{position}] ({item['id']})"
    if "supplier" in item and "demand" in item:
        return f"{section}[{position}] ({item['supplier']}, {item['demand']})"
    return f"{section}[{position}]"


def _slot_values(demands: list[dict[str, Any]]) -> list[Sequence[float]] | None:
    if not any("slot_values" in demand for demand in demands):
        return None
    result: list[Sequence[float]] = []
    for position, demand in enumerate(demands):
        values = demand.get("slot_values", [])
        if not isinstance(values, list):
            label = _label(demand, "demands", position)
            raise InvalidInputError(f"{label}: slot_values must be a list", item=label)
        result.append(values)
    return result


def _groups(document: Mapping[str, Any], supplier_index: dict[str, int]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for position, group in enumerate(_objects(document, "groups", _GROUP_KEYS)):
        label = _label(group, "groups", position)
        gid, members = group.get("id"), group.get("members")
        if type(gid) is not str or not isinstance(members, list):
            raise InvalidInputError(f"{label}: needs a string id and a list of members", item=label)
        if gid in groups:
            raise InvalidInputError(f"duplicate group id {gid!r}", item=gid)
        unknown = [m for m in members if type(m) is not str or m not in supplier_index]
        if unknown:
            raise InvalidInputError(f"group {gid!r}: unknown member {unknown[0]!r}", item=gid)
        groups[gid] = [supplier_index[m] for m in members]
    return groups


def _pairs(
    document: Mapping[str, Any],
    section: str,
    supplier_index: dict[str, int],
    demand_index: dict[str, int],
    edge_keys: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64] | None:
    """Edge indices of the (supplier, demand) pairs listed under `fixed` or `previous`."""
    items = _objects(document, section, _PAIR_KEYS)
    if not items:
        return None
    order = np.argsort(edge_keys, kind="stable")
    sorted_keys = edge_keys[order]
    result = np.empty(len(items), dtype=np.int64)
    n_demands = max(len(demand_index), 1)
    for position, item in enumerate(items):
        supplier, demand = item.get("supplier"), item.get("demand")
        s = supplier_index.get(supplier) if type(supplier) is str else None
        d = demand_index.get(demand) if type(demand) is str else None
        found = -1
        if s is not None and d is not None:
            at = int(np.searchsorted(sorted_keys, s * n_demands + d))
            found = (
                int(order[at])
                if at < len(sorted_keys) and sorted_keys[at] == s * n_demands + d
                else -1
            )
        if found < 0:
            label = _label(item, section, position)
            raise InvalidInputError(f"{label}: this pair is not an edge", item=label)
        result[position] = found
    return result


def _bonus(document: Mapping[str, Any]) -> float:
    value = document.get("stability_bonus", 0.0)
    if type(value) not in (int, float):
        raise InvalidInputError(
            f"stability_bonus must be a number, got {value!r}", item="stability_bonus"
        )
    return float(value)


def problem_to_document(problem: Problem) -> dict[str, Any]:
    """The JSON document of a problem (the inverse of `problem_from_document`)."""
    sids, dids = problem.supplier_ids, problem.demand_ids
    tails, heads = problem.edge_supplier.tolist(), problem.edge_demand.tolist()
    document: dict[str, Any] = {
        "format": PROBLEM_FORMAT,
        "suppliers": [
            {"id": s, "capacity": c} for s, c in zip(sids, problem.capacity.tolist(), strict=True)
        ],
        "demands": [_demand_document(problem, d) for d in range(problem.n_demands)],
        "edges": [
            {"supplier": sids[t], "demand": dids[h], "weight": w, "load": ld}
            for t, h, w, ld in zip(
                tails, heads, problem.weight.tolist(), problem.load.tolist(), strict=True
            )
        ],
    }
    if problem.has_groups:
        members = problem.group_members()
        document["groups"] = [
            {"id": gid, "members": [sids[m] for m in members[g].tolist()]}
            for g, gid in enumerate(problem.group_ids)
        ]
    for section, mask in (("fixed", problem.fixed), ("previous", problem.previous)):
        if mask.any():
            document[section] = [
                {"supplier": sids[tails[e]], "demand": dids[heads[e]]}
                for e in np.flatnonzero(mask).tolist()
            ]
    if problem.stability_bonus:
        document["stability_bonus"] = problem.stability_bonus
    return document


def _demand_document(problem: Problem, demand: int) -> dict[str, Any]:
    item: dict[str, Any] = {"id": problem.demand_ids[demand], "slots": int(problem.slots[demand])}
    values = problem.slot_values_of(demand)
    if len(values):
        item["slot_values"] = values.tolist()
    return item


def dump_problem(problem: Problem) -> bytes:
    return orjson.dumps(problem_to_document(problem))


def solution_document(result: Result, problem: Problem, *, timings: bool = False) -> dict[str, Any]:
    """The `bangfu.solution/1` document; without timings it is the same bytes for the same input."""
    stats: dict[str, Any] = dict(result.stats)
    stats["assigned"] = len(result.chosen)
    if timings:
        stats["timings"] = dict(result.timings)
    document: dict[str, Any] = {
        "format": SOLUTION_FORMAT,
        "status": result.status,
        "objective": _finite_or_none(result.objective),
        "bound": _finite_or_none(result.bound),
        "gap": _finite_or_none(result.gap),
        # The objective less its slot values, and the gap relative to that part: what the
        # choice among edges still leaves open when slot values dominate the objective.
        "edge_objective": _finite_or_none(result.edge_objective),
        "edge_gap": _finite_or_none(result.edge_gap),
        "solver": result.solver,
        # null: the solver finished; "work_limit": its counted work ran out (reproducible);
        # "time_limit": the wall-clock safety stop fired (may differ from run to run).
        "stopped_by": result.stopped_by,
        "assignments": [{"supplier": s, "demand": d} for s, d in result.assignments(problem)],
        "stats": stats,
    }
    if result.reason:
        document["reason"] = result.reason
    return document


def dump_solution(result: Result, problem: Problem, *, timings: bool = False) -> bytes:
    return (
        orjson.dumps(
            solution_document(result, problem, timings=timings), option=orjson.OPT_INDENT_2
        )
        + b"\n"
    )


def _finite_or_none(value: float) -> float | None:
    """JSON has no infinity: an unproven bound or an infeasible objective is written as null."""
    return value if math.isfinite(value) else None
