"""Saved cases, PDF export and the audit log, driven from the real main window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from core.case import parse_case
from core.casestore import CaseStore
from core.result import Renderer
from desktop import dialogs
from desktop.audit_view import AuditDialog
from desktop.case_list import CaseListDialog
from desktop.case_table import LABEL, NUMBER
from tests.conftest import build_older_evidence

CASE = {"format": "hrher2-aid.case/1", "label": "Saved one",
        "receptors": {"hr": "positive", "her2": "positive"}, "setting": "first_line",
        "menopausal_status": "postmenopausal",
        "disease": {"visceral": True, "symptomatic": False}}


def test_file_and_tools_menus_hold_the_record_actions(window: Any) -> None:
    texts = [a.text() for a in window.file_menu.actions()]
    assert {"Saved &cases…", "&Export PDF…"} <= set(texts)
    assert "&Audit log…" in [a.text() for a in window.tools_menu.actions()]


def test_ctrl_s_keeps_the_case_in_the_case_list(qtbot: Any, window: Any) -> None:
    assert window.load_case_dict(CASE)
    window.questionnaire.page_for("disease").inputs["disease.symptomatic"].buttons["true"].click()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not window.isWindowModified() and window.case_id is not None
    first_id = window.case_id
    window.questionnaire.page_for("disease").inputs["disease.visceral"].buttons["false"].click()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.case_id == first_id  # the same saved case, updated
    store = CaseStore.open()
    assert [r.label for r in store.list()] == ["Saved one"]
    saved = store.get(first_id)
    assert parse_case(saved.answers).disease.visceral is False
    assert saved.result["case_sha256"] == parse_case(saved.answers).sha256()


def test_opening_from_the_case_list(qtbot: Any, window: Any,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    store = CaseStore.open()
    renderer = window.renderer
    case = parse_case({**CASE, "label": "From the list", "setting": "progression",
                       "endocrine_responsive": "yes"})
    case_id = store.save(case, renderer.result_for(case)).id
    store.close()

    def choose_first(dialog: Any) -> bool:
        assert isinstance(dialog, CaseListDialog)
        dialog.list.select_id(case_id)
        dialog.list.open_selected()
        return True

    monkeypatch.setattr(dialogs, "exec_dialog", choose_first)
    window.records.open_case_list()
    assert window.case_id == case_id
    assert window.current_case() == case
    assert "Next-line endocrine therapy" in window.result_view.browser.toPlainText()
    # the list opened again marks the case open in the window (review C, M3: a copy
    # with the same label looked the same)
    with CaseStore.open() as other:
        copy = other.duplicate(case_id)
    marked: list[str] = []

    def look(dialog: Any) -> bool:
        model = dialog.list.model
        marked.extend(model.data(model.index(r, LABEL)) for r in range(model.rowCount())
                      if model.data(model.index(r, NUMBER)) in (str(case_id), str(copy)))
        return False

    monkeypatch.setattr(dialogs, "exec_dialog", look)
    window.records.open_case_list()
    assert sorted(marked) == ["From the list", "From the list (open in the window)"]
    assert "From the list" in window.windowTitle()


@pytest.fixture(scope="module")
def old_renderer(tmp_path_factory: pytest.TempPathFactory) -> Renderer:
    return build_older_evidence(tmp_path_factory.mktemp("old"), "2025.1-old")


def test_case_saved_under_older_evidence_shows_both(window: Any, old_renderer: Renderer,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    store = CaseStore.open()
    case = parse_case(CASE)
    case_id = store.save(case, old_renderer.result_for(case)).id
    store.close()
    window.records.open_saved(CaseStore.open().opened(case_id, window.renderer))
    text = window.result_view.browser.toPlainText()
    assert "saved under evidence 2025.1-old" in text
    assert text.index("Today's result") < text.index("Result as saved (evidence 2025.1-old)")
    assert "OLDER WORDING" in text[text.index("Result as saved"):]
    assert "OLDER WORDING" not in text[:text.index("Result as saved")]
    assert "different result" in window.result_view.header.text()


def test_a_case_whose_printed_words_changed_under_the_same_evidence_shows_both(
        window: Any) -> None:
    """Review B, M1: a case saved under today's evidence version, whose result an app
    upgrade words or decides otherwise, was never compared. Both are shown, and said to
    be the app's doing, not the evidence's."""
    case = parse_case(CASE)
    saved = window.renderer.result_for(case).to_dict(complete=True)
    option = saved["options"][0]["id"]
    saved["display"]["strengths"][option] = "An older strength sentence."
    with CaseStore.open() as store:
        case_id = store.save(case, saved).id
        payload = store.opened(case_id, window.renderer)
    window.records.open_saved(payload)
    version = window.renderer.evidence.version
    # only words printed on the PDFs differ: said so, not "a different result" (review
    # D, M1)
    assert window.result_view.header.text().startswith(
        f"Saved under evidence {version}: this version of the app gives other words for "
        "the same result")
    text = window.result_view.browser.toPlainText()
    assert "This version of the app gives the same answers other words for the same" in text
    assert "its words on the PDFs changed" in text
    assert "An older strength sentence." in text[text.index("Result as saved"):]


def test_export_writes_both_pdfs_and_the_audit_log(window: Any, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert window.load_case_dict(CASE)
    monkeypatch.setattr(dialogs, "ask_export_paths", lambda *a, **k: (
        str(tmp_path / "summary.pdf"), str(tmp_path / "handout.pdf")))
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "")
    window.records.export_pdf()
    assert (tmp_path / "summary.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "handout.pdf").read_bytes().startswith(b"%PDF")
    audit = CaseStore.open().list_audit()
    assert len(audit) == 1
    entry = audit[0]
    assert entry.case_sha256 == parse_case(CASE).sha256()
    assert entry.evidence_version == window.store.version
    assert [Path(f).name for f in entry.files] == ["summary.pdf", "handout.pdf"]

    shown: list[Any] = []
    monkeypatch.setattr(dialogs, "exec_dialog", lambda d: shown.append(d) or True)
    window.tools_menu.actions()[-1].trigger()
    assert isinstance(shown[0], AuditDialog)


def test_a_saved_case_changed_after_its_export_says_so(
        qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exploratory test 18, finding 2: a saved case exported, then changed, saved and
    reopened never said that the documents given out no longer matched it, and the
    audit log had no saved-case number. Saving and opening it say so now, and the audit
    log gives each export's saved case and whether that case still has its answers."""
    from core.casestore.audit_log import CHANGED, SAME

    monkeypatch.setattr("desktop.main_window.STATUS_MS", 30)  # other messages go at once
    assert window.load_case_dict(CASE)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    case_id = window.case_id
    assert case_id is not None and "other answers" not in window.statusBar().currentMessage()
    window.export_documents(tmp_path / "one-summary.pdf", tmp_path / "one-handout.pdf")
    window.questionnaire.page_for("disease").inputs["disease.symptomatic"].buttons["true"].click()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Saved in the case list, as saved case {case_id}; the "
                              "documents exported from it on ") and "other answers" in message
    # it stays until the answers change, where other messages go after a while
    # (review 19, L6: the only sign in the window went after 8 s)
    qtbot.wait(120)
    assert window.statusBar().currentMessage() == message

    shown: list[Any] = []
    monkeypatch.setattr(dialogs, "exec_dialog", lambda d: shown.append(d) or True)
    window.records.show_audit()
    model = shown[0].audit.model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (2, 3)] == [
        "Saved case", "Saved case now"]
    assert [model.data(model.index(0, c)) for c in (2, 3)] == [str(case_id), CHANGED]

    store = CaseStore.open()
    payload = store.opened(case_id, window.renderer)
    store.close()
    window.setWindowModified(False)
    assert window.records.open_saved(payload)
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Opened saved case {case_id}; the documents exported from it on ")
    qtbot.wait(120)
    assert window.statusBar().currentMessage().startswith(f"Opened saved case {case_id}; ")
    window.export_documents(tmp_path / "two-summary.pdf", tmp_path / "two-handout.pdf")
    assert window.records.open_saved(payload)
    assert window.statusBar().currentMessage() == f"Opened saved case {case_id}"
    qtbot.wait(120)
    assert window.statusBar().currentMessage() == ""  # an ordinary message goes
    shown[0].audit.refresh()
    assert [model.data(model.index(r, 3)) for r in range(2)] == [SAME, CHANGED]


def test_the_note_on_out_of_date_documents_outlives_menus_and_an_unchanged_save(
        qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Explore19, findings 1 and 3: the pointer crossing the menu bar (Qt shows each
    menu item's empty status tip) wiped the note that the documents carry other answers,
    on the way to the audit log; Ctrl+S with nothing to save replaced it. It stays until
    an answer changes."""
    from PySide6.QtGui import QStatusTipEvent
    from PySide6.QtWidgets import QApplication

    monkeypatch.setattr("desktop.main_window.STATUS_MS", 30)
    assert window.load_case_dict(CASE)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    window.export_documents(tmp_path / "one-summary.pdf", tmp_path / "one-handout.pdf")
    window.questionnaire.page_for("disease").inputs["disease.symptomatic"].buttons["true"].click()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    bar = window.statusBar()
    note = bar.currentMessage()
    assert "carry other answers" in note

    QApplication.sendEvent(window, QStatusTipEvent("Show the audit log"))  # a menu item
    assert bar.currentMessage() == "Show the audit log"
    QApplication.sendEvent(window, QStatusTipEvent(""))  # the pointer leaves it
    assert bar.currentMessage() == note

    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # nothing new
    unchanged = bar.currentMessage()
    assert unchanged.startswith("No changes to save") and "carry other answers" in unchanged
    qtbot.wait(120)
    assert bar.currentMessage() == unchanged

    window.questionnaire.page_for("disease").inputs["disease.symptomatic"].buttons["false"].click()
    assert bar.currentMessage() == ""  # an answer changed: the note goes, for good
    QApplication.sendEvent(window, QStatusTipEvent(""))
    assert bar.currentMessage() == ""


def test_an_export_the_audit_log_cannot_record_says_so(window: Any, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile review W3: with a read-only case store the export was silently left out
    of the audit log, and the status said only "Exported"."""
    CaseStore.open().close()  # the store exists; this window may only read it
    window.records._store = CaseStore.open(read_only=True)
    assert window.load_case_dict(CASE)
    monkeypatch.setattr(dialogs, "ask_export_paths", lambda *a, **k: (
        str(tmp_path / "summary.pdf"), str(tmp_path / "handout.pdf")))
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "")
    window.records.export_pdf()
    message = window.statusBar().currentMessage()
    assert message.startswith("Exported summary.pdf, handout.pdf; not recorded in the "
                              "audit log: the case store") and "read-only" in message
    assert CaseStore.open().list_audit() == []


def test_export_of_an_incomplete_case_is_refused(window: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda parent, title, text: errors.append(text))
    window.records.export_pdf()
    assert "nothing to export" in errors[0]
    assert CaseStore.open().list_audit() == []


def test_first_export_asks_for_the_clinician_name_and_keeps_it(
        window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 item 7: no silent "(not given)" on the documents."""
    from pypdf import PdfReader

    from desktop import settings

    assert settings.load()["report/clinician_name"] == ""
    assert window.load_case_dict(CASE)
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_text", lambda _p, title, *a, **k: asked.append(title)
                        or "Dr Ada Example")
    names = iter([(str(tmp_path / "s1.pdf"), None), (str(tmp_path / "s2.pdf"), None)])
    monkeypatch.setattr(dialogs, "ask_export_paths", lambda *a, **k: next(names))
    window.records.export_pdf()
    assert asked == ["Clinician name"]
    assert PdfReader(tmp_path / "s1.pdf").metadata.author == "Dr Ada Example"
    assert settings.load()["report/clinician_name"] == "Dr Ada Example"
    window.records.export_pdf()  # the name is known now: not asked again
    assert asked == ["Clinician name"] and (tmp_path / "s2.pdf").exists()


def test_cancelling_the_clinician_prompt_exports_nothing(
        window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert window.load_case_dict(CASE)
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: None)
    window.records.export_pdf()  # ask_export_paths is not patched: it must not be reached
    assert CaseStore.open().list_audit() == []


def test_a_delete_can_be_undone_from_a_case_list_opened_later(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The delete message promises undo until the application closes: closing the
    case list and opening it again keeps the undo (and Ctrl+Z in the list)."""
    store = CaseStore.open()
    case = parse_case({**CASE, "label": "Deleted by mistake"})
    case_id = store.save(case, window.renderer.result_for(case)).id
    store.close()
    monkeypatch.setattr(dialogs, "confirm", lambda *args: True)
    seen: list[bool] = []

    def delete_it(dialog: Any) -> bool:
        dialog.list.select_id(case_id)
        dialog.list.delete_selected()
        return False

    def look_and_undo(dialog: Any) -> bool:
        seen.append(dialog.list.buttons["undo"].isEnabled())
        qtbot.keyClick(dialog.list.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        return False

    for step in (delete_it, look_and_undo):
        monkeypatch.setattr(dialogs, "exec_dialog", step)
        window.records.open_case_list()
    assert seen == [True]
    store = CaseStore.open()
    assert [r.label for r in store.list()] == ["Deleted by mistake"]
    assert not window.records.undo_tokens
