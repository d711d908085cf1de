"""The guided questionnaire: a step list, one page at a time, Back and Next.

Which steps exist, their order, when the flow ends and what is missing all come
from :mod:`core.questionnaire`; this module only draws them (as in Electrum's
wizard, where the flow is data and Qt renders the current node).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core import questionnaire as q
from core.session import CaseSession
from desktop.questionnaire_page import StepPage, wrap_words
from desktop.session_adapter import SessionAdapter
from desktop.style import RING_HOLDER

STEP_PANEL_WIDTH = 176
STEP_LINE = 20  # characters on one line of the step list
STEP_PANEL_STYLE = (
    "QWidget#step_panel { background: #ffffff; border-right: 1px solid #c8c8c8; }"
    "QPushButton[step='true'] { text-align: left; border: 2px solid transparent;"
    " border-radius: 3px; padding: 4px 4px; background: transparent; color: #1a1a1a; }"
    "QPushButton[step='true']:hover { background: #e8eef8; }"
    "QPushButton[step='true']:disabled { color: #8a8a8a; }")


class QuestionnaireView(QWidget):
    """Draws the session's current step; every edit goes straight to the session,
    and the view redraws from it. Emits ``finished`` when Next is pressed on the last
    step."""

    finished = Signal()

    def __init__(self, session: CaseSession, adapter: SessionAdapter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionnaire")
        self.session = session
        self.pages: dict[str, StepPage] = {}
        self._shown = session.step

        # The step list: one flat button per step (a list widget would bring the
        # item-view classes into start-up). A step already reached opens directly;
        # one not reached yet is shown, disabled.
        side = QWidget(self)
        side.setObjectName("step_panel")
        side.setFixedWidth(STEP_PANEL_WIDTH)
        side.setStyleSheet(STEP_PANEL_STYLE)
        self.step_list = QLabel("<b>Steps</b>", side)
        self.step_list.setObjectName("steps")
        self.step_buttons: list[QPushButton] = []
        self._side_layout = QVBoxLayout(side)
        self._side_layout.setContentsMargins(6, 8, 4, 8)
        self._side_layout.setSpacing(0)
        self._side_layout.addWidget(self.step_list)
        self._side_layout.addStretch(1)  # keeps the list at the top
        self.listed_steps: list[tuple[str, str, bool]] = []
        self.tab_after: list[QWidget] = []  # widgets Tab reaches after Next
        self.progress = QLabel(self)
        self.progress.setObjectName("progress")

        # Pages are built when first shown: start-up pays for the first one only.
        self.stack = QStackedWidget(self)
        self.stack.setProperty(RING_HOLDER, True)  # the focus ring scrolls with the page
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setAccessibleName("Questions of this step")
        scroll.setWidget(self.stack)
        self._scroll = scroll

        # The text is set apart: with it, PySide6 would try QPushButton(QIcon, text) and
        # build the QIcon class and its enums (with the menu actions' and the window
        # icon's, 11 million instructions of start-up; the icon is set after the first
        # paint).
        self.back_button = QPushButton(self)
        self.back_button.setText("&Back")
        self.back_button.setObjectName("back")
        self.back_button.setAccessibleName("Back")
        self.next_button = QPushButton(self)
        self.next_button.setText("&Next")
        self.next_button.setObjectName("next")
        self.next_button.setAccessibleName("Next")
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)

        self.scope_note = QLabel(
            "This case is outside the scope of this aid; the reason is shown with the "
            "result. Only what the case record needs is still asked.", self)
        self.scope_note.setObjectName("scope_note")
        self.scope_note.setWordWrap(True)
        self.scope_note.setStyleSheet("color: #6d4c00; font-weight: bold; padding: 4px 16px;")
        self.scope_note.hide()
        nav = QHBoxLayout()
        nav.setContentsMargins(16, 4, 8, 8)
        nav.addWidget(self.progress)
        nav.addStretch(1)
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)
        right = QVBoxLayout()
        right.addWidget(scroll, 1)
        right.addWidget(self.scope_note)
        right.addLayout(nav)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(side)
        layout.addLayout(right, 1)
        self._show(self.current_id)
        adapter.changed.connect(self._session_changed)

    # --- state ------------------------------------------------------------------

    @property
    def answers(self) -> dict[str, Any]:
        """The session's answers (a copy)."""
        return dict(self.session.answers)

    @property
    def current_id(self) -> str:
        return self.session.step

    @property
    def current_page(self) -> StepPage:
        return self.page_for(self.current_id)

    def page_for(self, step_id: str) -> StepPage:
        """The page of a step, built on first use."""
        page = self.pages.get(step_id)
        if page is None:
            page = StepPage(q.STEPS_BY_ID[step_id], self.stack)
            page.edited.connect(self.session.set_answer)
            self.stack.addWidget(page)
            self.pages[step_id] = page
            page.initialize_page(self.session.answers)
        return page

    def set_answers(self, answers: dict[str, Any]) -> None:
        """Replace every answer (a new case) and return to the first step."""
        self.session.load(answers)

    def _session_changed(self) -> None:
        """Redraw from the session: the step it is on, the answers it holds."""
        if self.session.step != self._shown:
            self._show(self.session.step)
            return
        page = self.current_page
        page.sync(self.session.answers)
        if page.problem_label.isVisible():
            page.validate(self.session.answers)  # a message goes (or changes) as soon as fixed
        self._update_chrome()

    # --- navigation -------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        # The first question takes the focus unless something in this window has it
        # (the application's focus may be in another window: a test's earlier one).
        first = self.current_page.first_input()
        if first is not None and self.window().focusWidget() is None:
            first.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Enter = Next from any input of the page (they pass Enter on to us);
        on a focused Back button, Enter presses Back."""
        # Imported here: the Qt namespace costs ~20 ms to load, paid at the first key.
        from PySide6.QtCore import Qt

        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.back_button.hasFocus():
                self.go_back()
            else:
                self.go_next()
            event.accept()
            return
        super().keyPressEvent(event)

    def go_next(self) -> None:
        """Next: the session decides (the answers are already in it, never re-read
        from the widgets here)."""
        page = self.current_page
        outcome = self.session.go_next()
        if outcome == "back":  # an earlier step's question is still open: show it, marked
            page = self.current_page
        if outcome in ("blocked", "back"):
            page.validate(self.session.answers)
            first = page.first_input()
            if first is not None:
                first.setFocus()
        elif outcome == "finished":
            self.finished.emit()

    def go_back(self) -> None:
        self.session.go_back()

    def _show(self, step_id: str) -> None:
        self._shown = step_id
        page = self.page_for(step_id)
        page.initialize_page(self.session.answers)
        self.stack.setCurrentWidget(page)
        # a new step starts at its top (at 200% the last step's scroll hid its heading)
        self._scroll.verticalScrollBar().setValue(0)
        # The page is never squeezed below its narrowest (the splitter gives way):
        # with no sideways scrolling, a narrower page would cut its text.
        # (Room for the vertical scroll bar too, so it never pushes the page sideways;
        # every line on a page wraps: see questionnaire_page.wrap_words.)
        # (The stack's width is its widest page's, not only the one shown.)
        self._scroll.setMinimumWidth(self.stack.minimumSizeHint().width()
                                     + self._scroll.verticalScrollBar().sizeHint().width())
        self._update_chrome()
        self._chain_tab_order(page)
        first = page.first_input()
        if first is not None and self.isVisible():
            first.setFocus()

    def _chain_tab_order(self, page: StepPage) -> None:
        """Tab goes through the questions in order, then Next, Back and whatever the
        window put in ``tab_after`` (pages are built late, so Qt's creation order
        would put them last). Next before Back: Tab then Enter after the last question
        goes on, as Enter alone does (exploratory test 18, finding 10: it went back)."""
        chain = [*page.focus_widgets(), self.next_button, self.back_button, *self.tab_after,
                 *self.step_buttons]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _update_chrome(self) -> None:
        """Step list, progress and button labels for the current answers."""
        answers = self.session.answers
        steps = q.steps_for(answers)
        answered = {s.id for s in q.answered(answers)}
        reached = {s.id for s in q.reachable(answers)} | answered
        # Done: nothing left to answer, on a step Next has reached or one answered (day
        # review 3, C2: the optional last step showed its tick on an empty case)
        self.listed_steps = [(s.id, s.title, s.id in reached and not q.step_problems(s, answers))
                             for s in steps]
        self._update_step_buttons(reached)
        index = q.step_index(self.current_id, answers)
        self.progress.setText(f"Step {index + 1} of {len(steps)}" if index >= 0 else "")
        self.back_button.setEnabled(q.previous_step(self.current_id, answers) is not None)
        self.scope_note.setVisible(q.scope_decision(answers) is not None)
        last = q.is_last(self.current_id, answers)
        self.next_button.setText("Fi&nish" if last else "&Next")
        self.next_button.setAccessibleName("Finish" if last else "Next")

    def _update_step_buttons(self, reached: set[str]) -> None:
        """One button per listed step: reached ones open it, the current one is bold."""
        while len(self.step_buttons) < len(self.listed_steps):
            button = QPushButton(self._side_layout.parentWidget())
            button.setProperty("step", True)
            button.setObjectName(f"step_button_{len(self.step_buttons)}")
            button.clicked.connect(lambda _c=False, b=button: self._open_step(b))
            self._side_layout.insertWidget(1 + len(self.step_buttons), button)
            self.step_buttons.append(button)
        for i, button in enumerate(self.step_buttons):
            if i >= len(self.listed_steps):
                button.hide()
                continue
            step_id, title, done = self.listed_steps[i]
            current = step_id == self.current_id
            button.setProperty("step_id", step_id)
            button.setText(wrap_words(
                # (a no-break space: the tick never stands alone on a line)
                f"{'▶ ' if current else ''}{i + 1}. {title}{chr(0xA0) + '✓' if done else ''}",
                STEP_LINE))
            state = ("current step" if current else "complete" if done
                     else "not complete" if step_id in reached else "not reached yet")
            button.setAccessibleName(f"Step {i + 1}: {title}, {state}")
            button.setEnabled(step_id in reached or current)
            # (A per-button sheet, not a re-polished property: the QStyle wrapper would
            # build QtCore's Qt namespace at start-up.)
            button.setStyleSheet("font-weight: bold; color: #0b3d91;" if current else "")
            button.show()

    def _open_step(self, button: QPushButton) -> None:
        step_id = button.property("step_id")
        if isinstance(step_id, str) and step_id != self.current_id:
            self.session.go_to(step_id)
