"""File ▸ Open recent: case files opened or saved lately, drafts among them, driven with
qtbot on the real window (review C, M6: a draft was listed nowhere)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from desktop import dialogs, recent_files
from tests.desktop.drive import answer

CASE = {"format": "hrher2-aid.case/1", "receptors": {"hr": "positive", "her2": "positive"},
        "setting": "first_line", "disease": {"visceral": True, "symptomatic": False}}


def menu_texts(window: Any) -> list[str]:
    """The menu as the user sees it when it opens."""
    window.recent_menu.aboutToShow.emit()
    return [a.text() for a in window.recent_menu.actions() if not a.isSeparator()]


def test_a_draft_saved_is_listed_first_and_reopens_from_the_menu(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a, **_k: str(tmp_path / "Bed-4"))
    assert menu_texts(window) == ["No case files opened or saved yet"]
    assert not window.recent_menu.actions()[0].isEnabled()
    answer(qtbot, window, "receptors.hr", "positive")
    window.session.set_answer("label", "Bed 4")
    assert window.save_case() is True  # incomplete: a draft file
    draft = tmp_path / "Bed-4.json"
    assert json.loads(draft.read_text())["format"] == "hrher2-aid.draft/1"
    assert menu_texts(window) == ["&1 Bed-4.json", "Clear this list"]
    assert window.recent_menu.actions()[0].statusTip() == str(draft)
    window.session.new()
    assert window.session.answers == {}
    window.recent_menu.actions()[0].trigger()
    assert window.session.answers == {"receptors.hr": "positive", "label": "Bed 4"}
    assert window.statusBar().currentMessage() == "Opened draft Bed-4.json"


def test_newest_first_once_each_and_at_most_eight(qtbot: Any, window: Any,
                                                   tmp_path: Path) -> None:
    paths = []
    for n in range(10):
        path = tmp_path / f"case {n} & co.json"
        path.write_text(json.dumps({**CASE, "label": f"case {n}"}))
        assert window.open_case_file(path)
        paths.append(path)
    assert window.open_case_file(paths[3])  # opened again: first, not twice
    texts = menu_texts(window)
    assert texts[:-1] == [f"&{i} case {n} && co.json"
                          for i, n in enumerate((3, 9, 8, 7, 6, 5, 4, 2), 1)]
    assert recent_files.load() == [paths[n] for n in (3, 9, 8, 7, 6, 5, 4, 2)]
    # kept in the settings file, for the next run
    stored = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                       "hrher2-aid", "hrher2-aid").value(recent_files.KEY)
    assert json.loads(stored)[0] == str(paths[3])


def test_a_file_no_longer_there_is_said_and_taken_off_the_list(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda _p, _t, text: errors.append(text))
    kept, gone = tmp_path / "kept.json", tmp_path / "gone.json"
    for path in (kept, gone):
        path.write_text(json.dumps(CASE))
        assert window.open_case_file(path)
    window.session.new()
    assert menu_texts(window)[:2] == ["&1 gone.json", "&2 kept.json"]
    gone.unlink()
    assert window.files.open_recent(gone) is False
    assert errors and f"{gone} is no longer there" in errors[0]
    assert "The current case is unchanged." in errors[0]
    assert window.session.answers == {} and recent_files.load() == [kept]
    # a file moved away meanwhile is not offered when the menu opens
    kept.rename(tmp_path / "moved.json")
    assert menu_texts(window) == ["No case files opened or saved yet"]


def test_unsaved_changes_are_asked_about_first(qtbot: Any, window: Any, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps(CASE))
    recent_files.remember(path)
    answer(qtbot, window, "receptors.hr", "negative")
    asked: list[str] = []

    def cancel(_parent: Any, _title: str, text: str) -> str:
        asked.append(text)
        return "cancel"

    monkeypatch.setattr(dialogs, "ask_save_discard_cancel", cancel)
    menu_texts(window)
    window.recent_menu.actions()[0].trigger()
    assert asked and window.session.answers == {"receptors.hr": "negative"}


def test_clearing_the_list_keeps_the_files(qtbot: Any, window: Any, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(CASE))
    assert window.open_case_file(path)
    menu_texts(window)
    (clear,) = [a for a in window.recent_menu.actions() if a.text() == "Clear this list"]
    clear.trigger()
    assert recent_files.load() == [] and path.is_file()
    assert "cleared" in window.statusBar().currentMessage()


@pytest.mark.parametrize("stored", ["not json", "{\"a\": 1}", "[1, null, \"\"]", "[[[[" * 300])
def test_a_list_that_does_not_read_is_no_list(stored: str) -> None:
    qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                   "hrher2-aid", "hrher2-aid")
    qs.setValue(recent_files.KEY, stored)
    qs.sync()
    assert recent_files.load() == []
