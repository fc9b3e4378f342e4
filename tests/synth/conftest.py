"""Generated data sets shared by the generator tests (built once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.dataset import Dataset, write_dataset
from matching.synth.generate import generate


@pytest.fixture(scope="session")
def county_data() -> Dataset:
    """The county scale (威宁县), seed 7."""
    return generate("county", 7)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo scale, seed 7, written to a temporary directory."""
    directory = tmp_path_factory.mktemp("demo")
    write_dataset(generate("demo", 7), directory)
    return directory
