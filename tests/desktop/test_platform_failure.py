"""Qt's failure to start its window system, said in one line (install review, finding 2:
an unreachable display gave Qt's abort, exit 134, naming libxcb-cursor0)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.platform_failure import message
from desktop.system_libraries import window_problem

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**environ, **env},
                          capture_output=True, text=True, timeout=60)


def _free_display() -> str:
    """An X display number nothing listens on."""
    for number in range(57, 99):
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            return f":{number}"
    pytest.skip("no free X display number")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11")
def test_an_unreachable_display_is_one_line_and_exit_1() -> None:
    display = _free_display()
    if window_problem({"DISPLAY": display}) is not None:
        pytest.skip("Qt's X11 plugin cannot load here at all (window_problem says why)")
    done = _python("from desktop.launcher import main; raise SystemExit(main([]))",
                   DISPLAY=display)
    assert done.returncode == 1, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"hrher2-aid: the window cannot open: could not connect to "
                           f"display {display}. Check DISPLAY and XAUTHORITY")
    assert "xcb-cursor0" not in line and "QT_QPA_PLATFORM=offscreen" in line


@pytest.mark.parametrize("debug", [False, True])
def test_a_fatal_message_while_the_application_is_made_ends_in_our_line(debug: bool) -> None:
    """What Qt said before the fatal message is not repeated; asked for with
    QT_DEBUG_PLUGINS=1 (as the line advises), it comes first (it was dropped: install
    review, helper 37)."""
    code = ("from PySide6.QtCore import qFatal, qWarning\n"
            "from desktop.platform_failure import application\n"
            "def make():\n"
            "    qWarning('a detail of the plugin search')\n"
            "    qFatal('the platform refused')\n"
            "application(make)\n")
    done = _python(code, QT_QPA_PLATFORM="offscreen",
                   **({"QT_DEBUG_PLUGINS": "1"} if debug else {}))
    assert done.returncode == 1, done.stderr
    *before, line = done.stderr.splitlines()
    if debug:  # (PySide6's qFatal also says its text before the fatal message)
        assert before[0] == "a detail of the plugin search"
    else:
        assert before == []
    assert line.startswith("hrher2-aid: the window cannot open: ")
    assert line.endswith("To check the installation without a screen: "
                         "QT_QPA_PLATFORM=offscreen hrher2-aid --self-test")


def test_qts_other_messages_are_written_once_the_application_is_made() -> None:
    """And Qt's own handling is back afterwards (a warning then is Qt's to write)."""
    code = ("from PySide6.QtCore import qWarning\n"
            "from PySide6.QtWidgets import QApplication\n"
            "from desktop.platform_failure import application\n"
            "def make():\n"
            "    qWarning('said while made')\n"
            "    return QApplication([])\n"
            "app = application(make)\n"
            "print(type(app).__name__, flush=True)\n"
            "qWarning('said after')\n")
    done = _python(code, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["QApplication"]
    assert done.stderr.splitlines() == ["said while made", "said after"]


def test_the_misleading_library_line_is_not_given_as_the_reason() -> None:
    said = message(["qt.qpa.xcb: could not connect to display ",
                    "qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed"],
                   "Could not load the Qt platform plugin")
    assert said.startswith("the window cannot open: could not connect to display. Check")
    assert "cursor" not in said
