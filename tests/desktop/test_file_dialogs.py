"""The file dialogs as the app makes them: Qt's own (offscreen there is no system
dialog), wide enough to read (review C, L5), opened where the static functions did."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QHeaderView, QTreeView

from desktop import dialogs


def test_qt_own_dialog_is_given_a_size_to_read_file_names_in(qtbot: Any, tmp_path: Path) -> None:
    dialog = dialogs.file_dialog(None, "Open case", str(tmp_path), dialogs.CASE_FILTER,
                                 mode="open")
    qtbot.addWidget(dialog)
    area = QGuiApplication.primaryScreen().availableGeometry()
    wanted = dialogs.FILE_DIALOG_SIZE
    # as wide as wanted, or as the screen allows (the offscreen screen is small)
    assert dialog.width() == min(wanted[0], area.width() - 16)
    assert dialog.height() == min(wanted[1], area.height() - 40)
    assert QFileDialog().size().width() < dialog.width() or area.width() < wanted[0]
    assert dialog.fileMode() == QFileDialog.FileMode.ExistingFile
    assert Path(dialog.directory().absolutePath()) == tmp_path
    # its columns as wide as what they show, the name taking the rest
    header = dialog.findChild(QTreeView).header()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Stretch
    assert {header.sectionResizeMode(c) for c in range(1, header.count())} == {
        QHeaderView.ResizeMode.ResizeToContents}


@pytest.mark.parametrize(("mode", "file_mode"), [
    ("open_many", QFileDialog.FileMode.ExistingFiles),
    ("folder", QFileDialog.FileMode.Directory),
])
def test_each_mode(qtbot: Any, tmp_path: Path, mode: str, file_mode: Any) -> None:
    dialog = dialogs.file_dialog(None, "t", str(tmp_path), "", mode=mode)
    qtbot.addWidget(dialog)
    assert dialog.fileMode() == file_mode
    assert dialog.testOption(QFileDialog.Option.ShowDirsOnly) == (mode == "folder")


def test_save_starts_in_the_folder_with_the_name_given_and_returns_the_choice(
        qtbot: Any, tmp_path: Path) -> None:
    dialog = dialogs.file_dialog(None, "Save case", str(tmp_path / "Bed-4-draft.json"),
                                 dialogs.CASE_FILTER, mode="save")
    qtbot.addWidget(dialog)
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    assert Path(dialog.directory().absolutePath()) == tmp_path
    assert [Path(p) for p in dialog.selectedFiles()] == [tmp_path / "Bed-4-draft.json"]
    QTimer.singleShot(0, dialog.accept)
    assert [Path(p) for p in dialogs._files_chosen(dialog)] == [tmp_path / "Bed-4-draft.json"]


def test_cancelled_gives_nothing(qtbot: Any, tmp_path: Path) -> None:
    dialog = dialogs.file_dialog(None, "Open case", str(tmp_path), dialogs.CASE_FILTER,
                                 mode="open")
    qtbot.addWidget(dialog)
    QTimer.singleShot(0, dialog.reject)
    assert dialogs._files_chosen(dialog) == []
