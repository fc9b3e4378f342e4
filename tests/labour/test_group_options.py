"""A group's options: the postings every member may take, with room for all of them."""

from __future__ import annotations

import numpy as np
import pytest

from matching.labour import LabourConfig
from matching.labour.eligible import eligible_pairs, group_options, size_chunks
from matching.labour.rules import acceptable_cities

from .test_pricing import _market


@pytest.mark.parametrize("block_size", [1, 3, 1024])
def test_options_are_what_every_member_may_take_with_room_for_all(block_size: int) -> None:
    """Checked against each member's own eligible postings, however the groups are cut
    into chunks (one group alone when a chunk is smaller than it)."""
    placeable = 0
    for seed in range(6):
        force = _market(seed, n_workers=24, n_postings=20)
        config = LabourConfig(block_size=block_size)
        options = group_options(force, config)
        worker, posting = eligible_pairs(force, config)
        positions = force.postings["positions"].to_numpy(np.int64)
        assert options.members, "the market has groups"
        for members, posts in zip(options.members, options.postings, strict=True):
            each = [set(posting[worker == m].tolist()) for m in members.tolist()]
            expected = sorted(p for p in set.intersection(*each) if positions[p] >= members.size)
            assert posts.tolist() == expected
            placeable += posts.size > 0
        # What the city rule removed: postings in a city not every member accepts.
        accept = acceptable_cities(force, config)
        for g, members in enumerate(options.members):
            all_accept = accept[members][:, force.posting_city].all(axis=0)
            assert options.removed[g, 0] == int((~all_accept).sum())
    assert placeable >= 3, "some groups have options, so the check is not vacuous"


def test_chunks_keep_the_order_and_stay_within_the_limit() -> None:
    sizes = [2, 5, 1, 1, 9, 3, 3]
    order = [6, 5, 0, 1, 2, 3, 4]
    chunks = size_chunks(order, sizes, 6)
    assert [item for chunk in chunks for item in chunk] == order
    assert chunks == [[6, 5], [0], [1, 2], [3], [4]]  # 9 > 6 alone
