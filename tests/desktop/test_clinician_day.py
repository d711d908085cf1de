"""A clinician's day with the app (issue 14): keyboard, focus, step list, small and
large screens, and the small things that cost trust. Each test fails on the code the
issue was filed against."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from tests.desktop.drive import answer, fill_step, press_next

AFTER_INDUCTION = {"receptors.hr": "positive", "receptors.her2": "positive",
                   "setting": "after_induction"}


def _to_induction(qtbot: Any, window: Any) -> None:
    fill_step(qtbot, window, {"receptors.hr": "positive", "receptors.her2": "positive"})
    fill_step(qtbot, window, {"setting": "after_induction"})
    fill_step(qtbot, window, {"disease.visceral": False, "disease.symptomatic": False,
                              "disease.visceral_crisis": False,
                              "disease.rapidly_progressive": False})
    assert window.questionnaire.current_id == "induction"


# --- item 9: small things --------------------------------------------------------------

def test_the_red_message_goes_as_soon_as_the_answer_is_fixed(qtbot: Any, window: Any) -> None:
    _to_induction(qtbot, window)
    answer(qtbot, window, "chemotherapy.maximal_response", True)
    answer(qtbot, window, "chemotherapy.unacceptable_toxicity", False)
    press_next(qtbot, window)  # months not answered: stays here, says so in red
    page = window.questionnaire.current_page
    assert window.questionnaire.current_id == "induction"
    assert page.problem_label.isVisible() and "Months" in page.problem_label.text()
    answer(qtbot, window, "chemotherapy.months_given", 4)
    assert not page.problem_label.isVisible()


@pytest.mark.parametrize(("typed", "problem"), [
    ("61", "enter a number from 0 to 60"), ("-1", "enter a number from 0 to 60"),
    ("4,5", "write decimals with a point: 4.5"), ("six", "enter a number"),
])
def test_the_months_box_keeps_what_is_typed_and_says_what_is_wrong(
        qtbot: Any, window: Any, typed: str, problem: str) -> None:
    """Nothing typed is dropped or changed on the way (a box that dropped the key its
    range refused turned "61" into 6 months, and "4,5" into 45, without a word): the
    text stays as typed, the step says in red what is wrong, and Next waits."""
    _to_induction(qtbot, window)
    answer(qtbot, window, "chemotherapy.maximal_response", False)
    answer(qtbot, window, "chemotherapy.unacceptable_toxicity", False)
    box = window.findChild(QLineEdit, "chemotherapy.months_given")
    box.setFocus()
    qtbot.keyClicks(box, typed)
    assert box.text() == typed
    press_next(qtbot, window)
    page = window.questionnaire.current_page
    assert window.questionnaire.current_id == "induction"
    assert page.problem_label.isVisible() and problem in page.problem_label.text()
    assert window.session.case() is None  # nothing is decided on a number not given
    box.clear()
    qtbot.keyClicks(box, "6")
    assert not page.problem_label.isVisible()
    assert window.session.answer("chemotherapy.months_given") == 6


def test_new_case_clears_the_exported_message(qtbot: Any, window: Any) -> None:
    window.statusBar().showMessage("Exported summary.pdf, handout.pdf", 8000)
    window.new_case()
    assert "Exported" not in window.statusBar().currentMessage()


def test_the_case_list_clears_the_exported_message_too_and_nothing_moves(
        qtbot: Any, window: Any) -> None:
    """Day review 3, C1 and C7: opening a saved case or a new case from the case list
    kept "Exported …" about the previous case; and the status bar, made at the first
    message, pushed Back and Next up under the mouse."""
    from core.case import parse_case
    from core.casestore import CaseStore

    window.show()
    qtbot.waitExposed(window)
    next_button = window.questionnaire.next_button
    before = next_button.mapTo(window, next_button.rect().topLeft())
    window.statusBar().showMessage("Exported summary.pdf, handout.pdf", 8000)
    qtbot.wait(10)
    assert next_button.mapTo(window, next_button.rect().topLeft()) == before
    case = parse_case(COMPLETE_CASE)
    with CaseStore.open() as store:
        saved_id = store.save(case, window.renderer.result_for(case)).id
    with CaseStore.open() as store:
        window.records.open_saved(store.opened(saved_id, window.renderer))
    assert "Exported" not in window.statusBar().currentMessage()
    window.statusBar().showMessage("Exported summary.pdf, handout.pdf", 8000)
    window.setWindowModified(False)
    window.records._new_case()
    assert "Exported" not in window.statusBar().currentMessage()


def test_the_case_label_box_shows_a_whole_label(qtbot: Any, window: Any) -> None:
    window.questionnaire.set_answers({})
    page = window.questionnaire.page_for("label")
    box = page.findChild(QLineEdit, "label")
    sample = "Clinic 12 / patient A / 2026"
    assert box.minimumWidth() >= box.fontMetrics().horizontalAdvance(sample)


def test_the_label_box_shows_the_label_as_held_when_the_step_is_shown_again(
        qtbot: Any, window: Any) -> None:
    """Acceptance review A4: typed "  Bed  12 b ", the box kept showing it after Back
    and Next, while the title, the case file and the PDF said "Bed 12 b"."""
    assert window.load_case_dict({**COMPLETE_CASE, "label": "x"})
    window.session.go_to("label")
    assert window.questionnaire.current_id == "label"
    box = window.questionnaire.current_page.findChild(QLineEdit, "label")
    box.clear()
    box.setFocus()
    qtbot.keyClicks(box, "  Bed  12 b ")
    assert box.text() == "  Bed  12 b "  # left alone while typing
    assert window.session.answer("label") == "Bed 12 b"
    window.questionnaire.go_back()
    window.questionnaire.go_next()
    assert window.questionnaire.current_id == "label" and box.text() == "Bed 12 b"


# --- item 2: a mnemonic moves focus, never answers ----------------------------------------

def test_alt_letter_moves_to_the_question_and_answers_nothing(qtbot: Any, window: Any) -> None:
    fill_step(qtbot, window, {"receptors.hr": "positive", "receptors.her2": "positive"})
    fill_step(qtbot, window, {"setting": "first_line"})
    assert window.questionnaire.current_id == "disease"
    page = window.questionnaire.current_page
    before = dict(window.session.answers)
    labels = {lab.text().replace("&", ""): lab for lab in page.findChildren(QLabel)
              if lab.buddy() is not None}
    visceral = labels["Visceral metastases"]
    key = visceral.text()[visceral.text().index("&") + 1]
    qtbot.keyClick(QApplication.focusWidget(), getattr(Qt.Key, f"Key_{key.upper()}"),
                   Qt.KeyboardModifier.AltModifier)
    qtbot.wait(300)  # a clicked mnemonic fires ~100 ms later (animateClick)
    focused = QApplication.focusWidget()
    assert focused is not None and focused.objectName().startswith("disease.visceral=")
    assert window.session.answers == before
    assert all(not b.isChecked() for b in page.inputs["disease.visceral"].buttons.values())
    # With an answer given, the mnemonic goes to the chosen answer and keeps it.
    answer(qtbot, window, "disease.visceral", False)
    answer(qtbot, window, "disease.symptomatic", True)
    qtbot.keyClick(QApplication.focusWidget(), getattr(Qt.Key, f"Key_{key.upper()}"),
                   Qt.KeyboardModifier.AltModifier)
    qtbot.wait(300)
    assert QApplication.focusWidget().objectName() == "disease.visceral=false"
    assert window.session.answers["disease.visceral"] is False


# --- item 4: the step list opens any step already reached ----------------------------------

def _step_button(window: Any, title: str) -> Any:
    (button,) = [b for b in window.questionnaire.step_buttons
                 if b.isVisible() and title in b.text().replace("\n", " ")]
    return button


def test_the_step_list_opens_a_reached_step_by_click_and_by_keyboard(qtbot: Any,
                                                                     window: Any) -> None:
    _to_induction(qtbot, window)
    assert not _step_button(window, "Menopausal status").isEnabled()  # not reached yet
    qtbot.mouseClick(_step_button(window, "Receptor status"), Qt.MouseButton.LeftButton)
    assert window.questionnaire.current_id == "receptors"
    assert QApplication.focusWidget().objectName().startswith("receptors.hr=")
    disease = _step_button(window, "Disease")
    assert disease.isEnabled() and "complete" in disease.accessibleName()
    disease.setFocus()
    qtbot.keyClick(disease, Qt.Key.Key_Space)
    assert window.questionnaire.current_id == "disease"
    qtbot.mouseClick(_step_button(window, "Induction chemotherapy"),
                     Qt.MouseButton.LeftButton)
    assert window.questionnaire.current_id == "induction"
    assert "current step" in _step_button(window, "Induction").accessibleName()


def test_a_complete_case_opens_every_step_from_the_list(qtbot: Any, window: Any) -> None:
    from core import questionnaire as q

    window.load_case_dict({"format": "hrher2-aid.case/1",
                           "receptors": {"hr": "positive", "her2": "positive"},
                           "setting": "first_line", "menopausal_status": "postmenopausal",
                           "disease": {"visceral": True, "symptomatic": False}})
    steps = q.steps_for(window.session.answers)
    for step in reversed(steps):
        qtbot.mouseClick(_step_button(window, step.title), Qt.MouseButton.LeftButton)
        assert window.questionnaire.current_id == step.id


# --- item 3: the keyboard focus is always visible -------------------------------------------

def _focus_mark_pixels(widget: Any) -> int:
    """Pixels of the focus colour on and just around the widget, as its window shows
    them (the focus ring is drawn outside the control, above it)."""
    from tests.desktop.test_style import ring_pixels

    return ring_pixels(widget)


def _assert_focus_visible(qtbot: Any, widget: Any) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=2000)
    focused = _focus_mark_pixels(widget)
    widget.clearFocus()
    qtbot.waitUntil(lambda: not widget.hasFocus(), timeout=2000)
    unfocused = _focus_mark_pixels(widget)
    # a frame around the control: at least its perimeter, twice over
    perimeter = widget.width() + widget.height()
    assert focused - unfocused >= perimeter, (widget.objectName(), focused, unfocused)
    widget.setFocus()


def test_stacked_choices_are_24_px_apart_centre_to_centre(window: Any) -> None:
    """WCAG 2.2 target spacing (2.5.8): a radio button is less than 24 px high, so
    the centres of stacked choices are at least 24 px apart."""
    from core import questionnaire as q

    window.session.load({"receptors.hr": "positive", "receptors.her2": "positive"})
    checked = 0
    for step in q.steps_for(window.session.answers):
        window.session.go_to(step.id)
        QApplication.processEvents()
        for field_input in window.questionnaire.current_page.inputs.values():
            buttons = list(getattr(field_input, "buttons", {}).values())
            tops = [b.geometry().center().y() for b in buttons]
            if len(buttons) > 2 or any(t != tops[0] for t in tops):  # stacked
                gaps = [b - a for a, b in zip(tops, tops[1:], strict=False)]
                assert min(gaps) >= 24, (field_input.field.path, gaps)
                checked += 1
    assert checked >= 3


def test_focus_after_next_is_visible_on_the_first_choice(qtbot: Any, window: Any) -> None:
    fill_step(qtbot, window, {"receptors.hr": "positive", "receptors.her2": "positive"})
    first = QApplication.focusWidget()
    assert first.objectName() == "setting=first_line"
    _assert_focus_visible(qtbot, first)


def test_focus_on_next_and_on_the_result_after_finish_is_visible(qtbot: Any,
                                                                 window: Any) -> None:
    _assert_focus_visible(qtbot, window.questionnaire.next_button)
    window.load_case_dict({"format": "hrher2-aid.case/1",
                           "receptors": {"hr": "positive", "her2": "positive"},
                           "setting": "first_line", "menopausal_status": "postmenopausal",
                           "disease": {"visceral": True, "symptomatic": False}})
    from core import questionnaire as q

    window.session.go_to(q.steps_for(window.session.answers)[-1].id)
    window.questionnaire.next_button.setFocus()
    qtbot.keyClick(window.questionnaire.next_button, Qt.Key.Key_Return)  # Finish
    result = window.result_view.browser
    assert QApplication.focusWidget() is result
    _assert_focus_visible(qtbot, result)


# --- item 5: small and scaled screens -------------------------------------------------------

FIT_SCRIPT = r'''
import json, sys
from PySide6.QtWidgets import QApplication, QDialog
app = QApplication([])
from desktop.app import create_main_window
window = create_main_window()
window.show()
seen = {}
def record(name, widget):
    for _ in range(5):
        app.processEvents()
    g = widget.frameGeometry()
    seen[name] = [g.x(), g.y(), g.width(), g.height()]
record("main window", window)
def shown_not_waited_on(dialog):
    dialog.show()
    record(dialog.windowTitle(), dialog)
    dialog.reject()
    return 0
QDialog.exec = shown_not_waited_on  # the real dialogs.exec_dialog runs, then this
window.show_settings(); window.show_about(); window.show_shortcuts()
window.records.open_case_list(); window.records.show_audit()
window.show_user_guide(); record("User guide", window._guide)
area = window.screen().availableGeometry()
print(json.dumps({"area": [area.x(), area.y(), area.width(), area.height()],
                  "windows": seen}))
window.setWindowModified(False)
'''


def _geometries(tmp_path: Path, scale: str) -> dict[str, Any]:
    """The real app on a 1600x1000 screen at a scale factor: every window's frame."""
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps({"screens": [
        {"name": "clinic", "x": 0, "y": 0, "width": 1600, "height": 1000,
         "logicalDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}",
           "QT_SCALE_FACTOR": scale, "PYTHONPATH": str(ROOT),
           "HRHER2_AID_DATA_DIR": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-c", FIT_SCRIPT], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("scale", ["1", "2"])
def test_every_window_fits_the_available_screen(tmp_path: Path, scale: str) -> None:
    seen = _geometries(tmp_path, scale)
    x0, y0, width, height = seen["area"]
    assert (width, height) == ((1600, 1000) if scale == "1" else (800, 500))
    assert len(seen["windows"]) == 7, seen["windows"]
    for name, (x, y, w, h) in seen["windows"].items():
        assert x >= x0 and y >= y0 and x + w <= x0 + width and y + h <= y0 + height, (
            f"{name} at {x},{y} {w}x{h} is not inside the {width}x{height} screen")


def _scroll_areas(window: Any) -> list[Any]:
    from PySide6.QtWidgets import QAbstractScrollArea

    return [a for a in window.findChildren(QAbstractScrollArea) if a.isVisible()]


def _assert_nothing_sideways_or_cut(window: Any, where: str) -> None:
    from PySide6.QtWidgets import QRadioButton

    for area in _scroll_areas(window):
        assert not area.horizontalScrollBar().isVisible(), (
            f"{where}: {area.objectName() or type(area).__name__} scrolls sideways")
    page = window.questionnaire.current_page
    for button in page.findChildren(QRadioButton):
        if button.isVisible():
            assert button.width() >= button.sizeHint().width(), (
                f"{where}: {button.objectName()} is cut ({button.width()} < "
                f"{button.sizeHint().width()})")


def test_at_900_by_600_nothing_scrolls_sideways_and_warnings_show(qtbot: Any,
                                                                  window: Any) -> None:
    from core import questionnaire as q

    window.resize(900, 600)
    answers = {"receptors.hr": "positive", "receptors.her2": "positive",
               "setting": "after_induction", "disease.visceral": False,
               "disease.symptomatic": False, "disease.visceral_crisis": False,
               "disease.rapidly_progressive": False, "chemotherapy.months_given": 3,
               "chemotherapy.maximal_response": False,
               "chemotherapy.unacceptable_toxicity": False,
               "her2_therapy.unacceptable_toxicity": False, "menopausal_status": "unknown",
               "planned_regimen": True, "planned_regimen.chemotherapy": False,
               "planned_regimen.endocrine": True, "planned_regimen.her2_targeted": False,
               "label": "Small screen"}
    window.session.load(answers)
    for step in q.steps_for(answers):
        window.session.go_to(step.id)
        qtbot.wait(20)
        _assert_nothing_sideways_or_cut(window, step.id)
    view = window.result_view
    # the empty citation pane takes no room until a marker is chosen
    assert not view.citation.isVisible()
    # every warning is named above the result, inside the window, without scrolling
    warnings = [c.title for c in window.session.result().cautions
                if c.severity == "warning"]
    assert len(warnings) >= 2
    assert view.banner.isVisible()
    top_left = view.banner.mapTo(window, view.banner.rect().topLeft())
    assert top_left.y() >= 0 and top_left.y() + view.banner.height() <= window.height()
    for title in warnings:
        assert title in view.banner_text.text()
    qtbot.mouseClick(view.banner_button, Qt.MouseButton.LeftButton)
    assert view.browser.hasFocus() and view.browser.verticalScrollBar().value() > 0
    view.show_citation("chemo_her2", 1)
    assert view.citation.isVisible()
    _assert_nothing_sideways_or_cut(window, "with a citation")


# --- item 9: the window's size and place are remembered ---------------------------------------

def test_the_window_size_and_place_are_remembered(qtbot: Any, window: Any) -> None:
    from desktop.app import create_main_window

    window.resize(700, 520)
    window.move(30, 40)
    qtbot.wait(20)
    before = window.frameGeometry()
    window.close()
    again = create_main_window()
    qtbot.addWidget(again, before_close_func=lambda w: w.setWindowModified(False))
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == (700, 520)
    assert again.frameGeometry().topLeft() == before.topLeft()


# --- item 7: one export dialog, the last folder remembered, not Print's shortcut ------------

COMPLETE_CASE = {"format": "hrher2-aid.case/1", "label": "Export me",
                 "receptors": {"hr": "positive", "her2": "positive"},
                 "setting": "first_line", "menopausal_status": "postmenopausal",
                 "disease": {"visceral": True, "symptomatic": False}}


def test_one_export_dialog_names_both_files_and_remembers_the_folder(
        qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop import dialogs, settings
    from desktop.export import ExportDialog

    settings.save({"report/clinician_name": "Dr Example"})
    monkeypatch.setattr(dialogs, "ask_export_paths", dialogs.run_export_dialog)
    folder = tmp_path / "exports"
    folder.mkdir()
    shown: list[dict[str, Any]] = []

    def drive(dialog: Any) -> bool:
        assert isinstance(dialog, ExportDialog)
        qtbot.addWidget(dialog)
        shown.append({"folder": dialog.folder.text(), "summary": dialog.summary.text(),
                      "handout": dialog.handout.text(), "preview": dialog.preview.text()})
        if len(shown) == 1:
            dialog.folder.setText(str(folder))
        dialog.accept()
        return dialog.result() == dialog.DialogCode.Accepted

    monkeypatch.setattr(dialogs, "exec_dialog", drive)
    from desktop.export import start_folder

    default_folder = start_folder()
    assert window.load_case_dict(COMPLETE_CASE)
    window.records.export_pdf()
    assert len(shown) == 1  # one dialog for both documents
    first = shown[0]
    assert first["summary"].endswith("-summary.pdf") and first["handout"].endswith(
        "-handout.pdf")
    assert first["summary"] in first["preview"] and first["handout"] in first["preview"]
    assert first["folder"] == str(default_folder)  # Documents (or home), not the cwd
    written = sorted(p.name for p in folder.iterdir())
    assert written == sorted([first["summary"], first["handout"]])
    window.records.export_pdf()  # the next export starts where the last one went
    assert shown[1]["folder"] == str(folder)
    # an export that failed is no place to start the next one (day review W8)
    failed = tmp_path / "fails"
    failed.mkdir()

    def into_failing_folder(dialog: Any) -> bool:
        qtbot.addWidget(dialog)
        shown.append({"folder": dialog.folder.text()})
        dialog.folder.setText(str(failed))
        dialog.accept()
        return dialog.result() == dialog.DialogCode.Accepted

    monkeypatch.setattr(dialogs, "exec_dialog", into_failing_folder)
    from core.report import ReportError

    def refuse(*_a: Any, **_k: Any) -> list[Path]:
        raise ReportError(f"{failed}: cannot be written")

    monkeypatch.setattr(window.records.exports, "export_to", refuse)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda _p, _t, text: errors.append(text))
    window.records.export_pdf()
    assert errors and start_folder() == folder


def test_the_export_dialog_refuses_a_missing_folder_and_equal_names(qtbot: Any,
                                                                    tmp_path: Path) -> None:
    from desktop.export import ExportDialog

    dialog = ExportDialog(None, str(tmp_path / "nowhere"), "a.pdf", "b.pdf")
    qtbot.addWidget(dialog)
    assert not dialog.export_button.isEnabled() and "does not exist" in dialog.problem.text()
    dialog.folder.setText(str(tmp_path))
    assert dialog.export_button.isEnabled()
    dialog.handout.setText("a.pdf")
    assert not dialog.export_button.isEnabled() and "different" in dialog.problem.text()
    dialog.with_handout.setChecked(False)
    assert dialog.export_button.isEnabled()
    assert dialog.paths() == (str(tmp_path / "a.pdf"), None)


def test_the_export_dialog_survives_a_folder_it_cannot_look_into(qtbot: Any, tmp_path: Path,
                                                                 monkeypatch: Any) -> None:
    """Hostile review H3: a last export folder that could no longer be looked into (no
    permission, a name too long) made Export PDF do nothing but print a traceback,
    until the settings file was edited; typing one raised on every keystroke. And the
    dialog now refuses, before Export, a read-only PDF (day review 3, W2) and names that
    differ only in case."""
    from desktop import export, settings

    unusable = str(tmp_path / ("x" * 300))  # Path.is_dir raises: file name too long
    qs = settings.store()
    assert qs is not None
    qs.setValue(export.LAST_FOLDER_KEY, unusable)
    qs.sync()
    assert export.start_folder() != Path(unusable)
    dialog = export.ExportDialog(None, unusable, "a.pdf", "b.pdf")
    qtbot.addWidget(dialog)
    assert not dialog.export_button.isEnabled()
    assert "does not exist or cannot be opened" in dialog.problem.text()
    dialog.folder.setText(unusable + "y")  # typing on: no exception, the same answer
    assert "cannot be opened" in dialog.problem.text()
    dialog.folder.setText(str(tmp_path))
    assert dialog.export_button.isEnabled()
    dialog.handout.setText("A.PDF")
    assert not dialog.export_button.isEnabled() and "different" in dialog.problem.text()
    dialog.handout.setText("b.pdf")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-filed")
    (tmp_path / "b.pdf").chmod(0o444)
    dialog.handout.setText("b")  # the same file, ".pdf" added
    assert not dialog.export_button.isEnabled()
    assert "b.pdf is marked read-only" in dialog.problem.text()


def test_export_is_not_on_print_s_shortcut(window: Any) -> None:
    from PySide6.QtGui import QKeySequence

    (export,) = [a for a in window.file_menu.actions() if a.text() == "&Export PDF…"]
    keys = export.shortcuts()
    assert keys and QKeySequence("Ctrl+P") not in keys
    assert QKeySequence(QKeySequence.StandardKey.Print) not in keys
    assert keys == [QKeySequence("Ctrl+Shift+E")]
    every_other = [k for a in window.findChildren(type(export)) if a is not export
                   for k in a.shortcuts()]
    assert QKeySequence("Ctrl+Shift+E") not in every_other


def _squeezed(dialog: Any) -> list[str]:
    """The widgets of ``dialog`` shown smaller than they need (names, for the message)."""
    from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit

    squeezed = []
    for widget in (dialog.findChildren(QLineEdit) + dialog.findChildren(QLabel)
                   + dialog.findChildren(QCheckBox)):
        if not widget.isVisibleTo(dialog):
            continue
        needed = (widget.heightForWidth(widget.width()) if widget.hasHeightForWidth()
                  else widget.minimumSizeHint().height())
        name = widget.objectName() or widget.text()[:30]
        if widget.height() < needed:
            squeezed.append(f"{name}: height {widget.height()} < {needed}")
        if not widget.hasHeightForWidth() and not isinstance(widget, QLineEdit):
            wide = widget.minimumSizeHint().width()  # a label or box cut short
            if widget.width() < wide:
                squeezed.append(f"{name}: width {widget.width()} < {wide}")
    return squeezed


def test_dialogs_grow_when_a_message_appears(qtbot: Any, tmp_path: Path) -> None:
    """Day review C1: when "The folder ... does not exist." appeared, the export
    dialog kept its height and squeezed its fields and the message; the settings
    dialog cut off the second line of its message. And the suggested file names were
    always scrolled in their fields."""
    from desktop.export import ExportDialog
    from desktop.settings_dialog import SettingsDialog

    label = "Ward 4 bed 12, second opinion"  # a long label makes long suggested names
    names = (f"{label}-9997d05a-summary.pdf", f"{label}-9997d05a-handout.pdf")
    dialog = ExportDialog(None, str(tmp_path), *names)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert _squeezed(dialog) == []
    for edit, name in ((dialog.summary, names[0]), (dialog.handout, names[1])):
        assert edit.width() > edit.fontMetrics().horizontalAdvance(name)
    dialog.folder.setText(str(tmp_path / "a folder that is not there" / ("long " * 20)))
    qtbot.wait(10)
    assert dialog.problem.isVisible()
    assert _squeezed(dialog) == []

    settings_dialog = SettingsDialog(None)
    qtbot.addWidget(settings_dialog)
    settings_dialog.show()
    qtbot.waitExposed(settings_dialog)
    settings_dialog.edits["report/institution"].setText("Clinic \U0001F3E5 of a long name")
    settings_dialog.accept()
    assert "emoji" in settings_dialog.problem.text() and settings_dialog.problem.isVisible()
    qtbot.wait(10)
    assert _squeezed(settings_dialog) == []
