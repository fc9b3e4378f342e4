"""Checks that turn plain arrays into a problem's validated arrays.

Each check raises `InvalidInputError` whose message names the offending item,
never repairs input silently. Checks are vectorized and look up names only for
the first offending item, so validating a million edges stays cheap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from matching.errors import InvalidInputError

Label = Callable[[int], str]
ArrayT = TypeVar("ArrayT", bound=np.ndarray)

# The largest capacity, slot count or load: with 32-bit values, the solvers' int64
# sums over a problem's items cannot overflow, and a float above 2**63 never reaches
# the int64 conversion (where it would turn negative).
MAX_COUNT = 2**31 - 1
# The largest |weight|, slot value or stability bonus: sums of a million of them stay
# far inside float range, and every value keeps cents when scaled to integers.
MAX_MAGNITUDE = 1e12


def frozen(array: ArrayT) -> ArrayT:
    """Mark an array read-only, so a problem cannot change under a solver."""
    array.flags.writeable = False
    return array


def check_ids(ids: Sequence[str], kind: str) -> tuple[str, ...]:
    """Ids must be non-empty strings, unique within their kind."""
    result = tuple(ids)
    seen: set[str] = set()
    for position, item in enumerate(result):
        if not isinstance(item, str) or not item:
            raise InvalidInputError(
                f"{kind} #{position}: id must be a non-empty string, got {item!r}",
                item=f"{kind}s[{position}]",
            )
        if item in seen:
            raise InvalidInputError(f"duplicate {kind} id {item!r}", item=item)
        seen.add(item)
    return result


def _numeric(values: npt.ArrayLike, field: str, count: int) -> npt.NDArray[np.float64]:
    array = np.asarray(values)
    if array.dtype.kind not in "iuf" or array.ndim != 1:
        raise InvalidInputError(
            f"{field} must be a one-dimensional array of numbers, got dtype {array.dtype}",
            item=field,
        )
    if len(array) != count:
        raise InvalidInputError(f"{field} has {len(array)} entries, expected {count}", item=field)
    return array.astype(np.float64, copy=False)


def _first(mask: npt.NDArray[np.bool_]) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if len(hits) else None


def check_integer_array(
    values: npt.ArrayLike, field: str, count: int, label: Label, *, minimum: int
) -> npt.NDArray[np.int64]:
    """Finite whole numbers >= minimum (capacities, slots, loads)."""
    array = _numeric(values, field, count)
    bad = _first(~np.isfinite(array) | (array != np.round(array)))
    if bad is not None:
        raise InvalidInputError(
            f"{label(bad)}: {field} must be a whole number, got {array[bad]!r}", item=label(bad)
        )
    bad = _first(array < minimum)
    if bad is not None:
        raise InvalidInputError(
            f"{label(bad)}: {field} must be >= {minimum}, got {int(array[bad])}", item=label(bad)
        )
    bad = _first(array > MAX_COUNT)
    if bad is not None:
        raise InvalidInputError(
            f"{label(bad)}: {field} must be at most {MAX_COUNT}, got {array[bad]:.0f}",
            item=label(bad),
        )
    return array.astype(np.int64)


def check_weights(values: npt.ArrayLike, count: int, label: Label) -> npt.NDArray[np.float64]:
    array = _numeric(values, "weight", count).copy()
    bad = _first(~(np.abs(array) <= MAX_MAGNITUDE))
    if bad is not None:
        raise InvalidInputError(
            f"{label(bad)}: weight must be a finite number of magnitude at most "
            f"{MAX_MAGNITUDE:g}, got {array[bad]!r}",
            item=label(bad),
        )
    return array


def check_edges(
    edge_supplier: npt.ArrayLike,
    edge_demand: npt.ArrayLike,
    suppliers: tuple[str, ...],
    demands: tuple[str, ...],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Edge endpoints are in range and no (supplier, demand) pair is listed twice."""
    tails = _index_array(edge_supplier, "edge_supplier", len(suppliers))
    heads = _index_array(edge_demand, "edge_demand", len(demands))
    if len(tails) != len(heads):
        raise InvalidInputError(
            f"edge_supplier has {len(tails)} entries but edge_demand has {len(heads)}",
            item="edges",
        )
    key = tails * max(len(demands), 1) + heads
    ordered = np.sort(key)
    repeat = _first(ordered[1:] == ordered[:-1])
    if repeat is not None:
        edge = int(np.flatnonzero(key == ordered[repeat])[1])
        name = f"({suppliers[tails[edge]]}, {demands[heads[edge]]})"
        raise InvalidInputError(f"edge {name} is listed twice", item=name)
    return tails, heads


def _index_array(values: npt.ArrayLike, field: str, size: int) -> npt.NDArray[np.int64]:
    array = np.asarray(values)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind not in "iu" or array.ndim != 1:
        raise InvalidInputError(f"{field} must be a one-dimensional integer array", item=field)
    bad = _first((array < 0) | (array >= size))
    if bad is not None:
        raise InvalidInputError(
            f"{field}[{bad}] = {int(array[bad])} is out of range (there are {size})",
            item=f"{field}[{bad}]",
        )
    return array.astype(np.int64)


def check_slot_values(
    slot_values: Sequence[Sequence[float]] | None,
    slots: npt.NDArray[np.int64],
    demands: tuple[str, ...],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Per demand: at most `slots` entries, each finite and >= 0, non-increasing."""
    if slot_values is None:
        return np.zeros(0), np.zeros(len(demands) + 1, dtype=np.int64)
    if len(slot_values) != len(demands):
        raise InvalidInputError(
            f"slot_values has {len(slot_values)} lists, expected one per demand ({len(demands)})",
            item="slot_values",
        )
    lengths = np.fromiter((len(values) for values in slot_values), np.int64, len(demands))
    for d, values in enumerate(slot_values):
        _check_one_slot_list(values, int(slots[d]), demands[d])
    offsets = np.zeros(len(demands) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = np.fromiter((v for values in slot_values for v in values), np.float64, offsets[-1])
    return flat, offsets


def _check_one_slot_list(values: Sequence[float], slots: int, demand: str) -> None:
    name = f"demand {demand!r}"
    if len(values) > slots:
        raise InvalidInputError(
            f"{name}: slot_values has {len(values)} entries but slots is {slots}", item=demand
        )
    previous = math.inf
    for k, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise InvalidInputError(f"{name}: slot_values[{k}] is not a number", item=demand)
        if not 0 <= value <= MAX_MAGNITUDE:
            raise InvalidInputError(
                f"{name}: slot_values[{k}] must be finite, >= 0 and <= {MAX_MAGNITUDE:g}, "
                f"got {value!r}",
                item=demand,
            )
        if value > previous:
            raise InvalidInputError(
                f"{name}: slot_values must not increase (entry {k} is {value!r}, "
                f"after {previous!r})",
                item=demand,
            )
        previous = float(value)


def check_groups(
    groups: Mapping[str, Sequence[int]], suppliers: tuple[str, ...]
) -> tuple[tuple[str, ...], npt.NDArray[np.int64]]:
    """Non-empty groups of existing suppliers; a supplier is in at most one group."""
    group_ids = check_ids(list(groups), "group")
    group_of = np.full(len(suppliers), -1, dtype=np.int64)
    for g, gid in enumerate(group_ids):
        members = groups[gid]
        if len(members) == 0:
            raise InvalidInputError(f"group {gid!r} has no members", item=gid)
        for member in members:
            is_index = isinstance(member, int | np.integer) and not isinstance(member, bool)
            if not is_index or not 0 <= member < len(suppliers):
                raise InvalidInputError(
                    f"group {gid!r}: member {member!r} is not a supplier index", item=gid
                )
            if group_of[member] >= 0:
                other = group_ids[group_of[member]]
                where = "twice" if other == gid else f"also in group {other!r}"
                raise InvalidInputError(
                    f"supplier {suppliers[member]!r} of group {gid!r} is {where}",
                    item=suppliers[member],
                )
            group_of[member] = g
    return group_ids, group_of


def check_edge_list(
    edges: npt.ArrayLike | None, field: str, n_edges: int, label: Label
) -> npt.NDArray[np.bool_]:
    """Edge indices for `fixed` or `previous`, each listed once, as a mask."""
    mask = np.zeros(n_edges, dtype=np.bool_)
    if edges is None:
        return mask
    indices = _index_array(edges, field, n_edges)
    order = np.sort(indices)
    repeat = _first(order[1:] == order[:-1])
    if repeat is not None:
        name = label(int(order[repeat]))
        raise InvalidInputError(f"{field}: {name} is listed twice", item=name)
    mask[indices] = True
    return mask


def check_stability_bonus(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise InvalidInputError("stability_bonus must be a number", item="stability_bonus")
    if not 0 <= value <= MAX_MAGNITUDE:
        raise InvalidInputError(
            f"stability_bonus must be finite, >= 0 and <= {MAX_MAGNITUDE:g}, got {value!r}",
            item="stability_bonus",
        )
    return float(value)
