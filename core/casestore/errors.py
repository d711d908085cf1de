"""One exception class per kind of case-store failure; every message names the file.

The desktop shows ``str(exc)`` in an error dialog, so each message is one plain
sentence a clinician can act on (or pass to IT), never a traceback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.casestore.records import StoredCase


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


class CaseStoreForeign(CaseStoreError):
    """The file at the store's path is not a case store this application wrote (an empty
    file, or another program's SQLite database). It is refused and left exactly as it is."""


class DataFolderError(CaseStoreError):
    """The data folder (``$HRHER2_AID_DATA_DIR`` or the path given) cannot hold a store:
    not a folder, a relative path, or a name longer than the system allows."""


class CaseConflict(CaseStoreError):
    """Someone else saved the case after it was read; ``theirs`` is what is stored now.

    Nothing was written. The caller offers a choice: reload theirs, or save this
    version as a copy (a new case)."""

    def __init__(self, path: Path | str, message: str, theirs: StoredCase) -> None:
        super().__init__(path, message)
        self.theirs = theirs


class CaseDamaged(CaseStoreError):
    """A saved case no longer matches its stored hashes; ``reason`` says which check failed.

    A damaged case is listed and can be looked at, but is never used silently
    (exported, duplicated, compared or saved over)."""

    def __init__(self, path: Path | str, message: str, case_id: int, reason: str) -> None:
        super().__init__(path, message)
        self.case_id = case_id
        self.reason = reason


class CaseFileError(CaseStoreError):
    """A case or CSV file could not be written (export); nothing in the store changed."""


class ExportNotRecorded(CaseStoreError):
    """The export's files were written (``written``), but the export is not in the audit
    log: the store is read-only or locked (the message says which)."""

    def __init__(self, path: Path | str, message: str, written: list[Path]) -> None:
        super().__init__(path, message)
        self.written = written


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
