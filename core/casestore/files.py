"""Case files (``hrher2-aid.case/1`` JSON) in and out of the store, and the audit CSV.

These are plain functions taking the store (``export_case(store, id, path)``);
the store itself knows nothing of files, so the two modules import one way only.
Every file is written atomically (a temporary file in the same folder, flushed to
disk, then renamed over the target), so an export interrupted half-way never
leaves a half-written case behind. A bad file in an import batch is reported with
its :class:`~core.case.CaseError` message and the rest go in.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from core import atomic
from core.case import CaseError
from core.case_json import read_case_file
from core.casestore import audit_head
from core.casestore.errors import (
    CaseFileError,
    CaseStoreError,
    CaseStoreLocked,
    CaseStoreReadOnly,
    ExportNotRecorded,
)
from core.casestore.records import ImportReport
from core.casestore.store import CaseStore

if TYPE_CHECKING:
    from core.result import Renderer

AUDIT_COLUMNS = ("when_utc", "kind", "files", "case_sha256", "evidence_version", "case_id",
                 "case_label")


_STORE_COMPANIONS = ("-wal", "-shm", "-journal", audit_head.SUFFIX)
_SQLITE_HEADER = b"SQLite format 3\x00"


def _write(store: CaseStore, path: Path, text: str, *, case_file: bool) -> None:
    """Readers see the old file or the new one, never half (:mod:`core.atomic`). Never
    over the case store or its companion files, nor over any SQLite database; a case
    export replaces only a case file (hostile review H1: choosing cases.sqlite in the
    export dialog replaced the store, and every saved case and audit entry was lost)."""
    _refuse_replacing(store, path, case_file=case_file)
    try:
        atomic.write_text(path, text)
    except OSError as exc:
        raise CaseFileError(path, f"Could not write {path}: {exc.strerror or exc}.") from None


def _refuse_replacing(store: CaseStore, path: Path, *, case_file: bool) -> None:
    ours = [store.path, *(store.path.with_name(store.path.name + s) for s in _STORE_COMPANIONS)]
    try:
        target = path.expanduser().absolute()
        is_ours = any(target == p or (p.exists() and target.exists() and target.samefile(p))
                      for p in ours)
        head = None
        if target.is_file():
            with target.open("rb") as fh:
                head = fh.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise CaseFileError(path, f"Could not write {path}: {exc.strerror or exc}.") from None
    if is_ours:
        raise CaseFileError(path, f"Could not write {path}: it is the case store's own file, "
                            "which holds every saved case and the audit log. Nothing was "
                            "written; choose another name.")
    if head is None:
        return
    if head.startswith(_SQLITE_HEADER) or (case_file and not _holds_a_case(target)):
        what = "a case file" if case_file else "a file this export may replace"
        raise CaseFileError(path, f"Could not write {path}: it exists and is not {what}. "
                            "Nothing was written; choose another name.")


def _holds_a_case(path: Path) -> bool:
    from core.case_file import holds_a_case
    from core.case_json import read_regular_file

    try:
        return holds_a_case(read_regular_file(path))
    except OSError:
        return False


class _Recorder:
    """Records exports in the audit log; a read-only or locked store is remembered once
    (the files are still written) and said at the end (:class:`ExportNotRecorded`)."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store
        self.written: list[Path] = []
        self.problem = (f"the case store {store.path} is read-only" if store.read_only
                        else None)

    def record(self, path: Path, sha: str, version: str, case_id: int,
               label: str | None) -> None:
        self.written.append(path)
        if self.problem is not None:
            return
        try:
            self.store.record_export(None, [path], sha, version, kind="case-json",
                                     case_id=case_id, label=label)
        except CaseStoreLocked:  # (its own message ends "nothing was changed": not so)
            self.problem = f"the case store {self.store.path} is in use by another program"
        except CaseStoreReadOnly:
            self.problem = f"the case store {self.store.path} cannot be written"
        except CaseStoreError as exc:
            self.problem = f"the case store {self.store.path} could not record it ({exc})"

    def finish(self) -> list[Path]:
        if self.problem is not None:
            count = len(self.written)
            files = "The case file was" if count == 1 else f"{count} case files were"
            raise ExportNotRecorded(self.store.path, f"{files} written, but the export is "
                                    f"not recorded in the audit log: {self.problem}",
                                    self.written)
        return self.written


def import_files(store: CaseStore, paths: Sequence[str | Path],
                 renderer: Renderer) -> list[ImportReport]:
    """Read, validate and save each case file; one report per file, in order.

    Case errors and unreadable files are reported per file. A store error (locked,
    read-only, ...) stops the batch, because every later save would fail the same way.
    A file holding exactly a case the list already has (the same case SHA-256, intact,
    not deleted) is not saved again: its report names that case (``already``), so that
    importing a folder twice does not double the list (day review 3, W3).
    """
    reports: list[ImportReport] = []
    for raw in paths:
        path = Path(raw)
        try:
            case = read_case_file(path)
        except OSError as exc:
            reports.append(ImportReport(path, error=f"cannot be read: {exc.strerror or exc}"))
            continue
        except CaseError as exc:
            reports.append(ImportReport(path, error=str(exc)))
            continue
        twin = store.find_intact(case.sha256())
        if twin is not None:
            reports.append(ImportReport(path, case_id=twin.id, already=True))
            continue
        saved = store.save(case, renderer.result_for(case))
        reports.append(ImportReport(path, case_id=saved.id))
    return reports


def case_file_text(store: CaseStore, case_id: int) -> tuple[str, str, str]:
    """(file text, case sha256, evidence version) for one saved case; a damaged case
    raises :class:`~core.casestore.errors.CaseDamaged` (it is never exported)."""
    stored = store.get_intact(case_id, "export it")
    text = json.dumps(stored.answers, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return text, stored.case_sha256 or "", stored.evidence_version


def export_case(store: CaseStore, case_id: int, path: Path) -> Path:
    """Write one saved case as a ``hrher2-aid.case/1`` file and record it in the audit log."""
    text, sha, version = case_file_text(store, case_id)
    _write(store, path, text, case_file=True)
    recorder = _Recorder(store)
    recorder.record(path, sha, version, case_id, store.get(case_id).label)
    recorder.finish()
    return path


def _safe_name(label: str | None, case_id: int) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", label or "").strip("-.")[:40]
    return f"{stem or 'case'}-{case_id}"


def export_many(store: CaseStore, ids: Sequence[int], folder: Path) -> list[Path]:
    """One file per case in ``folder``; existing files are never overwritten."""
    if not folder.is_dir():
        raise CaseFileError(folder, f"Could not export: {folder} is not a folder.")
    recorder = _Recorder(store)
    for case_id in ids:
        text, sha, version = case_file_text(store, case_id)
        label = store.get(case_id).label
        stem = _safe_name(label, case_id)
        target = folder / f"{stem}.json"
        n = 1
        while target.exists():
            n += 1
            target = folder / f"{stem} ({n}).json"
        _write(store, target, text, case_file=True)
        recorder.record(target, sha, version, case_id, label)
    return recorder.finish()


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula would run in a spreadsheet: keep it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_audit_csv(store: CaseStore, path: Path) -> Path:
    """The whole audit log, oldest first, as CSV (UTF-8 with BOM so Excel reads it)."""
    entries = store.list_audit()[::-1]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(AUDIT_COLUMNS)
    for e in entries:
        writer.writerow([_cell(v) for v in (e.at, e.kind, "; ".join(e.files), e.case_sha256,
                                            e.evidence_version, e.case_id, e.label)])
    _write(store, path, "\ufeff" + out.getvalue(), case_file=False)
    return path


__all__ = ["CaseStoreError", "ExportNotRecorded", "ImportReport", "export_audit_csv",
           "export_case", "export_many", "import_files"]
