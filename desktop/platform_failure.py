"""When Qt cannot start its window system: one line that says so, not Qt's abort.

:func:`desktop.system_libraries.window_problem` catches, before Qt loads, what it can
see from outside (no ``DISPLAY``, a library missing). What it cannot see (a display
that is set but unreachable, an X server that refuses the user, as after ``su`` or
``ssh`` without the X authority; a Wayland session with no XWayland), Qt finds while
its application object is made, and it then aborts (exit 134) with a message that
names ``libxcb-cursor0`` whatever the cause (install review, finding 2). While the
application object is made, :func:`application` listens to Qt's messages: on that
fatal one it writes one ``hrher2-aid:`` line, with Qt's own reason, and exits 1.
Once the object is made, Qt's messages are handled as before.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from core.console import EXIT_OTHER, fail

#: what Qt says on the way that explains nothing (its xcb plugin says it after any
#: failure to connect)
_NOT_THE_REASON = ("xcb-cursor0",)


def message(warnings: list[str], fatal: str) -> str:
    """The one line said for Qt's fatal ``fatal``, after its ``warnings``.

    >>> message(["qt.qpa.xcb: could not connect to display :55",
    ...          "qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed"],
    ...         'Could not load the Qt platform plugin "xcb" in "" even though it was found.')
    ... # doctest: +ELLIPSIS
    'the window cannot open: could not connect to display :55. Check DISPLAY and XAUTHORITY...'
    """
    reasons = [(w.partition(": ")[2] or w).strip() for w in warnings
               if not any(n in w for n in _NOT_THE_REASON)]
    reason = "; ".join(dict.fromkeys(r for r in reasons if r)) or fatal.strip()
    return (f"the window cannot open: {reason}. Check DISPLAY and XAUTHORITY (after su or "
            "ssh the X display may not accept this user; a Wayland desktop needs "
            "XWayland); QT_DEBUG_PLUGINS=1 shows Qt's details. To check the installation "
            "without a screen: QT_QPA_PLATFORM=offscreen hrher2-aid --self-test")


def application(make: Callable[[], Any]) -> Any:
    """``make()`` (the QApplication), with Qt's fatal failure to start its window system
    said in one line (exit 1). Qt's other messages meanwhile are written as Qt writes
    them, once the object is made."""
    from PySide6.QtCore import qInstallMessageHandler

    said: list[tuple[Any, str, str]] = []  # (kind, category, text)

    def _handler(kind: Any, context: Any, text: str) -> None:
        from PySide6.QtCore import QtMsgType  # (only when Qt says something)

        category = getattr(context, "category", None) or "default"
        if kind != QtMsgType.QtFatalMsg:
            said.append((kind, category, text))
            return
        warnings = [f"{c}: {t}" for k, c, t in said
                    if c.startswith("qt.qpa") and k in (QtMsgType.QtWarningMsg,
                                                        QtMsgType.QtCriticalMsg)]
        if os.environ.get("QT_DEBUG_PLUGINS"):  # asked for: Qt's details, then our line
            _write(said)
        fail(message(warnings, text), EXIT_OTHER)
        sys.stderr.flush()
        os._exit(EXIT_OTHER)  # (Qt aborts as soon as this returns)

    previous = qInstallMessageHandler(_handler)
    try:
        return make()
    finally:
        qInstallMessageHandler(previous)
        _write(said)


def _write(said: list[tuple[Any, str, str]]) -> None:
    """Qt's messages as its own handler writes them: ``category: text``, or the text
    alone in the default category."""
    for _, category, text in said:
        sys.stderr.write(text + "\n" if category == "default" else f"{category}: {text}\n")
