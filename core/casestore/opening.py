"""Opening, identifying, creating, checking and migrating the case store file.

Order of events at open, and why:

1. The path (:mod:`.location`): a data folder that cannot work is refused with one
   clear :class:`DataFolderError` before anything is created.
2. No file yet: a complete new store is built under a temporary name in the same
   folder and linked into place only if the name is still free
   (:func:`create_fresh`). Several processes starting at once each build their own;
   one wins, the others open the winner's. So whatever sits at the store's path is
   always a whole store, never a half-made one.
3. A file already there is identified before anything writes to it
   (:func:`identify`): an empty file, or an SQLite database that is neither ours
   (``application_id``) nor shaped like a store of the first releases, is refused
   with :class:`CaseStoreForeign` and left exactly as it was (no tables, no WAL).
4. Connect with a busy timeout, so a store briefly held by another process is
   waited for, and a store held longer gives :class:`CaseStoreLocked`.
5. ``PRAGMA quick_check`` before anything else reads the tables. A store that fails
   it is never repaired or replaced in place: it (and its -wal/-shm files) is moved
   aside to ``<name>.corrupt-<UTC timestamp>`` beside it and
   :class:`CaseStoreCorrupt` says where. Only the *next* open starts a new store.
6. Migrations (:mod:`.schema`, version in ``PRAGMA user_version``) only when the
   store is writable, in one ``BEGIN IMMEDIATE`` transaction that re-reads the
   version (another process may have just upgraded it). Before an existing store is
   upgraded, a copy is kept as ``<name>.before-upgrade-<version>-<UTC>``. A
   read-only store is opened with ``mode=ro`` so saved cases can still be read.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from urllib.parse import quote

from core.casestore import schema
from core.casestore.errors import (
    CaseStoreCorrupt,
    CaseStoreError,
    CaseStoreForeign,
    CaseStoreReadOnly,
    CaseStoreTooNew,
    translate,
)
from core.casestore.location import DATA_DIR_ENV, STORE_FILENAME, check_folder, default_path

SIDE_FILES: Final = ("-wal", "-shm")
SQLITE_MAGIC: Final = b"SQLite format 3\x00"

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


def check_or_quarantine(conn: sqlite3.Connection, path: Path, can_move: bool,
                        only_reading: bool = False) -> None:
    """Run ``PRAGMA quick_check``; on failure close, keep the file aside and raise.
    ``only_reading`` (a store opened read-only, as ``audit verify`` does): never move
    it, whatever it is (``--store`` may name a user's own file by mistake)."""
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
    if only_reading:
        raise CaseStoreCorrupt(
            path,
            f"{path} is not a usable case store ({problem}). It was only read, and is "
            "unchanged.",
        )
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


def _foreign(path: Path, what: str) -> CaseStoreForeign:
    return CaseStoreForeign(
        path,
        f"The file {path} is {what}, not a case store this application wrote. It was left "
        "exactly as it is. Move it elsewhere (or set another data folder) and try again.")


def identify(path: Path) -> None:
    """Refuse, untouched, a file at the store's path that is not a case store.

    Reads the 100-byte SQLite header directly; only a database with no application
    id is opened (``immutable``: no lock, no side file) to look at its tables. A file
    that is not SQLite at all is left to :func:`check_or_quarantine` (a damaged store).
    """
    from core.regular_file import read_regular_file

    try:
        # only a regular file: a named pipe here would keep the reader (the window's
        # first Save, audit verify) waiting for a writer forever
        header = read_regular_file(path, 100)
    except OSError as exc:
        raise CaseStoreError(path, f"The case store {path} cannot be read "
                                   f"({exc.strerror}).") from None
    if not header:
        raise _foreign(path, "empty (0 bytes)")
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        return
    app_id = int.from_bytes(header[68:72], "big")
    if app_id == schema.APPLICATION_ID:
        return
    if app_id != 0:
        raise _foreign(path, f"another program's SQLite database (application id {app_id:#x})")
    try:
        conn = _connect_immutable(path, 5.0)
        try:
            legacy = schema.legacy_version(conn)
        finally:
            conn.close()
    except (sqlite3.Error, CaseStoreError):
        return  # damaged: the quick check reports it and keeps it aside
    if legacy is None:
        raise _foreign(path, "another program's SQLite database")
    if legacy == 0:
        raise _foreign(path, "an SQLite database with no tables")


def create_fresh(path: Path) -> None:
    """Build a complete new store beside ``path`` and link it into place if still free."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.new-", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("BEGIN IMMEDIATE")
            schema.upgrade(conn, 0)
            conn.execute("COMMIT")
            # into the main file now, and checked: closing checkpoints too, but says
            # nothing when it cannot (a nearly full disk linked a store without its
            # tables, then reported as damaged: review B, L4)
            busy, log, done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy or log != done or conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise CaseStoreError(path, f"Could not create the case store {path}: the "
                                           "new file could not be completed (is the disk "
                                           "full?); nothing was saved.")
        finally:
            conn.close()
        try:
            if os.name == "nt":
                os.rename(tmp, path)  # refuses an existing target on Windows
            else:
                os.link(tmp, path)  # never replaces a store another process just made
        except FileExistsError:
            pass
    except sqlite3.Error as exc:
        raise translate(exc, path, "create the case store") from None
    except OSError as exc:
        raise CaseStoreError(path, f"Could not create the case store {path} "
                                   f"({exc.strerror}); nothing was saved.") from None
    finally:
        for leftover in (tmp, *(Path(f"{tmp}{s}") for s in SIDE_FILES)):
            with contextlib.suppress(OSError):
                leftover.unlink()


def prepare(conn: sqlite3.Connection, path: Path, *, read_only: bool, timeout: float) -> None:
    """WAL mode, durability settings and pending upgrades (writable stores only)."""
    try:
        found = _version(conn, path)
        if found == schema.CURRENT:
            if not read_only:
                # FULL: a save that has returned survives a power cut, not only a crash.
                conn.execute("PRAGMA synchronous=FULL")
            return
        if read_only:
            raise CaseStoreReadOnly(
                path,
                f"The case store {path} is read-only and needs an upgrade this version "
                "cannot write; open it once where it is writable.")
        conn.execute("BEGIN IMMEDIATE")
        try:
            found = _version(conn, path)  # another process may have upgraded it meanwhile
            if found < schema.CURRENT:
                backup_before_upgrade(path, found, timeout)
                schema.upgrade(conn, found)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
    except sqlite3.Error as exc:
        raise translate(exc, path, "prepare the case store") from None


def _version(conn: sqlite3.Connection, path: Path) -> int:
    found = schema.version(conn)
    if found > schema.CURRENT:
        raise CaseStoreTooNew(
            path, f"The case store {path} was written by a newer version of hrher2-aid "
                  f"(schema version {found}); update the application to open it.")
    if found == 0:
        legacy = schema.legacy_version(conn)
        if legacy is None:  # identify() let it through: tables changed since
            raise _foreign(path, "another program's SQLite database")
        return legacy
    return found


def backup_before_upgrade(path: Path, version: int, timeout: float) -> Path:
    """A consistent copy of the store (SQLite's backup API) beside it, before migrating.

    Called while the upgrading connection holds the write lock and has written
    nothing yet, so a second, read-only connection copies exactly the old version.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.before-upgrade-{version}-{stamp}")
    source = connect(path, read_only=True, timeout=timeout)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    except sqlite3.Error as exc:
        dest.close()
        target.unlink(missing_ok=True)
        raise translate(exc, path, "back up the case store before upgrading it") from None
    finally:
        source.close()
    dest.close()
    return target


def open_connection(
    path: Path, *, read_only: bool, timeout: float
) -> tuple[sqlite3.Connection, bool]:
    """Open, check and prepare the store; return the connection and whether it is read-only."""
    check_folder(path)
    asked_read_only = read_only  # (a checking command: its file is never moved aside)
    if not read_only and not writable(path):
        read_only = True
    if not path.exists():
        if read_only:
            raise CaseStoreReadOnly(
                path, f"The case store {path} does not exist and its folder "
                      f"{path.parent} cannot be written, so it cannot be created.")
        create_fresh(path)
    identify(path)
    conn = connect(path, read_only=read_only, timeout=timeout)
    check_or_quarantine(conn, path, can_move=writable(path), only_reading=asked_read_only)
    try:
        prepare(conn, path, read_only=read_only, timeout=timeout)
    except BaseException:
        conn.close()
        raise
    return conn, read_only


__all__ = ["DATA_DIR_ENV", "STORE_FILENAME", "default_path", "open_connection"]
