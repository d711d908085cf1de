"""An error nothing caught: a message for the user, the details in the log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop import dialogs, unexpected

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[str, str]]:
    """The messages shown; the log in a temporary folder; a fresh run's state."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "error", lambda _p, title, text: shown.append((title, text)))
    monkeypatch.setattr(unexpected, "log_path", lambda: tmp_path / "log" / "errors.log")
    monkeypatch.setattr(unexpected, "_shown", set())
    return shown


def raised(error: BaseException) -> tuple[type[BaseException], BaseException, Any]:
    try:
        raise error
    except BaseException as caught:  # noqa: BLE001 - the hook's three values
        return type(caught), caught, caught.__traceback__


def test_an_error_is_said_once_and_each_time_logged(
        told: list[tuple[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(3):
        unexpected.handle(*raised(KeyError("receptors")))
    unexpected.handle(*raised(ValueError("another")))
    assert [title for title, _ in told] == ["Unexpected error", "Unexpected error"]
    log = tmp_path / "log" / "errors.log"
    assert "KeyError: 'receptors'" in told[0][1] and str(log) in told[0][1]
    assert "Your answers are still in the window" in told[0][1]
    text = log.read_text(encoding="utf-8")
    assert text.count("Traceback (most recent call last)") == 4
    assert text.count("KeyError: 'receptors'") == 3 and "ValueError: another" in text
    assert capsys.readouterr().err.count("Traceback") == 4  # as before, for a terminal


def test_an_error_while_its_message_is_open_is_only_logged(
        told: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An error in a paint handler comes back at every paint, the message's own
    included: no message on top of a message."""
    def show_and_repaint(_parent: Any, title: str, text: str) -> None:
        told.append((title, text))
        unexpected.handle(*raised(RuntimeError("painted again")))

    monkeypatch.setattr(dialogs, "error", show_and_repaint)
    unexpected.handle(*raised(RuntimeError("painted")))
    assert len(told) == 1
    assert (tmp_path / "log" / "errors.log").read_text(encoding="utf-8").count("Traceback") == 2


def test_a_log_that_cannot_be_written_is_said(
        told: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(unexpected, "log_path", lambda: blocker / "errors.log")
    unexpected.handle(*raised(OSError("disk gone")))
    assert "the details could not be written to the log" in told[0][1]


def test_a_long_log_starts_again(told: list[tuple[str, str]], tmp_path: Path) -> None:
    log = tmp_path / "log" / "errors.log"
    log.parent.mkdir()
    log.write_text("x" * (unexpected.MAX_LOG_BYTES + 1))
    unexpected.handle(*raised(RuntimeError("fresh")))
    assert log.stat().st_size < 10_000 and "RuntimeError: fresh" in log.read_text()


def test_an_error_in_a_slot_of_the_running_app_reaches_the_user(tmp_path: Path) -> None:
    """PySide6 hands an exception raised in a slot to sys.excepthook and carries on:
    with Python's own hook the user saw nothing."""
    code = ("from PySide6.QtCore import QTimer\n"
            "from PySide6.QtWidgets import QApplication\n"
            "qapp = QApplication([])\n"
            "import desktop.app as app\n"
            "from desktop import dialogs\n"
            "dialogs.error = lambda _p, title, text: print('SHOWN', title, '|', text)\n"
            "def boom(): raise RuntimeError('a bug in a slot')\n"
            "QTimer.singleShot(100, boom)\n"
            "QTimer.singleShot(150, boom)\n"
            "QTimer.singleShot(300, QApplication.quit)\n"
            "print('exit', app.run([]))\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_STATE_HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    shown = [line for line in done.stdout.splitlines() if line.startswith("SHOWN")]
    assert len(shown) == 1 and "RuntimeError: a bug in a slot" in shown[0]
    assert done.stdout.splitlines()[-1] == "exit 0"
    log = tmp_path / "hrher2-aid" / "log" / "errors.log"
    assert str(log) in shown[0]
    assert log.read_text(encoding="utf-8").count("RuntimeError: a bug in a slot") == 2


def test_the_docstring_example_holds() -> None:
    import doctest

    outcome = doctest.testmod(unexpected)
    assert outcome.attempted >= 1 and outcome.failed == 0


def test_a_long_error_text_is_cut_in_the_message_and_whole_in_the_log(
        told: list[tuple[str, str]], tmp_path: Path) -> None:
    unexpected.handle(*raised(ValueError("x" * 5000 + " end")))
    assert len(told[0][1]) < 1000 and "x…)" in told[0][1]
    assert "x end" in (tmp_path / "log" / "errors.log").read_text(encoding="utf-8")
