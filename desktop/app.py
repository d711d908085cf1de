"""Start the desktop application, or check an installation with ``--self-test``.

The first window needs only Qt and the case model; reportlab and the case store
load when first used.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

# The Qt-free modules the first window needs load before PySide6 does: once loaded,
# PySide6 reads the source of every module imported after it (its __feature__
# check), start-up time spent on modules that never use Qt. (What the evidence check
# needs is the launcher's to load: see desktop.launcher.)
import core.questionnaire  # noqa: F401 - loaded here for the reason above
import core.result  # noqa: F401 - loaded here for the reason above
import core.session  # noqa: F401 - loaded here for the reason above
from core.console import one_line
from core.evidence.errors import EvidenceError
from desktop.launcher import AppArguments, app_arguments

# isort: split
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    from core.evidence.early import EarlyCheck
    from core.evidence.store import EvidenceStore
    from desktop.main_window import MainWindow

APP_NAME = "hrher2-aid"
ORG_NAME = "hrher2-aid"


def create_main_window(evidence_path: Path | str | None = None,
                       early: EarlyCheck | None = None, *,
                       keep_geometry: bool = True) -> MainWindow:
    """The main window, not yet shown. The evidence pack is verified first (signature
    by an embedded key, whole-file SHA-256, completeness, SQLite checks:
    :func:`core.evidence.load_evidence`), here or by ``early``, the check the launcher
    started in a child process for the same pack; a pack that fails its check gives a
    window that shows the error and recommends nothing (``window.evidence_error`` says
    why). ``keep_geometry``: save the window's size and place when it closes."""
    from desktop import window_state
    from desktop.main_window import MainWindow

    try:
        if early is not None:
            store = early.result()
        else:
            from core.evidence.pack import load_evidence

            store = load_evidence(Path(evidence_path) if evidence_path is not None else None)
    except EvidenceError as exc:
        window = MainWindow(None, str(exc))
    else:
        window = MainWindow(store)
    # Last run's size and place, cut down to fit the screen as it is now (200% scaling,
    # a smaller monitor); kept again when the window closes.
    window_state.restore(window)
    if keep_geometry:
        window_state.GeometryKeeper(window)
    return window


def _application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        from desktop.platform_failure import application

        app = application(lambda: QApplication(sys.argv[:1]))
        app.setApplicationName(APP_NAME)
        app.setOrganizationName(ORG_NAME)
    return app


def _set_window_icon(app: QApplication) -> None:
    """The app icon for the title bar and task switcher (PNG: no SVG plugin needed),
    for every window; once. :func:`run` sets it when the main window has painted: the
    title bar shows it a moment later, and the window comes about 1 ms sooner (PySide6
    builds the QIcon class and its enums on first use)."""
    from PySide6.QtGui import QIcon

    if not app.windowIcon().isNull():
        return
    import resources

    folder = Path(resources.__file__).parent / "icons"
    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256):
        path = folder / f"hrher2-aid-{size}.png"
        if path.exists():
            icon.addFile(str(path))
    app.setWindowIcon(icon)


def start_collecting() -> None:
    """Turn the garbage collector back on after start-up (the launcher turns it off).

    What start-up allocated lives as long as the app; it is frozen (moved where
    collections never scan it) rather than scanned once more for nothing."""
    gc.freeze()
    gc.enable()


class _FirstPaint(QObject):
    """Calls ``then`` (from the event loop) once the watched widget has painted for the
    first time, and stops watching."""

    def __init__(self, widget: QWidget, then: Callable[[], object]) -> None:
        super().__init__(widget)
        self.painted = False
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


def self_test(evidence_path: str | None = None, early: EarlyCheck | None = None) -> int:
    """Open the main window, wait for its first paint, check the evidence store. A check
    of the installation: it leaves the user's saved window size and place alone. An
    error raised in the window's event handling (PySide6 reports it and carries on) is
    a failure too."""
    started = time.perf_counter()
    escaped: list[BaseException] = []

    def _escaped(kind: type[BaseException], error: BaseException,
                 trace: TracebackType | None) -> None:
        escaped.append(error)
        sys.__excepthook__(kind, error, trace)  # the traceback, on standard error

    hook, sys.excepthook = sys.excepthook, _escaped
    try:
        app = _application()
        window = create_main_window(evidence_path, early, keep_geometry=False)
        # (it ends at the first paint: the window icon, set after it, is left out)
        watcher = _FirstPaint(window, app.quit)
        QTimer.singleShot(10_000, app.quit)
        window.show()
        start_collecting()
        app.exec()
        if escaped:
            error = escaped[0]
            _say(f"self-test FAILED: {type(error).__name__}: {error} (an error in the "
                 "window's event handling; the details are on standard error)")
            return 1
        if not watcher.painted:
            _say("self-test FAILED: the main window did not paint within 10 s")
            return 1
        if window.store is None:
            _say(f"self-test FAILED: {window.evidence_error}")
            return 3
        store = window.store
        window.setWindowModified(False)  # nothing was entered: close without asking
        window.close()
        damaged = None if evidence_path is not None else _bundled_problem(store)
        if damaged is not None:
            _say(f"self-test FAILED: the evidence pack bundled with the app fails its "
                 f"check: {damaged} (the program's files are damaged: reinstall the "
                 "package)")
            return 3
    except Exception as exc:  # noqa: BLE001 - IT needs the reason, not a traceback
        _say(f"self-test FAILED: {type(exc).__name__}: {exc}")
        return 1
    finally:
        sys.excepthook = hook
    elapsed = time.perf_counter() - started
    note = f" (note: {store.notice})" if store.notice else ""
    if not _say(f"self-test OK: window painted, evidence {store.version} verified, "
                f"{elapsed * 1000:.0f} ms{note}"):
        return 1
    return 0


def _bundled_problem(store: EvidenceStore) -> str | None:
    """Why the bundled pack fails its check when an installed pack is in use (it is what
    the app falls back to: install review, finding 1); the pack in use is checked
    already, so with the bundled one in use nothing more is loaded or checked."""
    from core.evidence.manifest import bundled_pack

    if store.pack is None or store.pack.folder == bundled_pack():
        return None
    from core.evidence.pack import bundled_problem

    return bundled_problem(store)


def _say(line: str) -> bool:
    """Print the self-test's one line; False (said on stderr) when it cannot be
    written: a verdict nobody can read is no pass (hostile review H5: stdout on a full
    disk gave a traceback at exit)."""
    try:
        sys.stdout.write(one_line(line) + "\n")
        sys.stdout.flush()
    except (OSError, AttributeError):  # (AttributeError: stdout closed, so None)
        import os

        if sys.stdout is not None:  # (closed at start, fd 1 may be another file now)
            with contextlib.suppress(OSError):  # the interpreter's own flush must not fail
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        with contextlib.suppress(OSError, AttributeError):
            sys.stderr.write("hrher2-aid: the self-test's result could not be written "
                             "to standard output\n")
        return False
    return True


def run(args: AppArguments | list[str], early: EarlyCheck | None = None) -> int:
    """The desktop application (or ``--self-test``); ``args`` as the launcher checked
    them, or a list to check; ``early``: the evidence check the launcher started for
    ``args.evidence``. A case file named on the command line is opened."""
    if not isinstance(args, AppArguments):
        args = app_arguments(args)
    if args.self_test:
        return self_test(args.evidence, early)
    app = _application()
    sys.excepthook = _unexpected_error
    window = create_main_window(args.evidence, early)
    # The icon once the window has painted, or after a while if it has not (it may
    # have been started minimised, and the task bar shows the icon).
    _FirstPaint(window, lambda: _set_window_icon(app))
    QTimer.singleShot(PRELOAD_AFTER_MS, lambda: _set_window_icon(app))
    window.show()
    start_collecting()
    problem = evidence_problem(window)
    if problem is not None:
        from desktop import dialogs

        dialogs.error(window, *problem)
    if args.case is not None:
        window.open_path(Path(args.case))
    QTimer.singleShot(PRELOAD_AFTER_MS, preload_saved_cases)
    return app.exec()


def evidence_problem(window: MainWindow) -> tuple[str, str] | None:
    """The title and text of the message the window opens with when its evidence is
    not what it should be: none usable, or an installed update that failed its check
    (the app then uses the pack before it, or the bundled one: review B, M2, it did so
    without a word outside Help ▸ About)."""
    if window.evidence_error:
        return ("Evidence store error",
                f"{window.evidence_error}\n\nNo recommendation will be shown.")
    store = window.store
    if store is None or not store.installed_pack_failed:
        return None
    pack = f" (pack sequence {store.pack.sequence})" if store.pack is not None else ""
    return ("Evidence update not used",
            "An evidence update installed on this computer failed its check, so it is "
            f"not used. In detail: {store.notice}.\n\nThe app uses evidence "
            f"{store.version}{pack}. Tell "
            "your IT department: the installation guide's Troubleshooting section says how "
            "to check and reinstall evidence packs.")


def _unexpected_error(kind: type[BaseException], error: BaseException,
                      trace: TracebackType | None) -> None:
    """An error nothing caught (in a slot or an event handler, PySide6 carries on after
    it): the user is told, the details are kept (:mod:`desktop.unexpected`, loaded
    then)."""
    from desktop.unexpected import handle

    handle(kind, error, trace)


#: when the modules of the saved-cases list load, if it has not been opened by then
PRELOAD_AFTER_MS = 1500


def preload_saved_cases() -> None:
    """Load the saved-cases list's modules once the window is up and idle, so its first
    opening does not wait for them (about 45 ms of imports on top of the list's own
    100 ms target; benchmarks/bench_case_list.py). Start-up itself never loads them."""
    import core.casestore  # noqa: F401 - loaded ahead, for the reason above
    import desktop.case_list  # noqa: F401 - loaded ahead, for the reason above
