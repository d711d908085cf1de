"""The window and signed evidence packs: refusal of every damaged pack, the pack's
identity in About and both PDFs, and the "What changed" view."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QComboBox, QLabel, QTextBrowser

from core.case import parse_case
from core.evidence import keys, load_evidence
from core.evidence.install import ENV_VAR, install
from core.evidence.pack import bundled_pack
from core.report import build_handout, build_summary
from core.result import Renderer
from desktop import dialogs
from desktop.evidence_changes import EvidenceChangesDialog
from tests.conftest import ROOT, app_evidence, copy_pack
from tests.desktop.drive import open_window, result_text
from tests.pack_support import (
    BUNDLED,
    DAMAGE,
    NEWER_SEQUENCE,
    THROWAWAY,
    damaged_pack,
    flip,
    newer_pack,
    trust,
)

COMPLETE = {"format": "hrher2-aid.case/1",
            "receptors": {"hr": "positive", "her2": "positive"}, "setting": "first_line",
            "menopausal_status": "postmenopausal",
            "disease": {"visceral": True, "symptomatic": False}}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_the_window_refuses_a_damaged_pack(damage: str, qtbot: Any, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = damaged_pack(damage, tmp_path / "pack", monkeypatch)
    window = open_window(qtbot, evidence_path=path)
    assert window.store is None and DAMAGE[damage][1] in (window.evidence_error or "")
    assert window.load_case_dict(COMPLETE)
    text = result_text(window)
    assert "failed its check" in text and "No recommendation is shown" in text
    assert app_evidence().statements["chemo_her2"].text not in text
    assert window.current_result() is None


def test_about_names_the_pack(window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "exec_dialog", lambda d: shown.append(
        d.findChild(QLabel, "about_text").text()) or True)
    window.show_about()
    pack = app_evidence().pack
    assert pack is not None
    assert f"Signed pack: sequence {pack.sequence}" in shown[0]
    assert f"Signer key <code>{pack.key_id}</code>" in shown[0]
    assert f"Sources through {pack.sources_through}" in shown[0]


def test_both_pdfs_name_the_pack() -> None:
    case = parse_case(COMPLETE)
    result = Renderer(app_evidence()).result_for(case)
    pack = app_evidence().pack
    assert pack is not None and result.evidence_pack == pack.identity()
    import io

    for pdf in (build_summary(case, result), build_handout(case, result)):
        text = " ".join(" ".join(p.extract_text().split())
                        for p in PdfReader(io.BytesIO(pdf)).pages)
        assert f"pack {pack.sequence} · key {pack.key_id} · sources through " \
               f"{pack.sources_through}" in text


def test_what_changed_compares_the_installed_pack_with_the_bundled_one(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "machine"))
    trust(monkeypatch, *keys.embedded_keys(), THROWAWAY.public)
    install(newer_pack(tmp_path / "n4"))
    store = load_evidence()
    assert store.pack is not None and store.pack.sequence == NEWER_SEQUENCE
    dialog = EvidenceChangesDialog(store)
    qtbot.addWidget(dialog)
    new, old = dialog.findChild(QComboBox, "new_pack"), dialog.findChild(QComboBox, "old_pack")
    old_label = f"{BUNDLED.version} (sequence {BUNDLED.sequence})"
    new_label = f"2099.1.1 (sequence {NEWER_SEQUENCE})"
    assert new.currentText() == f"{new_label} - in use" and old.currentText() == old_label
    text = dialog.findChild(QTextBrowser, "changes_text").toPlainText()
    assert f"Evidence {old_label} → {new_label}" in text
    assert "Changed: 1" in text and "statement et_her2 (text)" in text
    assert "Added: 0" in text and "Removed: 0" in text
    assert "et_her2: reworded for the test" in text
    # the same pack on both sides: nothing differs
    old.setCurrentIndex(0)
    text = dialog.findChild(QTextBrowser, "changes_text").toPlainText()
    assert "No statement, reference or figure differs." in text


def test_what_changed_lists_an_installed_pack_from_before_an_id_was_needed(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pack installed before the app was upgraded, genuine but made before this
    version needed one of its ids, is never used to recommend; it can still be compared
    (it is what IT wants to compare the new pack with)."""
    import core.evidence.pack as pack_module
    from tests.pack_support import edited_sources

    monkeypatch.setenv(ENV_VAR, str(tmp_path / "machine"))
    trust(monkeypatch, *keys.embedded_keys(), THROWAWAY.public)
    src = edited_sources(tmp_path, sequence=1, version="2026.11.9",
                         replace=('id = "outside.her2_toxicity_sequential"',
                                  'id = "outside.some_old_entry"'),
                         changelog='[[entry]]\nversion = "2026.11.9"\ndate = "2026-11-09"\n'
                                   'summary = "test"\nchanges = ["test"]\n')
    pack_module.build_pack(tmp_path / "old", THROWAWAY, src)
    required = pack_module.REQUIRED_IDS
    # installed by the app it was made for (which did not need the id)
    monkeypatch.setattr(pack_module, "REQUIRED_IDS",
                        required - {"outside.her2_toxicity_sequential"})
    install(tmp_path / "old", bundled=0)
    monkeypatch.setattr(pack_module, "REQUIRED_IDS", required)  # this version
    store = load_evidence()
    assert store.pack is not None and store.pack.sequence == BUNDLED.sequence
    dialog = EvidenceChangesDialog(store)
    qtbot.addWidget(dialog)
    old, new = dialog.findChild(QComboBox, "old_pack"), dialog.findChild(QComboBox, "new_pack")
    labels = {old.itemText(i) for i in range(old.count())}
    assert "2026.11.9 (sequence 1)" in labels
    old.setCurrentIndex([old.itemText(i) for i in range(old.count())]
                        .index("2026.11.9 (sequence 1)"))
    new.setCurrentIndex([new.itemText(i) for i in range(new.count())]
                        .index(f"{BUNDLED.version} (sequence {BUNDLED.sequence}) - in use"))
    text = dialog.findChild(QTextBrowser, "changes_text").toPlainText()
    assert "statement outside.her2_toxicity_sequential" in text.split("Changed")[0]


def test_what_changed_is_in_the_tools_menu(window: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[Any] = []
    monkeypatch.setattr(dialogs, "exec_dialog", lambda d: shown.append(d) or True)
    action = next(a for a in window.tools_menu.actions()
                  if a.text() == "Compare evidence &packs…")
    action.trigger()
    assert isinstance(shown[0], EvidenceChangesDialog)
    text = shown[0].findChild(QTextBrowser, "changes_text").toPlainText()
    assert "Only one evidence pack is on this computer" in text
    assert bundled_pack() == shown[0].packs[0][1]


@pytest.mark.slow
def test_a_contributor_runs_the_window_tests_on_an_unsigned_edit(tmp_path: Path) -> None:
    """Contributor review 4, finding 6: after an edit of resources/evidence/ and a
    rebuild, every window test failed (the app refuses a store its pack does not
    sign), so a desktop test of a new question could not be run before the maintainers
    signed. ``--preview-evidence`` runs them on the edit; without it they still fail."""
    tree = tmp_path / "tree"
    for part in ("core", "desktop", "resources", "tests"):
        shutil.copytree(ROOT / part, tree / part,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    statements = tree / "resources" / "evidence" / "statements.toml"
    marker = 'text = "An aromatase inhibitor'
    assert marker in statements.read_text()
    statements.write_text(statements.read_text().replace(
        marker, 'text = "PREVIEWED EDIT. An aromatase inhibitor', 1))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(temporary)}
    env.pop("PYTHONPATH", None)
    subprocess.run([sys.executable, "-m", "core.evidence.build"], cwd=tree, env=env,
                   check=True, capture_output=True)

    def run(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options,
             "tests/desktop/preview_check.py"],
            cwd=tree, env=env, capture_output=True, text=True, timeout=300)

    signed_only = run()
    assert signed_only.returncode == 1, signed_only.stdout
    assert "1 failed" in signed_only.stdout
    preview = run("--preview-evidence")
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "1 passed" in preview.stdout
    assert "the shipped pack was not checked" in preview.stdout
    assert not list(temporary.glob("hrher2-preview-*"))  # the throwaway pack is gone


# --self-test in a process of its own, the throwaway key (argv[1]) trusted beside the
# embedded ones and the bundled pack replaced by the copy in argv[2]
SELF_TEST = """
import sys
from pathlib import Path
from core.evidence import keys, pack
from core.evidence.minisign import parse_public_key
embedded, throwaway = keys.embedded_keys(), parse_public_key(Path(sys.argv[1]).read_text())
keys.embedded_keys = lambda: (*embedded, throwaway)
pack.bundled_pack = lambda: Path(sys.argv[2])
from desktop.app import self_test
raise SystemExit(self_test())
"""


def test_the_self_test_fails_on_a_damaged_bundled_pack_behind_an_installed_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Install review, finding 1: the installation check passed with the program's own
    pack damaged, while a sound installed pack was in use."""
    machine = tmp_path / "machine"
    monkeypatch.setenv(ENV_VAR, str(machine))
    trust(monkeypatch, *keys.embedded_keys(), THROWAWAY.public)
    install(newer_pack(tmp_path / "a"))
    pub = tmp_path / "throwaway.pub"
    pub.write_text(THROWAWAY.public.to_text())
    tampered = tmp_path / "bundled"
    copy_pack(tampered)

    def self_test() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", SELF_TEST, str(pub), str(tampered)],
                              cwd=ROOT, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
                                   ENV_VAR: str(machine)})

    done = self_test()
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("self-test OK: window painted, evidence 2099.1.1 verified")
    flip(tampered / "evidence.sqlite", 9000)
    done = self_test()
    assert done.returncode == 3, done.stdout + done.stderr
    assert done.stdout.startswith("self-test FAILED: the evidence pack bundled with the app "
                                  "fails its check: evidence store has been altered")
