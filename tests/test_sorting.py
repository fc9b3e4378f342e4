"""`matching.sorting.lexsort` gives exactly `np.lexsort`'s order, on every kind of key."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from matching.sorting import lexsort


def _key(kind: str, size: int) -> st.SearchStrategy[np.ndarray]:
    elements: dict[str, st.SearchStrategy[object]] = {
        "small ids": st.integers(0, 5),  # narrowed to 16 bits: radix-sorted
        "large ids": st.integers(0, 2**20),  # beyond 16 bits: left as they are
        "negative": st.integers(-70_000, 3),
        "scores": st.floats(allow_nan=True, allow_infinity=True, width=64),
        "ties": st.sampled_from([0.0, 0.5, -0.0, 1.0]),
    }
    dtype = np.float64 if kind in ("scores", "ties") else np.int64
    return hnp.arrays(dtype, size, elements=elements[kind])


@st.composite
def key_sets(draw: st.DrawFn) -> list[np.ndarray]:
    size = draw(st.integers(0, 60))
    kinds = draw(
        st.lists(
            st.sampled_from(["small ids", "large ids", "negative", "scores", "ties", "flags"]),
            min_size=1,
            max_size=4,
        )
    )
    keys = []
    for kind in kinds:
        if kind == "flags":
            keys.append(draw(hnp.arrays(np.bool_, size)))
        else:
            keys.append(draw(_key(kind, size)))
    return keys


@settings(max_examples=300, deadline=None)
@given(key_sets())
def test_the_order_is_lexsorts(keys: list[np.ndarray]) -> None:
    assert np.array_equal(lexsort(keys), np.lexsort(keys))


def test_rows_then_best_score_then_id() -> None:
    """The order the matchers sort candidates in: need, best score first, then expert."""
    need = np.array([1, 0, 1, 0, 1])
    score = np.array([0.5, 0.9, 0.7, 0.9, 0.5])
    expert = np.array([4, 3, 2, 1, 0])
    order = lexsort((expert, -score, need))
    assert order.tolist() == [3, 1, 2, 4, 0]
    assert order.dtype == np.int64


def test_no_key_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one key"):
        lexsort([])
