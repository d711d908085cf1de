"""The app's Export dialogs: ask where to write the summary and the handout.

The documents themselves are made by :mod:`core.report` from the session's result
(the same code as the ``report`` command); writing and error reporting are
:meth:`desktop.records.CaseRecords.export_pdf`. Every dialog goes through
:mod:`desktop.dialogs`.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QWidget

from core.case import Case
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


def ask_export_paths(parent: QWidget | None, case: Case, result: Result,
                     start_dir: str = "") -> tuple[Path, Path | None] | None:
    """Ask for the summary's path, then the handout's. Cancelling the first exports
    nothing (None); cancelling the second exports the summary only."""
    summary_name, handout_name = suggested_names(case, result)
    chosen = dialogs.ask_save_path(parent, "Export clinician summary (PDF)",
                                   dialogs.PDF_FILTER, str(Path(start_dir) / summary_name))
    if not chosen:
        return None
    summary_path = _as_pdf(chosen)
    chosen_handout = dialogs.ask_save_path(parent, "Export patient handout (PDF)",
                                           dialogs.PDF_FILTER,
                                           str(summary_path.with_name(handout_name)))
    return summary_path, _as_pdf(chosen_handout) if chosen_handout else None
