"""Re-sign the shipped pack after ``resources/evidence/`` changed (maintainers only)::

    python -m core.evidence.sign --key KEYFILE

``KEYFILE``: the maintainers' current secret key, kept outside this repository.
It rebuilds ``resources/evidence.sqlite`` from the sources (deterministically), writes
its manifest and signs it, then checks the result with the embedded keys. A test
(tests/core/test_pack.py) fails while the shipped pack is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from core.evidence.manifest import (
    EVIDENCE_NAME,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    PackError,
    PackInfo,
    parse_manifest,
)
from core.evidence.minisign import SignatureError
from core.evidence.pack import (
    PACK_SETTINGS,
    build_pack,
    bundled_pack,
    pack_settings,
    verify_pack,
    write_atomic,
)
from core.evidence.sources import SourceError
from core.evidence.store import EvidenceError


def resign_shipped(key_file: Path) -> PackInfo:
    """Rebuild and re-sign the shipped pack in ``resources/`` (see the module docstring).

    Refuses, writing nothing, when the evidence changed but ``pack.toml``'s sequence did
    not grow or ``meta.toml``'s version did not change (two different packs never share
    a sequence number, nor two different contents a version: the version is what every
    result and PDF names), and when the new pack does not verify with the embedded keys
    (a key this app does not trust).
    """
    import tempfile

    from core.evidence.minisign import parse_secret_key
    from core.evidence.sources import SOURCES_DIR

    key = parse_secret_key(key_file.read_text(encoding="utf-8"))
    shipped = bundled_pack()
    try:
        before = parse_manifest((shipped / MANIFEST_NAME).read_bytes(), "shipped")
    except (OSError, PackError):
        before = None
    sequence = pack_settings(SOURCES_DIR)[0]
    with tempfile.TemporaryDirectory() as tmp:
        fresh = build_pack(Path(tmp), key)
        if before is not None and fresh.content_sha256 != before.content_sha256:
            if sequence <= before.sequence:
                raise PackError(f"the evidence changed since pack {before.sequence}: "
                                f"raise 'sequence' in resources/evidence/{PACK_SETTINGS} "
                                "first; nothing was written")
            if fresh.version == before.version:
                raise PackError(f"the evidence changed but its version is still "
                                f"{before.version}: raise 'version' in resources/evidence/"
                                "meta.toml (and add its changelog.toml entry) first; "
                                "nothing was written")
        verify_pack(Path(tmp))  # before anything shipped is replaced
        for name in (EVIDENCE_NAME, MANIFEST_NAME, SIGNATURE_NAME):
            write_atomic(shipped / name, (Path(tmp) / name).read_bytes())
    return fresh._replace(folder=shipped)


def main(argv: list[str] | None = None) -> int:
    """``python -m core.evidence.sign --key KEY``: re-sign the shipped pack."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m core.evidence.sign",
                                     description="Rebuild and re-sign the shipped pack.")
    parser.add_argument("--key", required=True, type=Path,
                        help="the maintainers' minisign secret key (evidence-2026.key)")
    args = parser.parse_args(argv)
    try:
        info = resign_shipped(args.key)
        verify_pack(info.folder)
    except (OSError, EvidenceError, SignatureError, SourceError) as exc:
        print(f"re-signing failed: {exc}", file=sys.stderr)
        return 3
    print(f"{info.folder}: {info.label()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
