"""The focus ring (desktop.style): around the control with the keyboard focus, in every
window, above the control and clipped where the control is; it keeps to the control
as the page scrolls and the window resizes, and it survives the windows it visits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStyleFactory,
    QVBoxLayout,
)

from desktop.style import FOCUS_COLOUR, RING, focus_ring
from tests.desktop.drive import fill_step


def _is_focus_colour(c: QColor) -> bool:
    target = QColor(FOCUS_COLOUR)
    return (abs(c.red() - target.red()) + abs(c.green() - target.green())
            + abs(c.blue() - target.blue())) < 60


def ring_pixels(widget: Any, *, inside: bool = False) -> int:
    """Pixels of the focus colour in the control's rectangle and the ring's width
    around it, as the window shows them (``inside``: in the control's rectangle only)."""
    window = widget.window()
    area = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    if not inside:
        area.adjust(-RING, -RING, RING, RING)
    image = window.grab(area).toImage()
    return sum(_is_focus_colour(image.pixelColor(x, y))
               for y in range(image.height()) for x in range(image.width()))


def _focus(qtbot: Any, widget: Any) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=2000)
    QApplication.processEvents()


def _ring_geometry_matches(widget: Any) -> bool:
    ring = focus_ring()
    if ring is None or not ring.isVisible() or ring.control is not widget:
        return False
    holder = ring.parentWidget()
    expected = QRect(widget.mapTo(holder, QPoint(0, 0)), widget.size())
    return ring.geometry() == expected.adjusted(-RING, -RING, RING, RING)


def test_the_first_choice_has_the_ring_and_its_inside_is_left_alone(qtbot: Any,
                                                                   window: Any) -> None:
    """The ring goes around the control: the control's own pixels are not covered."""
    first = window.findChild(QRadioButton, "receptors.hr=positive")
    _focus(qtbot, first)
    assert _ring_geometry_matches(first)
    # It lives in the page stack that the questionnaire marks: finding a place higher up
    # would wrap the scroll area's viewport, about 9 ms of start-up (see desktop.style).
    assert focus_ring().parentWidget() is window.questionnaire.stack
    perimeter = 2 * (first.width() + first.height())
    assert ring_pixels(first) >= perimeter * RING * 0.9
    assert ring_pixels(first, inside=True) == 0
    first.clearFocus()
    qtbot.waitUntil(lambda: not first.hasFocus(), timeout=2000)
    QApplication.processEvents()
    assert not focus_ring().isVisible()
    assert ring_pixels(first) == 0


def test_the_ring_keeps_to_the_control_when_the_page_scrolls(qtbot: Any,
                                                            window: Any) -> None:
    window.resize(900, 360)  # the disease step no longer fits: its page scrolls
    fill_step(qtbot, window, {"receptors.hr": "positive", "receptors.her2": "positive"})
    fill_step(qtbot, window, {"setting": "first_line"})
    last = window.findChild(QRadioButton, "disease.rapidly_progressive=false")
    _focus(qtbot, last)
    bar = window.questionnaire._scroll.verticalScrollBar()
    assert bar.maximum() > 0, "the page should scroll at this size"
    for value in (bar.minimum(), bar.maximum()):
        bar.setValue(value)
        QApplication.processEvents()
        assert _ring_geometry_matches(last)
    window.resize(1100, 700)
    QApplication.processEvents()
    assert _ring_geometry_matches(last)


def _dialog_with_a_box(qtbot: Any, window: Any) -> tuple[QDialog, QLineEdit]:
    dialog = QDialog(window)
    box = QLineEdit(dialog)
    QVBoxLayout(dialog).addWidget(box)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    _focus(qtbot, box)
    return dialog, box


def test_the_ring_follows_into_a_dialog_and_back_and_outlives_it(qtbot: Any,
                                                                window: Any) -> None:
    first = window.findChild(QRadioButton, "receptors.hr=positive")
    _focus(qtbot, first)
    dialog, box = _dialog_with_a_box(qtbot, window)
    assert _ring_geometry_matches(box) and focus_ring().window() is dialog
    assert ring_pixels(box) >= 2 * (box.width() + box.height()) * RING * 0.9
    # The dialog closes (hidden, as accept() does): the focus goes back to the window,
    # and the same ring with it, out of the dialog before the dialog is deleted.
    ring = focus_ring()
    dialog.hide()
    window.activateWindow()
    _focus(qtbot, first)
    assert _ring_geometry_matches(first) and focus_ring() is ring
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=2000)
    assert focus_ring() is ring and _ring_geometry_matches(first)

    # A dialog that goes while the ring is in it takes the ring with it (the ring is its
    # child then): the next control to take the focus gets a new ring.
    dialog, box = _dialog_with_a_box(qtbot, window)
    assert focus_ring() is ring and ring.window() is dialog
    dialog.setParent(None)
    dialog.deleteLater()
    qtbot.waitUntil(lambda: focus_ring() is None or focus_ring().window() is not dialog,
                    timeout=2000)
    assert not shiboken6.isValid(ring) and focus_ring() is None
    window.activateWindow()
    _focus(qtbot, first)
    assert focus_ring() is not None
    assert _ring_geometry_matches(first)


@pytest.fixture(params=QStyleFactory.keys())
def style(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each widget style this Qt offers (on Linux: Fusion and Qt's classic Windows style;
    the native Windows styles exist only in Qt for Windows)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.style().name()
    app.setStyle(request.param)
    yield request.param
    app.setStyle(before)


def _drawn_over(control: Any) -> bool:
    """Whether the ring changes any pixel of the control itself, as the window shows it
    (the window grabbed with the ring, then without it)."""
    window, ring = control.window(), focus_ring()
    area = QRect(control.mapTo(window, QPoint(0, 0)), control.size())
    with_ring = window.grab(area).toImage()
    ring.hide()
    without = window.grab(area).toImage()
    ring.show()
    return bool(with_ring != without)


def test_the_ring_surrounds_each_kind_of_control_in_every_style(qtbot: Any, style: str,
                                                               window: Any) -> None:
    """Every style draws its controls its own size and way, some with a focus mark of
    their own (Fusion's blue edge in a text box): the ring still goes around a choice, a
    number box and a button, and draws nothing over them."""
    assert window.style().name().lower() == style.lower()
    fill_step(qtbot, window, {"receptors.hr": "positive", "receptors.her2": "positive"})
    fill_step(qtbot, window, {"setting": "after_induction"})
    fill_step(qtbot, window, {"disease.visceral": False, "disease.symptomatic": False,
                              "disease.visceral_crisis": False,
                              "disease.rapidly_progressive": False})
    choice = window.findChild(QRadioButton, "chemotherapy.maximal_response=true")
    months = window.findChild(QLineEdit, "chemotherapy.months_given")
    back = window.findChild(QPushButton, "back")
    for control in (choice, months, back):
        assert control is not None and control.isVisible()
        _focus(qtbot, control)
        name = control.objectName()
        assert _ring_geometry_matches(control), name
        around = ring_pixels(control) - ring_pixels(control, inside=True)
        assert around >= 2 * (control.width() + control.height()) * RING * 0.9, name
        assert not _drawn_over(control), name
