"""The evidence browser lists every statement and reference and searches the store."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget, QWidget

from core.evidence import open_store

STORE = open_store()


def test_lists_every_statement_and_reference(qtbot: Any, window: Any) -> None:
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentIndex() == 1
    browser = window.evidence_browser
    assert browser.isVisible()  # built on first opening of the tab
    assert sorted(browser.hit_ids()) == sorted(STORE.statements)
    refs = window.findChild(QWidget, "references").toPlainText()
    for ref in STORE.references.values():
        assert ref.citation in refs


def test_search_finds_statements_through_the_full_text_index(qtbot: Any, window: Any) -> None:
    window.tabs.setCurrentIndex(1)
    search = window.findChild(QLineEdit, "search")
    qtbot.mouseClick(search, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(search, "pertuz")
    hits = window.findChild(QListWidget, "hits")
    expected = [h.statement.id for h in STORE.search("pertuz")]
    assert expected, "the store should hold statements about pertuzumab"
    qtbot.waitUntil(lambda: window.evidence_browser.hit_ids() == expected, timeout=3000)
    assert len(expected) < len(STORE.statements)
    for sid in expected:
        st = STORE.statements[sid]
        assert "pertuz" in (st.title + st.text + " ".join(st.rationale)).lower()
    # Choosing a hit shows the whole statement with its source words and references.
    hits.setCurrentRow(len(expected) - 1)
    detail = window.findChild(QWidget, "statement").toPlainText()
    chosen = STORE.statements[expected[-1]]
    assert chosen.text in detail
    for n in chosen.citations:
        assert STORE.references[n].citation in detail


def test_search_with_no_match_says_so(qtbot: Any, window: Any) -> None:
    window.tabs.setCurrentIndex(1)
    search = window.findChild(QLineEdit, "search")
    search.setFocus()
    qtbot.keyClicks(search, "zzzyqx")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert window.evidence_browser.hit_ids() == []
    assert "No statement matches" in window.findChild(QWidget, "statement").toPlainText()
    assert window.evidence_browser.count.text() == "0 statements"
