"""Test modules import their helpers relatively.

`tests/` is not a package: pytest imports each test directory as a package of its own
(`service`, `experts`, …), so `from tests.x import y` works only where the repository root
happens to be on the path (a developer's shell) and fails on a fresh checkout.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ABSOLUTE = re.compile(r"^\s*(from|import)\s+tests(\.|\s|$)", re.MULTILINE)


def test_no_test_module_imports_the_tests_directory_as_a_package() -> None:
    offenders = sorted(
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if ABSOLUTE.search(path.read_text(encoding="utf-8"))
    )
    assert offenders == []
