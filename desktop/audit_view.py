"""The audit log: every export (when, which files, case hash, evidence version), newest first,
and whether the saved case it was made for still has the answers it carried.

Wiring (main window)::

    AuditDialog(store, self).exec()

"Export CSV…" writes the whole log through :func:`core.casestore.files.export_audit_csv`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.casestore import AuditEntry, CaseStore, CaseStoreError
from core.casestore.audit_log import CHANGED, DAMAGED, DELETED
from core.casestore.files import export_audit_csv
from core.casestore.times import local_time
from desktop import dialogs
from desktop.case_table import fit_columns
from desktop.markup import tooltip

# "Saved case now" beside "Saved case", before the files: on a small screen it is
# the column that must show (review 19, L5)
COLUMNS = ("When", "Case", "Saved case", "Saved case now", "What", "Files", "Case SHA-256",
           "Evidence version")
KINDS = {"report": "Report", "handout": "Handout", "case-json": "Case file"}
_Index = QModelIndex | QPersistentModelIndex
_UNKNOWN = "cannot tell"
_SAVED_TIP = {False: "The saved case these documents were made from",
              True: "No saved case is recorded for this export: a new case, a case file "
                    "or changes not saved (or an entry written before the log kept it)"}
_STANDING_TIP = {
    CHANGED: "The saved case has other answers now: these documents no longer match it. "
             "Export it again for the record.",
    DELETED: "The saved case has been deleted from the case list since this export.",
    DAMAGED: "The saved case fails its check (it was changed outside the app, or the "
             "disk damaged it): what it holds now cannot be compared with this export.",
    _UNKNOWN: "The case list could not be read, so this cannot be told."}
_OUTDATED_COLOUR = "#8b0000"  # as the result's warnings


def _names(files: tuple[str, ...]) -> str:
    """The files' names, which tell exports apart: their full paths (in the tool tip and
    the CSV) all began alike, and a small screen showed only that (explore19, 11)."""
    return "; ".join(Path(f).name or f for f in files)


class AuditTableModel(QAbstractTableModel):
    def __init__(self, entries: list[AuditEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries = entries
        #: entry id -> how it stands against its saved case now (see export_standing)
        self.standing: dict[int, str] = {}

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        col = index.column()
        standing = self.standing.get(e.id, "")
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = {0: f"{e.at} (UTC)", 1: e.label, 2: _SAVED_TIP[e.case_id is None],
                   3: _STANDING_TIP.get(standing), 5: "\n".join(e.files),
                   6: e.case_sha256}.get(col)
            return None if tip is None else tooltip(tip)  # file names are the user's
        if (role == Qt.ItemDataRole.ForegroundRole and col == 3
                and standing in (CHANGED, DAMAGED)):
            return QColor(_OUTDATED_COLOUR)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (local_time(e.at), e.label or "(no label)",
                "not saved" if e.case_id is None else str(e.case_id), standing,
                KINDS.get(e.kind, e.kind), _names(e.files), e.case_sha256[:12] + "…",
                e.evidence_version)[col]

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def replace(self, entries: list[AuditEntry], standing: dict[int, str]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.standing = standing
        self.endResetModel()


class AuditView(QWidget):
    """The audit table with Refresh and "Export CSV…"."""

    def __init__(self, store: CaseStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.model = AuditTableModel([], self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        fit_columns(self.view, {0: "2026-12-31 23:59", 1: "Clinic 12 / patient A",
                                2: "Saved case", 3: CHANGED, 4: "Case file",
                                6: "0123456789ab…", 7: "Evidence version"})
        self.view.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self.export_csv)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        try:
            entries = self.store.list_audit()
        except CaseStoreError as exc:
            dialogs.error(self, "Audit log", str(exc))
            return
        try:
            standing = self.store.export_standing(entries)
        except CaseStoreError as exc:
            # the log itself is shown: only how each export stands now is unknown
            standing = {e.id: _UNKNOWN for e in entries if e.case_id is not None}
            dialogs.error(self, "Audit log", "The audit log is shown, but the case list "
                          f"could not be read to tell whether each saved case still has "
                          f"the answers its documents carry:\n{exc}")
        self.model.replace(entries, standing)

    def export_csv(self) -> None:
        path = dialogs.ask_save_path(self, "Export audit log", dialogs.CSV_FILTER,
                                     start="hrher2-aid-audit.csv")
        if not path:
            return
        try:
            written = export_audit_csv(self.store, Path(path))
        except CaseStoreError as exc:
            dialogs.error(self, "Export audit log", str(exc))
            return
        dialogs.inform(self, "Export audit log",
                       f"{len(self.model.entries)} audit entries written to {written}.")


class AuditDialog(QDialog):
    def __init__(self, store: CaseStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit log")
        self.resize(1100, 480)  # every column, where the screen has room (fitted to it)
        self.audit = AuditView(store, self)
        QVBoxLayout(self).addWidget(self.audit)
