"""Outputs that appear whole or not at all, and targets checked before any work starts.

A directory output is written into a temporary directory beside the target and renamed
into place only when every file is written; a file output is written to a temporary file
beside it and moved with `os.replace`. A failed or cancelled run leaves the previous
output as it was (the temporary is removed), never a mix of two runs.

Replacing an existing directory takes two renames (the old one aside, the new one in),
so for a moment the target does not exist; it never holds a mix of two runs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from matching.errors import InvalidInputError


def check_directory_target(out: Path, option: str, replaceable: Collection[str]) -> None:
    """Fail now, before any computation, if `out` cannot receive a directory output.

    An existing `out` may be replaced only when it holds nothing but files named in
    `replaceable` (an earlier output): never a directory of someone's other files.
    """
    if out.exists():
        if not out.is_dir():
            raise InvalidInputError(f"{option} {out}: exists and is not a directory", item=option)
        foreign = sorted(p.name for p in out.iterdir() if p.name not in replaceable)
        if foreign:
            raise InvalidInputError(
                f"{option} {out}: holds files this command does not write "
                f"({', '.join(foreign[:3])}); give a new directory or an earlier output",
                item=option,
            )
    _probe(out.absolute().parent, option, out)


def check_file_target(path: Path, option: str) -> None:
    """Fail now if `path` cannot be written (a directory, or a place we cannot write in)."""
    if path.is_dir():
        raise InvalidInputError(f"{option} {path}: is a directory", item=option)
    _probe(path.absolute().parent, option, path)


def _probe(parent: Path, option: str, target: Path) -> None:
    """Create (and remove) a temporary entry where the output's temporary will go."""
    try:
        parent.mkdir(parents=True, exist_ok=True)
        os.rmdir(tempfile.mkdtemp(prefix=".bangfu-probe-", dir=parent))
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InvalidInputError(
            f"{option} {target}: cannot write there ({reason})", item=option
        ) from error


@contextmanager
def atomic_directory(out: Path) -> Iterator[Path]:
    """Yield a temporary directory beside `out`; on success it becomes `out`."""
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=parent))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; an output is not
    try:
        yield staging
        _replace_directory(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _replace_directory(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=staging.parent))
    old.rmdir()
    out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary file path beside `path`; on success it replaces `path`."""
    parent = path.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=parent)
    os.close(handle)
    staging = Path(name)
    staging.chmod(0o666 & ~_umask())
    try:
        yield staging
        os.replace(staging, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            staging.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
