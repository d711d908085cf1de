"""The app's Export action: ask where, write the summary and the handout, report errors.

The documents themselves are made by :mod:`core.report` (the same code as the
``report`` command); this module only asks for the paths and shows what went wrong.
Every dialog goes through :mod:`desktop.dialogs`.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QWidget

from core.case import Case
from core.evidence import EvidenceStore
from core.printable import CLINICIAN_MAX, INSTITUTION_MAX, UnprintableText, check_text
from core.result import Result
from desktop import dialogs

ERROR_TITLE = "Export failed"


def suggested_names(case: Case, result: Result) -> tuple[str, str]:
    """File names to offer: the case label (made safe) and the start of the case hash."""
    stem = re.sub(r"[^\w.-]+", "-", case.label or "case", flags=re.UNICODE).strip("-.")
    stem = f"{stem or 'case'}-{result.case_sha256[:8]}"
    return f"{stem}-summary.pdf", f"{stem}-handout.pdf"


def _as_pdf(path: str) -> Path:
    p = Path(path)
    return p if p.suffix.lower() == ".pdf" else p.with_name(p.name + ".pdf")


def export_documents(parent: QWidget | None, case: Case, result: Result,
                     store: EvidenceStore, clinician: str | None = None,
                     institution: str | None = None, start_dir: str = "") -> list[Path]:
    """Ask for two paths and write the clinician summary and the patient handout.

    Cancelling the first dialog exports nothing; cancelling the second exports the
    summary only. Returns the paths written (empty when nothing was written); a
    missing or unwritable folder shows an error dialog and leaves nothing behind.
    """
    # Refused before any dialog: a value from the settings file or an old case file
    # that no report can print (too long for a page, a script the font lacks).
    try:
        check_text("Case label", case.label)
        check_text("Clinician name (Settings)", clinician, CLINICIAN_MAX)
        check_text("Institution (Settings)", institution, INSTITUTION_MAX)
    except UnprintableText as exc:
        dialogs.error(parent, ERROR_TITLE, f"Nothing was exported.\n\n{exc}")
        return []
    summary_name, handout_name = suggested_names(case, result)
    chosen = dialogs.ask_save_path(parent, "Export clinician summary (PDF)",
                                   dialogs.PDF_FILTER, str(Path(start_dir) / summary_name))
    if not chosen:
        return []
    summary_path = _as_pdf(chosen)
    chosen_handout = dialogs.ask_save_path(parent, "Export patient handout (PDF)",
                                           dialogs.PDF_FILTER,
                                           str(summary_path.with_name(handout_name)))
    handout_path = _as_pdf(chosen_handout) if chosen_handout else None

    # reportlab loads only when the user exports, never at start-up
    from reportlab.platypus.doctemplate import LayoutError

    from core.report import (
        DocumentInfo,
        ReportError,
        build_handout,
        build_summary,
        write_documents,
    )

    info = DocumentInfo(clinician=clinician or None, institution=institution or None)
    try:
        documents = {summary_path: build_summary(case, result, info)}
        if handout_path is not None:
            documents[handout_path] = build_handout(case, result, store, info)
        return write_documents(documents)
    except ReportError as exc:
        dialogs.error(parent, ERROR_TITLE, f"The documents were not saved.\n\n{exc}")
        return []
    except LayoutError as exc:  # something too big for a page that no check foresaw
        dialogs.error(parent, ERROR_TITLE, "The documents were not saved: a value is too "
                      f"long to lay out on a page.\n\n{str(exc)[:200]}")
        return []
