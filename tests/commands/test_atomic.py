"""Tests of whole-or-nothing outputs and of checking a target before any work."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.commands.atomic import (
    atomic_directory,
    atomic_file,
    check_directory_target,
    check_file_target,
)
from matching.errors import InvalidInputError


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _earlier_output(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_text("earlier a\n", encoding="utf-8")
    (out / "b.json").write_text("earlier b\n", encoding="utf-8")
    return out


def test_a_directory_is_replaced_whole(tmp_path: Path) -> None:
    """On success the new files replace the old directory; no temporary is left beside it."""
    out = _earlier_output(tmp_path)
    with atomic_directory(out) as staging:
        assert staging.parent == tmp_path and staging != out
        (staging / "a.csv").write_text("new a\n", encoding="utf-8")
        assert _snapshot(out)["a.csv"] == b"earlier a\n"  # nothing visible before the end
    assert _snapshot(out) == {"a.csv": b"new a\n"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_failed_write_leaves_the_earlier_output(tmp_path: Path) -> None:
    """An error (or a cancel) half way leaves the earlier output byte-identical."""
    out = _earlier_output(tmp_path)
    before = _snapshot(out)
    with pytest.raises(KeyboardInterrupt), atomic_directory(out) as staging:
        (staging / "a.csv").write_text("half of a new run\n", encoding="utf-8")
        raise KeyboardInterrupt
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_new_directory_appears_only_when_complete(tmp_path: Path) -> None:
    """Without an earlier output, a failure leaves no directory at all."""
    out = tmp_path / "new" / "out"
    with pytest.raises(RuntimeError), atomic_directory(out) as staging:
        (staging / "a.csv").write_text("x\n", encoding="utf-8")
        raise RuntimeError("disk full")
    assert not out.exists()
    with atomic_directory(out) as staging:
        (staging / "a.csv").write_text("x\n", encoding="utf-8")
    assert _snapshot(out) == {"a.csv": b"x\n"}
    assert out.stat().st_mode & 0o777 != 0o700  # not the temporary's private mode


def test_a_file_is_replaced_whole(tmp_path: Path) -> None:
    """A file output is replaced on success and untouched on failure."""
    path = tmp_path / "solution.json"
    path.write_bytes(b"earlier")
    with pytest.raises(ValueError), atomic_file(path) as staging:
        staging.write_bytes(b"half")
        raise ValueError
    assert path.read_bytes() == b"earlier"
    with atomic_file(path) as staging:
        staging.write_bytes(b"new")
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["solution.json"]


def test_targets_that_cannot_be_written_are_named(tmp_path: Path) -> None:
    """Under a file, a file where a directory goes, or a directory of other files."""
    blocker = tmp_path / "plain-file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="cannot write there") as caught:
        check_directory_target(blocker / "out", "--out", ())
    assert caught.value.item == "--out"
    with pytest.raises(InvalidInputError, match="is not a directory"):
        check_directory_target(blocker, "--out", ())
    with pytest.raises(InvalidInputError, match="cannot write there"):
        check_file_target(blocker / "solution.json", "-o")
    with pytest.raises(InvalidInputError, match="is a directory"):
        check_file_target(tmp_path, "-o")
    out = _earlier_output(tmp_path)
    with pytest.raises(InvalidInputError, match=r"b\.json"):
        check_directory_target(out, "--out", ("a.csv",))
    check_directory_target(out, "--out", ("a.csv", "b.json"))
    check_directory_target(tmp_path / "fresh" / "out", "--out", ())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh", "out", "plain-file"]
