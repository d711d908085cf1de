"""Saved cases as a table: the model the case list shows, and the table helpers the
case list and the audit log share.

The model fetches rows a page at a time (``canFetchMore``/``fetchMore``), so the
first rows of 10,000 cases appear after one small indexed query. A damaged row
(:attr:`core.casestore.CaseRow.damaged`) is shown, marked, and never used as saved.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView, QWidget

from core.casestore import CaseRow, CaseStore, CaseStoreError
from core.casestore.times import local_time

PAGE = 100
#: "Saved case": the number the app's messages name a saved case by
COLUMNS = ("Label", "Setting", "Result as saved", "Changed", "Saved case")
#: where each column is (the sort and the tests name them)
LABEL, SETTING, RESULT, CHANGED, NUMBER = range(len(COLUMNS))
SETTING_NAMES = {"first_line": "First line", "after_induction": "After induction",
                 "progression": "Progression"}
_Index = QModelIndex | QPersistentModelIndex


DAMAGED_MARK = "⚠ DAMAGED —"
OPEN_MARK = " (open in the window)"


class CaseTableModel(QAbstractTableModel):
    """Saved cases as rows, fetched from the store a page at a time."""

    def __init__(self, store: CaseStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.filter_label = ""
        self.order = "changed_desc"
        self._rows: list[CaseRow] = []
        self._more = True
        self.error: CaseStoreError | None = None
        #: the saved case open in the window, marked in the list (review C, M3: it
        #: could not be told from a copy with the same label)
        self.open_id: int | None = None

    # --- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if row.damaged and role == Qt.ItemDataRole.ToolTipRole:
            return f"Damaged: {row.damaged}. Shown, never used as saved."
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == RESULT:
            return row.result or None  # (the column may cut a long line short)
        if row.damaged and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#b00020"))
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == LABEL:
            name = row.label or f"(no label) #{row.id}"
            if row.id == self.open_id:
                name += OPEN_MARK
            return f"{DAMAGED_MARK} {name}" if row.damaged else name
        if column == SETTING:
            return SETTING_NAMES.get(row.setting or "", row.setting or "")
        if column == RESULT:
            return row.result
        if column == NUMBER:
            return str(row.id)
        return local_time(row.changed)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or not self._more:
            return
        try:
            page = self.store.list(self.filter_label or None, self.order, PAGE + 1,
                                   len(self._rows))
        except CaseStoreError as exc:
            self._more = False
            self.error = exc
            return
        self._more = len(page) > PAGE
        page = page[:PAGE]
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        ascending = order == Qt.SortOrder.AscendingOrder
        if column == LABEL:
            self.order = "label_asc" if ascending else "label_desc"
        elif column == NUMBER:  # numbers are given in the order cases are first saved
            self.order = "created_asc" if ascending else "created_desc"
        else:  # setting and result have no useful order of their own: sort by date
            self.order = "changed_asc" if ascending else "changed_desc"
        self.reload()

    # --- ours --------------------------------------------------------------------------
    def reload(self) -> None:
        """Drop the rows and fetch the first page again (after a change or a new filter)."""
        self.beginResetModel()
        self._rows = []
        self._more = True
        self.error = None
        self.endResetModel()
        self.fetchMore()

    def set_filter(self, text: str) -> None:
        self.filter_label = text.strip()
        self.reload()

    def row(self, n: int) -> CaseRow:
        return self._rows[n]

    def find(self, case_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == case_id), None)


def fit_columns(view: QTableView, samples: dict[int, str]) -> None:
    """Fixed widths from sample texts: cheaper than ResizeToContents over many rows."""
    metrics = view.fontMetrics()
    for column, sample in samples.items():
        view.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
