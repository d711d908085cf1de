"""The bundle's run-time hook that loads the Qt-free start-up modules before Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOOK = ROOT / "packaging" / "rthook_qt_free_first.py"


def _after_hook(code: str, **env: str) -> str:
    import os

    done = subprocess.run(
        [sys.executable, "-c", f"import runpy; runpy.run_path({str(HOOK)!r})\n" + code],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_it_loads_the_first_windows_qt_free_modules_and_not_qt() -> None:
    """What desktop.app loads before PySide6, so that the modules are not loaded under
    PySide6's import hook; it must not load Qt itself."""
    loaded = _after_hook("import sys\n"
                         "names = ('core.questionnaire', 'core.result', 'core.session',\n"
                         "         'core.evidence.early', 'desktop.launcher')\n"
                         "print(all(n in sys.modules for n in names), 'PySide6' in sys.modules)")
    assert loaded == "True False"


def test_the_bundle_check_loads_nothing_through_it() -> None:
    assert _after_hook("import sys; print('core.session' in sys.modules)",
                       HRHER2_BUNDLE_CHECK="1") == "False"


def test_the_spec_runs_it() -> None:
    spec = (ROOT / "packaging" / "hrher2-aid.spec").read_text(encoding="utf-8")
    assert '"rthook_qt_free_first.py"' in spec
