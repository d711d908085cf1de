"""Safe writing of documents: each goes through :mod:`core.atomic` (a temporary file
in its target folder, flushed, then moved into place with :func:`os.replace`), so an
existing file is never left half-written. All temporary files are made before any
is moved, so a folder that cannot be written stops the whole export with nothing
left behind.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from core import atomic
from core.report.errors import OutputError, OutputFailed

#: a write that failed in the device, not in the name or place asked for
DEVICE_ERRORS = frozenset({errno.ENOSPC, errno.EIO, getattr(errno, "EDQUOT", errno.ENOSPC)})


def _failure(exc: OSError) -> type[OutputError]:
    """The error for a failed write: the device's (a full disk) or the place's."""
    return OutputFailed if exc.errno in DEVICE_ERRORS else OutputError


def _check_target(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    size = len(os.fsencode(path.name))
    if size > atomic.NAME_MAX:
        raise OutputError(f"{_short(path.name)}: file name too long ({size} bytes; "
                          f"a file name has at most {atomic.NAME_MAX})")
    try:
        if path.is_dir():
            raise OutputError(f"{path}: is a folder, not a file name")
        if not folder.exists():
            raise OutputError(f"{path}: the folder {folder} does not exist")
        if not folder.is_dir():
            raise OutputError(f"{path}: {folder} is not a folder")
    except OSError as exc:  # a path too long for the system, say
        raise OutputError(f"{_short(str(path))}: cannot be used ({exc.strerror or exc})"
                          ) from None


def _check_distinct(paths: Sequence[Path]) -> None:
    """Two documents never go to one file: not the same path, nor names that differ
    only in upper and lower case (one file on Windows, macOS and USB sticks, where the
    second document would silently replace the first)."""
    try:
        keys = [str(p.resolve()).casefold() for p in paths]
    except (OSError, RuntimeError) as exc:  # a symlink loop, say
        raise OutputError(f"the documents' paths cannot be used ({exc})") from None
    if len(set(keys)) != len(keys):
        raise OutputError("the summary and the handout must be written to different files "
                          "(names differing only in upper and lower case count as one)")


def _short(name: str) -> str:
    return name if len(name) <= 60 else name[:40] + "…" + name[-15:]


def _stage(path: Path, data: bytes) -> atomic.Staged:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        return atomic.stage(path, data)
    except atomic.ReadOnlyFile:
        raise OutputError(f"{path}: the file is read-only, so it is not replaced "
                          "(choose another name)") from None
    except PermissionError:
        raise OutputError(f"{path}: cannot write to the folder {folder} "
                          "(permission denied)") from None
    except OSError as exc:
        raise _failure(exc)(f"{path}: writing failed ({exc.strerror or exc})") from None


def write_documents(documents: Mapping[Path, bytes] | Sequence[tuple[Path, bytes]]
                    ) -> list[Path]:
    """Write each ``path -> bytes`` (a mapping, or pairs) safely; return the paths
    written: every document or none.

    Raises :class:`OutputError` (one line, naming the path) for a missing or
    unwritable folder, a path that is a folder, two documents for one file, or a failed
    write; in every such case no temporary file remains and no existing target has
    changed.
    """
    pairs = [(Path(p), data) for p, data in
             (documents.items() if isinstance(documents, Mapping) else documents)]
    paths = [p for p, _ in pairs]
    for path in paths:
        _check_target(path)
    _check_distinct(paths)
    staged: list[atomic.Staged] = []
    try:
        for path, data in pairs:
            staged.append(_stage(path, data))
        try:
            atomic.commit_all(staged)  # both documents or neither
        except atomic.NotPutBack as exc:
            kept = "; ".join(f"the old {t.name} is kept as {k}" for t, k in exc.kept)
            raise OutputError(f"{exc.filename}: cannot be replaced ({exc.strerror}), and "
                              f"an old document could not be put back: {kept}") from None
        except OSError as exc:
            raise _failure(exc)(f"{exc.filename}: cannot be replaced "
                                f"({exc.strerror or exc}); neither document was changed") \
                from None
    finally:
        for item in staged:
            item.discard()
    return paths
