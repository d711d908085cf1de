"""Reading a file that could be anything: only a regular file is read.

A named pipe would keep the reader waiting for a writer for good (the window, a start
of the app, ``audit verify``), a device may never end, a folder cannot be read. So the
file is opened without blocking, refused by its type (an OSError saying what it is),
and read up to a limit.

>>> import tempfile
>>> with tempfile.NamedTemporaryFile() as f:
...     _ = f.write(b"abcdef"); f.flush()
...     read_regular_file(f.name, 3)
b'abc'
"""

from __future__ import annotations

import errno
import os
import stat


def read_regular_file(path: str | os.PathLike[str], limit: int,
                      what: str = "a regular file") -> bytes:
    """At most ``limit`` bytes of ``path``, read only when it is a regular file;
    anything else is an OSError whose message says what it is, and that it is not
    ``what``."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:  # (before fdopen, which refuses a folder in words of its own)
        kind = file_kind(os.fstat(fd).st_mode)
    except OSError:
        os.close(fd)
        raise
    if kind:
        os.close(fd)
        raise OSError(errno.EINVAL, f"is {kind}, not {what}", str(path))
    with os.fdopen(fd, "rb") as fh:
        return fh.read(limit)


def file_kind(mode: int) -> str | None:
    """What a file that is not a regular file is ("a named pipe (FIFO)"...), from its
    ``st_mode``; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def is_folder(path: str | os.PathLike[str]) -> bool:
    """A folder that can be looked at. Never raises: ``Path.is_dir`` does, for a folder
    that may not be entered or a name too long (which a user's choice can be)."""
    try:
        return os.path.isdir(path)
    except (OSError, ValueError):
        return False


def is_file(path: str | os.PathLike[str]) -> bool:
    """A regular file that can be looked at; never raises (see :func:`is_folder`)."""
    try:
        return os.path.isfile(path)
    except (OSError, ValueError):
        return False


__all__ = ["file_kind", "is_file", "is_folder", "read_regular_file"]
