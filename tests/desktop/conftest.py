"""Fixtures for driving the real main window with qtbot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from desktop import dialogs
from tests.desktop.drive import open_window

_DIALOG_FUNCTIONS = ("ask_open_path", "ask_open_paths", "ask_save_path", "ask_folder",
                     "confirm", "ask_save_discard_cancel", "inform", "error", "exec_dialog",
                     "ask_text", "ask_export_paths", "ask_conflict", "confirm_damaged",
                     "ask_retry", "ask_file_changed", "ask_save_elsewhere", "ask_export_outdated",
                     "open_documents")  # (never a real PDF viewer from a test)


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Every dialog function fails the test unless the test patches it: nothing waits."""
    calls: dict[str, list[Any]] = {}

    def unexpected(name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            calls.setdefault(name, []).append(args)
            raise AssertionError(f"unexpected dialog: dialogs.{name}{args[1:]}")
        return fail

    for name in _DIALOG_FUNCTIONS:
        monkeypatch.setattr(dialogs, name, unexpected(name))
    return calls


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """QSettings write to a temporary folder, never the user's own settings."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture
def window(qtbot: Any) -> Any:
    return open_window(qtbot)


@pytest.fixture(autouse=True)
def isolated_case_store(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> Path:
    """The case store lives in a temporary folder, never the user's data folder."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("HRHER2_AID_DATA_DIR", str(folder))
    return folder
