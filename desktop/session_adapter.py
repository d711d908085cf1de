"""The one Qt adapter between a :class:`core.session.CaseSession` and the widgets.

The session (Qt-free) holds the case; this turns its change notifications into a Qt
signal, so views redraw from the session in Qt's own way (queued, parented, cleaned
up with the window). Nothing here holds state of its own.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from core.session import CaseSession


class SessionAdapter(QObject):
    """Emits ``changed`` after every change of ``session``."""

    changed = Signal()

    def __init__(self, session: CaseSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        session.subscribe(self._notify)

    def _notify(self) -> None:
        self.changed.emit()
