"""A clinician's day with the app (issue 14): keyboard, focus, step list, small and
large screens, and the small things that cost trust. Each test fails on the code the
issue was filed against."""

from __future__ import annotations

from typing import Any

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


def test_the_months_box_refuses_what_its_help_refuses(qtbot: Any, window: Any) -> None:
    _to_induction(qtbot, window)
    box = window.findChild(QLineEdit, "chemotherapy.months_given")
    box.setFocus()
    qtbot.keyClicks(box, "99")
    assert box.text() == "9"
    box.clear()
    qtbot.keyClicks(box, "60")
    assert box.text() == "60"
    qtbot.keyClicks(box, "1")
    assert box.text() == "60"


def test_new_case_clears_the_exported_message(qtbot: Any, window: Any) -> None:
    window.statusBar().showMessage("Exported summary.pdf, handout.pdf", 8000)
    window.new_case()
    assert "Exported" not in window.statusBar().currentMessage()


def test_the_case_label_box_shows_a_whole_label(qtbot: Any, window: Any) -> None:
    window.questionnaire.set_answers({})
    page = window.questionnaire.page_for("label")
    box = page.findChild(QLineEdit, "label")
    sample = "Clinic 12 / patient A / 2026"
    assert box.minimumWidth() >= box.fontMetrics().horizontalAdvance(sample)


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
                 if b.isVisible() and title in b.text()]
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
    """Pixels of the focus colour drawn by the widget (its own rendering, grabbed)."""
    from PySide6.QtGui import QColor

    from desktop.style import FOCUS_COLOUR

    image = widget.grab().toImage()
    target = QColor(FOCUS_COLOUR)
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            if (abs(c.red() - target.red()) + abs(c.green() - target.green())
                    + abs(c.blue() - target.blue())) < 60:
                count += 1
    return count


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
