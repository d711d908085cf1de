"""The Export action with dialogs patched: real widgets, real PDFs, real folders."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.case import parse_case
from desktop import dialogs, export, settings
from desktop.dialogs import open_documents as REAL_OPEN_DOCUMENTS  # before the fixture

CASE = {
    "format": "hrher2-aid.case/1", "label": "Zoë / test",
    "receptors": {"hr": "positive", "her2": "positive"}, "setting": "first_line",
    "disease": {"visceral": True, "symptomatic": False},
}


class Dialogs:
    """Answers the export dialog (summary path, handout path or None; no answer at all
    = Cancel) and records what it offered and every error shown."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answers: list[str | None]) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, str, str]] = []
        self.errors: list[tuple[str, str]] = []
        monkeypatch.setattr(dialogs, "ask_export_paths", self._ask)
        monkeypatch.setattr(dialogs, "ask_text", lambda *_a, **_k: "")  # no clinician name
        monkeypatch.setattr(dialogs, "error", lambda _p, title, text: self.errors.append(
            (title, text)))

    def _ask(self, _parent, folder, summary_name, handout_name):
        self.asked.append((folder, summary_name, handout_name))
        if not self.answers or self.answers[0] is None:
            return None
        return self.answers[0], self.answers[1] if len(self.answers) > 1 else None


@pytest.fixture
def setup(window):
    """The real window holding the case: File ▸ Export PDF works on its session."""
    case = parse_case(json.loads(json.dumps(CASE)))
    window.session.load_case(case)
    return window, case, window.session.result()


def test_exports_both_documents(setup, tmp_path, monkeypatch):
    window, case, result = setup
    settings.save({"report/clinician_name": "Dr. Ñ", "report/institution": "Clinique"})
    fake = Dialogs(monkeypatch, [str(tmp_path / "summary"), str(tmp_path / "handout.pdf")])
    window.records.export_pdf()
    assert fake.errors == []
    written = [tmp_path / "summary.pdf", tmp_path / "handout.pdf"]
    assert sorted(tmp_path.iterdir()) == sorted(written)
    assert PdfReader(written[0]).metadata.author == "Dr. Ñ"
    assert "Patient handout" in PdfReader(written[1]).metadata.title
    # one dialog offers both names, with the label and the case hash
    (offered,) = fake.asked
    assert offered[1] == f"Zo\u00eb-test-{result.case_sha256[:8]}-summary.pdf"
    assert offered[2] == f"Zoë-test-{result.case_sha256[:8]}-handout.pdf"


def test_cancel_first_dialog_writes_nothing(setup, tmp_path, monkeypatch):
    window, _case, _result = setup
    fake = Dialogs(monkeypatch, [None])
    window.records.export_pdf()
    assert list(tmp_path.iterdir()) == [] and fake.errors == []


def test_cancel_handout_writes_summary_only(setup, tmp_path, monkeypatch):
    window, _case, _result = setup
    Dialogs(monkeypatch, [str(tmp_path / "s.pdf"), None])
    window.records.export_pdf()
    assert [p.name for p in tmp_path.iterdir()] == ["s.pdf"]


def test_missing_folder_shows_an_error_and_leaves_nothing(setup, tmp_path, monkeypatch):
    window, _case, _result = setup
    fake = Dialogs(monkeypatch, [str(tmp_path / "gone" / "s.pdf"), str(tmp_path / "h.pdf")])
    window.records.export_pdf()
    assert len(fake.errors) == 1
    title, text = fake.errors[0]
    assert title == export.ERROR_TITLE and "does not exist" in text
    assert list(tmp_path.iterdir()) == []


def test_an_incomplete_case_says_what_is_missing(window, tmp_path, monkeypatch):
    fake = Dialogs(monkeypatch, [])
    window.session.set_answer("receptors.hr", "positive")
    window.records.export_pdf()
    assert len(fake.errors) == 1 and "still needed: HER2" in fake.errors[0][1]


def test_export_module_does_not_load_reportlab_until_used():
    import subprocess

    code = ("import sys, desktop.export; "
            "print(any(m.startswith('reportlab') for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], check=True)
    assert done.stdout.strip() == "False"


def test_unwritable_folder_shows_an_error_and_keeps_the_old_file(setup, tmp_path, monkeypatch):
    window, _case, _result = setup
    old = tmp_path / "s.pdf"
    old.write_bytes(b"%PDF-old")
    fake = Dialogs(monkeypatch, [str(old), None])

    def denied(*_args, **_kwargs):
        # what the OS answers for a folder without write permission (root ignores
        # modes, so the real read-only case is tested in tests/core)
        raise PermissionError(13, "Permission denied")

    import tempfile

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    window.records.export_pdf()
    assert len(fake.errors) == 1 and "permission denied" in fake.errors[0][1]
    assert old.read_bytes() == b"%PDF-old"
    assert [p.name for p in tmp_path.iterdir()] == ["s.pdf"]


def _drive_export_dialog(monkeypatch, qtbot, folder, tick=None):
    """Export through the real dialog, ticking (or clearing) "open them when written";
    returns what the box showed when the dialog opened."""
    from desktop.export import ExportDialog

    monkeypatch.setattr(dialogs, "ask_export_paths", dialogs.run_export_dialog)
    monkeypatch.setattr(dialogs, "ask_text", lambda *_a, **_k: "")
    shown = []

    def drive(dialog):
        assert isinstance(dialog, ExportDialog)
        qtbot.addWidget(dialog)
        shown.append(dialog.open_after.isChecked())
        dialog.folder.setText(str(folder))
        if tick is not None:
            dialog.open_after.setChecked(tick)
        dialog.accept()
        return dialog.result() == dialog.DialogCode.Accepted

    monkeypatch.setattr(dialogs, "exec_dialog", drive)
    return shown


def test_ticked_open_after_export_opens_both_documents_and_is_remembered(
        setup, tmp_path, monkeypatch, qtbot):
    """Day review 3, W13: the handout is printed for the patient, but the app left the
    user to find the files; the box opens them in the PDF viewer (off until ticked)."""
    window, _case, _result = setup
    opened = []
    monkeypatch.setattr(dialogs, "open_documents", lambda paths: opened.append(paths) or [])
    shown = _drive_export_dialog(monkeypatch, qtbot, tmp_path, tick=True)
    window.records.export_pdf()
    assert shown == [False]  # off at first
    (paths,) = opened
    assert sorted(paths) == sorted(tmp_path.iterdir()) and len(paths) == 2
    assert window.statusBar().currentMessage().endswith("; opened in the PDF viewer")
    window.records.export_pdf()  # the next export: ticked as left
    assert shown == [False, True] and len(opened) == 2


def test_open_after_export_says_when_no_viewer_opened_a_document(
        setup, tmp_path, monkeypatch, qtbot):
    """Review C, M4: the documents were asked for to print; that no viewer opened them
    was said only at the end of a status line cut off at the window's edge, gone after
    8 s. A message says it, with the folder; the status line ends short."""
    window, _case, _result = setup
    monkeypatch.setattr(dialogs, "open_documents", lambda paths: paths[1:])
    told: list[str] = []
    monkeypatch.setattr(dialogs, "inform", lambda _p, _t, text: told.append(text))
    _drive_export_dialog(monkeypatch, qtbot, tmp_path, tick=True)
    window.records.export_pdf()
    handout = next(p.name for p in tmp_path.iterdir() if p.name.endswith("-handout.pdf"))
    assert window.statusBar().currentMessage().endswith("; not opened: no PDF viewer")
    (text,) = told
    assert f"no PDF viewer set up to open {handout}." in text
    assert text.endswith(f"their folder:\n\n{tmp_path}")


def test_unticked_nothing_is_opened(setup, tmp_path, monkeypatch, qtbot):
    window, _case, _result = setup  # dialogs.open_documents fails the test if called
    _drive_export_dialog(monkeypatch, qtbot, tmp_path)
    window.records.export_pdf()
    assert len(list(tmp_path.iterdir())) == 2
    assert "opened" not in window.statusBar().currentMessage()


def test_open_documents_asks_the_system_for_each_file_and_names_those_it_could_not(
        tmp_path, monkeypatch, qapp):
    from PySide6.QtGui import QDesktopServices

    asked = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: asked.append(url.toLocalFile()) or "handout" not in
                        url.toLocalFile())
    paths = [tmp_path / "a summary.pdf", tmp_path / "a handout.pdf"]
    assert REAL_OPEN_DOCUMENTS(paths) == [paths[1]]
    assert asked == [str(p) for p in paths]


@pytest.mark.parametrize("choice", ["save", "export", "cancel"])
def test_exporting_a_saved_case_changed_since_asks_to_save_it_first(
        setup, tmp_path, monkeypatch, choice):
    """Exploratory test 18, finding 1: export did not save, and the audit log tied the
    documents to the saved case, which never held their answers (a Discard at closing
    then dropped them)."""
    window, _, _ = setup
    assert window.save_case()
    case_id, store = window.session.case_id, window.records.store
    assert case_id is not None and store is not None
    before = store.get(case_id).case_sha256
    window.session.set_answer("menopausal_status", "premenopausal")
    assert window.session.modified
    changed = window.session.result().case_sha256
    asked: list[str] = []

    def ask(_parent, title, text):
        asked.append(text)
        return choice

    monkeypatch.setattr(dialogs, "ask_save_before_export", ask)
    fake = Dialogs(monkeypatch, [str(tmp_path / "summary.pdf")])
    window.records.export_pdf()
    assert fake.errors == []
    [text] = asked
    assert f"changes not saved in saved case {case_id}" in text
    if choice == "cancel":
        assert fake.asked == [] and list(tmp_path.iterdir()) == []
        assert window.session.modified and store.list_audit() == []
        return
    assert (tmp_path / "summary.pdf").exists()
    [entry] = store.list_audit()
    assert entry.case_sha256 == changed
    if choice == "save":
        assert not window.session.modified and store.get(case_id).case_sha256 == changed
        assert entry.case_id == case_id
    else:  # exported as it is: no saved case holds these answers, and the log says so
        assert window.session.modified and store.get(case_id).case_sha256 == before
        assert entry.case_id is None


def test_documents_exported_without_saving_then_saved_are_not_called_out_of_date(
        setup, tmp_path, monkeypatch):
    """Explore19, finding 2: export a saved case, change it, "Export without saving",
    then save: the status said the documents carried other answers and asked for an
    export that had just been made."""
    window, _, _ = setup
    window.session.set_answer("label", "P01 bed 4")
    assert window.save_case()
    Dialogs(monkeypatch, [str(tmp_path / "first-summary.pdf")])
    window.records.export_pdf()
    window.session.set_answer("menopausal_status", "premenopausal")
    monkeypatch.setattr(dialogs, "ask_save_before_export", lambda *_a: "export")
    Dialogs(monkeypatch, [str(tmp_path / "second-summary.pdf")])
    window.records.export_pdf()
    assert [e.case_id is None for e in window.records.store.list_audit()] == [True, False]
    assert window.save_case()
    message = window.statusBar().currentMessage()
    assert message.startswith("Saved") and "other answers" not in message


def test_exporting_a_new_case_asks_nothing(setup, tmp_path, monkeypatch):
    """A case never saved is exported as before (the close prompt asks about it)."""
    window, _, _ = setup
    monkeypatch.setattr(dialogs, "ask_save_before_export",
                        lambda *_a: pytest.fail("asked to save a new case"))
    fake = Dialogs(monkeypatch, [str(tmp_path / "summary.pdf")])
    window.records.export_pdf()
    assert fake.errors == [] and (tmp_path / "summary.pdf").exists()


def test_the_folder_field_has_room_for_a_real_path(qtbot):
    """Review C, L5: the Folder field was about 110 pixels wide, so a real path was cut."""
    from desktop.export import ExportDialog

    folder = "/home/clinician/Documents/MDT/2026-12 tumour board"
    dialog = ExportDialog(None, folder, "a-summary.pdf", "a-handout.pdf")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    field = dialog.folder
    assert field.width() >= field.fontMetrics().horizontalAdvance(folder)
