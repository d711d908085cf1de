"""Build the evidence store from its sources: ``python -m core.evidence.build [OUT [SOURCES]]``.

The shipped store is part of a signed pack: after rebuilding it, re-sign the pack
(``python -m core.evidence.sign``); an unsigned rebuild is refused by the app.

The store ships prebuilt in ``resources/evidence.sqlite`` (a test checks that it
matches the sources), so installing needs no build step and the file can live in
a read-only folder. It is written in rollback-journal mode, never WAL, because a
WAL database cannot be opened read-only from a read-only folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from core.evidence.sources import SourceError, content_sha256, load_sources
from core.evidence.store import default_store_path, write_index


def build_store(out: Path, sources: Path | None = None) -> str:
    """Write a fresh store to ``out`` (atomically) and return its content SHA-256."""
    import sqlite_utils

    content = load_sources(sources) if sources else load_sources()
    sha = content_sha256(content)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".evidence-", suffix=".sqlite", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        db = sqlite_utils.Database(tmp, recreate=True)
        db.conn.execute("PRAGMA journal_mode=DELETE")
        meta = {**content["meta"], "sha256": sha}
        db.table("meta").insert_all(
            [{"key": k, "value": v} for k, v in sorted(meta.items())], pk="key"
        )
        db.table("refs").insert_all(content["refs"], pk="n")
        db.table("statements").insert_all(content["statements"], pk="id")
        db.table("figures").insert_all(content["figures"], pk="id")
        # the index search uses, which EvidenceStore builds the same way in memory
        write_index(db.conn, content["statements"])
        db.conn.commit()
        db.conn.execute("VACUUM")
        db.close()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return sha


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m core.evidence.build",
        description="Build the evidence store from its sources. The result is unsigned: "
                    "the app refuses it until a maintainer re-signs the pack "
                    "(python -m core.evidence.sign).")
    parser.add_argument("out", nargs="?", metavar="OUT", type=Path,
                        help=f"the store to write (default: {default_store_path()})")
    parser.add_argument("sources", nargs="?", metavar="SOURCES", type=Path,
                        help="the folder of evidence sources (default: resources/evidence)")
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else default_store_path()
    try:
        sha = build_store(out, args.sources)
    except SourceError as exc:  # one line naming the file and the entry, no traceback
        sys.stderr.write(f"python -m core.evidence.build: {exc}\n")
        return 2
    print(f"{out}\ncontent sha256 {sha} (not the file's SHA-256, which the pack manifest names)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
