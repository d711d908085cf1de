"""The case store's audit log: one entry per export, hash-chained and append-only
(:mod:`.integrity`), with its head recorded beside the store (:mod:`.audit_head`).

:class:`AuditLog` is a part of :class:`core.casestore.CaseStore` (which it is mixed
into): ``store.record_export(...)``, ``store.list_audit()``, ``store.verify_audit()``.
"""

from __future__ import annotations

import builtins
import json
import os
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.casestore import audit_head, integrity
from core.casestore.errors import translate
from core.casestore.records import AuditEntry
from core.casestore.times import local_time

#: how an export stands against its saved case now (:meth:`AuditLog.export_standing`)
SAME, CHANGED, DELETED, DAMAGED = ("same answers", "answers changed since",
                                  "case deleted since", "case damaged")
#: the kinds of audit entry that are documents given out (not a case file)
DOCUMENT_KINDS = ("report", "handout")


class AuditLog:
    """The audit log's half of a case store (needs the store's connection and its
    transaction and read helpers)."""

    path: Path
    _conn: sqlite3.Connection

    def _write(self, doing: str) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self, sql: str, params: Sequence[object] = (), doing: str = "read the case store"
              ) -> builtins.list[tuple[Any, ...]]:
        raise NotImplementedError

    def record_export(self, when: datetime | str | None, files: Sequence[str | Path],
                      case_sha256: str, evidence_version: str, *, kind: str = "report",
                      case_id: int | None = None, label: str | None = None) -> int:
        """Append one export to the audit chain: when, which files, the case hash, the
        evidence version (and the case's id and label). Returns the entry's id."""
        at = when if isinstance(when, str) else (
            (when or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        entry: dict[str, Any] = {
            "at": at, "kind": kind, "files": json.dumps([_name(f) for f in files],
                                                        ensure_ascii=False),
            "case_sha256": case_sha256, "evidence_version": evidence_version,
            "case_id": case_id, "label": label}
        with self._write("record the export in the audit log") as conn:
            last = conn.execute("SELECT id, entry_sha256 FROM audit ORDER BY id DESC "
                                "LIMIT 1").fetchone()
            entry["id"] = 1 if last is None else int(last[0]) + 1
            prev = integrity.GENESIS if last is None else str(last[1])
            digest = integrity.entry_sha256(entry, prev)
            conn.execute(
                f"INSERT INTO audit ({', '.join(integrity.AUDIT_FIELDS)}, prev_sha256, "
                f"entry_sha256) VALUES ({', '.join('?' * (len(integrity.AUDIT_FIELDS) + 2))})",
                (*(entry[f] for f in integrity.AUDIT_FIELDS), prev, digest))
            first = digest if entry["id"] == 1 else self._entry_hash(1)
        if first is not None:  # (None: entry 1 is gone, which audit verify reports)
            self._record_head(audit_head.Head(first, int(entry["id"]), digest, at))
        return int(entry["id"])

    def _entry_hash(self, entry_id: int) -> str | None:
        rows = self._read("SELECT entry_sha256 FROM audit WHERE id = ?", (entry_id,),
                          "read the audit log")
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    def _compare_head(self, recorded: audit_head.Head) -> audit_head.Comparison:
        state = audit_head.compare(recorded, self._entry_hash(1),
                                   self._entry_hash(recorded.entry))
        if state == "other" and self._read("SELECT 1 FROM cases WHERE created < ? LIMIT 1",
                                           (recorded.at,), "read the case store"):
            # Another log (or none) beside cases saved before the recorded entry: not a
            # store started anew, whose cases are all newer, but a log emptied or
            # replaced, or an older copy of the store put back (diff review R3)
            return "cut"
        return state

    def _record_head(self, new: audit_head.Head) -> None:
        """Record the log's new head beside the store (:mod:`.audit_head`): forward only,
        and never over a record of entries cut off. Best effort: the export is in the log
        whatever happens here, and ``audit verify`` says when no head is recorded."""
        try:
            try:
                recorded = audit_head.read(self.path)
            except audit_head.HeadUnreadable:
                recorded = None  # not a record: replaced by one
            if recorded is not None:
                state = self._compare_head(recorded)
                if state == "cut" or (state == "in" and recorded.entry >= new.entry):
                    return
            audit_head.write(self.path, new)
        except Exception:  # noqa: BLE001 - the export is in the log already; a record
            pass  # that cannot be kept is what audit verify then says (never a traceback)

    def list_audit(self, limit: int | None = None) -> builtins.list[AuditEntry]:
        """Audit entries, newest first."""
        return self._entries("ORDER BY at DESC, id DESC LIMIT ?",
                             (-1 if limit is None else limit,))

    def _entries(self, rest: str, params: Sequence[object]) -> builtins.list[AuditEntry]:
        rows = self._read(
            "SELECT id, at, kind, files, case_sha256, evidence_version, case_id, label "
            f"FROM audit {rest}", params, "read the audit log")
        return [AuditEntry(r[0], _text(r[1]), _text(r[2]), _files(_text(r[3])), _text(r[4]),
                           _text(r[5]), r[6] if type(r[6]) is int else None,
                           None if r[7] is None else _text(r[7]))
                for r in rows]

    def last_export(self, case_id: int) -> AuditEntry | None:
        """The newest export of documents (a summary, a handout) recorded for saved case
        ``case_id``, or None. A case file exported from the case list is not counted:
        it hides nothing the documents given out say. Newest in the log's own order
        (the chain's), not by the clock of whichever computer wrote the entry."""
        newest = self._entries("WHERE case_id = ? AND kind IN (?, ?) ORDER BY id DESC LIMIT 1",
                               (case_id, *DOCUMENT_KINDS))
        return newest[0] if newest else None

    def outdated_export(self, case_id: int, case_sha256: str) -> str | None:
        """What to tell the user when the documents last exported from saved case
        ``case_id`` carry other answers than ``case_sha256`` hashes (they no longer
        match it), or None.

        Says when, in local time: "the documents exported from it on 2026-12-04 08:44
        carry other answers: export again for the record".

        Documents exported since then with exactly these answers count as its own,
        though no saved case is named for them (exported before the changes were saved,
        or from its case file: explore19, finding 2): the case hash covers the label,
        so they carry this case's label too. Not for a case without a label, which
        another patient's case with the same answers cannot be told from."""
        last = self.last_export(case_id)
        if last is None or last.case_sha256 == case_sha256:
            return None
        since = self._read(
            "SELECT 1 FROM audit WHERE id > ? AND case_id IS NULL AND case_sha256 = ? "
            "AND kind IN (?, ?) AND trim(coalesce(label, '')) != '' LIMIT 1",
            (last.id, case_sha256, *DOCUMENT_KINDS), "read the audit log")
        if since:
            return None
        return (f"the documents exported from it on {local_time(last.at)} carry other "
                "answers: export again for the record")

    def export_standing(self, entries: Sequence[AuditEntry]) -> dict[int, str]:
        """For each entry (by its id) made for a saved case: :data:`SAME` when the
        saved case has the answers the export carried, :data:`CHANGED` when it has
        other answers now, :data:`DELETED` when it is no longer in the case list,
        :data:`DAMAGED` when its row fails its hash check (what it holds now cannot be
        told). Entries of unsaved cases are left out.

        An export's documents are only as good as their answers: this tells which
        documents given out no longer match the case as it is kept now."""
        wanted = {e.case_id for e in entries if e.case_id is not None}
        if not wanted:
            return {}
        rows = self._read(f"SELECT {', '.join(integrity.ROW_FIELDS)}, row_sha256 FROM cases "
                          "WHERE deleted_token IS NULL", (), "read the case list")
        now: dict[int, str | None] = {}  # case id -> its case hash (None: damaged)
        for r in rows:
            if r[0] in wanted:
                row = dict(zip(integrity.ROW_FIELDS, r, strict=False))
                now[r[0]] = None if integrity.damage(row, r[-1]) else str(row["case_sha256"])
        return {e.id: (DELETED if e.case_id not in now else
                       DAMAGED if now[e.case_id] is None else
                       SAME if now[e.case_id] == e.case_sha256 else CHANGED)
                for e in entries if e.case_id is not None}

    def verify_audit(self, since: str | None = None) -> integrity.AuditCheck:
        """Walk the whole audit chain; the result names the first broken link, if any,
        or says that ``since`` (a head noted earlier) is no longer in the chain."""
        fields = (*integrity.AUDIT_FIELDS, "prev_sha256", "entry_sha256")
        try:
            cursor = self._conn.execute(f"SELECT {', '.join(fields)} FROM audit ORDER BY id")
            check = integrity.check_chain((dict(zip(fields, r, strict=True)) for r in cursor),
                                          since)
        except sqlite3.Error as exc:
            raise translate(exc, self.path, "check the audit log") from None
        return self._check_head(check) if check.ok else check

    def _check_head(self, check: integrity.AuditCheck) -> integrity.AuditCheck:
        """``check`` (an intact chain) against the head recorded beside the store."""
        name = audit_head.path_for(self.path).name
        unchecked = "so entries cut off at the end of the log cannot be found without --since"
        try:
            recorded = audit_head.read(self.path)
        except audit_head.HeadUnreadable as exc:
            return replace(check, note=f"the head record {name} cannot be read ({exc}), "
                                       f"{unchecked}")
        if recorded is None:
            if check.entries == 0:
                return check
            return replace(check, note=f"no head is recorded beside the store yet ({name}, "
                                       f"written at the next export), {unchecked}")
        state = self._compare_head(recorded)
        when = local_time(recorded.at)
        if state == "cut":
            return replace(check, problem=(
                f"the log no longer holds entry {recorded.entry} as it was written {when}, "
                f"the last entry then ({name} records it): entries were removed from it, "
                "or an older or other copy of the case store was put in its place "
                f"({check.entries} entries now, their chain intact; once this is accounted "
                f"for, removing {name} records the log as it is now)"))
        if state == "other":
            return replace(check, note=(
                f"{name} records another audit log ({recorded.entry} entries, the last "
                f"written {when}): this case store was started anew or replaced since"))
        return check


def _text(value: object) -> str:
    """A text column as text: a value of another type can only have been put there by
    hand (``audit verify`` names the entry); it is shown as such, never raised on."""
    if isinstance(value, str):
        return value
    return "(not text: edited outside the app)" if isinstance(value, bytes) else str(value)


def _files(text: str) -> tuple[str, ...]:
    try:
        names = json.loads(text)
    except ValueError:
        return (text,)
    return tuple(str(n) for n in names) if isinstance(names, list) else (str(names),)


def _name(path: str | Path) -> str:
    """A file's name as text SQLite can store: a name that is not UTF-8 keeps its odd
    bytes as \\x escapes (diff review R7: it raised after the documents were written)."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")
