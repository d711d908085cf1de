"""Shared fixtures: the repository root, the shipped evidence store, a renderer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests never need a screen; set before pytest-qt creates the QApplication.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.evidence import EvidenceStore, open_store
from core.result import Renderer

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def store() -> EvidenceStore:
    return open_store()


@pytest.fixture(scope="session")
def renderer(store: EvidenceStore) -> Renderer:
    return Renderer(store)
