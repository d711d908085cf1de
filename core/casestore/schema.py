"""The case store's schema: numbered steps, the version kept in ``PRAGMA user_version``.

SQLite's own header fields say what a file is and which schema it has:
``PRAGMA application_id`` is :data:`APPLICATION_ID` for every store this
application made or upgraded (so another program's database is never mistaken for
one), ``PRAGMA user_version`` the number of the last step applied.

Stores made before version 3 kept their version in sqlite-utils' migrations table
and have ``user_version`` 0; :func:`legacy_version` recognises them by their tables
and columns (public ``sqlite_master`` / ``table_info`` data, not that table's rows).

Each step runs inside the caller's transaction, together with the new
``user_version``, so a store is always at one version or the next, never between.
Never edit a step that has shipped: add a new one at the end of :data:`STEPS`.

>>> CURRENT
3
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Final

from core.casestore import integrity

APPLICATION_ID: Final = 0x48524832  # "HRH2"
LEGACY_CASE_COLUMNS: Final = frozenset(
    {"id", "label", "answers", "result", "evidence_version", "created", "changed"})
LEGACY_AUDIT_COLUMNS: Final = frozenset(
    {"id", "at", "files", "case_sha256", "evidence_version"})


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")}


def legacy_version(conn: sqlite3.Connection) -> int | None:
    """1 or 2 for a store an earlier release made (tables of that shape), 0 for an
    empty database, None for anything else (another program's database)."""
    tables = {str(r[0]) for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return 0
    if not {"cases", "audit"} <= tables:
        return None
    cases, audit = _columns(conn, "cases"), _columns(conn, "audit")
    if not (cases >= LEGACY_CASE_COLUMNS and audit >= LEGACY_AUDIT_COLUMNS):
        return None
    return 2 if "deleted_token" in cases else 1


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def application_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA application_id").fetchone()[0])


def step1_initial(conn: sqlite3.Connection) -> None:
    # Version 1: the cases and the audit log, nothing derived (the tables an
    # sqlite-utils migration created in the first release, same names and types).
    conn.execute('CREATE TABLE "cases" ("id" INTEGER PRIMARY KEY, "label" TEXT, '
                 '"answers" TEXT NOT NULL, "result" TEXT NOT NULL, '
                 '"evidence_version" TEXT NOT NULL, "created" TEXT NOT NULL, '
                 '"changed" TEXT NOT NULL)')
    conn.execute('CREATE TABLE "audit" ("id" INTEGER PRIMARY KEY, "at" TEXT NOT NULL, '
                 '"files" TEXT NOT NULL, "case_sha256" TEXT NOT NULL, '
                 '"evidence_version" TEXT NOT NULL)')


def step2_list_columns(conn: sqlite3.Connection) -> None:
    # Version 2: columns the case list and the soft delete need, filled from the
    # JSON already stored, so a version-1 store keeps every case and audit row.
    for column in ("setting", "case_sha256", "evidence_sha256", "deleted_token", "deleted_at"):
        conn.execute(f'ALTER TABLE cases ADD COLUMN "{column}" TEXT')
    conn.execute("UPDATE cases SET setting = json_extract(answers, '$.setting'), "
                 "case_sha256 = json_extract(result, '$.case_sha256'), "
                 "evidence_sha256 = json_extract(result, '$.evidence.sha256')")
    # The list filters on deleted_token IS NULL and orders by a date: with
    # deleted_token first, one index walk yields the first page in order (an index
    # on deleted_token alone made SQLite sort all rows: 13 ms at 10,000 cases).
    for name, cols in (("changed", "changed, id"), ("created", "created, id"),
                       ("label", "label COLLATE NOCASE, id")):
        conn.execute(f"CREATE INDEX cases_by_{name} ON cases (deleted_token, {cols})")
    conn.execute("ALTER TABLE audit ADD COLUMN \"kind\" TEXT NOT NULL DEFAULT 'report'")
    conn.execute('ALTER TABLE audit ADD COLUMN "case_id" INTEGER')


def step3_integrity(conn: sqlite3.Connection) -> None:
    # Version 3: a revision and a row hash per case (conflicts, damage), a hash
    # chain over the audit log and triggers that make it append-only. Existing rows
    # are hashed as they are now: what was saved before is trusted once, here.
    conn.execute('ALTER TABLE cases ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 1')
    conn.execute('ALTER TABLE cases ADD COLUMN "row_sha256" TEXT')
    conn.execute('ALTER TABLE audit ADD COLUMN "label" TEXT')  # the case's label, if any
    conn.execute('ALTER TABLE audit ADD COLUMN "prev_sha256" TEXT')
    conn.execute('ALTER TABLE audit ADD COLUMN "entry_sha256" TEXT')
    fields = ", ".join(integrity.ROW_FIELDS)
    for values in conn.execute(f"SELECT {fields} FROM cases").fetchall():
        row = dict(zip(integrity.ROW_FIELDS, values, strict=True))
        conn.execute("UPDATE cases SET row_sha256 = ? WHERE id = ?",
                     (integrity.row_sha256(row), row["id"]))
    prev = integrity.GENESIS
    audit_fields = ", ".join(integrity.AUDIT_FIELDS)
    for values in conn.execute(f"SELECT {audit_fields} FROM audit ORDER BY id").fetchall():
        entry = dict(zip(integrity.AUDIT_FIELDS, values, strict=True))
        digest = integrity.entry_sha256(entry, prev)
        conn.execute("UPDATE audit SET prev_sha256 = ?, entry_sha256 = ? WHERE id = ?",
                     (prev, digest, entry["id"]))
        prev = digest
    for what in ("UPDATE", "DELETE"):
        conn.execute(f"CREATE TRIGGER audit_no_{what.lower()} BEFORE {what} ON audit "
                     "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")


#: the first releases' migration set (sqlite-utils Migrations), and its steps up to this version's
FIRST_RELEASES_SET: Final = "hrher2-aid.casestore"
FIRST_RELEASES_STEPS: Final = ("m001_initial", "m002_list_columns", "m003_integrity")


def _name_steps_for_first_releases(conn: sqlite3.Connection) -> None:
    """A store from the first releases also lists its steps through sqlite-utils'
    ``Migrations``; naming the later steps there (as applied, through its public API:
    our steps above did the work) makes those releases refuse the store as "written by
    a newer version" instead of writing rows without hashes. A store that never used
    that set is left without one. (Inside the caller's transaction: sqlite-utils nests
    its own as a savepoint.)"""
    from sqlite_utils import Database, Migrations

    first = Migrations(FIRST_RELEASES_SET)
    for name in FIRST_RELEASES_STEPS:
        first(name=name)(_done_by_our_steps)
    db = Database(conn, execute_plugins=False)
    if first.applied(db):
        first.apply(db)


def _done_by_our_steps(db: object) -> None:
    """A first-release step as sqlite-utils records it: done already by our own."""


STEPS: Final[tuple[Callable[[sqlite3.Connection], None], ...]] = (
    step1_initial, step2_list_columns, step3_integrity)
CURRENT: Final = len(STEPS)


def upgrade(conn: sqlite3.Connection, from_version: int) -> None:
    """Apply the steps after ``from_version`` (inside the caller's transaction)."""
    for step in STEPS[from_version:]:
        step(conn)
    if from_version in (1, 2):  # a store of the first releases (legacy_version)
        _name_steps_for_first_releases(conn)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {CURRENT}")
