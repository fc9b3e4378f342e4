"""Match configurations as TOML files, so a run records exactly what it was asked.

A file holds one table named after the market::

    [experts]
    top_k = 12
    solver = "auto"
    work_limit = 0.6

Fields left out take their defaults; an unknown field, a value of the wrong type or a
value the config refuses is invalid input naming the file and the field. Writing is a
small writer of our own: the configs hold only numbers, strings and booleans.
"""

from __future__ import annotations

import dataclasses
import json
import math
import tomllib
import typing
from pathlib import Path
from typing import Any

from matching.errors import InvalidInputError
from matching.experts import ExpertConfig
from matching.labour import LabourConfig

MatchConfig = ExpertConfig | LabourConfig
CONFIG_CLASSES: dict[str, type[ExpertConfig] | type[LabourConfig]] = {
    "experts": ExpertConfig,
    "labour": LabourConfig,
}
_SCALARS = (bool, int, float, str)


def market_of(config: MatchConfig) -> str:
    return "experts" if isinstance(config, ExpertConfig) else "labour"


def config_toml(config: MatchConfig) -> str:
    """The config as TOML text: every field that a file can hold, in declaration order."""
    market = market_of(config)
    lines = [f"[{market}]"]
    for name, kind in _file_fields(type(config)).items():
        value = getattr(config, name)
        if value is None:  # TOML has no null: an optional field left unset is left out
            continue
        # A float field given a whole number is written as the float the file reads back.
        lines.append(f"{name} = {_toml_value(float(value) if kind is float else value)}")
    _refuse_unwritable(config)
    return "\n".join(lines) + "\n"


def save_config(config: MatchConfig, path: Path | str) -> None:
    Path(path).write_text(config_toml(config), encoding="utf-8")


def parse_config(text: str, source: str = "config") -> MatchConfig:
    """A config from TOML text; `source` names the file in error messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInputError(f"{source}: not valid TOML ({error})", item=source) from error
    markets = [key for key in document if key in CONFIG_CLASSES]
    unknown = [key for key in document if key not in CONFIG_CLASSES]
    if unknown or len(markets) != 1 or not isinstance(document[markets[0]], dict):
        raise InvalidInputError(
            f"{source}: expected exactly one table, [experts] or [labour]; "
            f"found {', '.join(repr(k) for k in document) or 'none'}",
            item=(unknown or markets or [source])[0],
        )
    return _build(markets[0], document[markets[0]], source)


def load_config(path: Path | str, market: str | None = None) -> MatchConfig:
    """Read a config file; with `market`, the file must be for that market."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInputError(f"{path}: cannot read ({error})", item=path.name) from error
    config = parse_config(text, path.name)
    if market is not None and market_of(config) != market:
        raise InvalidInputError(
            f"{path.name}: a [{market_of(config)}] config given to the {market} market",
            item=market_of(config),
        )
    return config


def _build(market: str, table: dict[str, Any], source: str) -> MatchConfig:
    cls = CONFIG_CLASSES[market]
    allowed = _file_fields(cls)
    values: dict[str, Any] = {}
    for name, value in table.items():
        if name not in allowed:
            raise InvalidInputError(
                f"{source}: [{market}] has no field {name!r}; known: {', '.join(allowed)}",
                item=name,
            )
        values[name] = _checked(value, allowed[name], f"{source}: [{market}] {name}", name)
    try:
        return cls(**values)
    except InvalidInputError as error:
        raise InvalidInputError(f"{source}: [{market}] {error}", item=error.item) from error


def _checked(value: Any, kind: type, where: str, name: str) -> Any:
    """The value as the field's type; a bool is never taken for a number."""
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
        return value
    raise InvalidInputError(f"{where} must be {_TYPE_WORDS[kind]}, got {value!r}", item=name)


_TYPE_WORDS = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}


def _file_fields(cls: type) -> dict[str, type]:
    """Fields of plain scalar type (or such a type or None), in declaration order; a
    distance function is not one."""
    hints = typing.get_type_hints(cls)
    found = {f.name: _scalar(hints[f.name]) for f in dataclasses.fields(cls) if f.init}
    return {name: kind for name, kind in found.items() if kind is not None}


def _scalar(hint: Any) -> type | None:
    if hint in _SCALARS:
        return typing.cast(type, hint)
    options = [a for a in typing.get_args(hint) if a is not type(None)]
    if type(None) in typing.get_args(hint) and len(options) == 1 and options[0] in _SCALARS:
        return typing.cast(type, options[0])
    return None


def _refuse_unwritable(config: MatchConfig) -> None:
    """A field a file cannot hold (a custom distance function) must be at its default."""
    writable = _file_fields(type(config))
    for f in dataclasses.fields(config):
        if f.name in writable or f.default is dataclasses.MISSING:
            continue
        if getattr(config, f.name) is not f.default:
            raise InvalidInputError(
                f"{f.name} is not the default and cannot be written to a config file",
                item=f.name,
            )


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    # A JSON string is a valid TOML basic string (same escapes).
    return json.dumps(str(value), ensure_ascii=False)
