"""A generated data directory as one `Dataset` of pandas DataFrames.

Usage::

    from matching.data.dataset import load_dataset

    data = load_dataset("data/demo")          # checks dtypes and every id reference
    data.workers.head()                       # one DataFrame per table
    data.manifest["planning_periods"]         # ["2026Q1", "2026Q2"]

`load_dataset(directory, reference=None, check_references=True)` reads the CSV tables
described in `data/SCHEMA.md`; a bad value raises `InvalidInputError` whose message
names the file, the row (file line number) and the column. `write_dataset(dataset,
directory)` writes the same files back byte-for-byte deterministically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from matching.data.checks import check_dataset_references
from matching.data.frames import Dataset
from matching.data.reference import Reference, load_reference
from matching.data.specs import TABLE_SPECS
from matching.data.tables import read_table, write_table
from matching.data.values import check_dataset_values
from matching.errors import InvalidInputError

MANIFEST_FILE = "manifest.json"

__all__ = ["MANIFEST_FILE", "Dataset", "load_dataset", "write_dataset"]


def _read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST_FILE
    if not path.is_file():
        raise InvalidInputError(f"{path}: file not found", item=MANIFEST_FILE)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InvalidInputError(f"{path}: not valid JSON ({error})", item=MANIFEST_FILE) from error
    if not isinstance(manifest, dict):
        raise InvalidInputError(f"{path}: expected a JSON object", item=MANIFEST_FILE)
    return manifest


def load_dataset(
    directory: Path | str,
    reference: Reference | None = None,
    *,
    check_references: bool = True,
) -> Dataset:
    """Read and check every table of a generated data directory."""
    path = Path(directory)
    frames = {name: read_table(path, spec) for name, spec in TABLE_SPECS.items()}
    dataset = Dataset(**frames, manifest=_read_manifest(path))
    check_dataset_values(dataset)
    if check_references:
        check_dataset_references(dataset, reference or load_reference())
    return dataset


def write_dataset(dataset: Dataset, directory: Path | str) -> None:
    """Write every table and the manifest to `directory` (created if missing)."""
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for name, spec in TABLE_SPECS.items():
        write_table(getattr(dataset, name), path, spec)
    manifest = {**dataset.manifest, "row_counts": dataset.row_counts()}
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
    (path / MANIFEST_FILE).write_text(text + "\n", encoding="utf-8")
