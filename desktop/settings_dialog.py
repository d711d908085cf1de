"""The settings dialog: what goes on reports (clinician name, institution)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop import settings


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
            edit.setMaxLength(120)
            mnemonic = QLabel(f"&{label}:", self)
            mnemonic.setBuddy(edit)
            form.addRow(mnemonic, edit)
            self.edits[key] = edit
        where = QLabel(f"Settings file: {settings.store().fileName()}", self)
        where.setWordWrap(True)
        where.setStyleSheet("color: #3d3d3d;")
        form.addRow(where)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        settings.save({key: edit.text() for key, edit in self.edits.items()})
        super().accept()
