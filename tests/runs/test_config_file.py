"""Tests of match configurations: validated when built, saved to and loaded from TOML."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.errors import InvalidInputError, UnknownSolverError
from matching.experts import ExpertConfig
from matching.labour import LabourConfig
from matching.runs import config_toml, load_config, parse_config, save_config


@pytest.mark.parametrize(
    "config",
    [
        ExpertConfig(top_k=7, text_weight=0.5, solver="cpsat", time_limit=12.5, seed=3),
        LabourConfig(near_km=800, top_k=4, solver="greedy", time_limit=30, seed=11),
    ],
)
def test_config_round_trips_through_a_file(
    config: ExpertConfig | LabourConfig, tmp_path: Path
) -> None:
    """Save then load gives an equal config, and the file is the same text again."""
    path = tmp_path / "config.toml"
    save_config(config, path)
    loaded = load_config(path)
    assert loaded == config and type(loaded) is type(config)
    assert config_toml(loaded) == path.read_text(encoding="utf-8")


def test_unknown_solver_is_refused_when_the_config_is_built() -> None:
    """An unknown solver name is an error at construction, naming the field."""
    with pytest.raises(UnknownSolverError, match="unknown solver 'fastest'") as caught:
        ExpertConfig(solver="fastest")
    assert caught.value.item == "solver"
    with pytest.raises(UnknownSolverError):
        LabourConfig(solver="")


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ('[experts]\nsolver = "fastest"\n', "solver", "unknown solver"),
        ("[experts]\ntopk = 3\n", "topk", "has no field 'topk'"),
        ('[experts]\ntop_k = "12"\n', "top_k", "top_k must be a whole number"),
        ("[experts]\ntop_k = true\n", "top_k", "top_k must be a whole number"),
        ("[labour]\ntime_limit = -1\n", "time_limit", "time_limit must be positive"),
        ("[labour]\npricing_gap = 1.5\n", "pricing_gap", "pricing_gap must be in"),
        ("[labour]\nwork_limit = 0\n", "work_limit", "work_limit must be positive"),
        ("[labour]\nseed = 1.5\n", "seed", "seed must be a whole number"),
    ],
)
def test_bad_values_in_a_file_name_the_file_and_field(text: str, field: str, words: str) -> None:
    """Every bad value is invalid input naming the file, the table and the field."""
    with pytest.raises(InvalidInputError, match=words) as caught:
        parse_config(text, "run.toml")
    assert str(caught.value).startswith("run.toml: [")
    assert caught.value.item == field


def test_a_file_must_hold_one_market_table(tmp_path: Path) -> None:
    """No table, two tables, invalid TOML or the other market's table are refused."""
    for text in ("top_k = 3\n", "[experts]\n[labour]\n", "[experts\n"):
        with pytest.raises(InvalidInputError, match=r"run\.toml"):
            parse_config(text, "run.toml")
    path = tmp_path / "labour.toml"
    save_config(LabourConfig(), path)
    with pytest.raises(InvalidInputError, match="given to the experts market"):
        load_config(path, "experts")


def test_fields_left_out_take_their_defaults() -> None:
    """A file with one field gives the defaults for the rest; ints are taken as floats."""
    config = parse_config("[experts]\ntime_limit = 5\n")
    assert config == ExpertConfig(time_limit=5.0)
    assert isinstance(config.time_limit, float)


def test_a_custom_distance_cannot_be_saved() -> None:
    """A config whose distance function is not the default cannot be written truthfully."""
    config = ExpertConfig(distance=lambda *args: args[0])  # type: ignore[arg-type,return-value]
    with pytest.raises(InvalidInputError, match="distance"):
        config_toml(config)


def test_an_optional_field_is_left_out_when_unset() -> None:
    """A `float | None` field is written when set and left out (the default) when None."""
    from dataclasses import dataclass

    from matching.runs.config_file import _file_fields

    @dataclass(frozen=True)
    class WithOptional:
        limit: float | None = None
        name: str = "x"

    assert _file_fields(WithOptional) == {"limit": float, "name": str}
