"""The application's settings, declared once, with defaults and a version.

Stored with QSettings in INI format (readable by clinic IT): on Linux
``~/.config/hrher2-aid/hrher2-aid.ini``, on Windows ``%APPDATA%\\hrher2-aid\\hrher2-aid.ini``,
on macOS ``~/.config/hrher2-aid/hrher2-aid.ini``.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QSettings

ORG_NAME: Final = "hrher2-aid"
APP_NAME: Final = "hrher2-aid"
SETTINGS_VERSION: Final = 1

# key -> (default, label shown in the settings dialog)
DECLARED: Final[dict[str, tuple[str, str]]] = {
    "report/clinician_name": ("", "Clinician name"),
    "report/institution": ("", "Institution"),
}


def store() -> QSettings:
    """The settings file (INI, per user)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG_NAME, APP_NAME)


def load() -> dict[str, str]:
    """Every declared setting, with its default where none is saved."""
    qs = store()
    values = {}
    for key, (default, _label) in DECLARED.items():
        value = qs.value(key, default)
        values[key] = value if isinstance(value, str) else default
    return values


def save(values: dict[str, str]) -> None:
    """Save the declared settings (unknown keys are refused, so a typo never persists)."""
    unknown = set(values) - set(DECLARED)
    if unknown:
        raise KeyError(f"undeclared setting: {sorted(unknown)[0]}")
    qs = store()
    qs.setValue("settings_version", SETTINGS_VERSION)
    for key, value in values.items():
        qs.setValue(key, value.strip())
    qs.sync()
