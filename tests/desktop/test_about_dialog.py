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
    assert "not a substitute for clinical judgement" in html
    assert "HR+/HER2+ metastatic breast cancer only" in html
    assert "one summary source" in html and "with 4 references" in html
