"""The case store's schema, as sqlite-utils migrations (``sqlite_utils.Migrations``).

sqlite-utils 4 ships the migrations mechanism that used to be the separate
``sqlite-migrate`` package (which is now a deprecated shim re-exporting it), so the
migrations are written against ``sqlite_utils.Migrations`` directly. Applied
migrations are recorded by name in ``_sqlite_migrations``.

Importing sqlite-utils costs ~100 ms (it pulls in numpy when installed), so the
normal open path only reads ``_sqlite_migrations`` with the standard library and
imports sqlite-utils when a migration is actually pending (a new store, an upgrade).

Never edit a migration that has shipped: add a new one at the end of
:data:`MIGRATION_NAMES` and register it below.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from sqlite_utils import Database, Migrations

MIGRATION_SET: Final = "hrher2-aid.casestore"
MIGRATION_NAMES: Final = ("m001_initial", "m002_list_columns")


def applied_names(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations already applied to this store (stdlib only, read-only)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not exists:
        return []
    rows = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
        (MIGRATION_SET,),
    ).fetchall()
    return [str(r[0]) for r in rows]


def migrations() -> Migrations:
    """The migration set (imports sqlite-utils: call only when something is pending)."""
    from sqlite_utils import Migrations

    steps = Migrations(MIGRATION_SET)

    @steps(name="m001_initial")
    def m001_initial(db: Database) -> None:
        # Version 1: the cases and the audit log, nothing derived.
        db.table("cases").create(
            {"id": int, "label": str, "answers": str, "result": str,
             "evidence_version": str, "created": str, "changed": str},
            pk="id", not_null={"answers", "result", "evidence_version", "created", "changed"},
        )
        db.table("audit").create(
            {"id": int, "at": str, "files": str, "case_sha256": str, "evidence_version": str},
            pk="id", not_null={"at", "files", "case_sha256", "evidence_version"},
        )

    @steps(name="m002_list_columns")
    def m002_list_columns(db: Database) -> None:
        # Version 2: columns the case list and the soft delete need, filled from the
        # JSON already stored, so a version-1 store keeps every case and audit row.
        cases = db.table("cases")
        cases.add_column("setting", str)
        cases.add_column("case_sha256", str)
        cases.add_column("evidence_sha256", str)
        cases.add_column("deleted_token", str)
        cases.add_column("deleted_at", str)
        db.execute(
            "UPDATE cases SET setting = json_extract(answers, '$.setting'), "
            "case_sha256 = json_extract(result, '$.case_sha256'), "
            "evidence_sha256 = json_extract(result, '$.evidence.sha256')"
        )
        # The list filters on deleted_token IS NULL and orders by a date: with
        # deleted_token first, one index walk yields the first page in order (an index
        # on deleted_token alone made SQLite sort all rows: 13 ms at 10,000 cases).
        for name, cols in (("changed", "changed, id"), ("created", "created, id"),
                           ("label", "label COLLATE NOCASE, id")):
            db.execute(f"CREATE INDEX cases_by_{name} ON cases (deleted_token, {cols})")
        audit = db.table("audit")
        audit.add_column("kind", str, not_null_default="report")
        audit.add_column("case_id", int)

    return steps
