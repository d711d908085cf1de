"""The About box names the versions, the evidence identity, intended use and limits."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from core.evidence import open_store
from desktop import dialogs

ROOT = Path(__file__).resolve().parents[2]


def test_about_box_contents(window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "exec_dialog", lambda d: shown.append(
        d.findChild(QLabel, "about_text").text()) or True)
    window.show_about()
    html = shown[0]
    store = open_store()
    found = re.search(r'__version__ = "([^"]+)"', (ROOT / "core" / "__init__.py").read_text())
    assert found is not None
    version = found.group(1)
    assert f"Version {version}" in html
    assert store.version in html and store.sha256 in html
    assert "citing publications up to 2022; later trials are not included." in html
    assert "not a substitute for clinical judgement" in html
    assert "HR+/HER2+ metastatic breast cancer only" in html
    assert "one summary source" in html and "with 4 references" in html
    # Where the source is silent the aid adds advice of its own, marked as such (review
    # A, L2: the box said it "recommends nothing" there)
    advice = [s.id for s in store.of_kind("outside") if "this aid advises" in s.text]
    assert advice, "no outside-source entry gives the aid's own advice any more"
    assert "recommends nothing" not in html
    assert "marks as its own what it adds there (a multidisciplinary review)" in html


def test_what_changed_in_the_evidence(qtbot: Any, window: Any,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Help ▸ What changed in the evidence shows the store's changelog, newest first,
    each release with what changed and why."""
    from PySide6.QtWidgets import QTextBrowser

    shown: list[str] = []
    monkeypatch.setattr(dialogs, "exec_dialog", lambda d: shown.append(
        d.findChild(QTextBrowser, "changelog_text").toPlainText()) or True)
    (action,) = [a for a in window.help_menu.actions()
                 if a.text() == "&What changed in the evidence"]
    action.trigger()
    text = shown[0]
    store = open_store()
    assert f"Evidence {store.version} (in use)" in text
    # (not a prefix: "Evidence 2026.12.1" is the start of "Evidence 2026.12.10")
    positions = []
    for entry in store.changelog:
        found = re.search(rf"Evidence {re.escape(entry.version)}(?!\d)", text)
        assert found, entry.version
        positions.append(found.start())
    assert positions == sorted(positions) and len(positions) >= 2
    for change in store.changelog[0].changes:
        assert change in text
    assert "citing publications up to 2022" in text


def test_changelog_without_a_store_says_why() -> None:
    from desktop.changelog_dialog import changelog_html

    html = changelog_html(None, "evidence store not found: /nowhere")
    assert "failed its check" in html and "/nowhere" in html
