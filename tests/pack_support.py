"""Evidence packs for tests: throwaway keys, edited sources, and every kind of damage
the app must refuse. No test needs the maintainers' signing keys."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from core.evidence import keys as embedded
from core.evidence.manifest import EVIDENCE_NAME, MANIFEST_NAME, SIGNATURE_NAME, parse_manifest
from core.evidence.minisign import PublicKey, SecretKey, generate_key
from core.evidence.pack import build_pack, bundled_pack, sign_manifest
from core.evidence.sources import SOURCES_DIR, content_sha256
from core.evidence.store import read_content
from tests.conftest import ROOT, copy_pack

THROWAWAY: SecretKey = generate_key()  # made fresh for every test run
# the shipped pack's manifest, and the names of packs the tests make from it
BUNDLED = parse_manifest((bundled_pack() / MANIFEST_NAME).read_bytes(), "bundled")
SHIPPED_NAME = f"{BUNDLED.sequence:06d}-{BUNDLED.version}"  # its folder once installed
NEWER_SEQUENCE = BUNDLED.sequence + 1
NEWER_NAME = f"{NEWER_SEQUENCE:06d}-2099.1.1"


def trust(monkeypatch: pytest.MonkeyPatch, *keys: PublicKey) -> None:
    """Make this process accept packs signed by ``keys`` (in place of the embedded ones)."""
    monkeypatch.setattr(embedded, "embedded_keys", lambda: tuple(keys))


def edited_sources(folder: Path, *, sequence: int | None = None, version: str | None = None,
                   replace: tuple[str, str] | None = None,
                   changelog: str | None = None) -> Path:
    """A copy of resources/evidence with the given edits."""
    src = folder / "sources"
    shutil.copytree(SOURCES_DIR, src)
    if sequence is not None:
        pack = src / "pack.toml"
        pack.write_text(re.sub(r"(?m)^sequence = \d+", f"sequence = {sequence}",
                               pack.read_text()))
    if version is not None:
        meta = src / "meta.toml"
        meta.write_text(re.sub(r'(?m)^version = "[^"]+"', f'version = "{version}"',
                               meta.read_text()))
    if replace is not None:
        statements = src / "statements.toml"
        text = statements.read_text()
        assert replace[0] in text
        statements.write_text(text.replace(replace[0], replace[1], 1))
    if changelog is not None:
        (src / "changelog.toml").write_text(changelog)
    return src


def newer_pack(folder: Path, sequence: int = NEWER_SEQUENCE, version: str = "2099.1.1",
               key: SecretKey = THROWAWAY) -> Path:
    """A pack signed by ``key``, newer than the shipped one, whose et_her2 text differs."""
    src = edited_sources(
        folder, sequence=sequence, version=version,
        replace=('text = "An aromatase inhibitor',
                 'text = "NEWER WORDING. An aromatase inhibitor'),
        changelog=(f'[[entry]]\nversion = "{version}"\ndate = "2099-01-01"\n'
                   'summary = "test release"\nchanges = ["et_her2: reworded for the test"]\n'))
    build_pack(folder / "pack", key, src)
    return folder / "pack"


def resign(evidence: Path, key: SecretKey) -> None:
    """Sign the pack around ``evidence`` again, with a manifest describing the file as it
    now is (what a forger with ``key`` could do)."""
    folder = evidence.parent
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    data = evidence.read_bytes()
    import hashlib

    conn = sqlite3.connect(evidence)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()
    manifest.update(evidence_bytes=len(data), evidence_sha256=hashlib.sha256(data).hexdigest(),
                    content_sha256=meta["sha256"], evidence_version=meta["version"])
    sign_manifest(folder, manifest, key)


def rehash_content(evidence: Path) -> None:
    """Recompute the store's recorded content hash with the package's own functions
    (the forgery of issue 12)."""
    conn = sqlite3.connect(evidence)
    try:
        content = read_content(conn)
        meta = {row["key"]: row["value"] for row in content["meta"]}
        content["meta"] = {k: v for k, v in meta.items() if k != "sha256"}
        conn.execute("UPDATE meta SET value = ? WHERE key = 'sha256'",
                     (content_sha256(content),))
        conn.commit()
    finally:
        conn.close()


def free_space_offset(evidence: Path) -> int:
    """An offset inside the unallocated gap of a b-tree page (between the cell pointer
    array and the cell content): bytes no row and no content hash covers."""
    data = evidence.read_bytes()
    page_size = int.from_bytes(data[16:18], "big")
    for start in range(page_size, len(data), page_size):  # page 1 holds the file header
        page = data[start:start + page_size]
        kind = page[0]
        if kind not in (2, 5, 10, 13):
            continue
        header = 8 if kind in (10, 13) else 12
        cells = int.from_bytes(page[3:5], "big")
        content = int.from_bytes(page[5:7], "big") or 65536
        gap_start, gap_end = header + 2 * cells, content
        if gap_end - gap_start >= 16:
            return start + (gap_start + gap_end) // 2
    raise AssertionError("no page with free space")


def flip(path: Path, offset: int, mask: int = 0x01) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= mask
    path.write_bytes(bytes(data))


# --- the damage a pack must be refused for: (name, make(folder) -> pack path, trusted) ---
def _wrong_key(folder: Path) -> Path:
    evidence = copy_pack(folder)
    resign(evidence, generate_key())  # a key this app does not embed
    return evidence


def _unsigned(folder: Path) -> Path:
    evidence = copy_pack(folder)
    (folder / SIGNATURE_NAME).unlink()
    return evidence


def _flipped_free_space(folder: Path) -> Path:
    evidence = copy_pack(folder)
    flip(evidence, free_space_offset(evidence))
    return evidence


def _truncated(folder: Path) -> Path:
    evidence = copy_pack(folder)
    data = evidence.read_bytes()
    evidence.write_bytes(data[: len(data) - 4096])
    return evidence


def _rebuilt(folder: Path) -> Path:
    """``python -m core.evidence.build`` run over the pack's store from edited sources:
    a valid store, but nobody could sign it."""
    evidence = copy_pack(folder / "pack")
    src = edited_sources(folder, replace=('text = "An aromatase inhibitor',
                                          'text = "FORGED: ET alone. An aromatase inhibitor'))
    done = subprocess.run([sys.executable, "-m", "core.evidence.build", str(evidence), str(src)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return evidence


def _forged_rehashed(folder: Path) -> Path:
    """The issue's forgery: a statement edited and the content hash recomputed with the
    package's own functions; the signed manifest is left as it was."""
    evidence = copy_pack(folder)
    conn = sqlite3.connect(evidence)
    conn.execute("UPDATE statements SET text = 'FORGED: endocrine therapy alone is the "
                 "preferred first-line approach.' WHERE id = 'chemo_her2'")
    conn.commit()
    conn.close()
    rehash_content(evidence)
    return evidence


def _missing_statement(folder: Path) -> Path:
    """Statement chemo_her2 deleted, content re-hashed, and signed by a trusted key: only
    the completeness check can refuse it."""
    evidence = copy_pack(folder)
    conn = sqlite3.connect(evidence)
    conn.execute("DELETE FROM statements WHERE id = 'chemo_her2'")
    conn.commit()
    conn.close()
    rehash_content(evidence)
    resign(evidence, THROWAWAY)
    return evidence


def _huge(file_name: str) -> Callable[[Path], Path]:
    """One of the pack's files made sparse and huge (1 TiB; 16 GiB where the file system
    allows no more): refused from its size, never read whole."""
    def make(folder: Path) -> Path:
        evidence = copy_pack(folder)
        for size in (1 << 40, 1 << 34):
            try:
                os.truncate(folder / file_name, size)
                break
            except OSError:
                continue
        else:
            pytest.skip("this file system cannot hold a sparse file of 16 GiB")
        return evidence
    return make


def _pipe_for_evidence(folder: Path) -> Path:
    """A named pipe where the evidence file should be: opening it would wait forever."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes are POSIX only")
    evidence = copy_pack(folder)
    evidence.unlink()
    os.mkfifo(evidence)
    return evidence


DAMAGE: dict[str, tuple[Callable[[Path], Path], str]] = {
    # name: (make, what the message says)
    "wrong_key": (_wrong_key, "not a trusted key"),
    "unsigned": (_unsigned, "unsigned"),
    "flipped_free_space": (_flipped_free_space, "has been altered"),
    "forged_rehashed": (_forged_rehashed, "has been altered"),
    "truncated": (_truncated, "has been altered"),
    "rebuilt": (_rebuilt, "has been altered"),
    "missing_statement": (_missing_statement, "no entry for chemo_her2"),
    "huge_evidence": (_huge(EVIDENCE_NAME), "has been altered"),
    "huge_manifest": (_huge(MANIFEST_NAME), "too large to be genuine"),
    "huge_signature": (_huge(SIGNATURE_NAME), "too large to be genuine"),
    "pipe_for_evidence": (_pipe_for_evidence, "not a regular file"),
}


def damaged_pack(name: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make pack damage ``name`` in ``folder``; this process trusts the throwaway key too
    (so the missing statement gets past the signature), beside the embedded keys."""
    trust(monkeypatch, *embedded.embedded_keys(), THROWAWAY.public)
    return DAMAGE[name][0](folder)


__all__ = ["BUNDLED", "DAMAGE", "EVIDENCE_NAME", "NEWER_NAME", "NEWER_SEQUENCE", "SHIPPED_NAME",
           "THROWAWAY", "damaged_pack", "edited_sources", "flip", "free_space_offset",
           "newer_pack", "rehash_content", "resign", "trust"]
