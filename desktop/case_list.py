"""The saved-cases list: filter by label, sort by date, open, duplicate, delete/undo, import.

Wiring (main window)::

    dlg = CaseListDialog(store, self); dlg.open_requested.connect(self.open_saved_case)

``open_requested`` carries :meth:`CaseStore.opened`: :meth:`StoredCase.to_dict` plus,
when the case was saved under another evidence version, ``current_result``,
``result_differs`` and ``differences``. ``new_case_requested`` asks for an empty
questionnaire. Every store error is shown with :func:`desktop.dialogs.error`.

The rows come from :class:`desktop.case_table.CaseTableModel`, a page at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
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

from core.casestore import CaseStore, CaseStoreCorrupt, CaseStoreError, files
from desktop import dialogs
from desktop.case_table import CHANGED, LABEL, NUMBER, RESULT, SETTING, CaseTableModel, fit_columns

if TYPE_CHECKING:
    from core.result import Renderer


def damaged_text(payload: dict[str, Any]) -> str:
    """Why a saved case is not opened as saved, with its stored answers shown as text."""
    import json

    return (f"Saved case {payload['id']} is damaged: {payload['damaged']}. Something other "
            "than this program changed it after it was saved, so neither its answers nor its "
            "saved result can be trusted.\n\nIts stored answers are below. You can open "
            "them as a new, unsaved case to check them against the patient's record (the "
            "result is then worked out again; the damaged row is never saved over).\n\n"
            + json.dumps(payload["case"], ensure_ascii=False, indent=1, sort_keys=True))


def evidence_change_text(payload: dict[str, Any]) -> str:
    """The notice for a case whose saved result differs from today's (ids, no advice)."""
    then = payload["result"].get("evidence", {}).get("version", "?")
    now = payload["current_result"].get("evidence", {}).get("version", "?")
    what = ("other words for the same result" if payload.get("words_only")
            else "a different result")
    since = (f"With today's evidence ({now}) the same answers give {what}."
             if now != then else f"This version of the app gives the same answers {what} "
             "(it has changed since).")
    lines = [f"This case was saved with evidence version {then}. {since} Both results "
             "are shown: the saved one unchanged, and today's.", "", "What differs:"]
    lines += [f"• {d}" for d in payload["differences"]]
    return "\n".join(lines)


class CaseListWidget(QWidget):
    """The list with its buttons; embed it, or use :class:`CaseListDialog`."""

    open_requested = Signal(dict)
    new_case_requested = Signal()

    def __init__(self, store: CaseStore, parent: QWidget | None = None, *,
                 renderer: Renderer | None = None,
                 undo_tokens: list[tuple[str, str]] | None = None,
                 open_id: int | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._renderer = renderer
        # (token, label), newest last. Pass the app's own list: the delete message
        # promises undo until the application closes, not until this list closes.
        self.undo_tokens = undo_tokens if undo_tokens is not None else []

        self.filter_edit = QLineEdit(placeholderText="Filter by label")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        # Enter in the filter opens the selected case, or first selects the first match;
        # never "New case" (no button here is a default button: see below).
        self.filter_edit.returnPressed.connect(self._filter_enter)
        self.filter_edit.setAccessibleName("Filter saved cases by label")
        self.model = CaseTableModel(store, self)
        self.model.open_id = open_id  # the saved case open in the window, marked
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        # the result takes what the other columns leave (each can be widened by hand);
        # cut short in the middle, so that its end (warnings, a plan that matches none)
        # stays in sight
        header.setSectionResizeMode(RESULT, QHeaderView.ResizeMode.Stretch)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        fit_columns(self.view, {LABEL: "Clinic 12 / patient A",
                                SETTING: "After induction", CHANGED: "2026-12-31 23:59",
                                NUMBER: "Saved case"})
        header.setSortIndicator(CHANGED, Qt.SortOrder.DescendingOrder)
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
        kept: int | None = None  # the case a failure left: still selected, to try again
        for case_id, label in zip(ids, labels, strict=True):
            try:
                self.undo_tokens.append((self.store.delete(case_id), label))
            except CaseStoreError as exc:
                dialogs.error(self, "Delete case", str(exc))
                kept = case_id
                break
        self._reload(select=kept)

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
        already = [r for r in reports if r.already]
        good = len(reports) - len(bad) - len(already)
        lines = [f"{good} of {len(paths)} case file(s) imported."]
        lines += [f"{r.path.name}: already in the list as case {r.case_id}, not added again"
                  for r in already]
        lines += [f"{r.path.name}: {r.error}" for r in bad]
        if bad:
            dialogs.error(self, "Import cases", "\n".join(lines))
        elif reports:
            dialogs.inform(self, "Import cases", "\n".join(lines))

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
                 renderer: Renderer | None = None,
                 undo_tokens: list[tuple[str, str]] | None = None,
                 open_id: int | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Saved cases")
        self.resize(900, 540)  # (the result column: review C, M3)
        self.list = CaseListWidget(store, self, renderer=renderer, undo_tokens=undo_tokens,
                                   open_id=open_id)
        self.list.open_requested.connect(self._open)
        self.list.new_case_requested.connect(self._new)
        QVBoxLayout(self).addWidget(self.list)
        self._staying = False

    def _open(self, payload: dict[str, Any]) -> None:
        self._staying = False
        self.open_requested.emit(payload)
        if not self._staying:
            self.accept()

    def _new(self) -> None:
        self._staying = False
        self.new_case_requested.emit()
        if not self._staying:
            self.accept()

    def stay_open(self) -> None:
        """Called by a receiver of :attr:`open_requested` or :attr:`new_case_requested`
        whose user cancelled (kept the case in the window): the list stays open, where
        the user was (exploratory test 18, finding 9: it closed, the search lost)."""
        self._staying = True


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
