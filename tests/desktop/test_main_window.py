"""The main window driven with real key and mouse input through each setting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QRadioButton, QWidget

from core import questionnaire as q
from core.case import parse_case
from core.casestore import CaseStore
from core.result import Renderer
from desktop import dialogs
from desktop.dialogs import ask_conflict as REAL_ASK_CONFLICT  # taken before the fixture
from desktop.dialogs import ask_export_outdated as REAL_ASK_EXPORT_OUTDATED
from desktop.dialogs import ask_file_changed as REAL_ASK_FILE_CHANGED
from desktop.dialogs import ask_save_discard_cancel as REAL_ASK_SAVE
from tests.conftest import app_evidence
from tests.desktop.drive import answer, fill_step, press_next, result_text, step_until

RECEPTORS_POSITIVE = {"receptors.hr": "positive", "receptors.her2": "positive"}
QUIET_DISEASE = {"disease.visceral": False, "disease.symptomatic": False,
                 "disease.visceral_crisis": False, "disease.rapidly_progressive": False}


def expected_result(window: Any) -> Any:
    case = window.current_case()
    assert case is not None
    return Renderer(app_evidence()).result_for(case)


def assert_shows(window: Any, result: Any) -> str:
    """Every text of the result is on screen, with status and severity labels."""
    text = result_text(window)
    for item in result.options + result.plan + result.cautions:
        assert item.text in text, item.id
    for outside in result.outside_source:
        assert outside in text
    for option in result.options:
        assert f"{option.status.upper()}  {option.title}" in text
    for caution in result.cautions:
        label = "WARNING" if caution.severity == "warning" else "Note"
        assert f"{label}  {caution.title}" in text
    for n, citation in result.references:
        assert f"[{n}] {citation}" in text
    return text


def test_first_line_walkthrough(qtbot: Any, window: Any) -> None:
    assert "Incomplete" in result_text(window)
    assert window.findChild(QPushButton, "back").isEnabled() is False
    fill_step(qtbot, window, RECEPTORS_POSITIVE)
    assert window.questionnaire.current_id == "setting"
    fill_step(qtbot, window, {"setting": "first_line"}, keyboard=False)
    fill_step(qtbot, window, QUIET_DISEASE)
    assert window.questionnaire.current_id == "chemotherapy"
    fill_step(qtbot, window, {"chemotherapy.contraindicated": False,
                              "chemotherapy.declined": False})
    fill_step(qtbot, window, {"menopausal_status": "postmenopausal"})
    assert "Incomplete" in result_text(window)  # the regimen question is still open
    fill_step(qtbot, window, {"planned_regimen": False})
    assert window.questionnaire.current_id == "label"
    assert window.findChild(QPushButton, "next").text() == "Fi&nish"
    answer(qtbot, window, "label", "Case 7")
    press_next(qtbot, window)

    result = expected_result(window)
    assert [o.id for o in result.options] == ["chemo_her2", "et_her2"]
    text = assert_shows(window, result)
    assert "Incomplete" not in text
    assert app_evidence().statements["non_visceral_benefit"].text in text
    assert "WARNING" not in text
    assert window.current_result() == result
    assert "Case 7" in window.windowTitle() and window.isWindowModified()


def test_after_induction_with_a_regimen_against_the_evidence(qtbot: Any, window: Any) -> None:
    fill_step(qtbot, window, RECEPTORS_POSITIVE)
    fill_step(qtbot, window, {"setting": "after_induction"})
    fill_step(qtbot, window, {**QUIET_DISEASE, "disease.visceral": True})
    assert window.questionnaire.current_id == "induction"
    fill_step(qtbot, window, {"chemotherapy.months_given": 3,
                              "chemotherapy.maximal_response": False,
                              "chemotherapy.unacceptable_toxicity": False})
    fill_step(qtbot, window, {"her2_therapy.unacceptable_toxicity": False})
    fill_step(qtbot, window, {"menopausal_status": "unknown"})
    # The regimen components appear only once a regimen is to be checked.
    assert not window.findChild(QRadioButton, "planned_regimen.endocrine=true").isVisible()
    answer(qtbot, window, "planned_regimen", True)
    fill_step(qtbot, window, {"planned_regimen.chemotherapy": False,
                              "planned_regimen.endocrine": True,
                              "planned_regimen.her2_targeted": False})
    result = expected_result(window)
    text = assert_shows(window, result)
    assert [o.id for o in result.options] == ["continue_chemo_her2"]
    warnings = [c.id for c in result.cautions if c.severity == "warning"]
    assert warnings == ["avoid_et_alone", "chemo_too_short", "continue_her2_until_progression"]
    # Warnings come before notes on screen, and the header says they are there.
    statements = app_evidence().statements
    assert text.index(statements["chemo_too_short"].text) < \
        text.index(statements["ai_alone_short_pfs"].text)
    state = window.findChild(QLabel, "result_state").text()
    assert "3 warnings" in state


def test_progression_walkthrough_with_outside_source(qtbot: Any, window: Any) -> None:
    fill_step(qtbot, window, RECEPTORS_POSITIVE)
    fill_step(qtbot, window, {"setting": "progression"})
    fill_step(qtbot, window, QUIET_DISEASE)
    assert window.questionnaire.current_id == "endocrine"
    fill_step(qtbot, window, {"endocrine_responsive": "yes"})
    fill_step(qtbot, window, {"her2_therapy.unacceptable_toxicity": False})
    fill_step(qtbot, window, {"menopausal_status": "postmenopausal"})
    fill_step(qtbot, window, {"planned_regimen": False})
    result = expected_result(window)
    text = assert_shows(window, result)
    assert [(o.id, o.status) for o in result.options] == [("sequential_et", "preferred")]
    assert app_evidence().statements["outside.next_her2_agent"].text in text
    assert "OUTSIDE THE SOURCE" in text
    # Changing an earlier answer updates the result at once.
    for _ in range(4):
        qtbot.mouseClick(window.findChild(QPushButton, "back"), Qt.MouseButton.LeftButton)
    assert window.questionnaire.current_id == "endocrine"
    answer(qtbot, window, "endocrine_responsive", "no")
    text = result_text(window)
    assert app_evidence().statements["outside.not_endocrine_responsive"].text in text
    assert app_evidence().statements["sequential_et"].text not in text


def test_out_of_scope_asks_only_what_the_case_record_needs(qtbot: Any, window: Any) -> None:
    answer(qtbot, window, "receptors.hr", "negative")
    answer(qtbot, window, "receptors.her2", "positive")
    text = result_text(window)
    assert app_evidence().statements["scope.hr_negative"].text in text
    assert "Options" not in text and "Cautions" not in text
    assert [t for _i, t, _d in window.questionnaire.listed_steps] == [
        "Receptor status", "Treatment setting", "Disease", "Case label"]
    assert window.findChild(QLabel, "scope_note").isVisible()
    assert window.current_case() is None and window.current_result() is None
    press_next(qtbot, window)
    fill_step(qtbot, window, {"setting": "first_line"})
    assert window.questionnaire.current_id == "disease"
    # only what a valid case needs: no visceral crisis, no rapid progression
    assert not window.findChild(QRadioButton, "disease.visceral_crisis=true").isVisible()
    fill_step(qtbot, window, {"disease.visceral": True, "disease.symptomatic": False})
    assert window.questionnaire.current_id == "label"
    assert window.findChild(QPushButton, "next").text() == "Fi&nish"
    result = window.current_result()
    assert result is not None and not result.in_scope
    assert result.case_sha256 == window.current_case().sha256()


def test_receptors_corrected_after_a_regimen_was_begun(qtbot: Any, window: Any) -> None:
    """Review: a regimen begun in scope ("Yes" and one part), then HER2 corrected to
    negative on the first step. Out of scope the parts are not asked: the case is
    complete, out of scope, with no regimen, and nothing escapes a Qt slot."""
    fill_step(qtbot, window, RECEPTORS_POSITIVE)
    fill_step(qtbot, window, {"setting": "first_line"}, keyboard=False)
    fill_step(qtbot, window, QUIET_DISEASE)
    fill_step(qtbot, window, {"chemotherapy.contraindicated": False,
                              "chemotherapy.declined": False})
    fill_step(qtbot, window, {"menopausal_status": "postmenopausal"})
    assert window.questionnaire.current_id == "regimen"
    answer(qtbot, window, "planned_regimen", True)
    answer(qtbot, window, "planned_regimen.chemotherapy", True)
    step_until(window, "receptors", window.questionnaire.go_back)
    answer(qtbot, window, "receptors.her2", "negative")
    case = window.current_case()
    assert case is not None and case.planned_regimen is None
    result = window.current_result()
    assert result is not None and not result.in_scope
    assert app_evidence().statements["scope.her2_negative"].text in result_text(window)


def test_finish_goes_back_to_a_question_an_answer_made_needed(qtbot: Any,
                                                               window: Any) -> None:
    """Endocrine therapy alone planned in first line adds the HER2 therapy and toxicity
    step before the regimen's: Finish takes the user there, with the question marked,
    instead of finishing an incomplete case."""
    finished: list[bool] = []
    window.questionnaire.finished.connect(lambda: finished.append(True))
    fill_step(qtbot, window, RECEPTORS_POSITIVE)
    fill_step(qtbot, window, {"setting": "first_line"})
    fill_step(qtbot, window, QUIET_DISEASE)
    fill_step(qtbot, window, {"chemotherapy.contraindicated": False,
                              "chemotherapy.declined": False})
    fill_step(qtbot, window, {"menopausal_status": "postmenopausal"})
    fill_step(qtbot, window, {"planned_regimen": True, "planned_regimen.chemotherapy": False,
                              "planned_regimen.endocrine": True,
                              "planned_regimen.her2_targeted": False})
    assert window.questionnaire.current_id == "label"
    press_next(qtbot, window, keyboard=False)  # Finish
    assert window.questionnaire.current_id == "her2_toxicity" and not finished
    page = window.questionnaire.current_page
    assert page.problem_label.isVisible()
    assert "HER2-targeted therapy ruled out by toxicity" in page.problem_label.text()
    assert "Incomplete" in result_text(window)
    fill_step(qtbot, window, {"her2_therapy.unacceptable_toxicity": False})
    step_until(window, "label", lambda: press_next(qtbot, window, keyboard=False))
    press_next(qtbot, window, keyboard=False)
    assert finished and "Incomplete" not in result_text(window)


def test_next_is_refused_until_the_step_is_answered(qtbot: Any, window: Any) -> None:
    answer(qtbot, window, "receptors.hr", "positive")
    press_next(qtbot, window)
    page = window.questionnaire.current_page
    assert window.questionnaire.current_id == "receptors"
    assert page.problem_label.isVisible() and "HER2" in page.problem_label.text()


def test_months_out_of_range_is_refused(qtbot: Any, window: Any) -> None:
    window.load_case_dict({"format": "hrher2-aid.case/1",
                           "receptors": {"hr": "positive", "her2": "positive"},
                           "setting": "after_induction",
                           "disease": {"visceral": True, "symptomatic": False},
                           "chemotherapy": {"months_given": 5, "maximal_response": False}})
    for _ in range(3):
        press_next(qtbot, window)
    assert window.questionnaire.current_id == "induction"
    edit = window.findChild(QLineEdit, "chemotherapy.months_given")
    assert edit.text() == "5"
    answer(qtbot, window, "chemotherapy.months_given", "75")
    assert edit.text() == "75"  # kept as typed, never cut to 7
    press_next(qtbot, window)
    page = window.questionnaire.current_page
    assert window.questionnaire.current_id == "induction"
    assert "enter a number from 0 to 60" in page.problem_label.text()
    answer(qtbot, window, "chemotherapy.months_given", "4,5")
    press_next(qtbot, window)
    assert window.questionnaire.current_id == "induction"
    assert "write decimals with a point: 4.5" in page.problem_label.text()


def test_choosing_a_citation_marker_shows_reference_and_statement(
        qtbot: Any, window: Any) -> None:
    window.load_case_dict({"format": "hrher2-aid.case/1",
                           "receptors": {"hr": "positive", "her2": "positive"},
                           "setting": "first_line", "menopausal_status": "postmenopausal",
                           "disease": {"visceral": True, "symptomatic": False}})
    browser = window.findChild(QWidget, "result")
    cursor = browser.document().find("[4]")
    assert not cursor.isNull()
    cursor.setPosition(cursor.selectionStart() + 1, QTextCursor.MoveMode.MoveAnchor)
    browser.ensureCursorVisible()
    point = browser.cursorRect(cursor).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
    detail = window.findChild(QWidget, "citation").toPlainText()
    assert app_evidence().references[4].citation in detail
    assert app_evidence().statements["chemo_her2"].text in detail
    assert app_evidence().statements["chemo_her2"].source[0] in detail


def test_every_input_is_named_for_automation_and_accessibility(window: Any) -> None:
    for step in q.STEPS:
        window.questionnaire.page_for(step.id)  # pages are built on first use
        for field in step.fields:
            widget = window.findChild(QWidget, field.path)
            assert widget is not None, field.path
            assert widget.accessibleName() == field.label
            for choice in field.choices:
                token = ("true" if choice.value else "false") \
                    if isinstance(choice.value, bool) else choice.value
                button = window.findChild(QRadioButton, f"{field.path}={token}")
                assert button is not None and button.accessibleName()
    assert window.findChild(QRadioButton, "setting=first_line") is not None
    assert window.findChild(QRadioButton, "disease.visceral=true") is not None
    assert window.findChild(QLineEdit, "chemotherapy.months_given") is not None


PROGRESSION_CASE = {
    "format": "hrher2-aid.case/1", "label": "Bed 4",
    "receptors": {"hr": "positive", "her2": "positive"}, "setting": "progression",
    "endocrine_responsive": "yes", "menopausal_status": "postmenopausal",
    "disease": {"visceral": False, "symptomatic": True}}


def test_open_valid_case_file(qtbot: Any, window: Any, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(PROGRESSION_CASE), encoding="utf-8")
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *a, **k: str(path))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.path == path
    assert window.windowTitle().startswith("Bed 4[*]") and not window.isWindowModified()
    assert app_evidence().statements["sequential_et"].text in result_text(window)
    window.questionnaire.go_next()
    assert window.findChild(QRadioButton, "setting=progression").isChecked()


def test_malformed_case_file_is_refused_and_current_case_kept(
        qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answer(qtbot, window, "receptors.hr", "positive")
    before = dict(window.questionnaire.answers)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "hrher2-aid.case/1", "receptors": {"hr": "maybe"}}')
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "ask_save_discard_cancel", lambda *a: "discard")
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *a, **k: str(bad))
    monkeypatch.setattr(dialogs, "error", lambda parent, title, text: errors.append(text))
    window.open_case()
    assert len(errors) == 1 and "receptors.hr" in errors[0] and "maybe" in errors[0]
    assert window.questionnaire.answers == before and window.path is None
    assert window.findChild(QRadioButton, "receptors.hr=positive").isChecked()
    bad.write_text("{not json")
    window.open_case()
    assert "not valid JSON" in errors[1]
    assert window.questionnaire.answers == before


def test_save_then_reopen_round_trips(qtbot: Any, window: Any, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    data = {"format": "hrher2-aid.case/1", "label": "Round trip",
            "receptors": {"hr": "positive", "her2": "positive"}, "setting": "after_induction",
            "disease": {"visceral": True, "symptomatic": False},
            "chemotherapy": {"months_given": 4.5, "maximal_response": False},
            "planned_regimen": {"chemotherapy": True, "endocrine": False,
                                "her2_targeted": True}}
    assert window.load_case_dict(data)
    answer(qtbot, window, "receptors.hr", "positive")  # no change of value: still clean
    target = tmp_path / "saved"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a, **k: str(target))
    window.questionnaire.page_for("disease").inputs["disease.symptomatic"].buttons["true"].click()
    assert window.isWindowModified()
    qtbot.keyClick(window, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    saved = target.with_suffix(".json")
    assert saved.exists() and not window.isWindowModified()
    case = parse_case(json.loads(saved.read_text("utf-8")))
    assert case.disease.symptomatic and case.chemotherapy.months_given == 4.5
    assert case == parse_case({**data, "disease": {"visceral": True, "symptomatic": True}})


def test_an_incomplete_case_saves_as_a_draft_and_reopens(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Review C, M6: the file dialog says why the case list is not used, and offers a
    name that says it is a draft; the status says where it went and how to reopen it."""
    titles: list[str] = []
    starts: list[str] = []

    def ask(_parent: Any, title: str, *_a: Any, **k: Any) -> str:
        titles.append(title)
        starts.append(k["start"])
        return str(tmp_path / "x")

    monkeypatch.setattr(dialogs, "ask_save_path", ask)
    answer(qtbot, window, "receptors.hr", "positive")
    window.session.set_answer("label", "Bed 4 / MDT")
    assert window.isWindowModified()
    assert window.save_case() is True
    assert titles == ["Save draft file (the case list keeps complete cases only)"]
    assert starts == ["Bed-4-MDT-draft.json"] and not window.isWindowModified()
    assert window.statusBar().currentMessage() == (
        f"Saved a draft in {tmp_path / 'x.json'} (the case list keeps complete cases only: "
        "reopen it with File ▸ Open recent)")
    saved = json.loads((tmp_path / "x.json").read_text())
    assert saved["format"] == "hrher2-aid.draft/1"
    assert saved["answers"] == {"receptors.hr": "positive", "label": "Bed 4 / MDT"}
    window.session.new()
    assert window.open_case_file(tmp_path / "x.json")
    assert window.session.answers == {"receptors.hr": "positive", "label": "Bed 4 / MDT"}
    assert window.findChild(QRadioButton, "receptors.hr=positive").isChecked()


@pytest.mark.parametrize("choice", ["cancel", "discard", "save"])
def test_closing_with_unsaved_changes_asks_first(qtbot: Any, window: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 choice: str) -> None:
    window.load_case_dict({"format": "hrher2-aid.case/1",
                           "receptors": {"hr": "positive", "her2": "positive"},
                           "setting": "first_line",
                           "disease": {"visceral": True, "symptomatic": False}})
    assert not window.isWindowModified()
    answer(qtbot, window, "receptors.her2", "negative")
    assert window.isWindowModified()
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_save_discard_cancel",
                        lambda parent, title, text: asked.append(text) or choice)
    window.close()
    assert len(asked) == 1
    assert window.isVisible() == (choice == "cancel")
    saved = CaseStore.open().list()
    assert [row.setting for row in saved] == (["first_line"] if choice == "save" else [])


def test_clean_window_closes_without_asking(window: Any) -> None:
    window.close()
    assert not window.isVisible()


def test_file_menu_hook_adds_an_action_before_quit(window: Any) -> None:
    called: list[bool] = []
    action = window.add_file_action("Export &PDF…", lambda: called.append(True))
    texts = [a.text() for a in window.file_menu.actions()]
    assert texts.index("Export &PDF…") == texts.index("&Quit") - 2  # then the separator
    action.trigger()
    assert called == [True]


def test_number_fields_show_exactly_the_value_held(qtbot: Any, window: Any,
                                                   tmp_path: Path) -> None:
    """The issue's drifting PDF: 5.999999999999995 months were shown as 6 and re-read
    as 6 on Next, beside a result decided on 5.999999999999995."""
    path = tmp_path / "c.json"
    path.write_text(json.dumps({
        "format": "hrher2-aid.case/1", "label": " Bed 9 ",
        "receptors": {"hr": "positive", "her2": "positive"}, "setting": "after_induction",
        "disease": {"visceral": True, "symptomatic": False},
        "chemotherapy": {"months_given": 5.999999999999995, "maximal_response": False}}))
    assert window.open_case_file(path)
    before = window.session.result()
    step_until(window, "label", lambda: press_next(qtbot, window, keyboard=False))
    press_next(qtbot, window, keyboard=False)
    window.questionnaire.go_back()
    step_until(window, "induction", window.questionnaire.go_back)
    box = window.findChild(QLineEdit, "chemotherapy.months_given")
    assert box.text() == "5.999999999999995"
    assert window.session.answer("chemotherapy.months_given") == 5.999999999999995
    assert window.session.answer("label") == "Bed 9"
    assert window.session.result() is before  # nothing changed on the way through
    assert not window.isWindowModified()


def test_the_unsaved_changes_buttons_have_mnemonics(qtbot: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Day review C5: Discard could only be reached with Tab."""
    texts: list[list[str]] = []

    def show(box: Any) -> Any:
        texts.append(sorted(b.text() for b in box.buttons()))
        return box.StandardButton.Discard

    monkeypatch.setattr(dialogs, "_show", show)
    assert REAL_ASK_SAVE(None, "Unsaved changes", "Save them first?") == "discard"
    assert "&Save" in texts[0] and "&Discard" in texts[0]


@pytest.mark.parametrize(("pressed", "conflict", "file_changed", "outdated"), [
    ("Save", "copy", "save_as", "reload"), ("Reset", "reload", "reload", None),
    ("Discard", None, "replace", None), ("Ignore", None, None, "export"),
    ("Cancel", "cancel", "cancel", "cancel")])
def test_the_mine_or_theirs_questions_answer_as_their_buttons_say(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, pressed: str, conflict: str | None,
        file_changed: str | None, outdated: str | None) -> None:
    seen: list[list[str]] = []

    def press(box: Any) -> Any:
        seen.append([b.text() for b in box.buttons()])
        return getattr(box.StandardButton, pressed)

    monkeypatch.setattr(dialogs, "_show", press)
    if conflict is not None:
        assert REAL_ASK_CONFLICT(None, "Case changed elsewhere", "…") == conflict
        assert "Reload their version" in seen[-1] and "Save mine as a copy" in seen[-1]
    if file_changed is not None:
        assert REAL_ASK_FILE_CHANGED(None, "Case file changed elsewhere", "…") == file_changed
        assert "Replace their version" in seen[-1] and "Open their version" in seen[-1]
    if outdated is not None:
        assert REAL_ASK_EXPORT_OUTDATED(None, "Export PDF", "…") == outdated
        assert seen[-1][:2] == ["Open the saved version", "Export this window's version"]


def test_a_label_holding_qts_unsaved_marker_is_shown_as_typed(qtbot: Any, window: Any) -> None:
    """Hostile review H11: "[*]" is Qt's unsaved-changes placeholder, so the label
    "x[*]y" showed as "xy[*] — …" (or "xy* — …")."""
    window.show()
    qtbot.waitExposed(window)
    window.session.set_answer("label", "Bed [*] 4")
    handle = window.windowHandle()
    assert handle is not None
    assert handle.title().startswith("Bed [*] 4")  # then the marker: "*" or nothing
    window.setWindowModified(False)
    assert handle.title().startswith("Bed [*] 4 — ")


def test_a_label_the_reports_cannot_print_keeps_the_recommendation_on_screen(
        qtbot: Any, window: Any, tmp_path: Path) -> None:
    """Acceptance review A1: the window replaced the recommendation with "Incomplete ...
    Still needed: Case label" for a label in a script the reports cannot print."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps({**PROGRESSION_CASE, "label": "\u05e9\u05dc\u05d5\u05dd"}),
                    encoding="utf-8")
    assert window.open_case_file(path)
    assert app_evidence().statements["sequential_et"].text in result_text(window)
    assert "Incomplete" not in result_text(window)
    assert not window.session.is_complete()


def test_a_label_too_long_is_named_with_its_limit_not_as_still_needed(
        window: Any, monkeypatch: Any) -> None:
    """Exploratory test 18, finding 8: an 87-character label was listed as "Still
    needed: Case label" on the result pane and by Export, as if no label were given."""
    from desktop import dialogs

    window.load_case_dict({"format": "hrher2-aid.case/1",
                           "receptors": {"hr": "positive", "her2": "positive"},
                           "setting": "first_line", "menopausal_status": "postmenopausal",
                           "disease": {"visceral": True, "symptomatic": False}})
    window.session.set_answer("label", "L" * 87)
    pane = window.result_view.browser.toPlainText()
    assert "Case label: at most 80 characters" in pane
    said: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda _p, _t, text: said.append(text))
    window.records.export_pdf()
    assert said == ["There is nothing to export yet: the case is not complete yet (still "
                    "needed: Case label: at most 80 characters)."]


def test_a_case_replaced_from_the_evidence_tab_is_shown(qtbot: Any, window: Any,
                                                        tmp_path: Path) -> None:
    """Review C, M2: on the Evidence tab, New case (Ctrl+N) left the Evidence tab in
    view, so it looked as if nothing happened, and put the keyboard focus on the hidden
    first question: a Space then answered "Hormone receptors: Positive" unseen. New
    case and every open show the case; an answer changed meanwhile does not."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(PROGRESSION_CASE), encoding="utf-8")
    window.tabs.setCurrentIndex(1)
    window.session.set_answer("label", "kept")  # a change, not a case replaced
    assert window.tabs.currentIndex() == 1
    window.setWindowModified(False)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 0
    first = window.questionnaire.current_page.first_input()
    assert first is not None and first.isVisible() and first.hasFocus()
    window.tabs.setCurrentIndex(1)
    assert window.open_case_file(path)
    assert window.tabs.currentIndex() == 0 and window.path == path
    # what is open is said, as for a saved case (review C, L3)
    assert window.statusBar().currentMessage() == "Opened case file case.json"
