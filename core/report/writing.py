"""Safe writing: every document goes to a temporary file in its target folder and is
moved into place with :func:`os.replace`, so an existing file is never left
half-written. All temporary files are made before any is moved, so a folder that
cannot be written stops the whole export with nothing left behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from core.report.errors import OutputError

NAME_MAX: Final = 255  # bytes in one file name on Linux, macOS and Windows file systems
_RANDOM_AND_SUFFIX: Final = 8 + len(".part")  # what mkstemp adds to the prefix


def _check_target(path: Path) -> Path:
    folder = path.parent if str(path.parent) else Path(".")
    size = len(os.fsencode(path.name))
    if size > NAME_MAX:
        raise OutputError(f"{_short(path.name)}: file name too long ({size} bytes; "
                          f"a file name has at most {NAME_MAX})")
    try:
        if path.is_dir():
            raise OutputError(f"{path}: is a folder, not a file name")
        if not folder.exists():
            raise OutputError(f"{path}: the folder {folder} does not exist")
        if not folder.is_dir():
            raise OutputError(f"{path}: {folder} is not a folder")
    except OSError as exc:
        raise OutputError(f"{_short(str(path))}: cannot be used ({exc.strerror or exc})") from None
    return folder


def _short(name: str) -> str:
    return name if len(name) <= 60 else name[:40] + "…" + name[-15:]


def _temp_prefix(name: str) -> str:
    """``.name.``, with ``name`` cut so that the temporary file's name (prefix, eight
    random characters, ``.part``) stays within :data:`NAME_MAX` bytes: a target name of
    241-255 bytes is valid, and must not fail because of its temporary twin."""
    room = NAME_MAX - _RANDOM_AND_SUFFIX - 2
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return f".{name}."


def _temp_in(folder: Path, path: Path) -> Path:
    try:
        fd, name = tempfile.mkstemp(prefix=_temp_prefix(path.name), suffix=".part",
                                    dir=folder)
    except PermissionError:
        raise OutputError(f"{path}: cannot write to the folder {folder} "
                          "(permission denied)") from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write to the folder {folder} "
                          f"({exc.strerror or exc})") from None
    os.close(fd)
    # mkstemp makes the file private (0600); a document keeps the mode of the file it
    # replaces, or gets the ordinary mode for a new file.
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        mode = 0o666 & ~_umask()
    with contextlib.suppress(OSError):
        os.chmod(name, mode)
    return Path(name)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_documents(documents: Mapping[Path, bytes]) -> list[Path]:
    """Write each ``path -> bytes`` safely; return the paths written.

    Raises :class:`OutputError` (one line, naming the path) for a missing or
    unwritable folder, a path that is a folder, or a failed write; in every such
    case no temporary file remains and no existing target has changed.
    """
    paths = [Path(p) for p in documents]
    if len({p.resolve() for p in paths}) != len(paths):
        raise OutputError("the summary and the handout must be written to different files")
    folders = [_check_target(p) for p in paths]
    temps: list[Path] = []
    try:
        for path, folder in zip(paths, folders, strict=True):
            tmp = _temp_in(folder, path)
            temps.append(tmp)
            try:
                with tmp.open("wb") as fh:
                    fh.write(documents[path])
                    fh.flush()
                    os.fsync(fh.fileno())
            except OSError as exc:
                raise OutputError(f"{path}: writing failed ({exc.strerror or exc})") from None
        for path, tmp in zip(paths, temps, strict=True):
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise OutputError(f"{path}: cannot be replaced ({exc.strerror or exc})") from None
    finally:
        for tmp in temps:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
    return paths
