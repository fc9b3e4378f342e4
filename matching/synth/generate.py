"""Generate a whole synthetic data set for one scale and seed.

Each stage draws from its own child of `SeedSequence(seed)`, so the output depends only
on (scale, seed, reference tables) and one stage's changes do not shift the others.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from matching.data.dataset import Dataset
from matching.data.reference import Reference, load_reference
from matching.data.specs import PLACEMENTS, VISITS
from matching.synth.catalog import build_catalog
from matching.synth.experts import make_experts
from matching.synth.history import make_placements, make_visits
from matching.synth.needs import make_needs, number_needs, open_need_villages
from matching.synth.postings import make_postings, number_postings, posting_periods
from matching.synth.scales import (
    PLACEMENT_HISTORY_PERIODS,
    PLANNING_PERIODS,
    PLANNING_YEAR,
    VISIT_HISTORY_PERIODS,
    scale_spec,
)
from matching.synth.villages import make_villages
from matching.synth.workers import make_workers

logger = logging.getLogger(__name__)

GENERATOR_VERSION = 1
# progress steps reported to the caller, in order
PROGRESS_STEPS = ("villages", "experts", "needs", "workers", "postings", "placements", "visits")
# independent random streams, one per stage
STAGES = (
    "villages",
    "experts",
    "open_needs",
    "closed_needs",
    "workers",
    "postings",
    "placements",
    "visits",
)
# closed postings behind the placement history: about this many placements each (their
# positions hold about 1.4 times the placements; earmarked postings take only their
# prefectures, so a county alone cannot fill them all: see `make_placements`)
PLACEMENTS_PER_CLOSED_POSTING = 8


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=str) for column in columns})


def generate(
    scale: str,
    seed: int,
    reference: Reference | None = None,
    progress: Callable[[str], None] | None = None,
) -> Dataset:
    """The data set of `scale` ("demo", "county" or "province") for `seed`.

    `progress`, if given, is called with each stage's name as it starts.
    """
    spec = scale_spec(scale)
    ref = reference or load_reference()
    catalog = build_catalog(ref)
    rngs = dict(
        zip(
            STAGES,
            (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(STAGES))),
            strict=True,
        )
    )
    step = progress or (lambda name: logger.info("generating %s", name))
    language_names = dict(
        zip(ref.languages["language_code"], ref.languages["name_zh"], strict=True)
    )

    step("villages")
    townships, villages = make_villages(rngs["villages"], ref, catalog, spec)
    step("experts")
    experts = make_experts(rngs["experts"], ref, catalog, villages, spec.experts, PLANNING_PERIODS)
    step("needs")
    rng = rngs["open_needs"]
    open_villages = open_need_villages(rng, villages, spec.open_needs_per_village)
    open_needs = make_needs(
        rng, catalog, villages, townships, open_villages, PLANNING_PERIODS, "open", language_names
    )
    rng = rngs["closed_needs"]
    closed_villages = rng.integers(0, len(villages), size=spec.visits)
    closed_needs = make_needs(
        rng,
        catalog,
        villages,
        townships,
        closed_villages,
        VISIT_HISTORY_PERIODS,
        "closed",
        language_names,
    )
    step("workers")
    workers = make_workers(rngs["workers"], ref, catalog, villages, spec.workers, PLANNING_YEAR)
    step("postings")
    rng = rngs["postings"]
    closed_count = max(1, spec.placements // PLACEMENTS_PER_CLOSED_POSTING)
    periods, statuses = posting_periods(
        rng, spec.open_postings, closed_count, PLANNING_PERIODS, PLACEMENT_HISTORY_PERIODS
    )
    postings = number_postings(make_postings(rng, ref, catalog, periods, statuses))
    manifest = {
        "scale": spec.name,
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "planning_periods": list(PLANNING_PERIODS),
        "history_periods": sorted({*PLACEMENT_HISTORY_PERIODS, *VISIT_HISTORY_PERIODS}),
        "synthetic": True,
    }
    data = Dataset(
        townships=townships,
        villages=villages,
        experts=experts,
        needs=number_needs(open_needs, closed_needs),
        workers=workers,
        postings=postings,
        placements=_empty(list(PLACEMENTS.columns)),
        visits=_empty(list(VISITS.columns)),
        manifest=manifest,
    )
    step("placements")
    placements = make_placements(rngs["placements"], data, ref, spec.placements)
    step("visits")
    visits = make_visits(rngs["visits"], data)
    return dataclasses.replace(data, placements=placements, visits=visits)
