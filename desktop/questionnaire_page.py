"""One questionnaire step drawn as a page: the widgets follow :mod:`core.questionnaire`.

Page life cycle (as in Picard's option pages): :meth:`StepPage.initialize_page` loads
the answers into the widgets, :meth:`StepPage.validate` says what is wrong,
:meth:`StepPage.save_answers` writes the widgets back into the answers. Every input's
objectName is the case field path; each radio button's is ``field=value``.
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.fields import Answers, normalize_label
from core.questionnaire import Field, Step, step_problems
from desktop.markup import escape

# Alt+letter keys taken by the menus, tabs and navigation buttons.
RESERVED_MNEMONICS = set("fthcebnw")  # w: "Show the warnings" above the result


CHOICE_LINE = 30  # characters on one line of a choice's label
CHOICE_GAP = 6  # px between stacked choices


def wrap_words(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters, at spaces (a longer
    word stands on its own line).

    >>> wrap_words("First line (first treatment for metastatic disease)", 30)
    'First line (first treatment\\nfor metastatic disease)'
    """
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _token(value: Any) -> str:
    """``True`` -> ``true``: the value as written in JSON, for objectNames."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class FieldInput(QWidget):
    """The input for one field; emits ``changed`` whenever the user edits it."""

    changed = Signal()

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.setObjectName(field.path)
        self.setAccessibleName(field.label)
        self.setAccessibleDescription(field.help)
        self.focus_target: QWidget = self

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def shows(self, value: Any) -> bool:
        """Whether the input already stands for ``value`` (then it is left alone: the
        user may be typing)."""
        current = self.value()
        return current == value and type(current) is type(value)


class ChoiceInput(FieldInput):
    """A group of radio buttons (choice and yes/no fields); nothing checked = unanswered."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        # Long labels stack vertically so they never clip; short ones sit in a row.
        # (Three or more stack too: a row of three does not fit a small screen.)
        vertical = any(len(c.label) > 24 for c in field.choices) or len(field.choices) > 2
        layout: QBoxLayout = QVBoxLayout(self) if vertical else QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Stacked choices at least 24 px apart, centre to centre (WCAG 2.2's target
        # spacing: a radio button is shorter than 24 px), with room for the focus ring.
        layout.setSpacing(CHOICE_GAP if vertical else 24)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        self._values: dict[QAbstractButton, Any] = {}
        for choice in field.choices:
            # Long labels are broken into lines: a radio button never wraps its text,
            # and one long line would make the page scroll sideways on a small screen.
            button = QRadioButton(wrap_words(choice.label, CHOICE_LINE), self)
            button.setObjectName(f"{field.path}={_token(choice.value)}")
            button.setAccessibleName(f"{field.label}: {choice.label}")
            button.setAccessibleDescription(field.help)
            self.group.addButton(button)
            self._values[button] = choice.value
            self.buttons[_token(choice.value)] = button
            layout.addWidget(button)
        if not vertical:
            layout.addStretch(1)
        self.focus_target = next(iter(self.buttons.values()))
        # The question's Alt+letter (its label's buddy) is this group, not a button: a
        # label whose buddy is a button clicks it, which would answer the question.
        # Focus passes on to the checked choice (or the first), as Tab's does.
        # Qt.ClickFocus (2) set through the Q_PROPERTY: any value of the Qt.FocusPolicy
        # enum would build QtCore's whole Qt namespace at start-up (tests/desktop/test_app).
        self.setProperty("focusPolicy", 2)
        self.setFocusProxy(self.focus_target)
        self.group.buttonToggled.connect(self._toggled)

    def _toggled(self, button: QAbstractButton, checked: bool) -> None:
        if checked:
            self.setFocusProxy(button)
            self.changed.emit()

    def value(self) -> Any:
        checked = self.group.checkedButton()
        return None if checked is None else self._values[checked]

    def set_value(self, value: Any) -> None:
        self.group.blockSignals(True)
        button = self.buttons.get(_token(value)) if value is not None else None
        if button is None:
            # An exclusive group cannot uncheck its last button: lift exclusivity briefly.
            self.group.setExclusive(False)
            for b in self.buttons.values():
                b.setChecked(False)
            self.group.setExclusive(True)
        else:
            button.setChecked(True)
        self.setFocusProxy(button or self.focus_target)
        self.group.blockSignals(False)


class LineInput(FieldInput):
    """A one-line edit for number and text fields; empty = unanswered."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Looked up here, not imported: PySide6 creates a class (and its enums) on first
        # use, and the first page has no line edits (start-up time).
        self.edit = QtWidgets.QLineEdit(self)
        # The edit itself carries the field path: it is what automation types into.
        self.setObjectName(f"{field.path}.box")
        self.edit.setObjectName(field.path)
        self.edit.setAccessibleName(field.label)
        self.edit.setAccessibleDescription(field.help)
        if field.kind == "number":
            # No keystroke filter: one that drops a key the range refuses turns "61"
            # into 6 and "4,5" into 45 without a word, and a number changes the
            # result. What is typed is kept as typed; the field's own check names
            # the problem in red ("enter a number from 0 to 60") and Next waits.
            self.edit.setMaximumWidth(120)
            self.edit.setPlaceholderText(f"{field.minimum:g}–{field.maximum:g}")
        else:
            # Qt counts UTF-16 units: 80 emoji are 160 of them. The bound only stops
            # runaway typing; the field's own check counts characters (code points),
            # as the case format does, and says when there are too many.
            self.edit.setMaxLength(2 * field.max_length)
            self.edit.setMaximumWidth(420)
            # Wide enough to read what is typed (Qt's default shows ~12 characters).
            chars = min(field.max_length or 30, 30)
            self.edit.setMinimumWidth(min(
                420, self.edit.fontMetrics().averageCharWidth() * chars + 16))
        layout.addWidget(self.edit)
        layout.addStretch(1)
        self.focus_target = self.edit
        self.edit.textEdited.connect(lambda _text: self.changed.emit())

    def value(self) -> Any:
        text = self.edit.text()
        if self.field.kind != "number":
            return normalize_label(text)
        text = text.strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return text  # the field's check reports "enter a number"
        return int(number) if number.is_integer() else number

    def set_value(self, value: Any) -> None:
        """Show exactly the value held: a number's shortest exact form (``repr``), never
        a rounded one, so the screen shows the number the result is decided on."""
        self.edit.setText("" if value is None else repr(value) if type(value) is float
                          else str(value))


def make_input(field: Field, parent: QWidget | None = None) -> FieldInput:
    if field.choices:
        return ChoiceInput(field, parent)
    return LineInput(field, parent)


class StepPage(QWidget):
    """One step: its title, help, and a question block per field. ``edited`` carries
    the field path and the new value whenever the user changes an input."""

    edited = Signal(str, object)

    def __init__(self, step: Step, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = step
        self.setObjectName(f"page:{step.id}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(6)
        # Sizes relative to the user's font (x-large: 1.5 times), so the heading
        # follows the system's font size; said in rich text and a style sheet, as
        # building a QFont in Python makes PySide6 build its enums (4.9 million
        # instructions of start-up, measured with Valgrind).
        title = QLabel(f'<span style="font-size: x-large; font-weight: bold">'
                       f"{escape(step.title)}</span>", self)
        title.setWordWrap(True)
        title.setObjectName("step_title")
        layout.addWidget(title)
        intro = QLabel(step.help, self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addSpacing(8)
        self.inputs: dict[str, FieldInput] = {}
        self.blocks: dict[str, QWidget] = {}
        used = set(RESERVED_MNEMONICS)
        for field in step.fields:
            block = QWidget(self)
            block_layout = QVBoxLayout(block)
            block_layout.setContentsMargins(0, 6, 0, 6)
            block_layout.setSpacing(3)
            label = QLabel(_with_mnemonic(field.label, used), block)
            label.setStyleSheet("font-weight: bold;")
            field_input = make_input(field, block)
            # A group of choices: the group (focus only); a box: the box itself.
            label.setBuddy(field_input if isinstance(field_input, ChoiceInput)
                           else field_input.focus_target)
            help_label = QLabel(field.help, block)
            help_label.setObjectName(f"help:{field.path}")
            help_label.setWordWrap(True)
            help_label.setStyleSheet("color: #3d3d3d;")
            block_layout.addWidget(label)
            block_layout.addWidget(field_input)
            block_layout.addWidget(help_label)
            layout.addWidget(block)
            field_input.changed.connect(
                lambda fi=field_input: self.edited.emit(fi.field.path, fi.value()))
            self.inputs[field.path] = field_input
            self.blocks[field.path] = block
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #a00000; font-weight: bold;")
        self.problem_label.hide()
        layout.addWidget(self.problem_label)
        layout.addStretch(1)

    def initialize_page(self, answers: Answers) -> None:
        """Load the answers into the widgets and show only the fields needed now."""
        self.sync(answers, exactly=True)
        self.problem_label.hide()

    def sync(self, answers: Answers, *, exactly: bool = False) -> None:
        """Make every input show the answer held and show only the fields asked for
        these answers. Inputs that already stand for their answer are left alone (the
        user may be typing: "  Bed" is the label "Bed"), unless ``exactly``: a page
        shown anew shows the answers as held (acceptance review A4: the label box kept
        the spaces the case had dropped)."""
        for path, field_input in self.inputs.items():
            value = answers.get(path)
            if exactly or not field_input.shows(value):
                field_input.set_value(value)
        needed = set(self.step.needed_fields(answers))
        for field in self.step.fields:
            self.blocks[field.path].setVisible(field in needed)

    def validate(self, answers: Answers) -> str | None:
        """What keeps the user on this page (shown under the questions), or None."""
        problems = step_problems(self.step, answers)
        if not problems:
            self.problem_label.hide()
            return None
        text = "; ".join(f"{f.label}: {p}" for f, p in problems)
        # plain text: a problem may quote what was typed (set here, not at start-up,
        # where looking up the Qt namespace costs time)
        self.problem_label.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.problem_label.setText(text)
        self.problem_label.show()
        return text

    def focus_widgets(self) -> list[QWidget]:
        """Every focusable input of the page, in question order (for the tab chain)."""
        widgets: list[QWidget] = []
        for field_input in self.inputs.values():
            if isinstance(field_input, ChoiceInput):
                widgets += list(field_input.buttons.values())
            else:
                widgets.append(field_input.focus_target)
        return widgets

    def first_input(self) -> QWidget | None:
        for path, field_input in self.inputs.items():
            if self.blocks[path].isVisibleTo(self):
                return field_input.focus_target
        return None


def _with_mnemonic(text: str, used: set[str]) -> str:
    """Put ``&`` before the first letter not used yet on this page (Alt+letter focuses)."""
    for i, ch in enumerate(text):
        if ch.isalpha() and ch.lower() not in used:
            used.add(ch.lower())
            return f"{text[:i]}&{text[i:]}"
    return text
