"""Every message box and file dialog the app shows is created here.

Tests patch this module's functions (never a QMessageBox directly), so no test is
ever left waiting on a modal dialog.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QLayout, QMessageBox, QWidget

from core.regular_file import is_folder

CASE_FILTER = "Case files (*.json);;All files (*)"
PDF_FILTER = "PDF documents (*.pdf)"
CSV_FILTER = "CSV files (*.csv);;All files (*)"


FILES_FOLDER_KEY = "files/last_folder"


def starting_at(start: str) -> str:
    """Where a file dialog opens: ``start`` when it names a folder; a bare file name (or
    nothing) goes in the folder a file was last chosen in, else Documents (or home):
    never the process's working directory, which for an installed app is wherever it
    was started from (day review 3, W5: the program's own folder)."""
    if start and os.path.isabs(start):
        return start
    # a suggested name made from a label ("Bed 3/4.json") names no folder: without
    # this it would again open relative to the working folder (diff review R9)
    start = start.replace("/", "-").replace("\\", "-").replace(":", "-")
    from desktop import settings

    qs = settings.store()
    last = qs.value(FILES_FOLDER_KEY) if qs is not None else None
    folder = (last if isinstance(last, str) and last and is_folder(last)
              else str(documents_folder()))
    return os.path.join(folder, start) if start else folder


def documents_folder() -> Path:
    """The user's Documents folder, or home when there is none."""
    from PySide6.QtCore import QStandardPaths

    documents = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and is_folder(documents) else Path.home()


def _chosen(path: str) -> str:
    """Remember the folder of a chosen file, for the next file dialog."""
    if path:
        from desktop import settings

        qs = settings.store()
        if qs is not None:
            qs.setValue(FILES_FOLDER_KEY, os.path.dirname(path))
    return path


#: the size Qt's own file dialog is given (where the system has none of its own); its
#: default cut the names, sizes and types of files short (review C, L5)
FILE_DIALOG_SIZE: Final = (900, 560)


def file_dialog(parent: QWidget | None, title: str, start: str, file_filter: str, *,
                mode: str) -> QFileDialog:
    """A file dialog, not yet shown, as QFileDialog's static functions make it (the
    system's own where there is one: Windows, most Linux desktops), but wide enough to
    read when it is Qt's own. ``mode``: ``open``, ``open_many``, ``save`` or
    ``folder``; ``start`` as :func:`starting_at` takes it."""
    dialog = QFileDialog(parent, title, starting_at(start), file_filter)
    if mode == "save":
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    else:
        dialog.setFileMode({"open": QFileDialog.FileMode.ExistingFile,
                            "open_many": QFileDialog.FileMode.ExistingFiles,
                            "folder": QFileDialog.FileMode.Directory}[mode])
    if mode == "folder":
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    from desktop.window_state import fit_to_screen

    dialog.resize(*FILE_DIALOG_SIZE)
    fit_to_screen(dialog)  # never larger than the screen, never off it
    _readable_columns(dialog)
    return dialog


def _readable_columns(dialog: QFileDialog) -> None:
    """In Qt's own dialog, the size, type and date columns as wide as what they show and
    the name taking the rest (they kept their narrow default widths). The dialog's
    detail view is a child QTreeView; the system's dialog has none (nothing to do)."""
    from PySide6.QtWidgets import QHeaderView, QTreeView

    view = dialog.findChild(QTreeView)
    if view is None:
        return
    header = view.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)


def _files_chosen(dialog: QFileDialog) -> list[str]:
    """Run the dialog modally: the files chosen (none when cancelled)."""
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return []
    return list(dialog.selectedFiles())


def ask_open_path(parent: QWidget | None, title: str, file_filter: str = CASE_FILTER,
                  start: str = "") -> str | None:
    """A path chosen for opening, or None when cancelled."""
    paths = _files_chosen(file_dialog(parent, title, start, file_filter, mode="open"))
    return _chosen(paths[0]) if paths else None


def ask_open_paths(parent: QWidget | None, title: str, file_filter: str = CASE_FILTER,
                   start: str = "") -> list[str]:
    """Several paths chosen for opening (empty when cancelled)."""
    paths = _files_chosen(file_dialog(parent, title, start, file_filter, mode="open_many"))
    if paths:
        _chosen(paths[0])
    return paths


def ask_save_path(parent: QWidget | None, title: str, file_filter: str = CASE_FILTER,
                  start: str = "") -> str | None:
    """A path chosen for saving, or None when cancelled."""
    paths = _files_chosen(file_dialog(parent, title, start, file_filter, mode="save"))
    return _chosen(paths[0]) if paths else None


def ask_export_paths(parent: QWidget | None, folder: str, summary_name: str,
                     handout_name: str) -> tuple[str, str | None] | None:
    """The export dialog (desktop.export.ExportDialog): the summary's path and the
    handout's (None when left out), or None when cancelled."""
    return run_export_dialog(parent, folder, summary_name, handout_name)


def run_export_dialog(parent: QWidget | None, folder: str, summary_name: str,
                      handout_name: str) -> tuple[str, str | None] | None:
    """What :func:`ask_export_paths` does (tests drive the real dialog through it,
    with :func:`exec_dialog` patched)."""
    from desktop.export import ExportDialog

    dialog = ExportDialog(parent, folder, summary_name, handout_name)
    if not exec_dialog(dialog):
        return None
    return dialog.paths()


def open_documents(paths: list[Path]) -> list[Path]:
    """Open each file in the program the system gives its type (the PDF viewer, where
    the user prints); returns those that could not be opened (no viewer set up)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return [path for path in paths
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))]


def ask_folder(parent: QWidget | None, title: str, start: str = "") -> str | None:
    paths = _files_chosen(file_dialog(parent, title, start, "", mode="folder"))
    return paths[0] if paths else None


def message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
                buttons: QMessageBox.StandardButton,
                default: QMessageBox.StandardButton) -> QMessageBox:
    """A message box that shows ``text`` as plain text. QMessageBox's static helpers
    guess the format, and show anything that looks like markup as rich text: a case
    label such as ``<img src=...>`` would draw an image and hide the question."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(default)
    return box


def _show(box: QMessageBox) -> QMessageBox.StandardButton:
    """Run a message box modally; the button chosen. (Tests patch this one function
    to see the real box without waiting on it.)"""
    box.exec()
    return box.standardButton(box.clickedButton())


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """One line of text typed by the user (stripped), or None when cancelled."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value.strip() if ok else None


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Yes/No question; True for Yes."""
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    return _show(message_box(parent, QMessageBox.Icon.Question, title, text, yes | no,
                             no)) == yes


def ask_save_discard_cancel(parent: QWidget | None, title: str, text: str) -> str:
    """'save', 'discard' or 'cancel' (for closing with unsaved changes)."""
    std = QMessageBox.StandardButton
    box = message_box(parent, QMessageBox.Icon.Warning, title, text,
                      std.Save | std.Discard | std.Cancel, std.Save)
    # Alt+S / Alt+D: Discard is otherwise reached only with Tab
    box.button(std.Save).setText("&Save")
    box.button(std.Discard).setText("&Discard")
    answer = _show(box)
    if answer == std.Save:
        return "save"
    if answer == std.Discard:
        return "discard"
    return "cancel"


def _mine_or_theirs(parent: QWidget | None, title: str, text: str, keep_mine: str,
                    other: QMessageBox.StandardButton, other_text: str) -> str:
    """A warning with three ways out: keep mine (the default: Save), ``other``, or
    Cancel; returns "mine", "other" or "cancel"."""
    b = QMessageBox.StandardButton
    box = message_box(parent, QMessageBox.Icon.Warning, title, text,
                      b.Save | other | b.Cancel, b.Save)
    box.button(b.Save).setText(keep_mine)
    box.button(other).setText(other_text)
    return {b.Save: "mine", other: "other"}.get(_show(box), "cancel")


def ask_conflict(parent: QWidget | None, title: str, text: str) -> str:
    """'reload' (take the version saved elsewhere), 'copy' (keep mine as a new case) or
    'cancel', for a save that found the case changed by someone else."""
    answer = _mine_or_theirs(parent, title, text, "Save mine as a copy",
                             QMessageBox.StandardButton.Reset, "Reload their version")
    return {"mine": "copy", "other": "reload"}.get(answer, "cancel")


def ask_file_changed(parent: QWidget | None, title: str, text: str) -> str:
    """'save_as' (keep both: mine in another file, the default), 'replace' (mine over
    theirs), 'reload' (open their version, mine is not saved) or 'cancel', for a case
    file changed elsewhere since it was opened or saved here."""
    b = QMessageBox.StandardButton
    box = message_box(parent, QMessageBox.Icon.Warning, title, text,
                      b.Save | b.Discard | b.Reset | b.Cancel, b.Save)
    box.button(b.Save).setText("Save mine as another file…")
    box.button(b.Discard).setText("Replace their version")
    # (as in the case list's conflict: a user who sees the other change was the one
    # wanted had no way to it but closing without saving and opening again)
    box.button(b.Reset).setText("Open their version")
    return {b.Save: "save_as", b.Discard: "replace", b.Reset: "reload"}.get(_show(box),
                                                                            "cancel")


def ask_save_before_export(parent: QWidget | None, title: str, text: str) -> str:
    """'save' (save, then export: the default), 'export' (export the case as it is
    now, unsaved) or 'cancel', for an export of a saved case changed since."""
    answer = _mine_or_theirs(parent, title, text, "Save and export",
                             QMessageBox.StandardButton.Ignore, "Export without saving")
    return {"mine": "save", "other": "export"}.get(answer, "cancel")


def ask_export_outdated(parent: QWidget | None, title: str, text: str) -> str:
    """'reload' (open the version saved elsewhere, the default: nothing is exported),
    'export' (export this window's older version) or 'cancel', for an export of a saved
    case that another window or computer has saved since it was opened here."""
    answer = _mine_or_theirs(parent, title, text, "Open the saved version",
                             QMessageBox.StandardButton.Ignore, "Export this window's version")
    return {"mine": "reload", "other": "export"}.get(answer, "cancel")


def ask_save_elsewhere(parent: QWidget | None, title: str, text: str) -> bool:
    """True to save under another name (the default), False to cancel: for a case file
    that Save cannot replace (marked read-only)."""
    b = QMessageBox.StandardButton
    box = message_box(parent, QMessageBox.Icon.Warning, title, text, b.Save | b.Cancel,
                      b.Save)
    box.button(b.Save).setText("Save as another file…")
    return _show(box) == b.Save


def confirm_damaged(parent: QWidget | None, title: str, text: str) -> bool:
    """Show a damaged case's details; True to open its answers as a new, unsaved case."""
    b = QMessageBox.StandardButton
    box = message_box(parent, QMessageBox.Icon.Critical, title, text, b.Open | b.Close,
                      b.Close)
    box.button(b.Open).setText("Open as a new, unsaved case")
    return _show(box) == b.Open


def ask_retry(parent: QWidget | None, title: str, text: str) -> bool:
    """An error that may go away (a lock, a folder being fixed); True for Retry."""
    b = QMessageBox.StandardButton
    box = message_box(parent, QMessageBox.Icon.Critical, title, text, b.Retry | b.Cancel,
                      b.Retry)
    return _show(box) == b.Retry


def inform(parent: QWidget | None, title: str, text: str) -> None:
    ok = QMessageBox.StandardButton.Ok
    _show(message_box(parent, QMessageBox.Icon.Information, title, text, ok, ok))


def error(parent: QWidget | None, title: str, text: str) -> None:
    ok = QMessageBox.StandardButton.Ok
    _show(message_box(parent, QMessageBox.Icon.Critical, title, text, ok, ok))


def exec_dialog(dialog: QDialog) -> bool:
    """Run an application dialog (settings, about) modally; True when accepted.

    Tests patch this to inspect or accept the dialog without waiting on it.
    """
    from desktop.window_state import fit_to_screen

    fit_to_screen(dialog)  # never larger than the screen, never off it
    return dialog.exec() == QDialog.DialogCode.Accepted


def grow_to_fit(dialog: QWidget) -> None:
    """Make ``dialog`` tall enough for its layout at its present width, after a message
    appeared in it. Qt sets no minimum height on a window whose layout holds wrapped
    labels (their height depends on the width), so without this the rows are squeezed
    and the message is cut off."""
    layout = dialog.layout()
    if layout is None:
        return
    needed = _needed_height(layout, dialog.width())
    if dialog.height() < needed:
        dialog.resize(dialog.width(), needed)


def fit_height(dialog: QWidget) -> None:
    """Make ``dialog`` as tall as its layout needs at its present width, no taller: its
    first size comes from wrapping its labels at a narrower width than its minimum, so
    it opened with a blank band under its buttons (day review 3, C3)."""
    layout = dialog.layout()
    if layout is not None:
        dialog.resize(dialog.width(), _needed_height(layout, dialog.width()))


def _needed_height(layout: QLayout, width: int) -> int:
    layout.activate()
    if layout.hasHeightForWidth():
        return layout.totalHeightForWidth(width)
    return layout.totalSizeHint().height()
