"""Installer size and start-up: the hrher2-aid .deb against a minimal PySide6 window.

The baseline is a QMainWindow with a QLabel that quits after its first paint, bundled
with the same spec (packaging/hrher2-aid.spec: same exclusions, Qt plugin and library
trimming, stripping, loose bytecode) and packed the same way (dpkg-deb, xz -9 extreme).
Both packages are unpacked into temporary roots and started alternately, offscreen; a
run is timed from spawn to the one line each prints once its window has painted and
its event loop has ended (the app via ``--self-test``, which also verifies the
evidence store), and from spawn to exit. Start-up is judged on the first: it leaves
out the interpreter's shutdown, which is cheaper in the app.

    python benchmarks/bench_bundle.py [--runs 21] [--rebuild] [--instructions]

``--instructions``: also the instructions each installed program's process executes in
one run, counted by Valgrind (see bench_selftest.py: they do not move with the machine).

Builds dist/hrher2-aid_<version>_amd64.deb with packaging/build-deb.sh if it is missing
(or with --rebuild). Targets: .deb at most 35 MiB; start-up within 1.3x the baseline.
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "bench"
MIB = 1024 * 1024
DEB_LIMIT = 35 * MIB
STARTUP_LIMIT = 1.3

MINIMAL_WINDOW = '''\
"""Baseline for benchmarks/bench_bundle.py: a window that quits after its first paint."""
import sys

sys.dont_write_bytecode = True

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, QApplication.quit)
        return False


app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("minimal")
window.setCentralWidget(QLabel("A minimal PySide6 window"))
window.resize(1000, 700)
watcher = FirstPaint()
window.installEventFilter(watcher)
QTimer.singleShot(10_000, lambda: sys.exit(1))
window.show()
code = app.exec()
print("painted", flush=True)  # the report line, as --self-test prints one
sys.exit(code)
'''


def version() -> str:
    """The one version source, core.__version__ (pyproject reads it too)."""
    found = re.search(r'__version__ = "([^"]+)"', (ROOT / "core" / "__init__.py").read_text())
    assert found is not None
    return found.group(1)


def app_deb(rebuild: bool) -> Path:
    deb = ROOT / "dist" / f"hrher2-aid_{version()}_amd64.deb"
    if rebuild or not deb.exists():
        subprocess.run([str(ROOT / "packaging" / "build-deb.sh")], check=True,
                       stdout=subprocess.DEVNULL)
    return deb


def minimal_deb(rebuild: bool) -> Path:
    """Bundle and pack the baseline window exactly as build-deb.sh does the app."""
    deb = BUILD / "hrher2-minimal_1.0_amd64.deb"
    entry = BUILD / "minimal_window.py"
    current = entry.exists() and entry.read_text(encoding="utf-8") == MINIMAL_WINDOW
    if deb.exists() and current and not rebuild:
        return deb
    pyinstaller = ROOT / "build" / "venv" / "bin" / "pyinstaller"
    if not pyinstaller.exists():
        raise SystemExit("build/venv missing: run packaging/build-deb.sh first")
    BUILD.mkdir(parents=True, exist_ok=True)
    entry.write_text(MINIMAL_WINDOW, encoding="utf-8")
    env = dict(os.environ, HRHER2_BASELINE_ENTRY=str(entry), PYTHONDONTWRITEBYTECODE="1")
    subprocess.run([str(pyinstaller), "--noconfirm", "--clean", "--log-level", "ERROR",
                    "--distpath", str(BUILD / "dist"), "--workpath", str(BUILD / "work"),
                    str(ROOT / "packaging" / "hrher2-aid.spec")],
                   check=True, env=env, stderr=subprocess.DEVNULL)
    stage = BUILD / "root"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "DEBIAN").mkdir(parents=True)
    (stage / "opt").mkdir()
    shutil.copytree(BUILD / "dist" / "hrher2-minimal", stage / "opt" / "hrher2-minimal",
                    symlinks=True)
    (stage / "DEBIAN" / "control").write_text(
        "Package: hrher2-minimal\nVersion: 1.0\nArchitecture: amd64\n"
        "Maintainer: bench <bench@localhost>\nDescription: benchmark baseline\n"
        " A minimal PySide6 window.\n", encoding="utf-8")
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z9", "-Sextreme", "--build",
                    str(stage), str(deb)], check=True, stdout=subprocess.DEVNULL)
    return deb


def unpack(deb: Path, into: Path) -> int:
    """Unpack ``deb`` into ``into``; return the unpacked size in bytes."""
    subprocess.run(["dpkg-deb", "-x", str(deb), str(into)], check=True)
    return sum(p.lstat().st_size for p in into.rglob("*") if not p.is_dir())


def time_run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from spawn to the program's report line (its window painted, its event
    loop ended: start-up without the interpreter's shutdown), and to its exit."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    proc.stdout.readline()
    reported = time.perf_counter() - started
    proc.stdout.read()
    if proc.wait() != 0:
        raise SystemExit(f"{command[0]} failed ({proc.returncode})")
    return reported, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each (default 21)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild both packages")
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions (Valgrind), one run each")
    args = parser.parse_args(argv)
    if args.instructions and shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs Valgrind (Debian: apt install valgrind)")

    app, base = app_deb(args.rebuild), minimal_deb(args.rebuild)
    with tempfile.TemporaryDirectory() as tmp:
        app_root, base_root = Path(tmp) / "app", Path(tmp) / "base"
        app_unpacked, base_unpacked = unpack(app, app_root), unpack(base, base_root)
        env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "LANG": "C.UTF-8",
               "QT_QPA_PLATFORM": "offscreen"}
        app_cmd = [str(app_root / "opt" / "hrher2-aid" / "hrher2-aid"), "--self-test"]
        base_cmd = [str(base_root / "opt" / "hrher2-minimal" / "hrher2-minimal")]
        for _ in range(2):  # warm the page cache for both before measuring
            time_run(app_cmd, env), time_run(base_cmd, env)
        app_times, base_times = [], []
        for i in range(args.runs):  # alternate (and swap the order) so drift hits both
            pair = [(app_cmd, app_times), (base_cmd, base_times)]
            for command, sink in pair if i % 2 == 0 else pair[::-1]:
                sink.append(time_run(command, env))
        counted = None
        if args.instructions:
            from bench_selftest import instructions

            # (the app's own process: the first; a forked checker's count would include
            # what the app ran before the fork)
            counted = (next(iter(instructions(app_cmd, env).values())),
                       next(iter(instructions(base_cmd, env).values())))

    app_deb_size, base_deb_size = app.stat().st_size, base.stat().st_size
    print(f"{'':24}{'hrher2-aid':>14}{'minimal window':>16}{'ratio':>8}")
    print(f"{'.deb (MiB)':24}{app_deb_size / MIB:14.2f}{base_deb_size / MIB:16.2f}"
          f"{app_deb_size / base_deb_size:8.2f}")
    print(f"{'unpacked (MiB)':24}{app_unpacked / MIB:14.2f}{base_unpacked / MIB:16.2f}"
          f"{app_unpacked / base_unpacked:8.2f}")
    ratios = []
    for index, label in ((0, "to report"), (1, "to exit")):
        app_s = [t[index] * 1000 for t in app_times]
        base_s = [t[index] * 1000 for t in base_times]
        app_ms, base_ms = statistics.median(app_s), statistics.median(base_s)
        ratios.append(app_ms / base_ms)
        print(f"{'start-up ' + label + ' (ms)':24}{app_ms:14.1f}{base_ms:16.1f}"
              f"{app_ms / base_ms:8.2f}")
        print(f"{'  min..max':24}{min(app_s):7.0f}..{max(app_s):<6.0f}"
              f"{min(base_s):9.0f}..{max(base_s):<6.0f}")
    if counted is not None:
        app_n, base_n = counted
        print(f"{'instructions (M)':24}{app_n / 1e6:14.1f}{base_n / 1e6:16.1f}"
              f"{app_n / base_n:8.2f}")
    print(f"runs: {args.runs} each, alternating, offscreen; "
          f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    # Start-up is judged to the report line: the app's shutdown is cheaper than the
    # baseline's (start-up objects are frozen out of the final garbage collection).
    ratio = ratios[0]
    deb_ok = app_deb_size <= DEB_LIMIT
    startup_ok = ratio <= STARTUP_LIMIT
    print(f"target .deb <= 35 MiB: {'met' if deb_ok else 'MISSED'}; "
          f"start-up within {STARTUP_LIMIT}x: {'met' if startup_ok else 'MISSED'}")
    return 0 if deb_ok and startup_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
