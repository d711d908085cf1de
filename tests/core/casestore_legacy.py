"""Case stores exactly as the first releases wrote them (schema versions 1 and 2).

Those releases made their tables with sqlite-utils migrations, which record applied
steps in ``_sqlite_migrations``; the DDL below is what ``sqlite_master`` held in such
stores (copied from real files), so the upgrade is tested on the real shapes
without driving sqlite-utils.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

V1 = (
    'CREATE TABLE "_sqlite_migrations" ("id" INTEGER PRIMARY KEY, "migration_set" TEXT, '
    '"name" TEXT, "applied_at" TEXT)',
    'CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name" ON '
    '"_sqlite_migrations" ("migration_set", "name")',
    'CREATE TABLE "cases" ("id" INTEGER PRIMARY KEY, "label" TEXT, "answers" TEXT NOT NULL, '
    '"result" TEXT NOT NULL, "evidence_version" TEXT NOT NULL, "created" TEXT NOT NULL, '
    '"changed" TEXT NOT NULL)',
    'CREATE TABLE "audit" ("id" INTEGER PRIMARY KEY, "at" TEXT NOT NULL, "files" TEXT NOT '
    'NULL, "case_sha256" TEXT NOT NULL, "evidence_version" TEXT NOT NULL)',
    "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES "
    "('hrher2-aid.casestore', 'm001_initial', '2025-01-01 00:00:00+00:00')",
)
V2 = (
    *V1,
    'ALTER TABLE cases ADD COLUMN "setting" TEXT',
    'ALTER TABLE cases ADD COLUMN "case_sha256" TEXT',
    'ALTER TABLE cases ADD COLUMN "evidence_sha256" TEXT',
    'ALTER TABLE cases ADD COLUMN "deleted_token" TEXT',
    'ALTER TABLE cases ADD COLUMN "deleted_at" TEXT',
    "CREATE INDEX cases_by_changed ON cases (deleted_token, changed, id)",
    "CREATE INDEX cases_by_created ON cases (deleted_token, created, id)",
    "CREATE INDEX cases_by_label ON cases (deleted_token, label COLLATE NOCASE, id)",
    "ALTER TABLE audit ADD COLUMN \"kind\" TEXT NOT NULL DEFAULT 'report'",
    'ALTER TABLE audit ADD COLUMN "case_id" INTEGER',
    "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES "
    "('hrher2-aid.casestore', 'm002_list_columns', '2025-02-01 00:00:00+00:00')",
)


def make_store(path: Path, version: int, cases: Sequence[dict[str, Any]] = (),
               audit: Sequence[dict[str, Any]] = ()) -> None:
    """A store of that ``version`` (1 or 2) holding the given rows."""
    conn = sqlite3.connect(path)
    for statement in (V1 if version == 1 else V2):
        conn.execute(statement)
    for table, rows in (("cases", cases), ("audit", audit)):
        for row in rows:
            conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES "
                         f"({', '.join('?' * len(row))})", tuple(row.values()))
    conn.commit()
    if version == 2:
        conn.execute("PRAGMA journal_mode=WAL")  # the second release switched at every open
    conn.close()
