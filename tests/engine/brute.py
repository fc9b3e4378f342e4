"""The problem's definition, written out once more for tests: brute force over edge sets.

It reads the JSON document, never the engine's arrays or helpers, so a shared
mistake in the engine cannot hide here.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Pair = tuple[str, str]


@dataclass(frozen=True)
class Optimum:
    """The best objective over every feasible edge set (None when none is feasible)."""

    objective: float | None
    best: frozenset[int]


def objective(document: Mapping[str, Any], chosen: Sequence[int]) -> float:
    """The objective of the edges at these positions, summed exactly term by term."""
    edges = document["edges"]
    previous = {(p["supplier"], p["demand"]) for p in document.get("previous", [])}
    bonus = document.get("stability_bonus", 0)
    terms: list[float] = []
    count: Counter[str] = Counter()
    for e in chosen:
        edge = edges[e]
        terms.append(edge["weight"])
        if (edge["supplier"], edge["demand"]) in previous:
            terms.append(bonus)
        count[edge["demand"]] += 1
    for demand in document["demands"]:
        terms.extend(demand.get("slot_values", [])[: count[demand["id"]]])
    return math.fsum(terms)


def feasible(document: Mapping[str, Any], chosen: Sequence[int]) -> bool:
    """Whether the edges at these positions satisfy every constraint of the definition."""
    edges = [document["edges"][e] for e in chosen]
    if len(set(chosen)) != len(chosen):
        return False
    load: Counter[str] = Counter()
    count: Counter[str] = Counter()
    placed: dict[str, list[str]] = {}
    for edge in edges:
        load[edge["supplier"]] += edge.get("load", 1)
        count[edge["demand"]] += 1
        placed.setdefault(edge["supplier"], []).append(edge["demand"])
    if any(load[s["id"]] > s["capacity"] for s in document["suppliers"]):
        return False
    if any(count[d["id"]] > d["slots"] for d in document["demands"]):
        return False
    pairs = {(edge["supplier"], edge["demand"]) for edge in edges}
    if any((f["supplier"], f["demand"]) not in pairs for f in document.get("fixed", [])):
        return False
    return all(_group_ok(group["members"], placed) for group in document.get("groups", []))


def _group_ok(members: Sequence[str], placed: Mapping[str, list[str]]) -> bool:
    places = [placed.get(m, []) for m in members]
    if all(not p for p in places):
        return True
    return all(len(p) == 1 for p in places) and len({p[0] for p in places}) == 1


def brute_force(document: Mapping[str, Any]) -> Optimum:
    """Enumerate all 2**n edge sets; ties go to the first set found."""
    n = len(document["edges"])
    best: float | None = None
    best_set: frozenset[int] = frozenset()
    for size in range(n + 1):
        for chosen in itertools.combinations(range(n), size):
            if not feasible(document, chosen):
                continue
            value = objective(document, chosen)
            if best is None or value > best:
                best, best_set = value, frozenset(chosen)
    return Optimum(best, best_set)


def pairs_of(document: Mapping[str, Any], chosen: Sequence[int]) -> set[Pair]:
    return {(document["edges"][e]["supplier"], document["edges"][e]["demand"]) for e in chosen}
