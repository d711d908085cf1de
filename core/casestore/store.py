"""The case store: saved cases (answers + the result they produced) and the audit log.

Plain ``sqlite3`` on the hot paths (open, list, save) keeps the case list fast;
the schema is numbered steps with the version in ``PRAGMA user_version``
(:mod:`.schema`). Every saved row carries a revision and a row hash, checked on
every read (:mod:`.integrity`); the audit log is a hash chain and append-only.
Every write is one explicit transaction, so a crash or a kill leaves either the
whole save or none of it. Deleting is soft until :meth:`CaseStore.close`, which
is what makes "undo until the app closes" possible.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from core.case import Case, CaseError
from core.casestore import integrity, opening
from core.casestore.audit_log import AuditLog
from core.casestore.errors import (
    CaseConflict,
    CaseDamaged,
    CaseNotFound,
    CaseStoreError,
    CaseStoreReadOnly,
    translate,
)
from core.casestore.records import CaseRow, Comparison, Saved, StoredCase
from core.casestore.times import local_time, now_iso

if TYPE_CHECKING:
    from core.result import Renderer, Result

ORDERS: Final = {
    "changed_desc": "changed DESC, id DESC",
    "changed_asc": "changed ASC, id ASC",
    "created_desc": "created DESC, id DESC",
    "created_asc": "created ASC, id ASC",
    "label_asc": "label COLLATE NOCASE ASC, id ASC",
    "label_desc": "label COLLATE NOCASE DESC, id DESC",
}
# Soft deletes left by a session that crashed are purged at the next open once
# they are this old; a younger one may belong to another window still open.
STALE_DELETE: Final = timedelta(hours=12)


def _result_dict(result: Result | Mapping[str, Any]) -> dict[str, Any]:
    """What is stored: the contract's fields and the words shown with them (titles,
    plain-language words: ``display``), so a saved result reads back whole."""
    return result.to_dict(complete=True) if hasattr(result, "to_dict") else dict(result)


class CaseStore(AuditLog):
    """An open case store. Create with :meth:`open`; call :meth:`close` when the app closes."""

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool) -> None:
        self.path = path
        self.read_only = read_only
        self._conn = conn
        self._tokens: set[str] = set()
        self._closed = False

    # --- lifetime -------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str | None = None, *, read_only: bool = False,
             busy_timeout: float = 5.0) -> CaseStore:
        """Open (creating if needed), check and migrate the store at ``path``.

        Raises :class:`CaseStoreLocked`, :class:`CaseStoreCorrupt` (after keeping the
        damaged file aside), :class:`CaseStoreTooNew` or :class:`CaseStoreError`. A
        store that cannot be written opens read-only (``store.read_only``).
        """
        target = Path(path) if path is not None else opening.default_path()
        target = target.expanduser().absolute()
        conn, ro = opening.open_connection(target, read_only=read_only, timeout=busy_timeout)
        store = cls(target, conn, ro)
        if not ro:
            store._purge_stale()
        return store

    def _purge_stale(self) -> None:
        """Remove deletions a crashed session left behind; never blocks the open."""
        cutoff = (datetime.now(UTC) - STALE_DELETE).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        stale = self._read("SELECT 1 FROM cases WHERE deleted_token IS NOT NULL "
                           "AND deleted_at < ? LIMIT 1", (cutoff,))
        if stale:  # rare: only then take the write lock
            # Locked by another program: the purge waits for a later open.
            with suppress(CaseStoreError):
                self._purge("deleted_at < ?", (cutoff,))

    def close(self) -> None:
        """Purge this session's deletions (undo ends here), checkpoint, close."""
        if self._closed:
            return
        try:
            if not self.read_only:
                for token in list(self._tokens):
                    self._purge("deleted_token = ?", (token,))
                # Fold the WAL into the main file, so a copy of cases.sqlite alone is a
                # complete backup and a read-only open needs no -wal file.
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except CaseStoreError:
            pass  # locked by someone else: the purge happens at a later open
        except sqlite3.Error:
            pass
        finally:
            self._conn.close()
            self._closed = True
            self._tokens.clear()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One transaction; sqlite errors become CaseStoreError naming the file."""
        if self.read_only:
            raise CaseStoreReadOnly(
                self.path,
                f"Could not {doing}: the case store {self.path} is open read-only. "
                "Saved cases can still be read; nothing was changed.",
            )
        conn = self._conn
        try:
            # IMMEDIATE takes the write lock up front, so "busy" shows up here (and
            # waits for the busy timeout) rather than half-way through.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.rollback()
            raise translate(exc, self.path, doing) from None

    def _read(self, sql: str, params: Sequence[object] = (), doing: str = "read the case store"
              ) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise translate(exc, self.path, doing) from None

    def _purge(self, where: str, params: Sequence[object]) -> None:
        with self._write("remove deleted cases") as conn:
            conn.execute(f"DELETE FROM cases WHERE deleted_token IS NOT NULL AND {where}",
                         params)

    # --- cases ----------------------------------------------------------------------

    def save(self, case: Case, result: Result | Mapping[str, Any],
             case_id: int | None = None, *, revision: int | None = None) -> Saved:
        """Store the case and its result: a new case, or an update of ``case_id``.

        An update must say which ``revision`` it started from; if the stored case has
        moved on since (another window or process saved it), nothing is written and
        :class:`CaseConflict` carries what is stored now. A damaged case is never
        saved over (:class:`CaseDamaged`); a deleted one gives :class:`CaseNotFound`.
        """
        res = _result_dict(result)
        if res.get("case_sha256") != case.sha256():
            raise ValueError("the result does not belong to this case (case_sha256 differs)")
        if case_id is not None and revision is None:
            raise ValueError("updating a saved case needs the revision it was read at")
        evidence = res.get("evidence") or {}
        stamp = now_iso()
        row: dict[str, Any] = {
            "label": case.label, "setting": case.setting, "answers": case.canonical_json(),
            "result": json.dumps(res, ensure_ascii=False),
            "evidence_version": evidence.get("version", ""),
            "evidence_sha256": evidence.get("sha256"), "case_sha256": case.sha256(),
            "changed": stamp}
        with self._write("save the case") as conn:
            if case_id is None:
                return self._insert(conn, {**row, "created": stamp, "revision": 1})
            current = self._fetch(conn, case_id)
            if current is None:
                raise CaseNotFound(self.path, f"Saved case {case_id} no longer exists in "
                                              f"{self.path}; save it as a new case.")
            if current.damaged:
                raise self._damaged_error(current, "save over it")
            if current.revision != revision:
                raise CaseConflict(
                    self.path,
                    f"Saved case {case_id} was changed elsewhere (another window or another "
                    f"computer saved it at {local_time(current.changed)}) after you opened "
                    "it. Nothing was written: reload their version, or save yours as a "
                    "copy.",
                    theirs=current)
            if (current.case_sha256 == row["case_sha256"]
                    and current.result == json.loads(row["result"])):
                # Nothing changed: no new revision, which would only make another
                # window's later save of this case a conflict over nothing.
                return Saved(case_id, current.revision, written=False)
            full = {**row, "id": case_id, "created": current.created,
                    "revision": current.revision + 1}
            conn.execute(
                "UPDATE cases SET label = ?, setting = ?, answers = ?, result = ?, "
                "evidence_version = ?, evidence_sha256 = ?, case_sha256 = ?, changed = ?, "
                "revision = ?, row_sha256 = ? WHERE id = ? AND revision = ?",
                (*(full[f] for f in ("label", "setting", "answers", "result",
                                     "evidence_version", "evidence_sha256", "case_sha256",
                                     "changed", "revision")),
                 integrity.row_sha256(full), case_id, revision))
            return Saved(case_id, full["revision"])

    @staticmethod
    def _insert(conn: sqlite3.Connection, row: dict[str, Any]) -> Saved:
        """Insert a new row (id chosen here, so the row hash can cover it). An id the
        audit log names is never given again, even after its case was deleted: an
        entry's ``case_id`` keeps meaning the case it was written for."""
        next_id = conn.execute(
            "SELECT max(coalesce((SELECT max(id) FROM cases), 0), "
            "coalesce((SELECT max(case_id) FROM audit), 0)) + 1").fetchone()[0]
        full = {**row, "id": int(next_id)}
        conn.execute(f"INSERT INTO cases ({_COLUMNS}, row_sha256) VALUES "
                     f"({', '.join('?' * (len(integrity.ROW_FIELDS) + 1))})",
                     (*(full[f] for f in integrity.ROW_FIELDS), integrity.row_sha256(full)))
        return Saved(full["id"], full["revision"])

    def _fetch(self, conn: sqlite3.Connection, case_id: int) -> StoredCase | None:
        row = conn.execute(f"SELECT {_COLUMNS}, row_sha256 FROM cases WHERE id = ? "
                           "AND deleted_token IS NULL", (case_id,)).fetchone()
        return None if row is None else _stored(row)

    def _damaged_error(self, stored: StoredCase, doing: str) -> CaseDamaged:
        return CaseDamaged(
            self.path,
            f"Saved case {stored.id} in {self.path} is damaged ({stored.damaged}), so this "
            f"program will not {doing}. Its contents can be looked at but should not be "
            "relied on; enter the case again, or restore the store from a backup.",
            stored.id, stored.damaged or "")

    def get(self, case_id: int) -> StoredCase:
        """One saved case, damaged or not (check ``.damaged`` before using it)."""
        rows = self._read(f"SELECT {_COLUMNS}, row_sha256 FROM cases WHERE id = ? AND "
                          "deleted_token IS NULL", (case_id,), "open the saved case")
        if not rows:
            raise CaseNotFound(self.path, f"There is no saved case {case_id} in {self.path}.")
        return _stored(rows[0])

    def find_intact(self, case_sha256: str) -> StoredCase | None:
        """The saved case (intact, not deleted) that holds exactly this case, the most
        recently changed if there are several; None if none does."""
        rows = self._read(f"SELECT {_COLUMNS}, row_sha256 FROM cases WHERE case_sha256 = ? "
                          "AND deleted_token IS NULL ORDER BY changed DESC, id DESC",
                          (case_sha256,), "look for the case in the case list")
        return next((s for s in map(_stored, rows) if not s.damaged), None)

    def get_intact(self, case_id: int, doing: str = "use it") -> StoredCase:
        """:meth:`get`, but a damaged case raises :class:`CaseDamaged`."""
        stored = self.get(case_id)
        if stored.damaged:
            raise self._damaged_error(stored, doing)
        return stored

    def list(self, filter_label: str | None = None, order: str = "changed_desc",
             limit: int | None = 200, offset: int = 0) -> list[CaseRow]:
        """Light rows for the case list; ``filter_label`` matches anywhere, any case."""
        if order not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(ORDERS)}")
        where, params = self._filter(filter_label)
        sql = (f"SELECT {_COLUMNS}, row_sha256 FROM cases WHERE {where} "
               f"ORDER BY {ORDERS[order]} LIMIT ? OFFSET ?")
        rows = self._read(sql, (*params, -1 if limit is None else limit, offset),
                          "list the saved cases")
        from core.result_line import saved_result_line

        out = []
        for r in rows:
            row = dict(zip(integrity.ROW_FIELDS, r, strict=False))
            damaged = integrity.damage(row, r[-1])
            out.append(CaseRow(row["id"], row["label"], row["setting"], row["changed"],
                               damaged, "" if damaged else saved_result_line(row["result"])))
        return out

    def count(self, filter_label: str | None = None) -> int:
        where, params = self._filter(filter_label)
        return int(self._read(f"SELECT count(*) FROM cases WHERE {where}", params)[0][0])

    @staticmethod
    def _filter(filter_label: str | None) -> tuple[str, tuple[object, ...]]:
        if not filter_label:
            return "deleted_token IS NULL", ()
        escaped = filter_label.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return ("deleted_token IS NULL AND label LIKE ? ESCAPE '\\'", (f"%{escaped}%",))

    def duplicate(self, case_id: int) -> int:
        """A copy of the saved case (same answers and result) under a new id."""
        stamp = now_iso()
        with self._write("duplicate the case") as conn:
            stored = self._fetch(conn, case_id)
            if stored is None:
                raise CaseNotFound(self.path, f"There is no saved case {case_id} in {self.path}.")
            if stored.damaged:
                raise self._damaged_error(stored, "copy it")
            row = conn.execute(f"SELECT {_COLUMNS} FROM cases WHERE id = ?",
                               (case_id,)).fetchone()
            copy = dict(zip(integrity.ROW_FIELDS, row, strict=True))
            copy.update(created=stamp, changed=stamp, revision=1)
            return self._insert(conn, copy).id

    def delete(self, case_id: int) -> str:
        """Hide the case; returns a token for :meth:`undelete` (valid until close)."""
        token = secrets.token_hex(8)
        with self._write("delete the case") as conn:
            cur = conn.execute(
                "UPDATE cases SET deleted_token = ?, deleted_at = ? "
                "WHERE id = ? AND deleted_token IS NULL", (token, now_iso(), case_id))
            if cur.rowcount != 1:
                raise CaseNotFound(self.path, f"There is no saved case {case_id} in {self.path}.")
        self._tokens.add(token)
        return token

    def undelete(self, token: str) -> int:
        """Bring back a case deleted in this session; returns its id."""
        with self._write("undo the deletion") as conn:
            row = conn.execute("SELECT id FROM cases WHERE deleted_token = ?",
                               (token,)).fetchone()
            if row is None:
                raise CaseNotFound(self.path, "That deletion can no longer be undone.")
            conn.execute("UPDATE cases SET deleted_token = NULL, deleted_at = NULL "
                         "WHERE deleted_token = ?", (token,))
        self._tokens.discard(token)
        return int(row[0])

    def compare_with_current(self, case_id: int, renderer: Renderer) -> Comparison:
        """The stored result beside the one today's evidence gives for the same answers."""
        stored = self.get_intact(case_id, "compare it with today's result")
        try:
            case = stored.case()
        except CaseError as exc:
            raise CaseStoreError(self.path, f"Saved case {case_id} no longer reads as a "
                                            f"valid case: {exc}") from None
        return Comparison.between(stored.result,
                                  renderer.result_for(case).to_dict(complete=True))

    def opened(self, case_id: int, renderer: Renderer | None) -> dict[str, Any]:
        """What the app needs to reopen a case: :meth:`StoredCase.to_dict`, plus
        ``current_result``/``result_differs``/``differences`` (today's result beside
        the saved one) when today's result differs from the saved one."""
        stored = self.get(case_id)
        payload = stored.to_dict()
        payload.update(current_result=None, result_differs=False, differences=[],
                       words_only=False)
        # compared whatever evidence it was saved under: an app upgrade may change the
        # rules under the same pack (review B, M1); one render is cheap
        if renderer is not None and not stored.damaged:
            cmp = self.compare_with_current(case_id, renderer)
            if cmp.differs:
                payload.update(current_result=cmp.current, result_differs=True,
                               differences=cmp.differences(), words_only=cmp.words_only)
        return payload

    def integrity_ok(self) -> bool:
        """Full ``PRAGMA integrity_check`` (slower than the quick check done at open)."""
        return self._read("PRAGMA integrity_check") == [("ok",)]


_COLUMNS: Final = ", ".join(integrity.ROW_FIELDS)


def _stored(r: Sequence[Any]) -> StoredCase:
    """A StoredCase from ``SELECT {_COLUMNS}, row_sha256``, with its hashes checked."""
    row = dict(zip(integrity.ROW_FIELDS, r, strict=False))
    damaged = integrity.damage(row, r[-1])
    # each read on its own: an unreadable result leaves readable answers to open as a
    # new case (and the other way round)
    answers, result = _json_object(row["answers"]), _json_object(row["result"])
    unreadable = [what for what, value in (("answers", answers), ("result", result))
                  if value is None]
    if unreadable:
        damaged = damaged or f"its {' and '.join(unreadable)} cannot be read (not JSON)"
    return StoredCase(row["id"], row["label"], row["setting"], answers or {}, result or {},
                      row["evidence_version"], row["evidence_sha256"], row["case_sha256"],
                      row["created"], row["changed"], row["revision"], damaged)


def _json_object(text: object) -> dict[str, Any] | None:
    try:
        value = json.loads(text)  # type: ignore[arg-type]
    except (TypeError, ValueError, RecursionError):  # (nested too deep: review B, L6)
        return None
    return value if isinstance(value, dict) else None
