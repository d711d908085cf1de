"""packaging/windows/wine-env.sh's wine_run_retrying, with a stand-in ``wine`` on PATH:
it tries a command again only while Wine could not start a Windows process."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WINE_ENV = ROOT / "packaging" / "windows" / "wine-env.sh"
START_FAILURE = "OSError: [WinError 1359] Internal error"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def run_retrying(tmp_path: Path, outputs: list[tuple[int, str]], tries: int = 3):
    """Runs wine_run_retrying with a ``wine`` whose n-th call prints outputs[n][1] and
    exits with outputs[n][0]; returns the completed process and how often wine ran."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for n, (status, text) in enumerate(outputs):
        (tmp_path / f"out{n}").write_text(text + "\n")
        (tmp_path / f"status{n}").write_text(str(status))
    calls = tmp_path / "calls"
    (bin_dir / "wine").write_text(
        "#!/bin/bash\n"
        f'n=$(wc -l < "{calls}" 2>/dev/null || echo 0)\n'
        f'echo "$*" >> "{calls}"\n'
        f'cat "{tmp_path}/out$n"; exit "$(cat "{tmp_path}/status$n")"\n')
    (bin_dir / "wineserver").write_text("#!/bin/bash\nexit 0\n")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    script = (f'source "{WINE_ENV}"; set -e; '
              f'wine_run_retrying "{tmp_path}/build.log" {tries} python.exe -m PyInstaller; '
              'echo "status 0"')
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True,
                          text=True, timeout=60)
    return done, len(calls.read_text().splitlines()) if calls.exists() else 0


def test_a_process_that_wine_could_not_start_is_tried_again(tmp_path) -> None:
    done, runs = run_retrying(tmp_path, [(1, START_FAILURE), (0, "built")])
    assert done.returncode == 0, done.stderr
    assert runs == 2
    assert (tmp_path / "build.log").read_text() == "built\n"
    # the failed attempt's output is kept, and the retry is said
    assert START_FAILURE in (tmp_path / "build.log.1").read_text()
    assert "attempt 1 of 3 failed, trying again" in done.stderr


def test_any_other_failure_is_returned_at_once(tmp_path) -> None:
    done, runs = run_retrying(tmp_path, [(2, "ERROR: spec file not found"), (0, "built")])
    assert runs == 1
    assert done.returncode == 2
    assert "trying again" not in done.stderr
    assert "spec file not found" in (tmp_path / "build.log").read_text()


def test_it_gives_up_after_the_tries_it_was_given(tmp_path) -> None:
    done, runs = run_retrying(tmp_path, [(1, START_FAILURE)] * 3 + [(0, "built")], tries=3)
    assert runs == 3
    assert done.returncode == 1
    assert START_FAILURE in (tmp_path / "build.log").read_text()
