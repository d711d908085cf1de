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
from core.case import CaseError, read_case_file
from core.casestore.errors import CaseFileError, CaseStoreError
from core.casestore.records import ImportReport
from core.casestore.store import CaseStore

if TYPE_CHECKING:
    from core.result import Renderer

AUDIT_COLUMNS = ("when_utc", "kind", "files", "case_sha256", "evidence_version", "case_id",
                 "case_label")


def _write(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never half (:mod:`core.atomic`)."""
    try:
        atomic.write_text(path, text)
    except OSError as exc:
        raise CaseFileError(path, f"Could not write {path}: {exc.strerror or exc}.") from None


def import_files(store: CaseStore, paths: Sequence[str | Path],
                 renderer: Renderer) -> list[ImportReport]:
    """Read, validate and save each case file; one report per file, in order.

    Case errors and unreadable files are reported per file. A store error (locked,
    read-only, ...) stops the batch, because every later save would fail the same way.
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
    _write(path, text)
    store.record_export(None, [path], sha, version, kind="case-json", case_id=case_id,
                        label=store.get(case_id).label)
    return path


def _safe_name(label: str | None, case_id: int) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", label or "").strip("-.")[:40]
    return f"{stem or 'case'}-{case_id}"


def export_many(store: CaseStore, ids: Sequence[int], folder: Path) -> list[Path]:
    """One file per case in ``folder``; existing files are never overwritten."""
    if not folder.is_dir():
        raise CaseFileError(folder, f"Could not export: {folder} is not a folder.")
    written: list[Path] = []
    for case_id in ids:
        text, sha, version = case_file_text(store, case_id)
        label = store.get(case_id).label
        stem = _safe_name(label, case_id)
        target = folder / f"{stem}.json"
        n = 1
        while target.exists():
            n += 1
            target = folder / f"{stem} ({n}).json"
        _write(target, text)
        store.record_export(None, [target], sha, version, kind="case-json", case_id=case_id,
                            label=label)
        written.append(target)
    return written


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
    _write(path, "\ufeff" + out.getvalue())
    return path


__all__ = ["CaseStoreError", "ImportReport", "export_audit_csv",
           "export_case", "export_many", "import_files"]
