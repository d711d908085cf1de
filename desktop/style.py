"""The keyboard focus, made plain to see.

The platform style marks focus with a faint dotted line (or nothing, on a radio button
after Next): a keyboard user loses their place. :func:`mark_focus` gives whichever
control has the focus, in any window of the app, the same clear mark: a 2 px ring in
:data:`FOCUS_COLOUR` just outside the control (contrast above 3:1 against white and
the grey window background, as WCAG 2.2's focus appearance asks).

The ring is one small widget (a :class:`QFocusFrame`: transparent to the mouse, never
focused itself) filled with the colour and masked to a ring, moved to each control
that takes the focus and kept on it as it moves or scrolls. It lives in the window, in
the scroll area's viewport that shows the control, or in the nearest container marked
with :data:`RING_HOLDER`: there it is clipped where the control is, and drawn above it.

Why not a style sheet, or QFocusFrame as Qt places it: a style sheet on the main window
drew this mark before, but it sends every widget of the window through Qt's
style-sheet engine: 19 M of the 820 M instructions of start-up (valgrind). QFocusFrame
places itself under the control, where the control's container clips it, unless the
style says otherwise, and a style written in Python costs PySide 10 ms the first time it
is called. The marked container spares start-up a walk up to a viewport that Qt made:
PySide's first wrapper for such a widget costs about 9 ms.

    >>> FOCUS_COLOUR, RING
    ('#1f5fbf', 2)
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, QRect
from PySide6.QtGui import QColor, QPalette, QRegion
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QFocusFrame, QWidget

FOCUS_COLOUR = "#1f5fbf"
RING = 2  # px, outside the control
#: the ring's object name (for tests and Qt's own inspection tools)
FOCUS_MARK = "focus_mark"
#: a widget property: the ring of a control inside this container lives in it
RING_HOLDER = "focus_ring_holder"
_FOLLOWING = "hrher2_aid_focus_marked"  # an application property: connected once
_PLACE_ON = frozenset({QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show,
                       QEvent.Type.Hide})


class FocusRing(QFocusFrame):
    """The ring around the control that has the focus. It watches the control and the
    containers between it and the ring's own parent: a page scrolling in its scroll
    area moves the page, not the control."""

    def __init__(self, holder: QWidget) -> None:
        super().__init__(holder)
        self.setObjectName(FOCUS_MARK)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(FOCUS_COLOUR))
        self.setPalette(palette)
        self.hide()
        self.control: QWidget | None = None
        self._watched: list[QWidget] = []

    def follow(self, control: QWidget | None) -> None:
        """Put the ring around ``control`` (None: take it away)."""
        for watched in self._watched:
            if shiboken6.isValid(watched):
                watched.removeEventFilter(self)
        self._watched = []
        self.control = control
        if control is None:
            self.hide()
            return
        holder = _holder(control)
        widget: QWidget | None = control
        while widget is not None and widget is not holder:
            widget.installEventFilter(self)
            self._watched.append(widget)
            widget = widget.parentWidget()
        if self.parentWidget() is not holder:
            self.setParent(holder)
        self.place()

    def place(self) -> None:
        """Fit the ring to where the control is now."""
        control, holder = self.control, self.parentWidget()
        if control is None or holder is None or not control.isVisible():
            self.hide()
            return
        outer = QRect(control.mapTo(holder, QPoint(0, 0)), control.size())
        outer.adjust(-RING, -RING, RING, RING)
        self.setGeometry(outer)
        inside = QRect(RING, RING, outer.width() - 2 * RING, outer.height() - 2 * RING)
        self.setMask(QRegion(self.rect()).subtracted(QRegion(inside)))
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _PLACE_ON:
            self.place()
        return False


def _holder(control: QWidget) -> QWidget:
    """Where the ring of ``control`` lives (see the module's docstring)."""
    widget = control.parentWidget()
    while widget is not None and not widget.isWindow():
        if widget.property(RING_HOLDER):
            return widget
        area = widget.parentWidget()
        if isinstance(area, QAbstractScrollArea) and area.viewport() is widget:
            return widget
        widget = area
    return widget if widget is not None else control.window()


_ring: list[FocusRing] = []  # the one ring (it goes with the window it is in)


def mark_focus() -> None:
    """From now on, the control with the keyboard focus carries the focus ring, in
    every window (dialogs included). Calling it again changes nothing."""
    app = QApplication.instance()
    if not isinstance(app, QApplication) or app.property(_FOLLOWING):
        return
    app.setProperty(_FOLLOWING, True)
    app.focusChanged.connect(_focus_changed)
    _focus_changed(None, app.focusWidget())


def focus_ring() -> FocusRing | None:
    """The ring, once a control has had the focus (and while its window lives)."""
    if _ring and shiboken6.isValid(_ring[0]):
        return _ring[0]
    return None


def _focus_changed(_old: QWidget | None, new: QWidget | None) -> None:
    ring = focus_ring()
    if new is None or new.isWindow():
        if ring is not None:
            ring.follow(None)
        return
    if ring is None:
        _ring[:] = [ring := FocusRing(_holder(new))]
    ring.follow(new)
