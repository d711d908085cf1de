"""Hostile and unusual input in the window (issue 13): a dialog naming the problem,
nothing the user saved lost, nothing rendered that the user did not type.

Real widgets, real files, a real case store; only the modal dialogs are replaced
(``desktop.dialogs``), and where the dialog itself is under test, only the one call
that would wait for a click (``dialogs._show``).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from core.case import parse_case
from core.casestore import CaseStore
from desktop import dialogs, settings
from desktop.case_list import CaseListWidget
from desktop.result_view import saved_result_html
from tests.desktop.drive import step_until

CASE: dict[str, Any] = {
    "format": "hrher2-aid.case/1", "label": "Bed 4",
    "receptors": {"hr": "positive", "her2": "positive"}, "setting": "first_line",
    "menopausal_status": "postmenopausal",
    "disease": {"visceral": True, "symptomatic": False}}
HUGE_TEXT = json.dumps(CASE).replace('"label": "Bed 4"', '"label": ' + "9" * 5000)
SURROGATE_TEXT = json.dumps(CASE).replace("Bed 4", "\\ud800")
REAL_CONFIRM, REAL_ERROR = dialogs.confirm, dialogs.error  # before the fixtures patch them


class Recorded:
    """The dialogs a test lets the window show, with what they said."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.errors: list[tuple[str, str]] = []
        self.informed: list[str] = []
        self.save_paths: list[str] = []
        monkeypatch.setattr(dialogs, "error",
                            lambda _p, title, text: self.errors.append((title, text)))
        monkeypatch.setattr(dialogs, "inform", lambda _p, _t, text: self.informed.append(text))
        monkeypatch.setattr(dialogs, "ask_save_path",
                            lambda *a, **k: self.save_paths.pop(0) if self.save_paths else None)
        monkeypatch.setattr(dialogs, "ask_save_discard_cancel", lambda *a: "discard")
        monkeypatch.setattr(dialogs, "ask_export_paths", self._export_paths)

    def _export_paths(self, *_args: Any) -> tuple[str, str | None] | None:
        """The export dialog's answer: the next two paths (summary, handout)."""
        if not self.save_paths:
            return None
        summary = self.save_paths.pop(0)
        return summary, self.save_paths.pop(0) if self.save_paths else None


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Recorded:
    return Recorded(monkeypatch)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- item 1 ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "said"), [(HUGE_TEXT, "4,300 digits"),
                                            (SURROGATE_TEXT, "surrogate")])
def test_item1_open_of_a_huge_integer_or_surrogate_shows_a_dialog(
        window: Any, shown: Recorded, tmp_path: Path, text: str, said: str) -> None:
    assert window.load_case_dict(CASE)
    assert window.open_path(_write(tmp_path, "bad.json", text)) is False
    assert len(shown.errors) == 1 and said in shown.errors[0][1]
    assert window.questionnaire.answers["label"] == "Bed 4"  # the current case is kept


def test_item1_import_goes_on_past_huge_integer_and_surrogate_files(
        qtbot: Any, window: Any, shown: Recorded, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    files = [_write(tmp_path, "a.json", json.dumps(dict(CASE, label="first"))),
             _write(tmp_path, "huge.json", HUGE_TEXT),
             _write(tmp_path, "surrogate.json", SURROGATE_TEXT),
             _write(tmp_path, "z.json", json.dumps(dict(CASE, label="last")))]
    monkeypatch.setattr(dialogs, "ask_open_paths", lambda *a, **k: [str(f) for f in files])
    with CaseStore.open(tmp_path / "cases.sqlite") as store:
        widget = CaseListWidget(store, renderer=window.renderer)
        qtbot.addWidget(widget)
        widget.import_files()
        assert sorted(r.label for r in store.list()) == ["first", "last"]
        assert len(shown.errors) == 1  # one dialog listing the files refused, and why
        said = shown.errors[0][1]
        assert "2 of 4" in said and "huge.json: " in said and "surrogate.json: " in said
        assert "4,300 digits" in said and "surrogate" in said
        widget.close()


# --- item 3 ---------------------------------------------------------------------------

def test_item3_export_with_a_5000_character_clinician_in_settings_shows_a_dialog(
        window: Any, shown: Recorded, tmp_path: Path) -> None:
    qs = settings.store()
    qs.setValue("report/clinician_name", "Dr " + "N" * 5000)
    qs.sync()
    shown.save_paths = [str(tmp_path / "s.pdf"), str(tmp_path / "h.pdf")]
    assert window.load_case_dict(CASE)
    window.statusBar().clearMessage()
    window.records.export_pdf()
    assert len(shown.errors) == 1
    assert "Clinician name" in shown.errors[0][1] and "at most 100" in shown.errors[0][1]
    assert not window.statusBar().currentMessage().startswith("Exported")
    assert list(tmp_path.iterdir()) == []


def test_item3_settings_dialog_refuses_a_name_too_long_for_a_page(qtbot: Any) -> None:
    from desktop.settings_dialog import SettingsDialog

    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    edit = dialog.edits["report/clinician_name"]
    edit.setText("N" * 150)
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "at most 100 characters" in dialog.problem.text()
    assert settings.load()["report/clinician_name"] == ""  # nothing saved


# --- item 4 ---------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_item4_opening_a_fifo_does_not_freeze_the_window(window: Any, shown: Recorded,
                                                         tmp_path: Path) -> None:
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)

    def unblock() -> None:  # frees a reader that waits on the pipe, so no test hangs
        time.sleep(10)
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return  # nobody is reading: the window did not wait
        os.write(fd, b"{}")
        os.close(fd)

    helper = threading.Thread(target=unblock, daemon=True)
    helper.start()
    started = time.monotonic()
    assert window.open_path(fifo) is False
    assert time.monotonic() - started < 5
    assert len(shown.errors) == 1 and "named pipe" in shown.errors[0][1]


# --- item 6 ---------------------------------------------------------------------------

def test_item6_label_of_80_emoji_is_shown_refused_and_the_file_kept(
        window: Any, shown: Recorded, tmp_path: Path) -> None:
    """80 emoji (80 code points, 160 UTF-16 units) from a case file: shown whole in the
    label box, refused there like any text the reports cannot print (an emoji would read
    back from a PDF as another character), and the file is never written over."""
    label = "\U0001f600" * 80
    path = _write(tmp_path, "case.json", json.dumps(dict(CASE, label=label)))
    before = path.read_bytes()
    assert window.open_path(path)
    view = window.questionnaire
    for _ in range(12):  # step through every page to the end, as a user would
        view.go_next()
    assert view.current_id == "label"
    assert window.findChild(QLineEdit, "label").text() == label  # not cut at 80 units
    problem = view.page_for("label").problem_label
    assert problem.isVisible() and "emoji" in problem.text()
    assert "at most" not in problem.text()  # 80 code points are within the limit
    window.setWindowModified(True)  # an edit elsewhere: the user saves
    assert window.save_case() is False
    assert "Case label" in shown.errors[0][1] and "emoji" in shown.errors[0][1]
    assert path.read_bytes() == before and CaseStore.open().list() == []


# --- item 7 ---------------------------------------------------------------------------

def test_item7_clinician_name_with_a_comma_in_the_settings_file(window: Any, shown: Recorded,
                                                                tmp_path: Path) -> None:
    ini = Path(settings.store().fileName())
    ini.parent.mkdir(parents=True, exist_ok=True)
    ini.write_text("[report]\nclinician_name=Smith, John\ninstitution=Nord, Clinique\n",
                   encoding="utf-8")
    values = settings.load()
    assert values["report/clinician_name"] == "Smith, John"
    assert values["report/institution"] == "Nord, Clinique"
    shown.save_paths = [str(tmp_path / "s.pdf"), str(tmp_path / "h.pdf")]
    assert window.load_case_dict(CASE)
    window.records.export_pdf()
    assert shown.errors == []
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "s.pdf").pages)
    assert "Smith, John" in text and "Nord, Clinique" in text and "(not given)" not in text


# --- items 9 and 10: refused where typed -----------------------------------------------

@pytest.mark.parametrize(("text", "script"), [
    ("\u05e9\u05dc\u05d5\u05dd", "Hebrew"), ("\u0645\u0631\u062d\u0628\u0627", "Arabic"),
    ("\u4e2d\u6587", "Chinese, Japanese or Korean"), ("\u0e2a\u0e27\u0e31\u0e2a", "Thai"),
    ("\u0928\u092e\u0938\u094d\u0924\u0947", "Devanagari")])
def test_item9_10_label_box_refuses_a_script_the_reports_cannot_print(
        qtbot: Any, window: Any, shown: Recorded, tmp_path: Path, text: str,
        script: str) -> None:
    assert window.load_case_dict(CASE)
    view = window.questionnaire
    step_until(window, "label", view.go_next)
    edit = window.findChild(QLineEdit, "label")
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "Case ")
    typed = QInputMethodEvent()  # non-Latin text arrives from an input method
    typed.setCommitString(text)
    QApplication.sendEvent(edit, typed)
    assert edit.text() == f"Case {text}"
    view.go_next()
    problem = view.page_for("label").problem_label
    assert problem.isVisible()
    assert problem.text().startswith(f"Case label: {script} script cannot be printed")
    window.path = tmp_path / "case.json"
    assert window.save_case() is False  # nothing is saved that cannot be exported
    assert "Case label" in shown.errors[0][1] and script in shown.errors[0][1]
    assert not window.path.exists()


# --- item 12 --------------------------------------------------------------------------

def test_item12_delete_confirmation_shows_the_label_as_plain_text(
        qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    label = '<img src="x.png">Keep me'
    boxes: list[QMessageBox] = []

    def look(box: QMessageBox) -> QMessageBox.StandardButton:
        boxes.append(box)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(dialogs, "confirm", REAL_CONFIRM)
    monkeypatch.setattr(dialogs, "_show", look)
    with CaseStore.open(tmp_path / "cases.sqlite") as store:
        case = parse_case(dict(CASE, label=label))
        store.save(case, window.renderer.result_for(case))
        widget = CaseListWidget(store, renderer=window.renderer)
        qtbot.addWidget(widget)
        widget.view.selectRow(0)
        widget.delete_selected()
        assert len(boxes) == 1
        assert boxes[0].textFormat() == Qt.TextFormat.PlainText
        assert label in boxes[0].text() and "Delete" in boxes[0].text()
        assert [r.label for r in store.list()] == [label]  # "No": nothing deleted
        widget.close()


def test_item12_every_message_box_is_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(dialogs, "_show",
                        lambda box: boxes.append(box) or QMessageBox.StandardButton.Ok)
    REAL_ERROR(None, "Cannot open case", "<b>bold?</b> <img src='x.png'>")
    assert boxes[0].textFormat() == Qt.TextFormat.PlainText
    assert boxes[0].text() == "<b>bold?</b> <img src='x.png'>"


def test_item12_result_as_saved_escapes_every_stored_value() -> None:
    """The saved result is read back into a Result (Result.from_dict) and laid out like
    any other: every stored text is escaped; one that no longer reads says so."""
    hostile = '<img src="x.png">'
    saved = {"format": "hrher2-aid.result/1", "in_scope": True, "scope_reason": None,
             "options": [{"id": "x", "status": hostile, "text": hostile,
                          "rationale": [hostile], "citations": [2]}],
             "plan": [{"id": "p", "text": hostile, "citations": [1]}],
             "cautions": [{"id": "c", "severity": hostile, "text": 5, "citations": []}],
             "outside_source": [hostile],
             "references": [{"n": 1, "citation": hostile}],
             "evidence": {"version": hostile, "sha256": "0"}, "case_sha256": ""}
    html = saved_result_html(saved)
    assert "<img" not in html
    # a status and a severity (in capitals) and the evidence version, too
    assert html.lower().count("&lt;img") == 8
    broken = saved_result_html({**saved, "references": [{"n": hostile, "citation": "c"}]})
    assert "<img" not in broken and "cannot be read" in broken


def test_item3_clinician_name_asked_at_export_is_checked_before_it_is_kept(
        window: Any, shown: Recorded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "Dr " + "N" * 5000)
    shown.save_paths = [str(tmp_path / "s.pdf"), str(tmp_path / "h.pdf")]
    assert window.load_case_dict(CASE)
    window.records.export_pdf()
    assert len(shown.errors) == 1 and "at most 100 characters" in shown.errors[0][1]
    assert settings.load()["report/clinician_name"] == ""
    assert list(tmp_path.iterdir()) == []


def test_item12_tool_tips_show_file_names_and_snippets_as_typed(qtbot: Any,
                                                                tmp_path: Path) -> None:
    from PySide6.QtCore import Qt as QtNS

    from desktop.audit_view import AuditDialog

    hostile = '<img src="x.png">.pdf'
    with CaseStore.open(tmp_path / "cases.sqlite") as store:
        store.record_export(None, [hostile], "aa" * 32, "2026.1")
        dialog = AuditDialog(store)
        qtbot.addWidget(dialog)
        model = dialog.audit.model
        tip = model.data(model.index(0, 5), QtNS.ItemDataRole.ToolTipRole)
        assert "<img" not in tip and "&lt;img src=&quot;x.png&quot;&gt;.pdf" in tip
        dialog.close()
