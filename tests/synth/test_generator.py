"""The generator is deterministic, consistent and sized as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.data.dataset import Dataset, load_dataset, write_dataset
from matching.data.reference import load_reference, repository_root
from matching.synth.generate import generate
from matching.synth.scales import SCALES


def _files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_same_seed_gives_identical_files(demo_dir: Path, tmp_path: Path) -> None:
    """Two runs with the same scale and seed write the same bytes."""
    write_dataset(generate("demo", 7), tmp_path)
    assert _files(tmp_path) == _files(demo_dir)


def test_committed_demo_matches_the_generator(demo_dir: Path) -> None:
    """data/demo is exactly what `bangfu generate --scale demo --seed 7` writes."""
    assert _files(repository_root() / "data" / "demo") == _files(demo_dir)


def test_different_seeds_differ(demo_dir: Path, tmp_path: Path) -> None:
    """Another seed gives other villages, workers and texts."""
    write_dataset(generate("demo", 8), tmp_path)
    ours, theirs = _files(tmp_path), _files(demo_dir)
    assert all(ours[name] != theirs[name] for name in ours if name.endswith(".csv"))


def test_every_referenced_id_exists(demo_dir: Path) -> None:
    """Loading with reference checks passes: every id and code names a real row."""
    data = load_dataset(demo_dir)
    assert set(data.placements["worker_id"]) <= set(data.workers["worker_id"])
    assert set(data.visits["need_id"]) <= set(data.needs["need_id"])


def test_loaded_frames_equal_generated_frames(demo_dir: Path) -> None:
    """Writing then loading gives back the generated tables with the same dtypes."""
    loaded, generated = load_dataset(demo_dir), generate("demo", 7)
    for name, frame in generated.tables().items():
        assert loaded.tables()[name].equals(frame.reset_index(drop=True)), name


def test_county_scale_counts_follow_its_spec(county_data: Dataset) -> None:
    """Row counts and flags of the county scale are exactly those of its spec."""
    spec = SCALES["county"]
    _check_counts(county_data, spec.name)
    assert set(county_data.villages["county_code"]) == {"weining"}


def _check_counts(data: Dataset, scale: str) -> None:
    spec = SCALES[scale]
    villages, needs = data.villages, data.needs
    assert len(villages) == spec.villages
    assert villages["deep_poverty"].sum() == spec.deep_poverty_villages
    assert data.townships["extremely_poor"].sum() == spec.extremely_poor_townships
    assert len(data.experts) == spec.experts
    assert len(data.workers) == spec.workers
    assert (data.postings["status"] == "open").sum() == spec.open_postings
    # the hand-dispatch fills what positions and the hard rules allow (see test_history_rules)
    assert 0.5 * spec.placements <= len(data.placements) <= spec.placements
    # a closed need nobody eligible could serve got no visit (see test_history_rules)
    assert (needs["status"] == "closed").sum() == spec.visits
    assert 0.6 * spec.visits <= len(data.visits) <= spec.visits
    per_village = (needs["status"] == "open").sum() / len(villages)
    assert abs(per_village - spec.open_needs_per_village) < 0.3


def test_province_spec_matches_the_documented_sizes() -> None:
    """The province spec carries the programme's published sizes."""
    spec = SCALES["province"]
    assert (spec.villages, spec.deep_poverty_villages, spec.extremely_poor_townships) == (
        9000,
        2760,
        20,
    )
    assert (spec.experts, spec.workers, spec.open_postings) == (10_000, 200_000, 10_000)
    assert spec.county_codes == ()


@pytest.mark.slow
def test_province_scale_has_the_documented_counts(province_data: Dataset) -> None:
    """A full province run has the documented counts and focus areas."""
    data = province_data
    _check_counts(data, "province")
    counties = load_reference().counties
    assert set(data.villages["county_code"]) == set(counties["county_code"])
    deep_counties = set(counties.loc[counties["deep_poverty"] == 1, "county_code"])
    poor = data.townships[data.townships["extremely_poor"] == 1]
    assert set(poor["county_code"]) <= deep_counties


def test_group_members_share_a_village(county_data: Dataset) -> None:
    """Fellow-villager groups have 2–6 members from one village."""
    grouped = county_data.workers[county_data.workers["group_id"] != ""]
    sizes = grouped.groupby("group_id")["village_id"].agg(["nunique", "size"])
    assert (sizes["nunique"] == 1).all()
    assert sizes["size"].between(2, 6).all()


def test_experts_live_near_their_home_county(county_data: Dataset) -> None:
    """An expert's coordinates are within about 0.5° of the home county seat."""
    seats = load_reference().counties.set_index("county_code")
    home = seats.reindex(county_data.experts["home_county_code"])
    assert (abs(county_data.experts["lat"].to_numpy() - home["lat"].to_numpy()) < 0.5).all()


def test_unknown_scale_is_refused() -> None:
    """An unknown scale name raises an error that names it."""
    with pytest.raises(ValueError, match="town"):
        generate("town", 1)
