"""An evidence pack's manifest: what the signature covers.

A pack is a folder of three files::

    evidence.sqlite                  the evidence store (see core.evidence.build)
    evidence.manifest.json           this manifest (canonical JSON, UTF-8)
    evidence.manifest.json.minisig   Ed25519 signature of the manifest, minisign format

The manifest names the store by its whole-file SHA-256, so signing the manifest signs
every byte of the store, free pages included. Fields (format ``hrher2-aid.evidence-pack/1``):

``format``, ``evidence_version`` (the store's version), ``sequence`` (an integer that
only grows from one pack to the next), ``sources_through`` (publication year of the
newest reference), ``min_app_version``, ``evidence_file``, ``evidence_bytes``,
``evidence_sha256`` (whole file), ``content_sha256`` (the store's own content hash),
``created`` (ISO date), ``changelog`` (the entries of ``changelog.toml``, newest
first, each ``{"version", "date", "summary", "changes": [...]}``).

>>> info = parse_manifest(manifest_bytes({"format": PACK_FORMAT, "evidence_version": "1",
...     "sequence": 2, "sources_through": 2022, "min_app_version": "0.1.0",
...     "evidence_file": EVIDENCE_NAME, "evidence_bytes": 1, "evidence_sha256": "0" * 64,
...     "content_sha256": "1" * 64, "created": "2026-12-01", "changelog": []}), "x")
>>> info.sequence, info.sources_through
(2, 2022)
"""

import json
from pathlib import Path
from typing import Any, Final, NamedTuple

from core.evidence.errors import EvidenceError

PACK_FORMAT: Final = "hrher2-aid.evidence-pack/1"
EVIDENCE_NAME: Final = "evidence.sqlite"
MANIFEST_NAME: Final = "evidence.manifest.json"
SIGNATURE_NAME: Final = MANIFEST_NAME + ".minisig"
PACK_FILES: Final = (EVIDENCE_NAME, MANIFEST_NAME, SIGNATURE_NAME)


class PackError(EvidenceError):
    """An evidence pack is unsigned, signed by an unknown key, altered, incomplete or
    meant for a newer app. A kind of :class:`EvidenceError`: nothing is recommended."""


class PackSuperseded(PackError):
    """A genuine, intact pack older than the bundled one, made before this version of the
    app needed one of its ids (installed before an app upgrade): never used to recommend,
    but not a damaged pack, and ``evidence list`` does not count it as one."""


class Release(NamedTuple):
    """One entry of the evidence changelog (resources/evidence/changelog.toml)."""

    version: str
    date: str
    summary: str
    changes: tuple[str, ...]


class PackInfo(NamedTuple):
    """A verified pack's identity, as About, ``evidence verify`` and the PDFs show it."""

    folder: Path
    version: str
    sequence: int
    sources_through: int | None
    min_app_version: str
    evidence_sha256: str
    evidence_bytes: int
    content_sha256: str
    created: str
    changelog: tuple[Release, ...]
    key_id: str = ""  # the signer's key id (minisign's hex), set once the signature verified

    @property
    def through(self) -> str:
        """``sources_through`` as shown: the year, or ``unknown``."""
        return str(self.sources_through) if self.sources_through is not None else "unknown"

    def identity(self) -> str:
        """``pack 3 · key CE9E24DC3BB4066F · sources through 2022`` (documents' footers)."""
        return f"pack {self.sequence} · key {self.key_id} · sources through {self.through}"

    def label(self) -> str:
        """One line: ``pack 2026.11.3 · sequence 3 · signer key CE9E… · sources through
        2022``."""
        return (f"pack {self.version} · sequence {self.sequence} · signer key {self.key_id} "
                f"· sources through {self.through}")


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The canonical bytes signed: sorted keys, two-space indent, final newline."""
    return (json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode()


def parse_manifest(data: bytes, where: str) -> PackInfo:
    """Read a manifest's fields; :class:`PackError` if it is not a pack manifest."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # (nested too deep: review B, M3)
        raise PackError(f"evidence pack manifest is not JSON: {where}") from None
    if not isinstance(raw, dict) or raw.get("format") != PACK_FORMAT:
        raise PackError(f"not an evidence pack manifest ({PACK_FORMAT}): {where}")
    try:
        changelog = tuple(
            Release(str(r["version"]), str(r["date"]), str(r.get("summary", "")),
                    tuple(str(c) for c in r["changes"]))
            for r in raw["changelog"])
        sequence = raw["sequence"]
        if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 1:
            raise ValueError("sequence must be a positive integer")
        through = raw["sources_through"]
        return PackInfo(
            folder=Path(where).parent, version=str(raw["evidence_version"]), sequence=sequence,
            sources_through=int(through) if through is not None else None,
            min_app_version=str(raw["min_app_version"]),
            evidence_sha256=str(raw["evidence_sha256"]),
            evidence_bytes=int(raw["evidence_bytes"]),
            content_sha256=str(raw["content_sha256"]), created=str(raw["created"]),
            changelog=changelog)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:  # (1e999: review B, M3)
        raise PackError(f"evidence pack manifest is malformed: {where}: {exc}") from None


def version_tuple(version: str) -> tuple[int, ...]:
    """``"0.10.2"`` → ``(0, 10, 2)``; non-numeric parts count as 0.

    >>> version_tuple("0.10.2") > version_tuple("0.9")
    True
    """
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def bundled_pack() -> Path:
    """The folder of the pack shipped with the app (``resources/``). (Here, in a module
    the app loads before Qt, so the self-test can tell the bundled pack from an
    installed one without loading the pack checks.)"""
    import resources

    return Path(resources.__file__).parent
