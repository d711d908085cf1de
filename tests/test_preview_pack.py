"""tests/preview_pack.py: an edited evidence source seen in the app before signing, in
that one process only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.pack_support import edited_sources

CASE = ROOT / "docs" / "samples" / "a-first-line-et-alone.json"


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HRHER2_AID_EVIDENCE_DIR": str(tmp_path / "no-installed-packs")}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=120, check=False)


def test_an_edit_is_seen_before_signing_and_only_there(tmp_path: Path) -> None:
    """Contributor review 5: "see the change in the app before signing" named a pytest
    helper; no command did it."""
    src = edited_sources(tmp_path, replace=('text = "An aromatase inhibitor',
                                            'text = "PREVIEWED. An aromatase inhibitor'))
    done = _python(
        "import sys; from tests import preview_pack as p\n"
        f"store = p.trusted_preview_pack(__import__('pathlib').Path({str(src)!r}))\n"
        "from core.cli import main\n"
        f"code = main(['recommend', {str(CASE)!r}, '--evidence', str(store)])\n"
        "print('STORE', store, file=sys.stderr); sys.exit(code)\n", tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert any(o["text"].startswith("PREVIEWED.") for o in result["options"])
    store = done.stderr.split("STORE ", 1)[1].strip()
    # the same pack anywhere else: refused, its key is not embedded
    refused = _python("from core.cli import main; import sys\n"
                      f"sys.exit(main(['recommend', {str(CASE)!r}, '--evidence', {store!r}]))",
                      tmp_path)
    assert refused.returncode == 3 and "not" in refused.stderr
    assert "which is not a trusted key" in refused.stderr
    shutil.rmtree(Path(store).parent.parent)  # (the function leaves it for its caller)


def test_the_command_runs_a_subcommand_on_the_preview(tmp_path: Path) -> None:
    done = _python("import sys; from tests.preview_pack import main\n"
                   f"sys.exit(main(['recommend', {str(CASE)!r}]))", tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["in_scope"] is True
    assert "throwaway-signed pack" in done.stderr
    # removed at the end (contributor review 4: one folder per run piled up in /tmp)
    folder = Path(done.stderr.split("pack of ", 1)[1].split(": ", 1)[1].split(" (removed")[0])
    assert folder.name == "pack" and folder.parent.name.startswith("hrher2-preview-")
    assert not folder.parent.exists()


def test_a_source_the_build_refuses_leaves_no_folder_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Contributor review 5: a preview whose build failed left an empty
    hrher2-preview-* folder in the temporary folder on every try."""
    from core.evidence import keys
    from core.evidence.sources import SourceError
    from tests import preview_pack

    src = edited_sources(tmp_path, replace=('title = "Chemotherapy + HER2-targeted therapy"\n',
                                            ""))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    trusted = keys.embedded_keys
    with pytest.raises(SourceError, match="chemo_her2: missing title"):
        preview_pack.trusted_preview_pack(src)
    assert list(temporary.iterdir()) == []
    assert keys.embedded_keys is trusted  # nothing trusted but the embedded keys
