"""An error no part of the app expected (a bug): said in a message, its details kept.

PySide6 hands an exception raised in a slot or an event handler that its event loop
called to ``sys.excepthook``, and carries on (one raised while Python itself called
into Qt comes back to that call, as a RuntimeError). Left to Python's own hook, the
traceback went to a terminal a clinic's user never sees, and what they had asked for
(a save, an export) had silently not happened. :func:`desktop.app.run` makes
:func:`handle` the hook (this module loads only when an error comes): the user is told,
in one message, that something went wrong and that their answers are still in the
window; the traceback is still written to standard error, and is appended to
``errors.log`` in the user's log folder (platformdirs' ``user_log_dir``: on Linux
``~/.local/state/hrher2-aid/log``, on Windows ``%LOCALAPPDATA%\\hrher2-aid\\Logs``), for
IT or the maintainers. It stays on the machine; a case holds no name or identifier.

The same error (its type and message) is shown once a run, and never while its message
is still open: an error in a paint handler would otherwise come back at every paint.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Final

#: the log is started again once it has grown past this (it holds details, not records)
MAX_LOG_BYTES: Final = 1_000_000
LOG_NAME: Final = "errors.log"
#: the most of an error's own text the message shows
MAX_SAID: Final = 300

_shown: set[tuple[str, str]] = set()
_showing = False


def log_path() -> Path:
    """Where the details are kept (the folder is made when first written)."""
    from platformdirs import user_log_dir

    return Path(user_log_dir("hrher2-aid", appauthor=False)) / LOG_NAME


def _kept(details: str) -> Path | None:
    """Append ``details`` to the log; its path, or None if it could not be written."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = "w" if path.exists() and path.stat().st_size > MAX_LOG_BYTES else "a"
        with open(path, mode, encoding="utf-8", errors="replace") as log:
            log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S %z')}\n{details}\n")
    except OSError:
        return None
    return path


def message(error: BaseException, log: Path | None) -> str:
    """What the user is told.

    >>> print(message(KeyError("x"), None))  # doctest: +NORMALIZE_WHITESPACE
    Something went wrong that the app did not expect (KeyError: 'x'). What you were
    doing may not have finished: if you were saving or exporting, check that it was
    done, and do it again if not. Your answers are still in the window. Please tell IT
    or the app's maintainers what you were doing (the details could not be written to
    the log).
    """
    where = (f"the details are in {log}" if log is not None
             else "the details could not be written to the log")
    said = str(error)
    if len(said) > MAX_SAID:  # (the log has all of it)
        said = said[:MAX_SAID] + "…"
    return (f"Something went wrong that the app did not expect ({type(error).__name__}: "
            f"{said}). What you were doing may not have finished: if you were saving or "
            "exporting, check that it was done, and do it again if not. Your answers are "
            "still in the window. Please tell IT or the app's maintainers what you were "
            f"doing ({where}).")


def handle(kind: type[BaseException], error: BaseException,
           trace: TracebackType | None) -> None:
    """The hook: standard error and the log get the traceback, the user a message."""
    global _showing
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    import traceback

    details = "".join(traceback.format_exception(kind, error, trace))
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):  # (a closed or full stream)
            sys.stderr.write(details)
    log = _kept(details)
    key = (kind.__name__, str(error))
    if _showing or key in _shown:
        return
    _shown.add(key)
    _showing = True
    try:
        from PySide6.QtWidgets import QApplication

        from desktop import dialogs

        app = QApplication.instance()
        parent = app.activeWindow() if isinstance(app, QApplication) else None
        dialogs.error(parent, "Unexpected error", message(error, log))
    except Exception:  # noqa: BLE001 - the hook itself must never raise
        pass
    finally:
        _showing = False

