"""Driving the real main window as a user would: clicks, typing, Enter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QRadioButton, QWidget


def open_window(qtbot: Any, evidence_path: Path | None = None) -> Any:
    from desktop.app import create_main_window

    window = create_main_window(evidence_path=evidence_path)
    qtbot.addWidget(window, before_close_func=lambda w: w.setWindowModified(False))
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


def _token(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def answer(qtbot: Any, window: Any, path: str, value: Any) -> None:
    """Answer one question as a user would: click the radio button, or type."""
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        edit = window.findChild(QLineEdit, path)
        if edit is not None:
            edit.setFocus()
            edit.selectAll()
            qtbot.keyClick(edit, Qt.Key.Key_Delete)
            qtbot.keyClicks(edit, str(value))
            return
    button = window.findChild(QRadioButton, f"{path}={_token(value)}")
    assert button is not None, f"no radio button {path}={_token(value)}"
    assert button.isVisible(), f"{path}={_token(value)} is not on screen"
    # Click on the indicator: a stretched button's centre may lie past its label.
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    assert button.isChecked()


def press_next(qtbot: Any, window: Any, *, keyboard: bool = True) -> None:
    """Next by Enter (on the focused input) or by clicking the button."""
    if keyboard:
        target: QWidget = window.focusWidget() or window.questionnaire.current_page
        qtbot.keyClick(target, Qt.Key.Key_Return)
    else:
        qtbot.mouseClick(window.findChild(QPushButton, "next"), Qt.MouseButton.LeftButton)


def fill_step(qtbot: Any, window: Any, values: dict[str, Any], *,
              keyboard: bool = True) -> None:
    for path, value in values.items():
        answer(qtbot, window, path, value)
    before = window.questionnaire.current_id
    press_next(qtbot, window, keyboard=keyboard)
    page = window.questionnaire.page_for(before)
    assert not page.problem_label.isVisible(), page.problem_label.text()


def result_text(window: Any) -> str:
    return str(window.findChild(QWidget, "result").toPlainText())


def step_until(window: Any, step_id: str, move: Any) -> None:
    """Call ``move()`` until the questionnaire shows ``step_id``; fail (never loop for
    good) if it is not there within as many moves as there are steps, e.g. when a step
    no longer lets Next through."""
    from core import questionnaire as q

    for _ in range(len(q.STEPS) + 1):
        if window.questionnaire.current_id == step_id:
            return
        move()
    raise AssertionError(f"never reached step {step_id!r}: stopped at "
                         f"{window.questionnaire.current_id!r}")
