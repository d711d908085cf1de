"""The saved-cases list: filter by label, sort by date, open, duplicate, delete/undo, import.

Wiring (main window)::

    dlg = CaseListDialog(store, self); dlg.open_requested.connect(self.open_saved_case)

``open_requested`` carries :meth:`CaseStore.opened`: :meth:`StoredCase.to_dict` plus,
when the case was saved under another evidence version, ``current_result``,
``result_differs`` and ``differences``. ``new_case_requested`` asks for an empty
questionnaire. Every store error is shown with :func:`desktop.dialogs.error`.

The model fetches rows a page at a time (``canFetchMore``/``fetchMore``), so the
first rows of 10,000 cases appear after one small indexed query.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.casestore import CaseRow, CaseStore, CaseStoreCorrupt, CaseStoreError, files
from desktop import dialogs

if TYPE_CHECKING:
    from core.result import Renderer

PAGE = 100
COLUMNS = ("Label", "Setting", "Changed")
SETTING_NAMES = {"first_line": "First line", "after_induction": "After induction",
                 "progression": "Progression"}
_Index = QModelIndex | QPersistentModelIndex


DAMAGED_MARK = "⚠ DAMAGED —"


def damaged_text(payload: dict[str, Any]) -> str:
    """Why a saved case is not opened as saved, with its stored answers shown as text."""
    import json

    return (f"Saved case {payload['id']} is damaged: {payload['damaged']}. Something other "
            "than this program changed it after it was saved, so neither its answers nor its "
            "saved result can be trusted.\n\nIts stored answers are below. You can open "
            "them as a new, unsaved case to check them against the patient's record (the "
            "result is then worked out again; the damaged row is never saved over).\n\n"
            + json.dumps(payload["case"], ensure_ascii=False, indent=1, sort_keys=True))


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
        if row.damaged and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#b00020"))
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if index.column() == 0:
            name = row.label or f"(no label) #{row.id}"
            return f"{DAMAGED_MARK} {name}" if row.damaged else name
        if index.column() == 1:
            return SETTING_NAMES.get(row.setting or "", row.setting or "")
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
        if column == 0:
            self.order = "label_asc" if ascending else "label_desc"
        else:  # setting has no useful order of its own: sort by date
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


def local_time(stamp: str) -> str:
    """A stored UTC stamp as local wall-clock time, to the minute."""
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime(
            "%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def fit_columns(view: QTableView, samples: dict[int, str]) -> None:
    """Fixed widths from sample texts: cheaper than ResizeToContents over many rows."""
    metrics = view.fontMetrics()
    for column, sample in samples.items():
        view.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)


def evidence_change_text(payload: dict[str, Any]) -> str:
    """The notice for a case whose saved result differs from today's (ids, no advice)."""
    then = payload["result"].get("evidence", {}).get("version", "?")
    now = payload["current_result"].get("evidence", {}).get("version", "?")
    lines = [f"This case was saved with evidence version {then}. With today's evidence "
             f"({now}) the same answers give a different result. Both results are shown: "
             "the saved one unchanged, and today's.", "", "What differs:"]
    lines += [f"• {d}" for d in payload["differences"]]
    return "\n".join(lines)


class CaseListWidget(QWidget):
    """The list with its buttons; embed it, or use :class:`CaseListDialog`."""

    open_requested = Signal(dict)
    new_case_requested = Signal()

    def __init__(self, store: CaseStore, parent: QWidget | None = None, *,
                 renderer: Renderer | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._renderer = renderer
        self.undo_tokens: list[tuple[str, str]] = []  # (token, label), newest last

        self.filter_edit = QLineEdit(placeholderText="Filter by label")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        # Enter in the filter opens the selected case, or first selects the first match;
        # never "New case" (no button here is a default button: see below).
        self.filter_edit.returnPressed.connect(self._filter_enter)
        self.filter_edit.setAccessibleName("Filter saved cases by label")
        self.model = CaseTableModel(store, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        fit_columns(self.view, {1: "After induction", 2: "2026-12-31 23:59"})
        self.view.horizontalHeader().setSortIndicator(2, Qt.SortOrder.DescendingOrder)
        self.view.setSortingEnabled(True)  # calls model.sort -> first page
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        self.view.installEventFilter(self)  # Enter opens, Delete deletes, Ctrl+Z undoes
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # a path: shown as it is

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, slot in (
            ("new", "New case", self.new_case_requested.emit),
            ("open", "Open", self.open_selected),
            ("duplicate", "Duplicate", self.duplicate_selected),
            ("delete", "Delete…", self.delete_selected),
            ("undo", "Undo delete", self.undo_delete),
            ("import", "Import…", self.import_files),
            ("export", "Export…", self.export_selected),
        ):
            button = QPushButton(text)
            # In a dialog, an auto-default button takes the Enter typed in the filter
            # box: "New case" would replace the open case.
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()
        self._show_model_error()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_selected()
                return True
            if event.matches(QKeySequence.StandardKey.Delete):
                self.delete_selected()
                return True
            if event.matches(QKeySequence.StandardKey.Undo):
                self.undo_delete()
                return True
        return super().eventFilter(watched, event)

    # --- helpers ----------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.row(r).id for r in rows]

    def select_id(self, case_id: int) -> None:
        n = self.model.find(case_id)
        if n is not None:
            self.view.selectRow(n)

    def _update_buttons(self) -> None:
        n = len(self.view.selectionModel().selectedRows())
        writable = not self.store.read_only
        self.buttons["open"].setEnabled(n == 1)
        self.buttons["duplicate"].setEnabled(n == 1 and writable)
        self.buttons["delete"].setEnabled(n >= 1 and writable)
        self.buttons["undo"].setEnabled(bool(self.undo_tokens) and writable)
        self.buttons["import"].setEnabled(writable)
        self.buttons["export"].setEnabled(n >= 1)
        note = "  (read-only: cases can be opened but not changed)" if not writable else ""
        self.status.setText(f"{self.store.path}{note}")

    def _show_model_error(self) -> None:
        if self.model.error is not None:
            error, self.model.error = self.model.error, None
            dialogs.error(self, "Saved cases", str(error))

    def _reload(self, select: int | None = None) -> None:
        self.model.reload()
        self._show_model_error()
        if select is not None:
            self.select_id(select)
        self._update_buttons()

    def _filter_changed(self, text: str) -> None:
        self.model.set_filter(text)
        self._show_model_error()
        self._update_buttons()

    def _filter_enter(self) -> None:
        if len(self.view.selectionModel().selectedRows()) == 1:
            self.open_selected()
        elif self.model.rowCount() > 0:
            self.view.selectRow(0)

    def renderer(self) -> Renderer | None:
        """Today's evidence, opened on first need; None (after saying why) if it fails."""
        if self._renderer is None:
            from core.evidence import EvidenceError, load_evidence
            from core.result import Renderer

            try:
                self._renderer = Renderer(load_evidence())
            except EvidenceError as exc:
                dialogs.error(self, "Evidence store", str(exc))
                return None
        return self._renderer

    # --- actions ----------------------------------------------------------------------
    def open_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        try:
            payload = self.store.opened(ids[0], self.renderer())
        except CaseStoreError as exc:
            dialogs.error(self, "Open saved case", str(exc))
            return
        if payload["damaged"] and not dialogs.confirm_damaged(
                self, "Damaged saved case", damaged_text(payload)):
            return
        self.open_requested.emit(payload)
        if payload["result_differs"]:
            dialogs.inform(self, "Evidence has changed", evidence_change_text(payload))


    def duplicate_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        try:
            new_id = self.store.duplicate(ids[0])
        except CaseStoreError as exc:
            dialogs.error(self, "Duplicate case", str(exc))
            return
        self._reload(select=new_id)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        labels = [self.model.row(self.model.find(i) or 0).label or f"#{i}" for i in ids]
        what = f"the saved case “{labels[0]}”" if len(ids) == 1 else f"{len(ids)} saved cases"
        if not dialogs.confirm(self, "Delete saved case",
                               f"Delete {what}? You can undo this until the application "
                               "closes."):
            return
        for case_id, label in zip(ids, labels, strict=True):
            try:
                self.undo_tokens.append((self.store.delete(case_id), label))
            except CaseStoreError as exc:
                dialogs.error(self, "Delete case", str(exc))
                break
        self._reload()

    def undo_delete(self) -> None:
        if not self.undo_tokens:
            return
        token, _label = self.undo_tokens[-1]
        try:
            case_id = self.store.undelete(token)
        except CaseStoreError as exc:
            dialogs.error(self, "Undo delete", str(exc))
            return
        self.undo_tokens.pop()
        self._reload(select=case_id)

    def import_files(self) -> None:
        paths = dialogs.ask_open_paths(self, "Import case files")
        if not paths:
            return
        renderer = self.renderer()
        if renderer is None:
            return
        try:
            reports = files.import_files(self.store, paths, renderer)
        except CaseStoreError as exc:
            dialogs.error(self, "Import cases", str(exc))
            reports = []
        self._reload()
        bad = [r for r in reports if not r.ok]
        good = len(reports) - len(bad)
        lines = [f"{good} of {len(paths)} case file(s) imported."]
        lines += [f"{r.path.name}: {r.error}" for r in bad]
        if bad:
            dialogs.error(self, "Import cases", "\n".join(lines))
        elif reports:
            dialogs.inform(self, "Import cases", lines[0])

    def export_selected(self) -> None:
        ids = self.selected_ids()
        try:
            if len(ids) == 1:
                path = dialogs.ask_save_path(self, "Export case", start="case.json")
                if path:
                    files.export_case(self.store, ids[0], Path(path))
            elif ids:
                folder = dialogs.ask_folder(self, "Export cases to folder")
                if folder:
                    written = files.export_many(self.store, ids, Path(folder))
                    dialogs.inform(self, "Export cases",
                                   f"{len(written)} case file(s) written to {folder}.")
        except CaseStoreError as exc:
            dialogs.error(self, "Export cases", str(exc))


class CaseListDialog(QDialog):
    """The case list as a window; opening a case (or "New case") closes it."""

    open_requested = Signal(dict)
    new_case_requested = Signal()

    def __init__(self, store: CaseStore, parent: QWidget | None = None, *,
                 renderer: Renderer | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Saved cases")
        self.resize(760, 520)
        self.list = CaseListWidget(store, self, renderer=renderer)
        self.list.open_requested.connect(self._open)
        self.list.new_case_requested.connect(self._new)
        QVBoxLayout(self).addWidget(self.list)

    def _open(self, payload: dict[str, Any]) -> None:
        self.open_requested.emit(payload)
        self.accept()

    def _new(self) -> None:
        self.new_case_requested.emit()
        self.accept()


def open_case_store(parent: QWidget | None = None) -> CaseStore | None:
    """Open the user's case store for the app, telling the user about any problem.

    A corrupt store has been kept aside by :meth:`CaseStore.open` (the message says
    where); only then is a new store started. Any other failure (locked, a data folder
    that cannot work, an empty or foreign file) is shown with a Retry button, so the
    user can fix it and go on without restarting. Returns None when no store is used.
    """
    while True:
        try:
            store = CaseStore.open()
            break
        except CaseStoreCorrupt as exc:
            dialogs.error(parent, "Saved cases", str(exc))
            if exc.moved_to is None:
                return None
        except CaseStoreError as exc:
            if not dialogs.ask_retry(parent, "Saved cases",
                                     f"{exc}\n\nThe case was not kept in the case list."):
                return None
    if store.read_only:
        dialogs.inform(parent, "Saved cases",
                       f"The case store {store.path} is read-only: saved cases can be "
                       "opened, but new cases cannot be saved.")
    return store
