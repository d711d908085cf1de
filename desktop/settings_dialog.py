"""The settings dialog: what goes on reports (clinician name, institution)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from core.printable import CLINICIAN_MAX, INSTITUTION_MAX, UnprintableText, check_text
from desktop import dialogs, settings

LIMITS = {"report/clinician_name": CLINICIAN_MAX, "report/institution": INSTITUTION_MAX}


class SettingsDialog(QDialog):
    """Edits the declared settings; OK saves them, Cancel leaves them unchanged."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle("Settings")
        self.setMinimumWidth(460)
        values = settings.load()
        form = QFormLayout(self)
        intro = QLabel("Shown on the reports you export. Kept on this computer only.", self)
        intro.setWordWrap(True)
        form.addRow(intro)
        self.edits: dict[str, QLineEdit] = {}
        for key, (_default, label) in settings.DECLARED.items():
            edit = QLineEdit(values[key], self)
            edit.setObjectName(key)
            edit.setAccessibleName(label)
            # a bound on typing only (Qt counts UTF-16 units); accept() checks the
            # real limit, in characters, and what the reports can print
            edit.setMaxLength(2 * LIMITS[key])
            mnemonic = QLabel(f"&{label}:", self)
            mnemonic.setBuddy(edit)
            form.addRow(mnemonic, edit)
            self.edits[key] = edit
        where = QLabel(f"Settings file: {settings.path()}", self)
        where.setTextFormat(Qt.TextFormat.PlainText)  # a path, shown as it is
        where.setWordWrap(True)
        where.setStyleSheet("color: #3d3d3d;")
        form.addRow(where)
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a00000; font-weight: bold;")
        form.addRow(self.problem)
        unusable = settings.problem()
        if unusable is not None:
            self.problem.setText(unusable)  # said before anything is typed in vain
        else:
            self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._fitted = False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._fitted:  # once: a height the user gives it afterwards is theirs
            self._fitted = True
            dialogs.fit_height(self)

    def accept(self) -> None:
        """Save, unless a value cannot go on a report: then say which, and stay open."""
        for key, edit in self.edits.items():
            try:
                check_text(settings.DECLARED[key][1], edit.text().strip(), LIMITS[key])
            except UnprintableText as exc:
                self._say(str(exc))
                edit.setFocus()
                return
        try:
            settings.save({key: edit.text() for key, edit in self.edits.items()})
        except settings.SettingsNotSaved as exc:
            self._say(str(exc))  # and the dialog stays open
            return
        super().accept()

    def _say(self, problem: str) -> None:
        self.problem.setText(problem)
        self.problem.show()
        dialogs.grow_to_fit(self)
