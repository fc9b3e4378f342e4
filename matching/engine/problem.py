"""The immutable assignment problem: arrays plus id maps.

A `Problem` is built once (from arrays with `Problem.from_arrays`, or from the JSON
format with `matching.engine.io`) and never changes; every solver reads the same object.
All validation happens in the builder, so solvers can trust their input.

The objective, maximized, is

    sum(weight of chosen edges)
    + stability_bonus * (number of chosen edges listed in `previous`)
    + for every demand d: the sum of the first n_d entries of d's slot values,

where n_d is the number of chosen edges at d.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from matching.engine.validation import (
    Label,
    check_edge_list,
    check_edges,
    check_groups,
    check_ids,
    check_integer_array,
    check_slot_values,
    check_stability_bonus,
    check_weights,
    frozen,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Problem:
    """Suppliers, demands and candidate edges; see the module docstring.

    Arrays are read-only. Edges are indexed 0..n_edges-1 in the order given;
    `slot_values` of demand d are `slot_value_flat[slot_value_offsets[d]:slot_value_offsets[d+1]]`.
    `group_of_supplier[s]` is the index into `group_ids` of s's group, or -1.
    """

    supplier_ids: tuple[str, ...]
    capacity: IntArray
    demand_ids: tuple[str, ...]
    slots: IntArray
    slot_value_flat: FloatArray
    slot_value_offsets: IntArray
    edge_supplier: IntArray
    edge_demand: IntArray
    weight: FloatArray
    load: IntArray
    group_ids: tuple[str, ...]
    group_of_supplier: IntArray
    fixed: BoolArray
    previous: BoolArray
    stability_bonus: float

    @classmethod
    def from_arrays(
        cls,
        *,
        supplier_ids: Sequence[str],
        capacity: npt.ArrayLike,
        demand_ids: Sequence[str],
        slots: npt.ArrayLike,
        edge_supplier: npt.ArrayLike,
        edge_demand: npt.ArrayLike,
        weight: npt.ArrayLike,
        load: npt.ArrayLike | None = None,
        slot_values: Sequence[Sequence[float]] | None = None,
        groups: Mapping[str, Sequence[int]] | None = None,
        fixed: npt.ArrayLike | None = None,
        previous: npt.ArrayLike | None = None,
        stability_bonus: float = 0.0,
    ) -> Problem:
        """Validate plain arrays and build a problem; raise InvalidInputError naming the item.

        `edge_supplier`/`edge_demand` are indices into the id lists; `fixed` and
        `previous` are edge indices; `groups` maps a group id to supplier indices.
        """
        suppliers = check_ids(supplier_ids, "supplier")
        demands = check_ids(demand_ids, "demand")
        supplier_label = _labeler("supplier", suppliers)
        demand_label = _labeler("demand", demands)
        cap = check_integer_array(capacity, "capacity", len(suppliers), supplier_label, minimum=0)
        slot_counts = check_integer_array(slots, "slots", len(demands), demand_label, minimum=0)
        tails, heads = check_edges(edge_supplier, edge_demand, suppliers, demands)

        def edge_label(edge: int) -> str:
            return f"edge ({suppliers[tails[edge]]}, {demands[heads[edge]]})"

        weights = check_weights(weight, len(tails), edge_label)
        loads = (
            np.ones(len(tails), dtype=np.int64)
            if load is None
            else check_integer_array(load, "load", len(tails), edge_label, minimum=1)
        )
        flat, offsets = check_slot_values(slot_values, slot_counts, demands)
        group_ids, group_of = check_groups(groups or {}, suppliers)
        return cls(
            supplier_ids=suppliers,
            capacity=frozen(cap),
            demand_ids=demands,
            slots=frozen(slot_counts),
            slot_value_flat=frozen(flat),
            slot_value_offsets=frozen(offsets),
            edge_supplier=frozen(tails),
            edge_demand=frozen(heads),
            weight=frozen(weights),
            load=frozen(loads),
            group_ids=group_ids,
            group_of_supplier=frozen(group_of),
            fixed=frozen(check_edge_list(fixed, "fixed", len(tails), edge_label)),
            previous=frozen(check_edge_list(previous, "previous", len(tails), edge_label)),
            stability_bonus=check_stability_bonus(stability_bonus),
        )

    @property
    def n_suppliers(self) -> int:
        return len(self.supplier_ids)

    @property
    def n_demands(self) -> int:
        return len(self.demand_ids)

    @property
    def n_edges(self) -> int:
        return len(self.edge_supplier)

    @cached_property
    def supplier_index(self) -> dict[str, int]:
        return {sid: i for i, sid in enumerate(self.supplier_ids)}

    @cached_property
    def demand_index(self) -> dict[str, int]:
        return {did: i for i, did in enumerate(self.demand_ids)}

    @cached_property
    def edge_value(self) -> FloatArray:
        """Weight plus the stability bonus where the edge is in `previous`."""
        return frozen(self.weight + self.stability_bonus * self.previous)

    @cached_property
    def edge_fits(self) -> BoolArray:
        """Whether each edge's load fits its supplier's whole capacity (one that does not
        can be in no plan)."""
        return frozen(self.load <= self.capacity[self.edge_supplier])

    @cached_property
    def first_slot_value(self) -> FloatArray:
        """Each demand's first slot value (0 for a demand without slot values): what it
        earns, beyond the edge's value, from its first edge."""
        first = np.zeros(self.n_demands)
        has = np.diff(self.slot_value_offsets) > 0
        first[has] = self.slot_value_flat[self.slot_value_offsets[:-1][has]]
        return frozen(first)

    @property
    def has_unit_loads(self) -> bool:
        return bool(np.all(self.load == 1))

    @property
    def has_groups(self) -> bool:
        return len(self.group_ids) > 0

    def slot_values_of(self, demand: int) -> FloatArray:
        start, stop = self.slot_value_offsets[demand], self.slot_value_offsets[demand + 1]
        return self.slot_value_flat[start:stop]

    def group_members(self) -> list[IntArray]:
        """Supplier indices of every group, in group order."""
        order = np.argsort(self.group_of_supplier, kind="stable")
        grouped = order[self.group_of_supplier[order] >= 0]
        bounds = np.searchsorted(
            self.group_of_supplier[grouped], np.arange(len(self.group_ids) + 1)
        )
        return [grouped[bounds[g] : bounds[g + 1]] for g in range(len(self.group_ids))]

    def edge_name(self, edge: int) -> str:
        supplier = self.supplier_ids[self.edge_supplier[edge]]
        return f"({supplier}, {self.demand_ids[self.edge_demand[edge]]})"


def _labeler(kind: str, ids: tuple[str, ...]) -> Label:
    def label(index: int) -> str:
        return f"{kind} {ids[index]!r}"

    return label
