"""Help ▸ User guide and Help ▸ Keyboard shortcuts (issue 14, items 9 and 10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QKeySequence, QTextDocument

from desktop import dialogs
from desktop.help import (
    GUIDE_IMAGE,
    IMAGE_WIDTH,
    OTHER_KEYS,
    ShortcutsDialog,
    UserGuideDialog,
    guide_path,
)
from tests.conftest import ROOT


def test_the_help_menu_has_the_guide_the_shortcuts_and_about(window: Any) -> None:
    texts = [a.text() for a in window.help_menu.actions() if not a.isSeparator()]
    assert texts == ["&User guide", "&Keyboard shortcuts", "&What changed in the evidence",
                     "&About"]
    guide = window.help_menu.actions()[0]
    assert QKeySequence(QKeySequence.StandardKey.HelpContents) in guide.shortcuts()


def test_the_guide_is_the_one_in_docs_with_its_screenshots() -> None:
    path = guide_path()
    assert path == ROOT / "docs" / "user-guide.md"
    text = path.read_text(encoding="utf-8")
    images = GUIDE_IMAGE.findall(text)
    assert len(images) >= 3
    for image in images:
        assert (path.parent / image).is_file(), image


def test_help_user_guide_opens_the_guide_with_its_pictures(qtbot: Any, window: Any) -> None:
    window.help_menu.actions()[0].trigger()
    guide = window._guide
    assert isinstance(guide, UserGuideDialog) and guide.isVisible()
    # a window of its own, not kept above the main window (review C, L8)
    assert guide.parentWidget() is None
    text = guide.browser.toPlainText()
    assert "hrher2-aid user guide" in text and "Answer the questionnaire" in text
    assert "![" not in text  # the Markdown was rendered, not shown as source
    assert "Tab moves from question to question" in text  # list items keep their text
    document = guide.browser.document()
    source = guide.browser.source()
    image = source.resolved(QUrl("screenshots/01_questionnaire_start.png"))
    loaded = document.resource(QTextDocument.ResourceType.ImageResource, image)
    assert loaded is not None and not loaded.isNull()
    # shown no wider than the guide allows, so it never scrolls sideways
    widths = []
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            char_format = fragments.fragment().charFormat()
            if char_format.isImageFormat():
                widths.append(char_format.toImageFormat().width())
            fragments += 1
        block = block.next()
    assert len(widths) >= 3 and all(0 < w <= IMAGE_WIDTH for w in widths)
    window.help_menu.actions()[0].trigger()  # a second time: the same window
    assert window._guide is guide
    window.setWindowModified(False)
    window.close()  # it closes with the main window
    assert not guide.isVisible()


def test_the_guide_never_follows_a_link_off_this_computer(qtbot: Any) -> None:
    guide = UserGuideDialog()
    qtbot.addWidget(guide)
    assert not guide.browser.openExternalLinks()


def test_keyboard_shortcuts_lists_every_menu_shortcut(window: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[Any] = []
    monkeypatch.setattr(dialogs, "exec_dialog", lambda d: shown.append(d) or True)
    window.help_menu.actions()[1].trigger()
    (dialog,) = shown
    assert isinstance(dialog, ShortcutsDialog)
    text = dialog.text.toPlainText()
    count = 0
    for menu in (window.file_menu, window.tools_menu, window.help_menu):
        for action in menu.actions():
            for key in action.shortcuts():
                label = key.toString(QKeySequence.SequenceFormat.NativeText)
                assert label in text, (action.text(), label)
                count += 1
    assert count >= 8
    assert "File ▸ Save" in text and "Help ▸ Keyboard shortcuts" in text
    for keys, what in OTHER_KEYS:
        assert keys in text and what in text


def test_an_installed_guide_is_found_beside_the_resources(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import resources

    fake = tmp_path / "site" / "resources"
    (fake / "guide").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "guide" / "user-guide.md").write_text("# guide\n")
    monkeypatch.setattr(resources, "__file__", str(fake / "__init__.py"))
    assert guide_path() == fake / "guide" / "user-guide.md"
