"""Writing files so that a reader sees the old file or the new one, never half of one.

Every file the application writes (case JSON, PDF reports, the audit CSV) goes
through here: the data goes to a temporary file in the target's own folder (so the
final rename never crosses file systems), is flushed to disk, replaces the target
with :func:`os.replace`, and the folder is flushed too so the rename itself
survives a power cut.

The temporary file has an unpredictable name and is created with ``O_CREAT |
O_EXCL`` (:func:`tempfile.mkstemp`), so a symlink planted at the temporary path is
never followed: creation fails instead and a new name is drawn. A symlink at the
*target* is replaced by the new file, never written through. A read-only file at the
target is never replaced (:class:`ReadOnlyFile`): replacing needs only a writable
folder on Linux and macOS, and whoever marked the file read-only meant it to stay.

:func:`stage` and :func:`commit_all` split the two halves, for writers that must
prepare several files before replacing any (the PDF export: both documents, or
neither).

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_text(folder / "case.json", '{"a": 1}\\n').name
'case.json'
>>> (folder / "case.json").read_text()
'{"a": 1}\\n'
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final

_WINDOWS: Final = sys.platform == "win32"


class ReadOnlyFile(PermissionError):
    """The target is a file marked read-only (no write permission for anyone), so it is
    not replaced. Windows refuses the rename anyway; elsewhere it would work."""


class Staged:
    """A temporary file, fully written and flushed, waiting to replace ``path``."""

    def __init__(self, path: Path, temp: Path) -> None:
        self.path = path
        self.temp = temp

    def commit(self) -> Path:
        """Replace the target with the staged file and make the rename durable.

        Raises OSError (the temporary file is then removed)."""
        try:
            os.replace(self.temp, self.path)
        except BaseException:
            self.discard()
            raise
        sync_folder(self.path.parent)
        return self.path

    def discard(self) -> None:
        """Remove the temporary file (nothing happens if it is already gone)."""
        with contextlib.suppress(OSError):
            os.unlink(self.temp)


def commit_all(staged: Sequence[Staged]) -> None:
    """Replace every target with its staged file, or none of them.

    Each existing target is first moved aside (renamed, in its own folder); only when
    every one could be moved are the new files put in place, and the old ones then
    removed. If anything fails (a file marked immutable, a file another program holds
    open on Windows), the new files are taken out, the old ones put back, the staged
    files removed, and the OSError raised: a summary never ends up beside the handout of
    another case. Readers may briefly find no file at a target, never half of one."""
    moved: list[tuple[Path, Path]] = []  # (target, where the old file is kept)
    placed: list[Path] = []

    def undo() -> list[tuple[Path, Path]]:
        """Put everything back; the old files that could not be: (target, kept as)."""
        for path in placed:
            with contextlib.suppress(OSError):
                os.unlink(path)
        stuck = []
        for target, kept in reversed(moved):
            for attempt in range(3):  # (Windows: a virus scanner may hold it a moment)
                try:
                    os.replace(kept, target)
                    break
                except OSError:
                    if attempt == 2:
                        stuck.append((target, kept))
                    else:
                        time.sleep(0.1)
        for item in staged:
            item.discard()
        return stuck

    current = None
    try:
        for item in staged:
            current = item.path
            if os.path.lexists(item.path):
                moved.append((item.path, _move_aside(item.path)))
        for item in staged:
            current = item.path
            os.replace(item.temp, item.path)
            placed.append(item.path)
    except OSError as exc:  # named by its target, not by a temporary file
        stuck = undo()
        if stuck:
            raise NotPutBack(exc.errno, exc.strerror or str(exc), str(current),
                             stuck) from exc
        raise OSError(exc.errno, exc.strerror or str(exc), str(current)) from exc
    except BaseException:
        undo()
        raise
    for _target, kept in moved:
        with contextlib.suppress(OSError):
            os.unlink(kept)
    for folder in dict.fromkeys(item.path.parent for item in staged):
        sync_folder(folder)


class NotPutBack(OSError):
    """:func:`commit_all` failed, and some old files could not be put back either:
    ``kept`` lists each (target, the name its old file is kept under, beside it)."""

    def __init__(self, errno_: int | None, strerror: str, filename: str,
                 kept: list[tuple[Path, Path]]) -> None:
        super().__init__(errno_, strerror, filename)
        self.kept = kept


def _move_aside(target: Path) -> Path:
    """Rename ``target`` to a new unpredictable name beside it; return that name."""
    fd, name = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".old",
                                dir=target.parent if str(target.parent) else Path("."))
    os.close(fd)
    try:
        os.replace(target, name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def stage(path: str | os.PathLike[str], data: bytes, *, mode: int | None = None) -> Staged:
    """Write ``data`` to a new temporary file beside ``path`` and flush it to disk.

    The file gets ``mode`` if given, else the mode of the file it will replace, else
    the ordinary mode for a new file (0666 less the umask). Raises OSError
    (:class:`ReadOnlyFile` for a read-only target); then no temporary file remains.
    """
    target = Path(path)
    refuse_read_only(target)
    folder = target.parent if str(target.parent) else Path(".")
    fd, name = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".part", dir=folder)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, _mode_for(target) if mode is None else mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return Staged(target, temp)


def is_read_only(target: Path) -> bool:
    """``target`` is a regular file marked read-only: no write permission for anyone
    (``chmod a-w``, a file manager's "read-only", the Windows attribute as Python
    reports it), which holds even for an administrator. (A file that only someone else
    may write is left to the folder's permissions.)"""
    try:
        mode = os.lstat(target).st_mode  # a symlink there is replaced, not written to
    except OSError:
        return False
    return stat.S_ISREG(mode) and not mode & 0o222


def refuse_read_only(target: Path) -> None:
    """Raise :class:`ReadOnlyFile` if ``target`` :func:`is_read_only`."""
    if is_read_only(target):
        raise ReadOnlyFile(errno.EACCES, "the file is read-only", str(target))


NAME_MAX: Final = 255  # bytes in one file name (Linux, macOS and Windows file systems)
_RANDOM_AND_SUFFIX: Final = 8 + len(".part")  # what mkstemp adds after the prefix


def temp_prefix(name: str) -> str:
    """``.name.``, with ``name`` cut so that the temporary file's whole name (prefix,
    eight random characters, ``.part``) stays within :data:`NAME_MAX` bytes: a target
    name of 241-255 bytes is valid, and must not fail because of its temporary twin.

    >>> len(temp_prefix("n" * 255) + "12345678.part")
    255
    """
    room = NAME_MAX - _RANDOM_AND_SUFFIX - 2
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return f".{name}."


def write_bytes(path: str | os.PathLike[str], data: bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically (see the module docstring). Raises OSError."""
    return stage(path, data, mode=mode).commit()


def write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8",
               mode: int | None = None) -> Path:
    """Write ``text`` to ``path`` atomically, encoded as given (no newline translation)."""
    return write_bytes(path, text.encode(encoding), mode=mode)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk (POSIX; Windows has no folder handles)."""
    if _WINDOWS:
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the data itself is on disk
    finally:
        os.close(fd)


def _mode_for(target: Path) -> int:
    """mkstemp makes the file private (0600): a file keeps the mode of the one it
    replaces, or gets the ordinary mode for a new file."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


__all__ = ["NAME_MAX", "NotPutBack", "ReadOnlyFile", "Staged", "commit_all", "is_read_only",
           "refuse_read_only", "stage",
           "sync_folder", "temp_prefix", "write_bytes", "write_text"]
