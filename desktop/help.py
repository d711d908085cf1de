"""Help ▸ User guide and Help ▸ Keyboard shortcuts.

The user guide is ``docs/user-guide.md`` (Markdown, with screenshots beside it); an
installed app carries it as ``resources/guide/`` (pyproject's package-dir, and the
PyInstaller spec). It is shown in a QTextBrowser, offline: links to other sites are not
followed. The shortcut list is read from the window's own actions, so it cannot drift
from what the keys do.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.markup import escape

GUIDE_NAME = "user-guide.md"

#: Keys of the questionnaire and the lists that are not menu actions.
OTHER_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "Next step (Finish on the last step)"),
    ("Alt+B / Alt+N", "Back / Next"),
    ("Alt+underlined letter", "Move to that question (never answers it)"),
    ("Tab / Shift+Tab", "Next / previous question or button"),
    ("Arrow keys", "Move between the choices of a question"),
    ("Space", "Choose the focused answer"),
    ("Enter (Saved cases filter)", "Select the first match; again: open it"),
    ("Delete / Ctrl+Z (Saved cases)", "Delete the selected cases / undo the delete"),
)


def guide_path() -> Path | None:
    """The user guide: installed beside the resources, or in a source checkout's docs/."""
    import resources

    base = Path(resources.__file__).resolve().parent
    for candidate in (base / "guide" / GUIDE_NAME, base.parent / "docs" / GUIDE_NAME):
        if candidate.is_file():
            return candidate
    return None


IMAGE_WIDTH = 640  # screenshots shown at most this wide (the guide never scrolls sideways)
GUIDE_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")  # ![alt](path) in the guide


def _fit_images(document: QTextDocument, width: int) -> None:
    """Show every image at most ``width`` wide (Markdown has no size; a screenshot at
    its own size would make the guide scroll sideways). Height follows the width."""
    from PySide6.QtGui import QTextCursor

    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            char_format = fragment.charFormat()
            if char_format.isImageFormat():
                image = char_format.toImageFormat()
                picture = document.resource(QTextDocument.ResourceType.ImageResource,
                                            QUrl(image.name()))
                natural = picture.width() if hasattr(picture, "width") else width
                if natural > width or natural <= 0:
                    image.setWidth(width)
                    cursor = QTextCursor(document)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(fragment.position() + fragment.length(),
                                       QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(image)
            fragments += 1
        block = block.next()


def _close_buttons(dialog: QDialog, layout: QVBoxLayout) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)


class UserGuideDialog(QDialog):
    """The user guide, with its screenshots, in a window of its own (not modal)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("user_guide")
        self.setWindowTitle("User guide — HR+/HER2+ decision aid")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guide_text")
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenLinks(True)
        self.browser.setOpenExternalLinks(False)  # offline: no browser, no network
        path = guide_path()
        if path is None:
            self.browser.setPlainText(
                "The user guide is not installed with this copy of the application.")
        else:
            self.browser.setSource(QUrl.fromLocalFile(str(path)),
                                   QTextDocument.ResourceType.MarkdownResource)
            _fit_images(self.browser.document(), IMAGE_WIDTH)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        _close_buttons(self, layout)
        self.resize(760, 640)


def _menu_actions(menu: QMenu, trail: str) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for action in menu.actions():
        submenu = action.menu()
        text = action.text().replace("&", "").rstrip("…").strip()
        if isinstance(submenu, QMenu):
            rows += _menu_actions(submenu, f"{trail} ▸ {text}")
        elif not action.isSeparator() and action.shortcuts():
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                             for s in action.shortcuts())
            rows.append((keys, f"{trail} ▸ {text}"))
    return rows


def shortcut_rows(actions: list[QAction]) -> list[tuple[str, str]]:
    """(keys, what) for every menu action that has a shortcut, then the other keys."""
    rows: list[tuple[str, str]] = []
    for action in actions:
        menu = action.menu()
        if isinstance(menu, QMenu):
            rows += _menu_actions(menu, action.text().replace("&", ""))
    return rows + list(OTHER_KEYS)


def shortcuts_html(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>"
                   for keys, what in rows)
    return (f'<table cellpadding="4"><tr><th align="left">Keys</th>'
            f'<th align="left">Does</th></tr>{body}</table>')


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut: the menus' (read from the window) and the other keys."""

    def __init__(self, menu_actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyboard_shortcuts")
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = shortcut_rows(menu_actions)
        self.text = QTextBrowser(self)
        self.text.setObjectName("shortcuts")
        self.text.setAccessibleName("Keyboard shortcuts")
        self.text.setHtml(shortcuts_html(self.rows))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        _close_buttons(self, layout)
        self.resize(560, 480)
