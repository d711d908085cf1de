"""Keyboard use of the questionnaire: focus, Space, arrows, Tab, Enter, mnemonics."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QRadioButton

from core import questionnaire as q


def focused_name() -> str:
    widget = QApplication.focusWidget()
    return widget.objectName() if widget is not None else ""


def test_keyboard_only_first_steps(qtbot: Any, window: Any) -> None:
    assert focused_name() == "receptors.hr=positive"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert focused_name() == "receptors.her2=positive"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert window.questionnaire.current_id == "setting"
    assert focused_name() == "setting=first_line"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert focused_name() == "setting=after_induction"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert window.findChild(QRadioButton, "setting=after_induction").isChecked()
    assert window.questionnaire.answers["setting"] == "after_induction"
    # The step list follows the setting at once.
    steps = [title for _id, title, _done in window.questionnaire.listed_steps]
    assert "Induction chemotherapy" in steps
    assert any("Induction chemotherapy" in b.text().replace("\n", " ") and b.isVisible()
               for b in window.questionnaire.step_buttons)
    # Alt+B = Back, Alt+N = Next (mnemonics on the navigation buttons).
    # A mnemonic "animates" the click: the button fires ~100 ms later.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.questionnaire.current_id == "receptors", timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.questionnaire.current_id == "setting", timeout=2000)


def test_question_labels_have_mnemonics_that_focus_their_input(qtbot: Any,
                                                               window: Any) -> None:
    page = window.questionnaire.current_page
    labels = [lab.text() for lab in page.findChildren(type(page.problem_label))
              if lab.buddy() is not None]
    assert labels == ["H&ormone receptors (ER and/or PR)", "HE&R2"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert focused_name() == "receptors.her2=positive"


def test_each_page_shows_the_help_line_of_every_question(window: Any) -> None:
    for step in q.STEPS:
        page = window.questionnaire.page_for(step.id)
        for field in step.fields:
            help_label = page.findChild(type(page.problem_label), f"help:{field.path}")
            assert help_label is not None and help_label.text() == field.help


def test_tab_goes_through_the_questions_then_next_back_and_the_result(
        qtbot: Any, window: Any) -> None:
    """Next before Back: Tab, Enter after the last question goes on (exploratory test
    18, finding 10: it went back a step)."""
    window.questionnaire.set_answers({"receptors.hr": "positive", "receptors.her2": "positive",
                                      "setting": "first_line"})
    window.questionnaire.go_next()
    window.questionnaire.go_next()
    assert window.questionnaire.current_id == "disease"
    order = [focused_name()]
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(focused_name())
    assert order == ["disease.visceral=true", "disease.symptomatic=true",
                     "disease.visceral_crisis=true", "disease.rapidly_progressive=true",
                     "next", "back", "result"]
    window.questionnaire.next_button.setFocus()
    qtbot.keyClick(window.questionnaire.next_button, Qt.Key.Key_Return)
    assert window.questionnaire.current_id != "setting"


def test_a_new_step_starts_at_its_top(qtbot: Any, window: Any) -> None:
    """Day review W7: at 200% a step kept the previous step's scroll position, hiding
    its heading. (A window too low for the page stands in for the large scale.)"""
    window.resize(window.width(), 260)
    view = window.questionnaire
    bar = view._scroll.verticalScrollBar()
    view.set_answers({"receptors.hr": "positive", "receptors.her2": "positive",
                      "setting": "first_line"})
    view.go_next()
    view.go_next()
    assert view.current_id == "disease"
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)
    bar.setValue(bar.maximum())
    view.go_back()
    assert view.current_id == "setting" and bar.value() == 0


def test_a_new_case_puts_the_focus_on_its_first_question(qtbot: Any, window: Any) -> None:
    """Day review W6: with the focus in the result and the first step already shown,
    Ctrl+N left it there."""
    window.result_view.browser.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.result_view.browser,
                    timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.questionnaire.current_id == "receptors"
    assert focused_name() == "receptors.hr=positive"


def test_the_first_question_has_the_focus_when_another_window_had_it(qtbot: Any) -> None:
    """The focus in another window (here a line edit; in the test run, an earlier
    test's window) kept the first question of a new main window from taking it."""
    from PySide6.QtWidgets import QLineEdit

    from tests.desktop.drive import open_window

    other = QLineEdit()
    qtbot.addWidget(other)
    other.show()
    qtbot.waitExposed(other)
    other.activateWindow()
    other.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is other, timeout=2000)
    window = open_window(qtbot)
    first = window.findChild(QRadioButton, "receptors.hr=positive")
    assert window.focusWidget() is first
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first, timeout=2000)


def test_a_step_is_ticked_only_once_next_has_reached_it(window: Any) -> None:
    """Day review 3, C2: on an empty case the optional last step, "Case label", was
    ticked (and read out as "complete") before anything had been answered."""
    view = window.questionnaire
    assert [done for _id, _title, done in view.listed_steps] == [False] * len(view.listed_steps)
    label_button = view.step_buttons[[i for i, _t, _d in view.listed_steps].index("label")]
    assert "✓" not in label_button.text()
    assert label_button.accessibleName().endswith("not reached yet")
    window.session.load({"receptors.hr": "positive", "receptors.her2": "positive",
                         "setting": "first_line", "disease.visceral": False,
                         "disease.symptomatic": False, "disease.visceral_crisis": False,
                         "disease.rapidly_progressive": False,
                         "chemotherapy.contraindicated": False,
                         "chemotherapy.declined": False,
                         "menopausal_status": "postmenopausal", "planned_regimen": False})
    assert all(done for _id, _title, done in view.listed_steps)  # a complete case: all ticked
    assert "✓" in label_button.text() and label_button.accessibleName().endswith("complete")


def test_steps_answered_after_an_inserted_step_stay_ticked_and_open(window: Any) -> None:
    """Review C, M5: an endocrine-only plan inserts "HER2 therapy and toxicity" before
    the menopausal status and the plan; both, answered, lost their ticks and could no
    longer be opened from the step list (the plan's step, just left, too)."""
    view = window.questionnaire
    window.session.load({"receptors.hr": "positive", "receptors.her2": "positive",
                         "setting": "first_line", "disease.visceral": True,
                         "disease.symptomatic": False, "disease.visceral_crisis": False,
                         "disease.rapidly_progressive": False,
                         "chemotherapy.contraindicated": False,
                         "chemotherapy.declined": False, "menopausal_status": "postmenopausal",
                         "planned_regimen": True, "planned_regimen.chemotherapy": False,
                         "planned_regimen.endocrine": True,
                         "planned_regimen.her2_targeted": False}, step="regimen")
    done = {step_id: ticked for step_id, _title, ticked in view.listed_steps}
    assert done == {"receptors": True, "setting": True, "disease": True, "chemotherapy": True,
                    "her2_toxicity": False, "menopause": True, "regimen": True, "label": False}
    buttons = dict(zip((i for i, _t, _d in view.listed_steps), view.step_buttons, strict=False))
    assert buttons["menopause"].isEnabled() and "✓" in buttons["menopause"].text()
    assert buttons["her2_toxicity"].isEnabled()  # the step to answer next
    assert not buttons["label"].isEnabled()  # optional, never answered: not reached yet
    buttons["menopause"].click()
    assert window.session.step == "menopause"
