"""Files written whole and atomically, their hashes, and the checks before writing them.

Every write goes to a hidden temporary file beside the target and is renamed into place only
when complete, so an interrupted or failed run never leaves a half-written file under the
output name. :func:`check_target` refuses an output before any work is done.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screening.errors import OutputExistsError, ScreeningError


def current_umask() -> int:
    """The process's file-creation mask (reading it means setting it, so it is set back)."""
    current = os.umask(0)
    os.umask(current)
    return current


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def now_iso() -> str:
    """The UTC time to the second, as written records carry it (``2026-12-05T11:30:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name one file: the same inode (a hard link, a symlink, another
    spelling of the path), or, when either does not exist, the same resolved path."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # a missing file has no inode to compare
        return Path(os.path.abspath(a)).resolve() == Path(os.path.abspath(b)).resolve()


def check_target(
    path: Path,
    force: bool = False,
    *,
    inputs: Iterable[Path] = (),
    bundle: bool = False,
    hint: str | None = None,
) -> None:
    """Refuse an output before any work, with the reason the write would fail later.

    Raises OutputExistsError (carrying ``hint``, what the caller suggests instead) when it
    exists and ``force`` is False (for a ``bundle`` folder, an empty one does not count:
    nothing would be lost). Raises ScreeningError when ``path`` is one of ``inputs`` (the
    same file through any link or spelling, or a path inside an input folder: inputs are
    never modified, whatever ``force`` says); when a file output is a folder or a bundle
    output is a file; or when the nearest existing parent is not a writable folder.
    """
    p = Path(path)
    for given in inputs:
        source = Path(os.path.realpath(given))
        if same_file(p, given) or source in Path(os.path.realpath(p)).parents:
            raise ScreeningError(f"{p} is the input {given}; write the output elsewhere")
    if bundle and p.exists() and not p.is_dir():
        raise ScreeningError(f"{p} exists and is not a model bundle folder")
    if not bundle and p.is_dir():
        raise ScreeningError(f"{p} is a directory")
    occupied = p.exists() and not (bundle and not any(p.iterdir()))
    if occupied and not force:
        raise OutputExistsError(p, hint)
    parent = p.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent  # missing folders are created on write
    if not parent.is_dir():
        raise ScreeningError(f"cannot write {p}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ScreeningError(f"cannot write {p}: folder {parent} is not writable")


@contextmanager
def atomic_path(path: Path, force: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on normal exit, fsync it and rename it into
    place; on an exception, delete it. With ``force=False`` an existing ``path`` is an error."""
    check_target(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        # mkstemp makes 0600; outputs are meant to be shared
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, write: Callable[[Path], object], force: bool = True) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place.

    Readers never see a half-written file under ``path``; an interrupted run leaves at most a
    hidden ``.NAME.*.tmp``. With ``force=False`` an existing ``path`` is an error.
    """
    with atomic_path(path, force) as tmp:
        write(tmp)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON (UTF-8, indented) atomically: temporary file beside ``path``, then rename."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_text_atomic(path: Path, text: str) -> None:
    """Write text (UTF-8) atomically: temporary file beside ``path``, then rename."""
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
