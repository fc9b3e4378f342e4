"""Test-wide settings, and generated data sets shared by several test packages.

Hypothesis runs derandomized: the same examples every run, so a red CI run can be
reproduced on any machine, and a slow machine does not fail a test for being slow.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from matching.data.dataset import Dataset, write_dataset
from matching.synth.generate import generate

settings.register_profile(
    "bangfu",
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile("bangfu")


@pytest.fixture(scope="session")
def county_data() -> Dataset:
    """The county scale (威宁县), seed 7."""
    return generate("county", 7)


@pytest.fixture(scope="session")
def province_data() -> Dataset:
    """The province scale, seed 7 (about a minute to generate: slow tests only)."""
    return generate("province", 7)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo scale, seed 7, written to a temporary directory."""
    directory = tmp_path_factory.mktemp("demo")
    write_dataset(generate("demo", 7), directory)
    return directory
