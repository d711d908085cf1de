"""What the signed-pack check costs at start-up: ``load_evidence()`` (signature by an
embedded key, whole-file SHA-256, completeness, then the SQLite checks) against
``open_store()`` (the SQLite checks alone, what the app did before packs), in the same run.

    python benchmarks/bench_pack_check.py [N]     (default N = 30)

Each round runs both in fresh interpreters, alternately, so every run pays its own
imports (PyNaCl and libsodium load on the first check), as the app does at start-up.
Each child loads what the app loads first (PySide6, the case model), then reports the
milliseconds from there to a verified store.
The machine evidence folder is an empty temporary one (nothing installed). The
start-up target itself (within 1.3x of a minimal PySide6 window, with the check) is
measured by bench_selftest.py.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# As in the app (desktop/app.py): the Qt-free modules of the first window and PySide6 are
# loaded before the evidence is opened, so what both share is not counted.
CHILD = """
import time
import core.questionnaire, core.result
from PySide6.QtWidgets import QApplication
started = time.perf_counter()
from core.evidence import {name}
store = {name}()
print((time.perf_counter() - started) * 1000)
"""


def run_once(name: str, env: dict[str, str]) -> float:
    done = subprocess.run([sys.executable, "-c", CHILD.format(name=name)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as machine:
        env = {**os.environ, "HRHER2_AID_EVIDENCE_DIR": machine}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        run_once("load_evidence", env), run_once("open_store", env)  # compile, warm caches
        packs, plain = [], []
        for _ in range(n):
            packs.append(run_once("load_evidence", env))
            plain.append(run_once("open_store", env))
    pack, base = statistics.median(packs), statistics.median(plain)
    print(f"evidence check at start-up, {n} alternating fresh processes each (median)")
    print(f"  load_evidence (signed pack)  {pack:7.1f} ms")
    print(f"  open_store (SQLite checks)   {base:7.1f} ms")
    print(f"  cost of the pack check       {pack - base:7.1f} ms  (ratio {pack / base:.2f}x)")


if __name__ == "__main__":
    main()
