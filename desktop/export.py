"""The app's Export dialog: one dialog naming both files (summary and handout).

The documents themselves are made by :mod:`core.report` from the session's result
(the same code as the ``report`` command); writing and error reporting are
:meth:`desktop.records.CaseRecords.export_pdf`. Every dialog goes through
:mod:`desktop.dialogs`.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.case import Case
from core.regular_file import is_file, is_folder
from core.result import Result
from desktop import dialogs, settings

ERROR_TITLE = "Export failed"


def safe_stem(label: str | None) -> str:
    """A file name's stem from a case label: what a file system takes anywhere.

    >>> safe_stem("Zoë / bed 4"), safe_stem(None), safe_stem("..")
    ('Zoë-bed-4', 'case', 'case')
    """
    stem = re.sub(r"[^\w.-]+", "-", label or "case", flags=re.UNICODE).strip("-.")
    return stem or "case"


def suggested_names(case: Case, result: Result) -> tuple[str, str]:
    """File names to offer: the case label (made safe) and the start of the case hash."""
    stem = f"{safe_stem(case.label)}-{result.case_sha256[:8]}"
    return f"{stem}-summary.pdf", f"{stem}-handout.pdf"


def _as_pdf(path: str) -> Path:
    p = Path(path)
    return p if p.suffix.lower() == ".pdf" else p.with_name(p.name + ".pdf")


LAST_FOLDER_KEY = "export/last_folder"
#: open the documents in the PDF viewer once written (off until the user ticks it)
OPEN_AFTER_KEY = "export/open_after"


def start_folder() -> Path:
    """Where the export dialog starts: the folder exported to last, if it is still
    there; else the user's Documents folder (or home)."""
    qs = settings.store()
    last = qs.value(LAST_FOLDER_KEY) if qs is not None else None
    # (is_folder never raises: Path.is_dir did on a folder that may no longer be entered,
    # and Export PDF then did nothing: hostile review H3)
    if isinstance(last, str) and last and is_folder(last):
        return Path(last)
    return dialogs.documents_folder()


def ask_export_paths(parent: QWidget | None, case: Case, result: Result,
                     start_dir: str = "") -> tuple[Path, Path | None] | None:
    """One dialog naming both files (the handout can be left out); None: cancelled.
    (The folder is remembered once the export has succeeded: :func:`remember_folder`.)"""
    summary_name, handout_name = suggested_names(case, result)
    folder = Path(start_dir) if start_dir else start_folder()
    chosen = dialogs.ask_export_paths(parent, str(folder), summary_name, handout_name)
    if chosen is None:
        return None
    return _as_pdf(chosen[0]), _as_pdf(chosen[1]) if chosen[1] else None


def open_after() -> bool:
    """The export dialog's "open them when written" box, as the user left it."""
    qs = settings.store()
    return qs is not None and str(qs.value(OPEN_AFTER_KEY, "false")).lower() == "true"


def _keep_open_after(value: bool) -> None:
    qs = settings.store()
    if qs is not None:
        qs.setValue(OPEN_AFTER_KEY, "true" if value else "false")
        qs.sync()


def remember_folder(folder: Path) -> None:
    """The next export starts here: a folder the documents were written to (never one
    an export failed in, a read-only folder say)."""
    qs = settings.store()
    if qs is None:
        return  # a settings file that cannot be used (settings.problem): not kept
    qs.setValue(LAST_FOLDER_KEY, str(folder))
    qs.sync()


class ExportDialog(QDialog):
    """Export PDF: one folder, the summary's file name, the handout's (optional), and
    the full paths that will be written, before anything is."""

    def __init__(self, parent: QWidget | None, folder: str, summary_name: str,
                 handout_name: str) -> None:
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle("Export PDF documents")
        intro = QLabel("Two PDF files are written: the clinician summary and the "
                       "plain-language patient handout.", self)
        intro.setWordWrap(True)
        self.folder = QLineEdit(folder, self)
        self.folder.setObjectName("export_folder")
        self.folder.setAccessibleName("Folder")
        # room for a real path (review C, L5: about 110 pixels cut it off)
        self.folder.setMinimumWidth(self.folder.fontMetrics().horizontalAdvance("x" * 48))
        browse = QPushButton("&Browse…", self)
        browse.setObjectName("browse")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.summary = QLineEdit(summary_name, self)
        self.summary.setObjectName("summary_name")
        self.summary.setAccessibleName("Clinician summary file name")
        self.with_handout = QCheckBox("Also write the patient &handout:", self)
        self.with_handout.setObjectName("with_handout")
        self.with_handout.setChecked(True)
        self.handout = QLineEdit(handout_name, self)
        self.handout.setObjectName("handout_name")
        self.handout.setAccessibleName("Patient handout file name")
        self.with_handout.toggled.connect(self.handout.setEnabled)
        # printing the handout for the patient is the next step: the viewer prints
        self.open_after = QCheckBox("&Open the written files in the PDF viewer (to print)",
                                    self)
        self.open_after.setObjectName("open_after")
        self.open_after.setChecked(open_after())
        # the choice is passed on through the settings: none to pass it through, no box
        # (a settings file that cannot be used: settings.problem says why)
        self.open_after.setEnabled(settings.store() is not None)
        self.preview = QLabel(self)
        self.preview.setObjectName("export_preview")
        self.preview.setTextFormat(Qt.TextFormat.PlainText)  # paths, shown as they are
        self.preview.setWordWrap(True)
        self.problem = QLabel(self)
        self.problem.setObjectName("export_problem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a00000; font-weight: bold;")
        form = QFormLayout()
        folder_label = QLabel("&Folder:", self)
        folder_label.setBuddy(self.folder)
        summary_label = QLabel("Clinician &summary:", self)
        summary_label.setBuddy(self.summary)
        form.addRow(folder_label, folder_row)
        form.addRow(summary_label, self.summary)
        form.addRow(self.with_handout, self.handout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton("&Export",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.open_after)
        layout.addWidget(self.preview)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        for edit in (self.folder, self.summary, self.handout):
            edit.textChanged.connect(self._update)
        self.with_handout.toggled.connect(self._update)
        # the suggested file names shown whole, not scrolled (day review C1)
        name_width = max(self.summary.fontMetrics().horizontalAdvance(name)
                         for name in (summary_name, handout_name)) + 16
        for edit in (self.summary, self.handout):
            edit.setMinimumWidth(min(name_width, 480))
        # never narrower than its rows need (a minimum set here overrides the layout's,
        # which cut "Also write the patient handout:" short)
        self.setMinimumWidth(max(min(560, self.fontMetrics().averageCharWidth() * 70),
                                 layout.minimumSize().width()))
        self._update()

    def paths(self) -> tuple[str, str | None]:
        """The summary's path and the handout's (None when left out), ``.pdf`` added."""
        folder = Path(self.folder.text().strip())
        summary = str(_as_pdf(str(folder / self.summary.text().strip())))
        handout = (str(_as_pdf(str(folder / self.handout.text().strip())))
                   if self.with_handout.isChecked() else None)
        return summary, handout

    def problem_text(self) -> str | None:
        """Why these names cannot be written, or None."""
        folder = self.folder.text().strip()
        names = [self.summary.text().strip()]
        if self.with_handout.isChecked():
            names.append(self.handout.text().strip())
        if not folder or not is_folder(folder):
            return f"The folder {folder or '(none)'} does not exist or cannot be opened."
        if any(not n for n in names):
            return "Give each document a file name."
        if any("/" in n or "\\" in n for n in names):
            return "A file name cannot contain a folder separator (/ or \\)."
        summary, handout = self.paths()
        if handout is not None and str(handout).casefold() == str(summary).casefold():
            return "The summary and the handout need different file names."
        from core.atomic import is_read_only

        for path in (summary, handout):
            if path is not None and is_read_only(Path(path)):
                return (f"{Path(path).name} is marked read-only, so it is not replaced: "
                        "give another name.")
        return None

    def _update(self) -> None:
        summary, handout = self.paths()
        lines = [f"Will write: {summary}"]
        if handout:
            lines.append(f"and: {handout}")
        existing = [p for p in (summary, handout) if p and is_file(p)]
        if existing:
            lines.append("(an existing file of that name is replaced)")
        self.preview.setText("\n".join(lines))
        problem = self.problem_text()
        self.problem.setText(problem or "")
        self.problem.setVisible(problem is not None)
        self.export_button.setEnabled(problem is None)
        dialogs.grow_to_fit(self)

    def _browse(self) -> None:
        chosen = dialogs.ask_folder(self, "Export to folder", self.folder.text().strip())
        if chosen:
            self.folder.setText(chosen)

    def accept(self) -> None:
        if self.problem_text() is None:
            if self.open_after.isChecked() != open_after():
                _keep_open_after(self.open_after.isChecked())
            super().accept()
