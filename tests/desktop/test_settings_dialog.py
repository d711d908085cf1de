"""Settings: declared once, kept with QSettings, edited in the dialog."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from desktop import dialogs, export, settings
from desktop.settings_dialog import SettingsDialog


def test_defaults_then_saved_values_persist(isolated_settings: Path) -> None:
    assert settings.load() == {"report/clinician_name": "", "report/institution": ""}
    settings.save({"report/clinician_name": " Dr A ", "report/institution": "Clinic"})
    assert settings.load() == {"report/clinician_name": "Dr A", "report/institution": "Clinic"}
    assert settings.path() == Path(settings.store().fileName())
    text = settings.path().read_text()
    assert str(isolated_settings) in str(settings.path())
    assert f"settings_version={settings.SETTINGS_VERSION}" in text
    with pytest.raises(KeyError):
        settings.save({"report/clinican_name": "typo"})


def test_dialog_typed_values_are_saved_on_ok(qtbot: Any, window: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[SettingsDialog] = []

    def fill_and_accept(dialog: Any) -> bool:
        seen.append(dialog)
        dialog.show()
        dialog.activateWindow()  # as exec() would: keys go to the dialog, not the window
        qtbot.waitActive(dialog)
        name = dialog.findChild(QLineEdit, "report/clinician_name")
        assert name.accessibleName() == "Clinician name"
        qtbot.keyClicks(name, "Dr B Example")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "report/institution"), "Oncology Unit")
        qtbot.keyClick(name, Qt.Key.Key_Return)  # Enter = OK
        return bool(dialog.result())

    monkeypatch.setattr(dialogs, "exec_dialog", fill_and_accept)
    window.show_settings()
    assert len(seen) == 1
    assert settings.load() == {"report/clinician_name": "Dr B Example",
                               "report/institution": "Oncology Unit"}


def test_dialog_cancel_keeps_settings(qtbot: Any, window: Any,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def type_and_cancel(dialog: Any) -> bool:
        qtbot.keyClicks(dialog.findChild(QLineEdit, "report/institution"), "Other")
        dialog.reject()
        return False

    monkeypatch.setattr(dialogs, "exec_dialog", type_and_cancel)
    window.show_settings()
    assert settings.load()["report/institution"] == ""


def test_settings_that_cannot_be_written_are_said_not_lost_silently(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile review D3: a settings file that cannot be written lost the new values at
    the next start, without a word. (A folder where the file should be: unwritable
    even for root.)"""
    settings.path().mkdir(parents=True)
    with pytest.raises(settings.SettingsNotSaved, match="could not be saved"):
        settings.save({"report/clinician_name": "Dr New"})
    outcome: list[Any] = []

    def type_and_ok(dialog: Any) -> bool:
        qtbot.keyClicks(dialog.findChild(QLineEdit, "report/clinician_name"), "Dr New")
        dialog.accept()
        outcome.append((dialog.result(), dialog.problem.isVisibleTo(dialog),
                        dialog.problem.text()))
        return bool(dialog.result())

    monkeypatch.setattr(dialogs, "exec_dialog", type_and_ok)
    window.show_settings()
    result, shown, text = outcome[0]
    assert result == 0 and shown and "could not be saved" in text  # the dialog stays open


def test_a_value_of_another_ini_type_is_not_printed_as_python(isolated_settings: Path) -> None:
    """Hostile review C2: "@Variant(...)" and "@ByteArray(...)" values loaded as Python
    reprs ("PySide6.QtCore.QRect(1, 2, 3, 3)", "b'\\xff\\xfe'") and were printed on the
    documents."""
    path = settings.path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[report]\nclinician_name=@Rect(1 2 3 3)\n"
                    "institution=@ByteArray(\\xff\\xfe)\n", "utf-8")
    assert settings.load() == {"report/clinician_name": "", "report/institution": ""}
    path.write_text("[report]\nclinician_name=Smith, John\ninstitution=42\n", "utf-8")
    assert settings.load() == {"report/clinician_name": "Smith, John",
                               "report/institution": "42"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_a_settings_file_that_is_not_a_file_is_never_opened_and_is_said(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile review: a FIFO at the settings file kept the app waiting (QSettings
    reads its file when made). Now it is never opened: defaults are used, the dialog
    says why at once, and saving is refused with that reason."""
    settings.path().parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(settings.path())
    assert settings.store() is None
    assert settings.load() == {"report/clinician_name": "", "report/institution": ""}
    with pytest.raises(settings.SettingsNotSaved, match="not a regular file"):
        settings.save({"report/clinician_name": "Dr New"})
    seen: list[str] = []

    def look(dialog: Any) -> bool:
        seen.append(dialog.problem.text() if dialog.problem.isVisibleTo(dialog) else "")
        return False

    monkeypatch.setattr(dialogs, "exec_dialog", look)
    window.show_settings()
    assert seen and str(settings.path()) in seen[0] and "not a regular file" in seen[0]
    # the export folder is neither read from it nor written to it
    export.remember_folder(settings.path().parent)
    assert export.start_folder() != settings.path().parent


def test_a_clinician_name_that_cannot_be_kept_is_used_until_the_app_closes(
        window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Day review 3, D3: with a settings file that cannot be written, the name given at
    the first export was printed once; the next export asked nothing and printed
    "Clinician (not given)", while the message had promised to ask again."""
    from pypdf import PdfReader

    settings.path().mkdir(parents=True)  # the settings file cannot be written
    assert window.load_case_dict({
        "format": "hrher2-aid.case/1", "receptors": {"hr": "positive", "her2": "positive"},
        "setting": "first_line", "menopausal_status": "postmenopausal",
        "disease": {"visceral": True, "symptomatic": False}})
    asked: list[str] = []
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "ask_text", lambda _p, title, *a, **k: asked.append(title)
                        or "Dr Ada Example")
    monkeypatch.setattr(dialogs, "error", lambda _p, _t, text: errors.append(text))
    names = iter([(str(tmp_path / "s1.pdf"), None), (str(tmp_path / "s2.pdf"), None)])
    monkeypatch.setattr(dialogs, "ask_export_paths", lambda *a, **k: next(names))
    window.records.export_pdf()
    window.records.export_pdf()
    assert asked == ["Clinician name"] and len(errors) == 1
    assert "until the app is closed, but it is not kept after that" in errors[0]
    for name in ("s1.pdf", "s2.pdf"):
        assert PdfReader(tmp_path / name).metadata.author == "Dr Ada Example"


def test_file_dialogs_start_where_files_were_last_chosen_never_in_the_working_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Day review 3, W5: Open, Save as and Save draft started in the process's working
    folder (for the reviewer, the program's own source folder)."""
    monkeypatch.chdir(tmp_path)
    first = dialogs.starting_at("case.json")
    assert Path(first).name == "case.json" and Path(first).parent != tmp_path
    assert Path(first).parent.is_dir()
    assert dialogs.starting_at(str(tmp_path / "x" / "a.json")) == str(tmp_path / "x" / "a.json")
    chosen = tmp_path / "cases"
    chosen.mkdir()
    dialogs._chosen(str(chosen / "p01.json"))  # what a dialog does with the file chosen
    assert dialogs.starting_at("case.json") == str(chosen / "case.json")
    assert dialogs.starting_at("") == str(chosen)
    # a name made from a label "Bed 3/4" names no folder (diff review R9)
    assert dialogs.starting_at("Bed 3/4.json") == str(chosen / "Bed 3-4.json")
    chosen.rmdir()  # gone since: Documents (or home) again
    assert Path(dialogs.starting_at("")) == Path(first).parent


def test_the_dialog_opens_as_tall_as_its_rows_no_blank_band(qtbot: Any,
                                                             isolated_settings: Path) -> None:
    """Day review 3, C3: its first height came from its labels wrapped at a narrower
    width than it opens at, which left a blank band under OK and Cancel."""
    from PySide6.QtWidgets import QDialogButtonBox

    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    buttons = dialog.findChild(QDialogButtonBox)
    bottom_margin = dialog.layout().contentsMargins().bottom()
    assert dialog.height() - buttons.geometry().bottom() - 1 == bottom_margin
