"""Local improvement of a feasible assignment: add, swap and replace single edges.

`decompose` re-solves only the neighbourhood of the demands its relaxation left
fractional; a need outside it can stay uncovered although an expert with room, or one
serving a need of lower value, could take it. These moves find such cases:

- add: a demand with a free slot takes a supplier with enough capacity left;
- swap: a supplier leaves one of its edges for a more valuable one at a demand with a
  free slot, when the capacity that frees is enough; when no single edge frees enough,
  it leaves several, the least valuable per unit of load first (a 17-day need of a
  deep-poverty village in place of two short needs of no priority: on the province's
  lead stage the search had left such needs out, and a later pass may place the needs
  left elsewhere);
- replace: at a full demand, a supplier with room replaces the least valuable one.

Every move strictly raises the objective and keeps every constraint, so the loop ends.
Fixed edges and group members' edges are never moved. The work is counted, not timed: at
most five passes over the promising edges, each in a fixed order, so the same input gives
the same moves on any machine.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matching.control import report
from matching.engine.problem import Problem

IntArray = npt.NDArray[np.int64]

_MAX_PASSES = 5
_EPSILON = 1e-9


def polish(problem: Problem, chosen: IntArray) -> IntArray:
    """A feasible assignment at least as good as `chosen` (which must be feasible)."""
    state = _State(problem, chosen)
    for done in range(_MAX_PASSES):
        report(f"polish: pass {done + 1}")
        if not state.improve():
            break
    return np.sort(np.asarray(sorted(state.chosen), dtype=np.int64))


class _State:
    def __init__(self, problem: Problem, chosen: IntArray) -> None:
        self.p = problem
        self.value = problem.edge_value.tolist()
        self.load = problem.load.tolist()
        self.tail = problem.edge_supplier.tolist()
        self.head = problem.edge_demand.tolist()
        self.slots = problem.slots.tolist()
        self.chosen: set[int] = set(chosen.tolist())
        self.free = (
            problem.capacity
            - np.bincount(
                problem.edge_supplier[chosen],
                weights=problem.load[chosen],
                minlength=problem.n_suppliers,
            ).astype(np.int64)
        ).tolist()
        self.count = np.bincount(problem.edge_demand[chosen], minlength=problem.n_demands).tolist()
        self.at_supplier: dict[int, set[int]] = {}
        self.at_demand: dict[int, set[int]] = {}
        for e in self.chosen:
            self.at_supplier.setdefault(self.tail[e], set()).add(e)
            self.at_demand.setdefault(self.head[e], set()).add(e)
        movable = (problem.group_of_supplier[problem.edge_supplier] < 0) & ~problem.fixed
        self.movable = movable.tolist()
        self.movable_mask = movable
        self.candidates = np.flatnonzero(movable)

    def slot_value(self, demand: int, position: int) -> float:
        values = self.p.slot_values_of(demand)
        return float(values[position]) if position < len(values) else 0.0

    def improve(self) -> bool:
        """One pass over the promising unchosen edges, best value first; True if anything moved."""
        edges = self._promising()
        order = edges[np.argsort(-self.p.edge_value[edges], kind="stable")]
        moved = False
        for e in order.tolist():
            if e in self.chosen:
                continue
            d = self.head[e]
            if self.count[d] < self.slots[d]:
                moved |= self._add_or_swap(e)
            else:
                moved |= self._replace(e)
        return moved

    def _promising(self) -> IntArray:
        """Unchosen movable edges that some move could take, found without a Python loop.

        At a demand with a free slot any edge may add or swap in; at a full demand only an
        edge whose supplier has room and which beats the demand's least valuable movable
        edge can replace it.
        """
        p = self.p
        chosen = np.fromiter(self.chosen, np.int64)
        edges = self.candidates[~np.isin(self.candidates, chosen)]
        heads, tails = p.edge_demand[edges], p.edge_supplier[edges]
        open_slot = np.asarray(self.count)[heads] < p.slots[heads]
        chosen = chosen[self.movable_mask[chosen]]
        worst = np.full(p.n_demands, np.inf)
        np.minimum.at(worst, p.edge_demand[chosen], p.edge_value[chosen])
        fits = np.asarray(self.free)[tails] >= p.load[edges]
        beats = p.edge_value[edges] > worst[heads] + _EPSILON
        promising: IntArray = edges[open_slot | (fits & beats)]
        return promising

    def _add_or_swap(self, e: int) -> bool:
        s, d = self.tail[e], self.head[e]
        gain = self.value[e] + self.slot_value(d, self.count[d])
        if self.free[s] >= self.load[e]:
            if gain > _EPSILON:
                self._take(e)
                return True
            return False
        best, best_loss = -1, gain - _EPSILON
        for old in self.at_supplier.get(s, ()):
            if not self.movable[old] or self.free[s] + self.load[old] < self.load[e]:
                continue
            d_old = self.head[old]
            loss = self.value[old] + self.slot_value(d_old, self.count[d_old] - 1)
            if loss < best_loss:
                best, best_loss = old, loss
        if best < 0:
            return self._swap_several(e, gain)
        self._drop(best)
        self._take(e)
        return True

    def _swap_several(self, e: int, gain: float) -> bool:
        """Swap in `e` for the least valuable edges per unit of load at its supplier that
        free enough capacity together, when they are worth less than `e` brings."""
        s = self.tail[e]
        losses = []
        for old in self.at_supplier.get(s, ()):
            if self.movable[old]:
                d_old = self.head[old]
                loss = self.value[old] + self.slot_value(d_old, self.count[d_old] - 1)
                losses.append((loss / self.load[old], old, loss))
        needed = self.load[e] - self.free[s]
        dropped, freed, lost = [], 0, 0.0
        emptied: set[int] = set()  # one edge per demand: each loss is its last slot's value
        for _, old, loss in sorted(losses):
            if freed >= needed or lost >= gain - _EPSILON:
                break
            if self.head[old] in emptied:
                continue
            emptied.add(self.head[old])
            dropped.append(old)
            freed, lost = freed + self.load[old], lost + loss
        if freed < needed or lost >= gain - _EPSILON:
            return False
        for old in dropped:
            self._drop(old)
        self._take(e)
        return True

    def _replace(self, e: int) -> bool:
        s, d = self.tail[e], self.head[e]
        if self.free[s] < self.load[e]:
            return False
        movable = [old for old in self.at_demand.get(d, ()) if self.movable[old]]
        if not movable:
            return False
        worst = min(movable, key=lambda old: (self.value[old], old))
        if self.value[e] - self.value[worst] <= _EPSILON:
            return False
        self._drop(worst)
        self._take(e)
        return True

    def _take(self, e: int) -> None:
        s, d = self.tail[e], self.head[e]
        self.chosen.add(e)
        self.free[s] -= self.load[e]
        self.count[d] += 1
        self.at_supplier.setdefault(s, set()).add(e)
        self.at_demand.setdefault(d, set()).add(e)

    def _drop(self, e: int) -> None:
        s, d = self.tail[e], self.head[e]
        self.chosen.discard(e)
        self.free[s] += self.load[e]
        self.count[d] -= 1
        self.at_supplier[s].discard(e)
        self.at_demand[d].discard(e)
