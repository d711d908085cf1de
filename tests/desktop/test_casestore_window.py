"""The case store's integrity as the window shows it: conflicts, damaged cases, a
failed open retried, and data folders that cannot work (issues 12 and 13)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from core import questionnaire as q
from core.case import parse_case
from core.casestore import CaseStore
from desktop import dialogs
from desktop.case_list import CaseListWidget
from desktop.case_table import DAMAGED_MARK

CASE: dict[str, Any] = {
    "format": "hrher2-aid.case/1", "label": "Shared",
    "receptors": {"hr": "positive", "her2": "positive"}, "setting": "after_induction",
    "menopausal_status": "postmenopausal",
    "disease": {"visceral": True, "symptomatic": False},
    "chemotherapy": {"months_given": 3, "maximal_response": True},
}


def saved_case(window: Any, data: dict[str, Any]) -> int:
    case = parse_case(data)
    with CaseStore.open() as store:
        return store.save(case, window.renderer.result_for(case)).id


def save_elsewhere(window: Any, case_id: int, label: str) -> None:
    """Another window or computer saves the same case (its own connection)."""
    case = parse_case({**CASE, "label": label})
    with CaseStore.open() as other:
        stored = other.get(case_id)
        other.save(case, window.renderer.result_for(case), case_id, revision=stored.revision)


def open_from_list(window: Any, case_id: int) -> None:
    store = window.records.store
    window.records.open_saved(store.opened(case_id, window.renderer))


def set_label(window: Any, label: str) -> None:
    window.session.set_answer("label", label)


@pytest.mark.parametrize("choice", ["copy", "reload", "cancel"])
def test_save_over_a_case_changed_elsewhere_asks_and_never_overwrites(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, choice: str) -> None:
    """Issue 12: a second writer gets a conflict with a choice (reload theirs, or save
    mine as a copy). No lost update, whichever is chosen."""
    case_id = saved_case(window, CASE)
    open_from_list(window, case_id)
    window.records.store.record_export(  # documents of the answers as first saved
        None, ["/x/first.pdf"], window.session.result().case_sha256, "v", case_id=case_id)
    save_elsewhere(window, case_id, "Theirs")
    set_label(window, "Mine")
    last_step = q.steps_for(window.session.answers)[-1].id
    window.session.go_to(last_step)  # the user has stepped on from the first page
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_conflict",
                        lambda _p, _t, text: asked.append(text) or choice)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1 and "changed elsewhere" in asked[0]
    # what differs, answer by answer (review C, M3: the question did not say)
    assert asked[0].endswith("What differs:\n• Case label: Theirs there, Mine here")
    with CaseStore.open() as store:
        assert store.get(case_id).label == "Theirs"  # theirs is never overwritten
        labels = sorted(r.label or "" for r in store.list())
    # the other save's time as the case list shows it (local), not a raw UTC stamp
    assert "Z)" not in asked[0] and re.search(r"saved it at \d{4}-\d\d-\d\d \d\d:\d\d\)",
                                              asked[0])
    if choice == "copy":
        assert labels == ["Mine", "Theirs"]
        assert window.case_id != case_id and not window.isWindowModified()
        # what happened stays said (not replaced by a plain "Saved")
        message = window.statusBar().currentMessage()
        assert message.startswith("Saved your version as a copy") and str(case_id) in message
    elif choice == "reload":
        assert labels == ["Theirs"]
        assert window.session.answer("label") == "Theirs" and window.case_id == case_id
        assert window.session.revision == 2
        assert window.session.step == last_step  # where the user was, not back at step 1
        # what was reloaded is said, with what the documents given out no longer match
        message = window.statusBar().currentMessage()
        assert message.startswith("Reloaded the version saved elsewhere; your changes were "
                                  "not saved; the documents exported from it on ")
    else:
        assert labels == ["Theirs"] and window.session.answer("label") == "Mine"
        assert window.session.modified


def test_damaged_case_is_marked_in_the_list_and_opened_only_as_a_new_case(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch,
        isolated_case_store: Path) -> None:
    """Issue 12: a flipped bit (months 3 -> 7) marks the case damaged in the list and
    when opened; it is shown, never silently used (never saved over, result redone)."""
    case_id = saved_case(window, CASE)
    intact = saved_case(window, {**CASE, "label": "Intact"})
    path = isolated_case_store / "cases.sqlite"
    data = path.read_bytes()
    assert data.count(b'"months_given":3') == 2
    # the first saved case's answers: the one whose next label is "Shared"
    at = next(i for i in (data.index(b'"months_given":3'), data.rindex(b'"months_given":3'))
              if data[i:].split(b'"label":"', 1)[1].startswith(b"Shared"))
    path.write_bytes(data[:at] + b'"months_given":7' + data[at + 16:])

    with CaseStore.open() as store:
        widget = CaseListWidget(store, renderer=window.renderer)
        qtbot.addWidget(widget)
        model = widget.model
        texts = {model.row(n).id: model.data(model.index(n, 0)) for n in range(model.rowCount())}
        assert texts[case_id].startswith(DAMAGED_MARK) and texts[intact] == "Intact"
        n = model.find(case_id)
        assert n is not None
        tip = model.data(model.index(n, 0), Qt.ItemDataRole.ToolTipRole)
        assert "Damaged" in tip and "case hash" in tip
        shown: list[str] = []
        opened: list[dict[str, Any]] = []
        widget.open_requested.connect(opened.append)
        monkeypatch.setattr(dialogs, "confirm_damaged",
                            lambda _p, _t, text: shown.append(text) or True)
        widget.select_id(case_id)
        widget.open_selected()
        assert len(shown) == 1 and "damaged" in shown[0] and '"months_given": 7' in shown[0]
        widget.close()
    window.records.open_saved(opened[0])
    assert window.case_id is None and window.session.modified  # a new, unsaved case
    # and the title says so, as for any unsaved change (explore19, finding 10: no "*")
    assert window.isWindowModified()
    assert window.session.answer("chemotherapy.months_given") == 7  # what is stored, shown


def test_a_failed_open_is_retried_without_restarting(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Issue 12: a failed open can be retried without restarting the app. The data
    folder is a file at first; the user cancels, fixes it, and saves again."""
    folder = tmp_path / "clinic-data"
    folder.write_text("not a folder")
    monkeypatch.setenv("HRHER2_AID_DATA_DIR", str(folder))
    window.load_case_dict(CASE)
    set_label(window, "Retry me")
    retries: list[str] = []
    monkeypatch.setattr(dialogs, "ask_retry", lambda _p, _t, text: retries.append(text) and False)
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a, **_k: None)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert len(retries) == 1 and "not a folder" in retries[0]  # told once, then Save as
    assert window.session.modified

    folder.unlink()  # the user (or IT) fixes the folder, the app stays open
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not window.session.modified and window.case_id is not None
    with CaseStore.open() as store:
        assert [r.label for r in store.list()] == ["Retry me"]


@pytest.mark.parametrize("kind", ["dev_null", "name_of_300_characters", "relative"])
def test_save_with_an_unusable_data_folder_says_why(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        kind: str) -> None:
    """Issue 13 item 13: with HRHER2_AID_DATA_DIR=/dev/null, a 300-character folder or a
    relative path, Save in the app never fails silently: one clear message, then the
    case can still be saved as a file."""
    value, expected = {
        "dev_null": ("/dev/null", "is a device, not a folder"),
        "name_of_300_characters": (str(tmp_path / ("d" * 300)), "has 300 characters"),
        "relative": ("clinic-data", "a relative path"),
    }[kind]
    monkeypatch.setenv("HRHER2_AID_DATA_DIR", value)
    window.load_case_dict(CASE)
    set_label(window, "Keep me")
    told: list[str] = []
    monkeypatch.setattr(dialogs, "ask_retry", lambda _p, _t, text: told.append(text) and False)
    target = tmp_path / "kept.json"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a, **_k: str(target))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert len(told) == 1 and expected in told[0]
    assert target.exists() and "Keep me" in target.read_text(encoding="utf-8")


def test_a_case_file_opened_again_updates_its_saved_case(qtbot: Any, window: Any,
                                                        tmp_path: Path) -> None:
    """Day review D3: each open-and-save of a case file added one more identical saved
    case. Now an unchanged case file the list already holds is not added again (and
    the status says so); an edited one is a new saved case, never written over a saved
    case that merely has the same answers (another file, a template, may hold them)."""
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(CASE), "utf-8")
    for _ in range(3):  # three working days: open the file, save
        assert window.open_case_file(path)
        qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert not window.isWindowModified()
    with CaseStore.open() as store:
        rows = store.list()
        assert len(rows) == 1 and store.get(rows[0].id).revision == 1
    message = window.statusBar().currentMessage()
    # the file is written all the same: not "No changes to save" beside "Saved" (review
    # C, L2)
    assert message == (f"The case list already holds this case, as saved case {rows[0].id}. "
                       f"Saved {path}")
    template = tmp_path / "template.json"
    template.write_text(json.dumps(CASE), "utf-8")
    assert window.open_case_file(template)
    set_label(window, "From the template")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with CaseStore.open() as store:
        assert sorted(r.label or "" for r in store.list()) == ["From the template", "Shared"]
    assert json.loads(template.read_text("utf-8"))["label"] == "From the template"
    set_label(window, "From the template, again")  # the same session: that saved case
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with CaseStore.open() as store:
        assert sorted(r.label or "" for r in store.list()) == [
            "From the template, again", "Shared"]


@pytest.mark.parametrize("choice", ["save_as", "replace", "reload", "cancel"])
def test_a_case_file_changed_in_another_window_is_not_overwritten_silently(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        choice: str) -> None:
    """Day review D2: two windows with one case file, both save: the second is asked
    (save as another file, replace theirs, open theirs, or cancel) instead of silently
    replacing. (Open theirs: day review 3, W4, there was no way to it but closing.)"""
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(CASE), "utf-8")
    assert window.open_case_file(path)
    path.write_text(json.dumps({**CASE, "label": "Theirs"}), "utf-8")  # the other window
    set_label(window, "Mine")
    step = window.session.steps()[1].id  # not where a file opens
    window.session.go_to(step)
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_file_changed",
                        lambda _p, _t, text: asked.append(text) or choice)
    other = tmp_path / "mine.json"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a, **k: str(other))
    saved = window.save_case()
    assert len(asked) == 1 and "changed by another window or program" in asked[0]
    on_file = json.loads(path.read_text("utf-8"))["label"]
    if choice == "save_as":
        assert saved and on_file == "Theirs"
        assert json.loads(other.read_text("utf-8"))["label"] == "Mine"
        assert window.session.path == other and not window.isWindowModified()
    elif choice == "replace":
        assert saved and on_file == "Mine" and not window.isWindowModified()
    elif choice == "reload":
        assert not saved and on_file == "Theirs"
        assert window.session.answer("label") == "Theirs" and not window.isWindowModified()
        assert window.session.step == step  # where the user was
        assert "your changes were not saved" in window.statusBar().currentMessage()
    else:
        assert not saved and on_file == "Theirs" and window.isWindowModified()


def test_saving_a_case_deleted_from_the_list_says_it_is_saved_again(
        qtbot: Any, window: Any) -> None:
    """Day review W5: it was saved again as a new case without a word."""
    case_id = saved_case(window, CASE)
    open_from_list(window, case_id)
    with CaseStore.open() as store:
        store.delete(case_id)
    set_label(window, "Still wanted")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    message = window.statusBar().currentMessage()
    assert f"Saved case {case_id} had been deleted from the case list" in message
    assert message.split(";")[1].strip().startswith("this case is saved again, as saved case")
    with CaseStore.open() as store:
        assert store.get(window.case_id).label == "Still wanted"


def test_a_file_that_cannot_be_written_says_the_case_list_kept_it(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Hostile review C3: the case was kept in the case list, but the message said only
    that it "cannot be saved"."""
    folder = tmp_path / "cases"
    folder.mkdir()
    path = folder / "c.json"
    path.write_text(json.dumps(CASE), "utf-8")
    assert window.open_case_file(path)
    set_label(window, "Kept")
    path.unlink()
    folder.rmdir()
    folder.write_text("a file where the folder was")  # the file cannot be written now
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda _p, _t, text: errors.append(text))
    assert window.save_case() is False
    assert len(errors) == 1 and "cannot be saved" in errors[0]
    assert f"kept in the case list (saved case {window.case_id})" in errors[0]
    with CaseStore.open() as store:
        assert store.get(window.case_id).label == "Kept"


@pytest.mark.parametrize("save_elsewhere", [True, False])
def test_a_read_only_case_file_is_not_replaced_and_save_as_is_offered(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        save_elsewhere: bool) -> None:
    """Left alone in the last review: Save replaced a case file marked read-only. Now
    Save asks first, before the case list or any file is touched: save it as another
    file, or cancel."""
    path = tmp_path / "filed.json"
    path.write_text(json.dumps(CASE), "utf-8")
    path.chmod(0o444)
    assert window.open_case_file(path)
    assert "filed.json is marked read-only" in window.statusBar().currentMessage()
    # a menu item's empty status tip (the pointer crossing the menu bar) no longer
    # wipes it (review 20, L4)
    from PySide6.QtGui import QStatusTipEvent
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(window, QStatusTipEvent(""))
    assert "filed.json is marked read-only" in window.statusBar().currentMessage()
    set_label(window, "Edited")
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_save_elsewhere",
                        lambda _p, _t, text: asked.append(text) or save_elsewhere)
    other = tmp_path / "edited.json"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a, **k: str(other))
    saved = window.save_case()
    assert len(asked) == 1 and "filed.json is marked read-only" in asked[0]
    assert json.loads(path.read_text("utf-8")) == CASE
    with CaseStore.open() as store:
        labels = [r.label for r in store.list()]
    if save_elsewhere:
        assert saved and json.loads(other.read_text("utf-8"))["label"] == "Edited"
        assert window.session.path == other and not window.isWindowModified()
        assert labels == ["Edited"]
    else:
        assert not saved and not other.exists() and window.isWindowModified()
        assert labels == []


def test_save_elsewhere_never_suggests_or_takes_the_read_only_file(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Day review 3, D2: "Save as another file…" suggested the read-only file itself;
    accepting it updated the saved case, cleared the unsaved mark and left the file old,
    and then said only that the file could not be written."""
    path = tmp_path / "filed.json"
    path.write_text(json.dumps(CASE), "utf-8")
    path.chmod(0o444)
    (tmp_path / "filed-copy.json").write_text("taken")
    assert window.open_case_file(path)
    set_label(window, "Edited")
    monkeypatch.setattr(dialogs, "ask_save_elsewhere", lambda *_a: True)
    suggested: list[str] = []
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda _p, _t, text: errors.append(text))

    def the_same_file(*_a: Any, start: str = "", **_k: Any) -> str:
        suggested.append(start)
        return str(path)

    monkeypatch.setattr(dialogs, "ask_save_path", the_same_file)
    assert not window.save_case()
    assert suggested == [str(tmp_path / "filed-copy-2.json")]
    assert len(errors) == 1 and "filed.json is marked read-only" in errors[0]
    assert "Nothing was saved" in errors[0]
    assert json.loads(path.read_text("utf-8")) == CASE and window.isWindowModified()
    with CaseStore.open() as store:
        assert store.list() == []  # the case list untouched too


def test_save_as_never_says_kept_when_the_case_list_did_not_keep_it(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Diff review R4: with no usable case list (keep() gives None) and a file that
    could not be written, the message said the case was kept in the case list."""
    from core.session import SessionError

    assert window.load_case_dict(CASE)
    window.session.mark_saved(7, 1)  # saved before; the list cannot be written now
    monkeypatch.setattr(window.records, "keep", lambda: None)
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a, **k: str(tmp_path / "c.json"))

    def refuse(*_a: Any, **_k: Any) -> Path:
        raise SessionError("c.json: cannot be saved (No space left on device)")

    monkeypatch.setattr(window.session, "save_file", refuse)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda _p, _t, text: errors.append(text))
    assert not window.save_case_as()
    assert len(errors) == 1 and "kept in the case list" not in errors[0]


def test_a_save_that_fails_says_why_and_loses_nothing(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case store is open and then refuses the save (the disk is full, say): one
    message naming the problem, the case still marked unsaved with its answers, and the
    next Save, once the problem is gone, keeps it."""
    import sqlite3

    from core.casestore.errors import translate

    case_id = saved_case(window, CASE)
    open_from_list(window, case_id)
    set_label(window, "Edited")
    real_save = CaseStore.save

    def full_disk(store: CaseStore, *_args: Any, **_kwargs: Any) -> Any:
        raise translate(sqlite3.OperationalError("database or disk is full"), store.path,
                        "save the case")

    monkeypatch.setattr(CaseStore, "save", full_disk)
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "error", lambda _p, title, text: told.append((title, text)))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert len(told) == 1 and told[0][0] == "Cannot save case"
    assert told[0][1].startswith("Could not save the case: the disk holding ")
    assert told[0][1].endswith(" is full; nothing was changed.")
    assert window.isWindowModified() and window.session.answer("label") == "Edited"
    with CaseStore.open() as store:
        assert store.get(case_id).label == "Shared"  # nothing half-written
    monkeypatch.setattr(CaseStore, "save", real_save)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not window.isWindowModified() and window.case_id == case_id
    with CaseStore.open() as store:
        assert store.get(case_id).label == "Edited"


def test_saving_a_saved_case_unchanged_says_there_is_nothing_to_save(
        qtbot: Any, window: Any) -> None:
    case_id = saved_case(window, CASE)
    open_from_list(window, case_id)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.case_id == case_id and not window.isWindowModified()
    assert window.statusBar().currentMessage().startswith("No changes to save")
    with CaseStore.open() as store:
        assert store.get(case_id).revision == 1 and len(store.list()) == 1


@pytest.mark.parametrize("answer", ["cancel", "discard"])
def test_cancelling_the_unsaved_changes_question_keeps_the_case_list_open(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, answer: str) -> None:
    """Exploratory test 18, finding 9: Cancel kept the case in the window (good) but
    closed the list, its search lost; the list now stays open. Discard opens the case
    and closes the list as before."""
    from desktop.case_list import CaseListDialog

    case_id = saved_case(window, CASE)
    window.session.set_answer("label", "being edited")
    assert window.session.modified
    monkeypatch.setattr(dialogs, "ask_save_discard_cancel", lambda *_a: answer)
    outcome: list[Any] = []

    def drive(dialog: Any) -> bool:
        assert isinstance(dialog, CaseListDialog)
        qtbot.addWidget(dialog)
        dialog.list.open_requested.emit(window.records.store.opened(case_id, window.renderer))
        outcome.append(dialog.result())
        return dialog.result() == dialog.DialogCode.Accepted

    monkeypatch.setattr(dialogs, "exec_dialog", drive)
    window.records.open_case_list()
    if answer == "cancel":
        assert outcome == [CaseListDialog.DialogCode.Rejected]  # not closed by the open
        assert window.session.answer("label") == "being edited" and window.session.modified
    else:
        assert outcome == [CaseListDialog.DialogCode.Accepted]
        assert window.session.case_id == case_id and not window.session.modified


def test_the_status_bar_names_the_saved_case_opened_until_an_answer_changes(
        window: Any) -> None:
    """Exploratory test 18, findings 7 and 2: a duplicate opened looked like its
    original (the status bar said nothing), and a message about the case ("Exported …")
    stayed beside a result that had since changed."""
    first = saved_case(window, CASE)
    copy = saved_case(window, CASE)  # a duplicate: the same answers, another number
    open_from_list(window, copy)
    assert copy != first and window.statusBar().currentMessage() == f"Opened saved case {copy}"
    window.session.go_next()  # moving through the steps changes no answer
    assert window.statusBar().currentMessage() == f"Opened saved case {copy}"
    window.session.set_answer("label", "changed")
    assert window.statusBar().currentMessage() == ""


@pytest.mark.parametrize("choice", [None, "reload", "export", "cancel"])
def test_exporting_a_case_saved_elsewhere_since_asks_first(
        window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        choice: str | None) -> None:
    """Review C, H1: two windows open one saved case; the first changes and saves it;
    the second, unchanged, exported its older answers with a plain "Exported …" (only
    the audit log said, in red, that they were out of date). The export now asks:
    open the saved version (nothing is exported), export this window's, or cancel. A
    case no one else saved exports without the question (None)."""
    case_id = saved_case(window, CASE)
    open_from_list(window, case_id)
    if choice is not None:
        save_elsewhere(window, case_id, "Theirs")
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_export_outdated",
                        lambda _p, _t, text: asked.append(text) or choice)
    monkeypatch.setattr(dialogs, "ask_text", lambda *_a, **_k: "")  # no clinician name
    summary = tmp_path / "summary.pdf"
    monkeypatch.setattr(dialogs, "ask_export_paths", lambda *_a: (str(summary), None))
    window.records.export_pdf()
    message = window.statusBar().currentMessage()
    if choice is None:
        assert asked == [] and summary.exists()
        return
    (text,) = asked
    assert f"Saved case {case_id} was changed elsewhere" in text
    assert re.search(r"saved it at \d{4}-\d\d-\d\d \d\d:\d\d\)", text)
    assert summary.exists() == (choice == "export")
    if choice == "reload":  # the saved version, on screen, to check before exporting it
        assert window.session.answer("label") == "Theirs"
        assert window.session.revision == 2 and not window.session.modified
        assert message.startswith(f"Opened the version of saved case {case_id} saved "
                                  "elsewhere; nothing was exported")
    else:
        assert window.session.answer("label") == "Shared" and window.session.revision == 1
    if choice == "export":  # this window's version, as asked, and said to be exported
        assert message.startswith("Exported summary.pdf")


def test_a_case_file_edited_and_saved_says_it_is_a_new_saved_case(
        qtbot: Any, window: Any, tmp_path: Path) -> None:
    """Review C, M1: a case file written from saved case 1, opened again, edited and
    saved became saved case 2 beside it, with the same label, and the status said only
    "Saved <file>". It says which saved case it now is, and which has the same label."""
    first = saved_case(window, CASE)
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(CASE), "utf-8")
    assert window.open_case_file(path)
    window.session.set_answer("chemotherapy.months_given", 5)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    new = window.session.case_id
    assert new is not None and new != first
    assert window.statusBar().currentMessage() == (
        f"Saved in the case list as new saved case {new} (saved case {first} has the same "
        f"label). Saved {path}")
    other = saved_case(window, CASE)  # a third with the label, and one without
    saved_case(window, {**CASE, "label": "Shared too"})
    window.session.set_answer("chemotherapy.months_given", 4)
    window.session.path = None  # (a new case, kept in the list only)
    window.session.case_id = window.session.revision = None
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    newest = window.session.case_id
    assert window.statusBar().currentMessage() == (
        f"Saved in the case list as new saved case {newest} (saved cases {first}, {new}, "
        f"{other} have the same label)")


@pytest.mark.parametrize(("evidence", "words", "replace"), [
    ("other", False, None),  # only the evidence it names differs: nothing to ask
    ("other", True, False), ("other", True, True),
    ("same", True, True),  # the app gives other words under the same evidence
])
def test_saving_an_unchanged_case_whose_result_differs_today_asks_first(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, evidence: str,
        words: bool, replace: bool | None) -> None:
    """Review B, H1, and review D, H1: a saved case reopened and saved with its answers
    unchanged had today's result written over the saved one without a word (the one
    the documents given out carried), also after an app upgrade under the same
    evidence, or after an answer changed and changed back. Save asks when what it would
    write differs from what is saved; No writes nothing and says so."""
    case = parse_case(CASE)
    earlier = window.renderer.result_for(case).to_dict(complete=True)
    if evidence == "other":
        earlier["evidence"].update(version="2026.11.1", sha256="0" * 64)
    if words:
        option = earlier["options"][0]["id"]
        earlier["display"]["strengths"][option] = "An older strength sentence."
    with CaseStore.open() as store:
        case_id = store.save(case, earlier).id
    open_from_list(window, case_id)
    set_label(window, "Changed")  # an answer changed and changed back: the same answers
    set_label(window, CASE["label"])
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text: asked.append(text) or replace)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with CaseStore.open() as store:
        stored = store.get(case_id)
    message = window.statusBar().currentMessage()
    if replace is None:
        assert asked == [] and stored.revision == 1
        assert message == "No changes to save: the case list already holds this case"
    else:
        (text,) = asked
        assert f"Saved case {case_id} holds the result it was saved with." in text
        today = window.session.result().evidence_version
        assert ("This version of the app gives the same answers other words for the same "
                f"result (under the same evidence, {today})" if evidence == "same" else
                "It was saved under evidence 2026.11.1; today's evidence "
                f"({today}) gives the same answers other words for the same result") in text
        assert stored.revision == (2 if replace else 1)
        if not replace:
            assert message == (f"No changes to save: saved case {case_id} keeps the result "
                               "it was saved with")
    assert not window.session.modified


def test_an_export_after_another_window_saved_the_same_answers_asks_nothing(
        window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review D, L1: another window saved the case again with the very same answers
    (today's result over an older one); this window's export asked "The documents would
    show this window's answers, not the saved ones", which was false, and its next Save
    met a conflict over nothing. It takes the new revision and goes on."""
    case_id = saved_case(window, CASE)
    open_from_list(window, case_id)
    case = parse_case(CASE)
    again = window.renderer.result_for(case).to_dict(complete=True)
    again["evidence"].update(version="2026.11.1", sha256="0" * 64)  # another result
    with CaseStore.open() as other:
        other.save(case, again, case_id, revision=1)
    monkeypatch.setattr(dialogs, "ask_text", lambda *_a, **_k: "")
    summary = tmp_path / "summary.pdf"
    monkeypatch.setattr(dialogs, "ask_export_paths", lambda *_a: (str(summary), None))
    window.records.export_pdf()  # (ask_export_outdated would fail the test: see conftest)
    assert summary.exists() and window.session.revision == 2
    assert not window.session.modified
