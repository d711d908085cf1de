"""Shared fixtures: the repository root, the shipped evidence store, a renderer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Tests never need a screen; set before pytest-qt creates the QApplication.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.evidence import EvidenceStore, open_store
from core.result import Renderer

# Property tests explore new examples on every local run; CI (.ci/run sets CI=1) runs a
# fixed set, so that a landing does not depend on the luck of the draw.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def store() -> EvidenceStore:
    return open_store()


@pytest.fixture(scope="session")
def renderer(store: EvidenceStore) -> Renderer:
    return Renderer(store)


def build_older_evidence(folder: Path, version: str, prefix: str = "OLDER WORDING. "
                         ) -> Renderer:
    """A real evidence store of another (older) version in which the et_her2 option
    reads differently: for cases saved under evidence that has since changed."""
    import re
    import shutil

    from core.evidence.build import build_store

    src = folder / "evidence-sources"
    shutil.copytree(ROOT / "resources" / "evidence", src)
    meta = src / "meta.toml"
    meta.write_text(re.sub(r'(?m)^version = "[^"]+"', f'version = "{version}"',
                           meta.read_text()))
    changelog = src / "changelog.toml"  # its newest entry must name the version
    log = changelog.read_text()
    first = log.index("[[entry]]")
    changelog.write_text(log[:first] + f'[[entry]]\nversion = "{version}"\ndate = "2025-01-01"\n'
                         'summary = "A test release."\nchanges = []\n\n' + log[first:])
    statements = src / "statements.toml"
    marker = 'text = "An aromatase inhibitor'
    text = statements.read_text()
    assert marker in text
    statements.write_text(text.replace(marker, f'text = "{prefix}An aromatase inhibitor', 1))
    build_store(folder / "old.sqlite", sources=src)
    return Renderer(open_store(folder / "old.sqlite"))
