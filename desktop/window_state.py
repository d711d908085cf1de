"""The main window's size and position, kept between runs and always on screen.

Saved in the settings file when the window closes; restored when it is made, but only
as far as it fits the screen it lands on now (a laptop undocked from a large monitor,
or a display at 200% scaling, must never get a window larger than its screen, or one
off its edge). Without a saved geometry the window opens at its preferred size, cut
down to the available screen area and centred on it.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop import settings

KEY = "window/geometry"
#: the main window's preferred size when nothing was saved and the screen allows it
PREFERRED = QSize(1260, 780)


def available_area(widget: QWidget) -> QRect:
    """The available geometry of the screen the widget is on (or the primary one)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)


def _was_resized(widget: QWidget) -> bool:
    """Whether the widget was given a size (else Qt gives it its size hint when shown).
    Imported here: QtCore's Qt namespace costs start-up time (tests/desktop/test_app)."""
    from PySide6.QtCore import Qt

    return widget.testAttribute(Qt.WidgetAttribute.WA_Resized)


def fit_to_screen(widget: QWidget, preferred: QSize | None = None) -> None:
    """Resize ``widget`` (frame included) to fit its screen's available area, and move
    it so that all of it is on that screen. ``preferred``: the size wanted when it fits.
    """
    area = available_area(widget)
    frame = widget.frameGeometry()
    # The window frame (title bar, borders) is known only once shown; before that,
    # leave room for a typical one.
    extra_w = max(frame.width() - widget.width(), 0) or 16
    extra_h = max(frame.height() - widget.height(), 0) or 40
    if preferred is not None:
        wanted = preferred
    elif _was_resized(widget):
        wanted = widget.size()  # a size the widget was given
    else:
        wanted = widget.sizeHint()  # what Qt would give it when shown
    wanted = wanted.expandedTo(widget.minimumSize())
    width = max(min(wanted.width(), area.width() - extra_w), 1)
    height = max(min(wanted.height(), area.height() - extra_h), 1)
    minimum = widget.minimumSize()
    if minimum.width() > width or minimum.height() > height:
        widget.setMinimumSize(min(minimum.width(), width), min(minimum.height(), height))
    widget.resize(width, height)
    x = max(min(widget.x(), area.right() + 1 - width - extra_w), area.left())
    y = max(min(widget.y(), area.bottom() + 1 - height - extra_h), area.top())
    if (x, y) != (widget.x(), widget.y()):  # moved only when off the screen: a move
        widget.move(x, y)                  # before showing would shift by the frame


def restore(window: QWidget) -> None:
    """The saved geometry if there is one, then made to fit the screen as it is now."""
    qs = settings.store()
    saved = qs.value(KEY) if qs is not None else None
    if isinstance(saved, QByteArray) and not saved.isEmpty():
        window.restoreGeometry(saved)
        fit_to_screen(window, window.size())
    else:
        area = available_area(window)
        fit_to_screen(window, PREFERRED)
        window.move(area.left() + max((area.width() - window.frameGeometry().width()) // 2, 0),
                    area.top() + max((area.height() - window.frameGeometry().height()) // 2,
                                     0))


def save(window: QWidget) -> None:
    qs = settings.store()
    if qs is None:
        return  # a settings file that cannot be used (settings.problem): not kept
    qs.setValue(KEY, window.saveGeometry())
    qs.sync()


class GeometryKeeper(QObject):
    """Saves the window's geometry when it closes (installed by create_main_window)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # Seen before the window's closeEvent, which may still keep it open (unsaved
        # changes): the geometry is worth keeping either way.
        if (event.type() == QEvent.Type.Close and isinstance(watched, QWidget)
                and watched.isVisible()):
            save(watched)
        return False
