"""Finding, opening, checking and migrating the case store file.

Order of events at open, and why:

1. The path: an explicit argument, else ``$HRHER2_AID_DATA_DIR/cases.sqlite``, else
   ``cases.sqlite`` in platformdirs' ``user_data_dir("hrher2-aid")``.
2. Connect with a busy timeout, so a store briefly held by another process is
   waited for, and a store held longer gives :class:`CaseStoreLocked`.
3. ``PRAGMA quick_check`` before anything else touches the file. A store that fails
   it is never repaired or replaced in place: it (and its -wal/-shm files) is moved
   aside to ``<name>.corrupt-<UTC timestamp>`` beside it and
   :class:`CaseStoreCorrupt` says where. Only the *next* open starts a new store.
4. WAL mode and migrations (writes) only when the store is writable; a read-only
   store is opened with ``mode=ro`` so saved cases can still be read. Before an
   existing store is upgraded, a copy is kept as ``<name>.before-upgrade-<step>-<UTC>``.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from urllib.parse import quote

from core.casestore import schema
from core.casestore.errors import (
    CaseStoreCorrupt,
    CaseStoreError,
    CaseStoreReadOnly,
    CaseStoreTooNew,
    translate,
)

STORE_FILENAME: Final = "cases.sqlite"
DATA_DIR_ENV: Final = "HRHER2_AID_DATA_DIR"
SIDE_FILES: Final = ("-wal", "-shm")


def default_path() -> Path:
    """Where the store lives unless told otherwise."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override) / STORE_FILENAME
    from platformdirs import user_data_dir

    return Path(user_data_dir("hrher2-aid", appauthor=False)) / STORE_FILENAME


def writable(path: Path) -> bool:
    """Whether the store and its folder can be written (WAL needs the folder too)."""
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def connect(path: Path, *, read_only: bool, timeout: float) -> sqlite3.Connection:
    """A connection with the busy timeout; ``mode=ro`` when read-only."""
    mode = "ro" if read_only else "rwc"
    uri = f"file:{quote(str(path))}?mode={mode}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout)
    except sqlite3.Error as exc:
        raise translate(exc, path, "open the case store") from None
    if not read_only:
        return conn
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        if code in (11, 26):
            return conn  # damaged: check_or_quarantine reports it properly
        conn.close()
        if code not in (8, 14):  # not CANTOPEN / READONLY_CANTINIT (no -shm possible)
            raise translate(exc, path, "open the case store") from None
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise CaseStoreReadOnly(
                path,
                f"The case store {path} is in a read-only folder and its latest changes "
                f"are still in {wal}, which SQLite cannot apply there. Make the folder "
                "writable (or copy both files elsewhere) and reopen; nothing was changed.",
            ) from None
        # A WAL store in a read-only folder cannot create its -shm file. With no
        # pending WAL content the main file is complete, so reading it as immutable
        # shows exactly what was saved.
        return _connect_immutable(path, timeout)
    return conn


def _connect_immutable(path: Path, timeout: float) -> sqlite3.Connection:
    uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
    try:
        return sqlite3.connect(uri, uri=True, timeout=timeout)
    except sqlite3.Error as exc:
        raise translate(exc, path, "open the case store") from None


def quarantine(path: Path) -> Path:
    """Move a damaged store and its side files aside; return the new main file name."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():  # two damaged stores in one second: never overwrite one
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    os.replace(path, target)
    for suffix in SIDE_FILES:
        side = Path(f"{path}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{target}{suffix}"))
    return target


def check_or_quarantine(conn: sqlite3.Connection, path: Path, can_move: bool) -> None:
    """Run ``PRAGMA quick_check``; on failure close, keep the file aside and raise."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        problem = None if rows == [("ok",)] else str(rows[0][0])
    except sqlite3.Error as exc:
        code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        if code not in (11, 26) and "malformed" not in str(exc) and "not a database" not in str(
            exc
        ):
            conn.close()
            raise translate(exc, path, "open the case store") from None
        problem = str(exc)
    if problem is None:
        return
    conn.close()
    if not can_move:
        raise CaseStoreCorrupt(
            path,
            f"The case store {path} is damaged ({problem}) and its folder is read-only, so "
            "it could not be kept aside. Nothing was changed; ask IT to copy it elsewhere.",
        )
    try:
        moved = quarantine(path)
    except OSError as exc:
        raise CaseStoreCorrupt(
            path,
            f"The case store {path} is damaged ({problem}) and could not be moved aside "
            f"({exc.strerror}). Nothing was changed; ask IT to copy it elsewhere.",
        ) from None
    raise CaseStoreCorrupt(
        path,
        f"The case store {path} is damaged ({problem}). It has been kept unchanged as "
        f"{moved}; a new, empty case store will be started. IT may be able to recover "
        "cases from the kept file.",
        moved_to=moved,
    )


def prepare(conn: sqlite3.Connection, path: Path, *, read_only: bool) -> None:
    """WAL mode, durability settings and pending migrations (writable stores only)."""
    try:
        applied = schema.applied_names(conn)
    except sqlite3.Error as exc:
        raise translate(exc, path, "read the case store") from None
    unknown = [n for n in applied if n not in schema.MIGRATION_NAMES]
    if unknown:
        raise CaseStoreTooNew(
            path,
            f"The case store {path} was written by a newer version of hrher2-aid "
            f"(schema step {unknown[0]!r}); update the application to open it.",
        )
    pending = [n for n in schema.MIGRATION_NAMES if n not in applied]
    if read_only:
        if pending:
            raise CaseStoreReadOnly(
                path,
                f"The case store {path} is read-only and needs an upgrade this version "
                "cannot write; open it once where it is writable.",
            )
        return
    try:
        # FULL: a save that has returned survives a power cut, not only a crash.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        if pending:
            if applied:  # an existing store is being upgraded: keep a copy first
                backup_before_upgrade(conn, path, applied[-1])
            from sqlite_utils import Database

            schema.migrations().apply(Database(conn, execute_plugins=False))
    except sqlite3.Error as exc:
        raise translate(exc, path, "prepare the case store") from None
    except CaseStoreError:
        raise


def backup_before_upgrade(conn: sqlite3.Connection, path: Path, version: str) -> Path:
    """A consistent copy of the store (SQLite's backup API) beside it, before migrating."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.before-upgrade-{version}-{stamp}")
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    except sqlite3.Error as exc:
        dest.close()
        target.unlink(missing_ok=True)
        raise translate(exc, path, "back up the case store before upgrading it") from None
    dest.close()
    return target


def open_connection(
    path: Path, *, read_only: bool, timeout: float
) -> tuple[sqlite3.Connection, bool]:
    """Open, check and prepare the store; return the connection and whether it is read-only."""
    if not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CaseStoreReadOnly(
                path, f"The folder for the case store {path.parent} cannot be created "
                      f"({exc.strerror})."
            ) from None
    if not read_only and not writable(path):
        read_only = True
    if read_only and not path.exists():
        raise CaseStoreReadOnly(
            path, f"The case store {path} does not exist and its folder is read-only."
        )
    conn = connect(path, read_only=read_only, timeout=timeout)
    check_or_quarantine(conn, path, can_move=writable(path))
    try:
        prepare(conn, path, read_only=read_only)
    except BaseException:
        conn.close()
        raise
    return conn, read_only
