"""The evidence browser lists every statement and reference and searches the store."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QWidget

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
        harms = " ".join(h.text for h in STORE.harms(sid))
        assert "pertuz" in (st.title + st.text + " ".join(st.rationale) + harms).lower()
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


def test_no_internal_id_is_shown(qtbot: Any, window: Any) -> None:
    """The browser shows titles and kinds, never internal ids such as chemo_her2."""
    window.tabs.setCurrentIndex(1)
    browser = window.evidence_browser
    hits = window.findChild(QListWidget, "hits")
    ids = browser.hit_ids()
    assert len(ids) == len(STORE.statements)
    for row in range(hits.count()):
        hits.setCurrentRow(row)
        shown = hits.item(row).text() + hits.item(row).toolTip() + \
            window.findChild(QWidget, "statement").toPlainText()
        for sid in STORE.statements:
            if "_" in sid or "." in sid:  # every id has one: none may appear
                assert sid not in shown, (ids[row], sid)


def _search(qtbot: Any, window: Any, text: str) -> list[str]:
    window.tabs.setCurrentIndex(1)
    search = window.findChild(QLineEdit, "search")
    search.clear()
    search.setFocus()
    qtbot.keyClicks(search, text)
    qtbot.keyClick(search, Qt.Key.Key_Return)
    return list(window.evidence_browser.hit_ids())


@pytest.mark.parametrize(("query", "expected"), [
    ("AI", "ai_alone_short_pfs"), ("aromatase inhibitor", "et_her2"),
    ("letrozole", "electra_result"), ("trastuzumab", "chemo_her2"),
    ("pertuzumab", "hr_subgroup_benefit"), ("lapatinib", "et_her2"),
])
def test_synonyms_find_their_statements(qtbot: Any, window: Any, query: str,
                                        expected: str) -> None:
    hits = _search(qtbot, window, query)
    assert expected in hits
    assert not [h for h in hits if h.startswith("scope.")]


@pytest.mark.parametrize("drug", ["trastuzumab deruxtecan", "tucatinib"])
def test_a_drug_the_source_does_not_cover_says_so(qtbot: Any, window: Any, drug: str) -> None:
    """A drug the source does not cover says it lies outside the source instead of
    "No statement matches"."""
    assert _search(qtbot, window, drug) == []
    detail = window.findChild(QWidget, "statement").toPlainText()
    assert f"{drug[0].upper()}{drug[1:]} lies outside the source" in detail
    assert "No statement matches" not in detail


def _notice(window: Any) -> str:
    """The notice above the list, as text, or "" when it is hidden."""
    label = window.findChild(QLabel, "search_notice")
    if not label.isVisible():
        return ""
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


def test_a_drug_named_only_by_class_carries_its_note(qtbot: Any, window: Any) -> None:
    hits = _search(qtbot, window, "fulvestrant")
    assert "sequential_et" in hits
    assert "The source does not name this drug" in _notice(window)


def test_a_drug_outside_the_source_is_named_above_the_statements_found(
        qtbot: Any, window: Any) -> None:
    """Search review, finding 3: "tucatinib letrozole" listed the letrozole statements
    and named tucatinib as outside the source only beside the chosen statement. It is
    said above the list, whichever statement is chosen, and not twice."""
    hits = _search(qtbot, window, "tucatinib letrozole")
    assert "electra_result" in hits
    assert "Tucatinib lies outside the source" in _notice(window)
    listing = window.findChild(QListWidget, "hits")
    for row in (0, len(hits) - 1):
        listing.setCurrentRow(row)
        assert "Tucatinib lies outside the source" in _notice(window)
        detail = window.findChild(QWidget, "statement").toPlainText()
        # (not twice: a statement may itself say that something lies outside the source)
        assert "Tucatinib" not in detail
    assert _search(qtbot, window, "letrozole") and _notice(window) == ""


def test_a_topic_the_source_does_not_discuss_says_so(qtbot: Any, window: Any) -> None:
    assert _search(qtbot, window, "brain metastases") == []
    detail = window.findChild(QWidget, "statement").toPlainText()
    assert "The source does not discuss brain metastases" in detail
    assert "No statement matches" not in detail
    assert _notice(window) == ""  # said once, in the pane


def test_a_plain_question_lists_the_statements_with_some_of_its_words(
        qtbot: Any, window: Any) -> None:
    """Search review: every word had to match, so a question in plain words found
    nothing. The statements holding some of them are listed, and the browser says
    that none holds them all."""
    query = "what drug after progression on trastuzumab"
    hits = _search(qtbot, window, query)
    assert hits == [h.statement.id for h in STORE.find(query).hits] and hits
    assert "No statement holds all of these words" in _notice(window)
    assert window.evidence_browser.count.text() == f"{len(hits)} statements with some of the words"


def test_a_search_for_heart_shows_the_options_and_their_cardiac_harms(
        qtbot: Any, window: Any) -> None:
    """Clinical audit 4, finding 11: "heart" gave "No statement matches", as if the
    evidence were silent on cardiac safety. The options that list cardiac harms are
    found; the chosen one shows them, and its tool tip shows the words that matched."""
    hits = _search(qtbot, window, "heart")
    cardiac = [s.id for s in STORE.of_kind("option")
               if any("heart" in h.text.lower() for h in STORE.harms(s.id))]
    assert cardiac and set(cardiac) <= set(hits)
    listing = window.findChild(QListWidget, "hits")
    listing.setCurrentRow(hits.index(cardiac[0]))
    detail = window.findChild(QWidget, "statement").toPlainText()
    assert "Harms" in detail and "left ventricular" in detail
    assert "No statement matches" not in detail
    assert "[heart]" in listing.item(hits.index(cardiac[0])).toolTip()


def test_a_search_with_no_word_says_so(qtbot: Any, window: Any) -> None:
    """Hostile search review, finding 12: "*" or an emoji listed every statement, as if
    the box were empty."""
    assert _search(qtbot, window, "* ( ?") == []
    detail = window.findChild(QWidget, "statement").toPlainText()
    assert "There is no word to search for" in detail
    assert window.evidence_browser.count.text() == "0 statements"


def test_a_failed_search_clears_the_last_one(qtbot: Any, window: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 13: after a failed search, the previous hits and notice stayed on screen
    under a count label holding the store's path."""
    from core.evidence import EvidenceError

    assert _search(qtbot, window, "tucatinib letrozole") and _notice(window)
    browser = window.evidence_browser

    def fail(_query: str) -> None:
        raise EvidenceError("/somewhere/evidence.sqlite: search failed: disk I/O error")

    monkeypatch.setattr(browser.store, "find", fail)
    assert _search(qtbot, window, "letrozole") == []
    assert _notice(window) == ""
    assert browser.count.text() == "The search failed"
    assert "disk I/O error" in window.findChild(QWidget, "statement").toPlainText()
