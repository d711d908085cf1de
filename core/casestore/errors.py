"""One exception class per kind of case-store failure; every message names the file.

The desktop shows ``str(exc)`` in an error dialog, so each message is one plain
sentence a clinician can act on (or pass to IT), never a traceback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class CaseStoreError(Exception):
    """Any failure of the case store; ``path`` is the file concerned."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        super().__init__(message)


class CaseStoreLocked(CaseStoreError):
    """Another program holds the store's lock longer than the busy timeout."""


class CaseStoreReadOnly(CaseStoreError):
    """The store (or its folder) cannot be written; reading may still work."""


class CaseStoreCorrupt(CaseStoreError):
    """The store failed its integrity check; ``moved_to`` is where it was kept aside."""

    def __init__(self, path: Path | str, message: str, moved_to: Path | None = None) -> None:
        super().__init__(path, message)
        self.moved_to = moved_to


class CaseStoreTooNew(CaseStoreError):
    """The store was written by a newer version of the application."""


class CaseNotFound(CaseStoreError):
    """No saved case with that id (or the undo is no longer available)."""


class CaseFileError(CaseStoreError):
    """A case or CSV file could not be written (export); nothing in the store changed."""


# SQLite primary result codes (the low byte of the extended code).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def translate(exc: sqlite3.Error, path: Path, doing: str) -> CaseStoreError:
    """Turn an sqlite3 exception into the matching :class:`CaseStoreError`.

    ``doing`` completes the sentence "could not …", e.g. "save the case".
    """
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    text = str(exc).lower()
    if code in (_BUSY, _LOCKED) or "locked" in text:
        return CaseStoreLocked(
            path,
            f"Could not {doing}: the case store {path} is in use by another program "
            "(it stayed locked). Close the other program or wait a moment and try again; "
            "nothing was changed.",
        )
    if code == _READONLY or "readonly" in text or "read-only" in text:
        return CaseStoreReadOnly(
            path,
            f"Could not {doing}: the case store {path} is read-only (check the file's and "
            "its folder's permissions). Saved cases can still be read; nothing was changed.",
        )
    if code in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text:
        return CaseStoreCorrupt(
            path,
            f"Could not {doing}: the case store {path} is damaged. Close and reopen the "
            "application: the damaged file will be kept aside and a new store started.",
        )
    if code == _FULL or "disk is full" in text:
        return CaseStoreError(
            path, f"Could not {doing}: the disk holding {path} is full; nothing was changed."
        )
    if code == _CANTOPEN:
        return CaseStoreError(path, f"Could not {doing}: the case store {path} cannot be "
                                    f"opened ({exc}).")
    return CaseStoreError(path, f"Could not {doing}: case store {path}: {exc}")
