"""The application's settings, declared once, with defaults and a version.

Stored with QSettings in INI format (readable by clinic IT): on Linux
``~/.config/hrher2-aid/hrher2-aid.ini``, on Windows ``%APPDATA%\\hrher2-aid\\hrher2-aid.ini``,
on macOS ``~/.config/hrher2-aid/hrher2-aid.ini``.
"""

from __future__ import annotations

import os
from pathlib import Path
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


class SettingsNotSaved(Exception):
    """The settings file could not be written (a read-only file or folder, say)."""


def path() -> Path:
    """The settings file's path as Qt names it, found without reading the file: Qt's
    name for a sibling file that is never written, with this app's file name."""
    probe = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG_NAME,
                      f"{APP_NAME}-path")
    return Path(probe.fileName()).with_name(f"{APP_NAME}.ini")


def problem() -> str | None:
    """Why the settings file cannot be used, or None. QSettings reads its file as soon
    as it is made, and something other than a regular file there (a FIFO, a device)
    would keep the app waiting at start-up, so such a file is never opened."""
    from core.regular_file import file_kind

    where = path()
    try:
        kind = file_kind(os.stat(where).st_mode)
    except OSError:
        return None  # not there yet (QSettings creates it), or QSettings will say
    if kind is None:
        return None
    return (f"The settings file {where} is {kind}, not a regular file, so settings are not "
            "kept. To keep them, remove or rename it (ask IT if it is not yours) and start "
            "the app again.")


def store() -> QSettings | None:
    """The settings file (INI, per user), or None when it cannot be used (:func:`problem`)."""
    if problem() is not None:
        return None
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG_NAME, APP_NAME)


def load() -> dict[str, str]:
    """Every declared setting, with its default where none is saved (all defaults when
    the settings file cannot be used)."""
    qs = store()
    if qs is None:
        return {key: default for key, (default, _label) in DECLARED.items()}
    values = {}
    for key, (default, _label) in DECLARED.items():
        values[key] = _as_text(qs.value(key, default), default)
    return values


def _as_text(value: object, default: str) -> str:
    """A stored value as the text the user wrote. In the INI format an unquoted comma
    makes a list (``clinician_name=Smith, John`` reads as ``['Smith', 'John']``), so a
    list is joined back with ", "; a number is its text; any other type falls back to
    the default."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return ", ".join(v.strip() for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    # another INI type (@Variant, @ByteArray, ...) was never written by this app: its
    # Python repr would be printed on the documents
    return default


def save(values: dict[str, str]) -> None:
    """Save the declared settings (unknown keys are refused, so a typo never persists)."""
    unknown = set(values) - set(DECLARED)
    if unknown:
        raise KeyError(f"undeclared setting: {sorted(unknown)[0]}")
    qs = store()
    if qs is None:
        raise SettingsNotSaved(f"The settings could not be saved: {problem()}")
    qs.setValue("settings_version", SETTINGS_VERSION)
    for key, value in values.items():
        qs.setValue(key, value.strip())
    qs.sync()
    if qs.status() != QSettings.Status.NoError:
        # QSettings keeps the values for this run only: said, never silently lost
        raise SettingsNotSaved(f"The settings could not be saved in {qs.fileName()} (it "
                               "cannot be written); they would be lost when the app closes. "
                               "Check that you may write to that file and its folder (ask "
                               "IT), or press Cancel.")
