"""See an edit of ``resources/evidence/`` in the app before the maintainers sign it.

A throwaway key signs a pack built from the edited sources, and this one process
trusts that key instead of the embedded ones: no other process, and never the
installed app. It lives in ``tests/`` (not installed, not bundled) because it turns the
signature check off for whatever runs inside it.

    python -m tests.preview_pack recommend CASE.json
    python -m tests.preview_pack report CASE.json -o summary.pdf --handout handout.pdf
    python -m tests.preview_pack window [CASE.json]

Any ``hrher2-aid`` subcommand works in place of ``recommend``; ``window`` opens the
app (with the evidence check in this process, not in a checker process, which would
not trust the key). The pack is built in a temporary folder, removed when the command
ends (contributor review 4: they piled up in the temporary folder).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from core.evidence import keys as embedded
from core.evidence.minisign import generate_key
from core.evidence.pack import build_pack
from core.evidence.sources import SOURCES_DIR, SourceError

USAGE = "usage: python -m tests.preview_pack (window [CASE.json] | SUBCOMMAND ARGS...)"


def trusted_preview_pack(sources: Path = SOURCES_DIR) -> Path:
    """A pack of ``sources`` signed by a new throwaway key that this process (only) now
    trusts; returns its evidence store's path."""
    key = generate_key()
    folder = Path(tempfile.mkdtemp(prefix="hrher2-preview-")) / "pack"
    try:
        build_pack(folder, key, sources)
    except BaseException:  # (a source the build refuses: nothing left behind)
        shutil.rmtree(folder.parent, ignore_errors=True)
        raise
    embedded.embedded_keys = lambda: (key.public,)  # this process only
    return folder / "evidence.sqlite"


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(f"{USAGE}\n\n{__doc__}")
        return 0 if argv else 2
    try:
        evidence = trusted_preview_pack()
    except SourceError as exc:
        sys.stderr.write(f"preview_pack: {exc}\n")
        return 2
    sys.stderr.write(f"preview_pack: a throwaway-signed pack of {SOURCES_DIR}: "
                     f"{evidence.parent} (removed at the end)\n")
    try:
        if argv[0] == "window":
            from desktop.app import run

            return run([*argv[1:], "--evidence", str(evidence)])
        from core.cli import main as cli

        return cli([*argv, "--evidence", str(evidence)])
    finally:
        shutil.rmtree(evidence.parent.parent, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
