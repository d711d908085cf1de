"""The ``hrher2-aid`` command as a clinician or IT types it (issue 14, items 1 and 8):
mistakes are usage errors that never open a window, ``--version`` and ``--help`` say
what they should, a case file named on the command line opens in the window, and a
system that lacks Qt's X11 libraries is told which, in one line, instead of Qt's abort.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core import __version__
from core.cli import build_parser
from core.evidence import open_store
from desktop import launcher, system_libraries
from tests.conftest import ROOT
from tests.core.test_case import BASE
from tests.core.test_cli import cli

EVIDENCE_VERSION = open_store().version


@pytest.mark.parametrize("args", [
    ["recomend", "case.json"], ["recomend"], ["--frobnicate"], ["-x"], ["--self-tset"],
    ["missing-case.json"], ["--evidence"], ["a.json", "b.json"],
])
def test_unknown_commands_and_options_are_usage_errors_that_open_no_window(
        tmp_path: Path, args: list[str]) -> None:
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(json.dumps(BASE), encoding="utf-8")
    run = cli(*[str(tmp_path / a) if a in ("a.json", "b.json") else a for a in args])
    # cli() fails the run if Qt was loaded: no window was ever on its way
    assert run.returncode == 2, run.stderr
    assert run.stdout == b""
    lines = run.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hrher2-aid: ")
    assert "--help" in lines[0]


@pytest.mark.parametrize("args", [
    ["CASE"], ["recommend", "CASE"],
    ["evidence", "verify", "--evidence", "EVIDENCE"], ["--evidence=", "--self-test"],
    ["evidence", "verify", "--evidence", ""],
])
def test_a_path_that_cannot_be_looked_at_is_one_line_not_a_traceback(
        tmp_path: Path, args: list[str]) -> None:
    """Hostile review H4: an --evidence path or case file that cannot be looked at (a
    name too long here; a folder without permission is the same error) crashed the
    window with two tracebacks, and the command line said "unexpected error" (exit 1).
    An empty --evidence meant the bundled pack on the command line only (H8)."""
    too_long = str(tmp_path / ("n" * 300))
    run = cli(*[{"CASE": too_long + ".json", "EVIDENCE": too_long}.get(a, a) for a in args])
    lines = run.stderr.decode().splitlines()
    assert run.returncode in (2, 3), run.stderr
    assert len(lines) == 1 and lines[0].startswith("hrher2-aid: ") and "rror" not in lines[0]
    if "EVIDENCE" in args:
        assert run.returncode == 3 and "cannot be read" in lines[0]
    elif "CASE" in args:
        assert run.returncode == 2 and "File name too long" in lines[0]
    else:
        assert run.returncode == 2 and "--evidence needs a PATH (it was empty)" in lines[0]


def test_self_test_with_evidence_that_cannot_be_looked_at_fails_in_one_line(
        tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "desktop", "--self-test", "--evidence",
                          str(tmp_path / ("n" * 300))], cwd=ROOT, capture_output=True,
                         timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 3 and b"Traceback" not in run.stderr
    assert run.stdout.decode().startswith("self-test FAILED: evidence store cannot be read")


def test_a_mistyped_command_suggests_the_right_one() -> None:
    run = cli("recomend", "case.json")
    assert b"unknown command 'recomend' (did you mean 'recommend'?)" in run.stderr


@pytest.mark.parametrize("option", ["--version", "-V"])
def test_version_prints_the_app_and_evidence_versions(option: str) -> None:
    run = cli(option)
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode() == f"hrher2-aid {__version__}, evidence {EVIDENCE_VERSION}\n"


def test_version_with_a_broken_store_says_so_and_exits_3(tmp_path: Path) -> None:
    run = cli("--version", "--evidence", str(tmp_path / "none.sqlite"))
    assert run.returncode == 3
    assert run.stdout.decode() == f"hrher2-aid {__version__}\n"
    assert b"evidence store" in run.stderr and b"not found" in run.stderr


def test_help_lists_the_app_self_test_and_exit_codes() -> None:
    run = cli("--help")
    assert run.returncode == 0
    text = run.stdout.decode()
    assert "--self-test" in text and "[CASE.json]" in text and "--version" in text
    for code in "0123":
        assert re.search(rf"^\s+{code}\s+\w", text, re.M), f"exit code {code} not listed"


def test_evidence_alone_names_its_actions() -> None:
    run = cli("evidence")
    assert run.returncode == 2
    names = list(build_parser().commands["evidence"].commands)
    assert "verify" in names
    for name in names:
        assert name.encode() in run.stderr
    assert b"hrher2-aid evidence verify" in run.stderr


def test_the_launcher_knows_every_subcommand_of_the_parser() -> None:
    assert set(build_parser().commands) == launcher.SUBCOMMANDS


def test_a_case_file_named_on_the_command_line_opens_in_the_window(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QApplication

    from desktop import app as app_module

    case = tmp_path / "clinic.json"
    case.write_text(json.dumps({**BASE, "label": "From the command line"}), encoding="utf-8")
    shown: list[Any] = []
    monkeypatch.setattr(QApplication, "exec", lambda self: shown.append(
        [w for w in QApplication.topLevelWidgets() if w.objectName() == "main_window"]) or 0)
    monkeypatch.setattr(app_module, "start_collecting", lambda: None)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # (run() takes it)
    assert app_module.run([str(case)]) == 0
    (window,) = [w for w in shown[0] if w.isVisible()]
    try:
        assert window.questionnaire.answers["label"] == "From the command line"
        assert "From the command line" in window.windowTitle()
        assert window.current_result() is not None
    finally:
        window.setWindowModified(False)
        window.close()


# --- item 1: Qt's X11 libraries ------------------------------------------------------

def test_missing_x11_libraries_are_named_with_the_install_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A minimal Debian without libxcb-icccm4 and libxcb-keysyms1: the launcher names
    them and the apt command in one line, and never reaches Qt."""
    cache = b"glibc-ld.so.cache1.1\0" + b"".join(
        f"{soname}\0/usr/lib/x86_64-linux-gnu/{soname}\0".encode()
        for soname in system_libraries.XCB_LIBRARIES
        if soname not in ("libxcb-icccm.so.4", "libxcb-keysyms.so.1"))
    (tmp_path / "ld.so.cache").write_bytes(cache)
    monkeypatch.setattr(system_libraries, "LD_CACHE", tmp_path / "ld.so.cache")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("LD_LIBRARY_PATH", raising=False)
    import desktop.app

    def no_window(*_args: Any) -> int:
        raise AssertionError("the window was started")

    monkeypatch.setattr(desktop.app, "run", no_window)
    assert launcher.main([]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in err
    assert err.rstrip().endswith("sudo apt install libxcb-icccm4 libxcb-keysyms1")
    assert "libxcb-cursor" not in err  # what Qt's own message wrongly blames


def test_a_library_in_ld_library_path_counts_as_present(tmp_path: Path) -> None:
    (tmp_path / "libxcb-icccm.so.4").write_bytes(b"")
    env = {"DISPLAY": ":0", "LD_LIBRARY_PATH": str(tmp_path)}
    cache = b"".join(f"\0{s}\0".encode() for s in system_libraries.XCB_LIBRARIES
                     if s != "libxcb-icccm.so.4")
    assert system_libraries.window_problem(env, "linux", cache) is None
    assert "libxcb-icccm4" in (system_libraries.window_problem(
        {"DISPLAY": ":0"}, "linux", cache) or "")


@pytest.mark.parametrize(("env", "xcb"), [
    ({}, True), ({"QT_QPA_PLATFORM": "xcb"}, True), ({"QT_QPA_PLATFORM": "offscreen"}, False),
    ({"WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}, True),
    ({"QT_QPA_PLATFORM": "xcb:nomitshm"}, True),
])
def test_the_check_applies_only_where_qt_uses_xcb(env: dict[str, str], xcb: bool) -> None:
    assert system_libraries.uses_xcb(env) is xcb
    problem = system_libraries.window_problem({**env, "DISPLAY": ":0"}, "linux", b"")
    assert (problem is not None) is xcb
    assert system_libraries.window_problem({**env, "DISPLAY": ":0"}, "win32", b"") is None


def test_no_display_is_one_line_not_an_abort() -> None:
    """Without a display Qt aborts (exit 134); the launcher says what to do instead."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    run = subprocess.run([sys.executable, "-m", "desktop"], env=env, cwd=ROOT,
                         capture_output=True, timeout=60, check=False)
    assert run.returncode == 1, run.stderr
    assert run.stderr.decode().splitlines() == [
        "hrher2-aid: no X display to open the window on (DISPLAY is not set); to check "
        "the installation without a screen: QT_QPA_PLATFORM=offscreen hrher2-aid "
        "--self-test"]


def _needed(path: Path) -> set[str]:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))


@pytest.mark.skipif(shutil.which("readelf") is None,
                    reason="readelf (Debian binutils) is needed to read the plugin's links")
def test_the_library_table_covers_what_the_xcb_plugin_links_to() -> None:
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    plugin = qt / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        pytest.skip("this PySide6 has no xcb plugin")
    needed = _needed(plugin) | _needed(qt / "lib" / "libQt6XcbQpa.so.6")
    always_there = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1"}
    system = {n for n in needed if not n.startswith("libQt6")} - always_there
    assert system <= set(system_libraries.XCB_LIBRARIES)


def test_the_library_table_names_the_same_packages_as_the_deb() -> None:
    mapping: dict[str, str] = {}
    for line in (ROOT / "packaging" / "deb" / "depends.txt").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and not line.startswith(("#", "!")):
            mapping[parts[0]] = parts[1].split("|")[0]
    for soname, package in system_libraries.XCB_LIBRARIES.items():
        assert mapping.get(soname) == package, soname


def test_the_readme_names_every_system_package_where_a_newcomer_looks_first() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    command = re.search(r"sudo apt install ([^`]+?)\n```", quick_start, re.S)
    assert command is not None, "no apt install line in the Quick start"
    named = set(command.group(1).replace("\\", " ").split())
    assert set(system_libraries.XCB_LIBRARIES.values()) | {"python3-venv"} <= named
    assert quick_start.index("sudo apt install") < quick_start.index("pip install")


@pytest.mark.parametrize(("args", "code"), [
    (["recommend", "{folder}/no\nsuch.json"], 2),
    (["evidence", "install", "{folder}/pack\x1b[2J.zip"], 3),
    (["no\nsuch-command"], 2),
], ids=["case file", "evidence pack", "app argument"])
def test_a_file_name_with_a_line_break_or_escape_gives_one_line(tmp_path: Path,
                                                                args: list[str],
                                                                code: int) -> None:
    """Hostile review 3, H12: "no<newline>such.json: file not found" came out as two
    lines (and an escape sequence in a name reached the terminal as it was)."""
    run = cli(*(arg.format(folder=tmp_path) for arg in args))
    assert run.returncode == code and b"Traceback" not in run.stderr
    assert run.stderr.count(b"\n") == 1 and b"\x1b" not in run.stderr, run.stderr
    assert b"\\n" in run.stderr or b"\\x1b" in run.stderr


def test_the_self_test_line_stays_one_line(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "desktop", "--self-test", "--evidence",
                          str(tmp_path / "a\nb.sqlite")], cwd=ROOT, capture_output=True,
                         timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 3
    assert run.stdout.decode() == (f"self-test FAILED: evidence store not found: "
                                   f"{tmp_path}/a\\nb.sqlite\n")
