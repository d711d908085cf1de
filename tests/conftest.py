"""Shared fixtures: the repository root, the shipped evidence store, a renderer."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--preview-evidence", action="store_true",
        help="run on resources/evidence/ as edited, before the maintainers sign it: a "
             "pack built from it and signed by a throwaway key, which this test process "
             "(only) trusts, stands in for the bundled pack (see tests/preview_pack.py)")


def pytest_configure(config: pytest.Config) -> None:
    """``--preview-evidence``: a contributor's edit of the evidence, checked before it is
    signed (contributor review 4, finding 6: every window test failed on the rebuilt,
    unsigned store, so a desktop test of a new question could not be run at all)."""
    if not config.getoption("--preview-evidence"):
        return
    import shutil

    import core.evidence.keys
    import core.evidence.pack
    from core.evidence.sources import SourceError
    from tests.preview_pack import trusted_preview_pack

    signed = core.evidence.keys.embedded_keys()
    try:
        preview = trusted_preview_pack()  # (this process now trusts its key alone)
    except SourceError as exc:  # one line naming the file and the entry
        raise pytest.UsageError(f"--preview-evidence: {exc}") from None
    throwaway = core.evidence.keys.embedded_keys()
    core.evidence.keys.embedded_keys = lambda: (*throwaway, *signed)
    core.evidence.pack.bundled_pack = lambda: preview.parent
    config.add_cleanup(lambda: shutil.rmtree(preview.parent.parent, ignore_errors=True))


def pytest_report_header(config: pytest.Config) -> str | None:
    if config.getoption("--preview-evidence"):
        return (f"evidence: PREVIEW of {ROOT / 'resources' / 'evidence'}, signed by a "
                "throwaway key (not the shipped pack)")
    return None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter,
                            config: pytest.Config) -> None:
    if config.getoption("--preview-evidence"):
        terminalreporter.write_line(
            "--preview-evidence: the app's evidence was a throwaway-signed pack of "
            "resources/evidence/ as edited; the shipped pack was not checked. Tests that "
            "run the app in a child process see the shipped pack. Before the change lands "
            "the maintainers re-sign it (python -m core.evidence.sign), and the run "
            "without this option must pass.", yellow=True)


@pytest.fixture(scope="session", autouse=True)
def empty_machine_evidence_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No test sees packs installed on this computer: the machine-wide evidence folder
    (core.evidence.install) is an empty one of the test run's own, also for child
    processes."""
    from core.evidence.install import ENV_VAR

    folder = tmp_path_factory.mktemp("machine-evidence")
    before = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = str(folder)
    yield folder
    if before is None:
        os.environ.pop(ENV_VAR, None)
    else:
        os.environ[ENV_VAR] = before


def copy_pack(folder: Path) -> Path:
    """A copy of the shipped signed pack (store, manifest, signature) in ``folder``;
    returns the copied store's path (``--evidence`` takes it, or the folder)."""
    import shutil

    from core.evidence.manifest import EVIDENCE_NAME, PACK_FILES
    from core.evidence.pack import bundled_pack

    folder.mkdir(parents=True, exist_ok=True)
    for name in PACK_FILES:
        shutil.copyfile(bundled_pack() / name, folder / name)
    return folder / EVIDENCE_NAME


@pytest.fixture(scope="session")
def store() -> EvidenceStore:
    return open_store()


@functools.cache
def app_evidence() -> EvidenceStore:
    """The evidence the app loads (``load_evidence``), once per run. Loaded when a test
    first asks, never at import: evidence that fails its check (a contributor's rebuilt,
    unsigned store) then fails the tests that use it, not the collection of the run."""
    from core.evidence import load_evidence

    return load_evidence()


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
