"""The page template both documents share: fonts, header, footer, QR code, metadata.

Every page carries the product and evidence versions at the top and, at the bottom,
"Page X of Y", the case's SHA-256 and a QR code holding the case hash and evidence
version, so a printed page can be matched to its inputs. The total page count is
only known at the end, so the canvas keeps each page's state and draws the footers
when the document is saved.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
)

import resources
from core.report.errors import ReportError

FONT: Final = "DejaVuSans"
FONT_BOLD: Final = "DejaVuSans-Bold"
FONTS_DIR: Final = Path(resources.__file__).parent / "fonts"
PRODUCT: Final = "hrher2-aid"
PAGE: Final = A4
MARGIN: Final = 18 * mm
HEADER_H: Final = 14 * mm
FOOTER_H: Final = 30 * mm
QR_SIZE: Final = 24 * mm
TOP_MARGIN: Final = MARGIN + HEADER_H - 6 * mm
BOTTOM_MARGIN: Final = MARGIN + FOOTER_H - 8 * mm
BODY_HEIGHT: Final = PAGE[1] - TOP_MARGIN - BOTTOM_MARGIN  # the frame's height


def product_version() -> str:
    """The application's version (one source: ``core.__version__``)."""
    from core import __version__

    return __version__


def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold) once; reportlab embeds TrueType subsets."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    # Binary (Flate-only) streams instead of ASCII85 text: smaller files, and ASCII85
    # encoding in pure Python was a tenth of the time of a summary. Process-wide, but
    # only this package makes PDFs.
    rl_config.useA85 = 0
    try:
        pdfmetrics.registerFont(TTFont(FONT, str(FONTS_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    except (OSError, ValueError) as exc:
        raise ReportError(f"the report font cannot be loaded from {FONTS_DIR}: {exc}") from None
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)


_PRINTABLE: dict[str, frozenset[str]] = {}


def _printable(font: str) -> frozenset[str]:
    """Characters the font has glyphs for (read once per font: the font file's own)."""
    cached = _PRINTABLE.get(font)
    if cached is None:
        register_fonts()
        cached = _PRINTABLE[font] = frozenset(
            map(chr, pdfmetrics.getFont(font).face.charToGlyph))
    return cached


def missing_glyphs(text: str, font: str = FONT) -> set[str]:
    """Characters of ``text`` the font has no glyph for (reportlab would print boxes;
    its ``warnOnMissingFontGlyphs`` covers Type 1 fonts only, so check here).
    Whitespace is not counted: :func:`plain` prints every kind as a space."""
    return {c for c in set(text).difference(_printable(font)) if not c.isspace()}


def missing_glyphs_any(text: str) -> set[str]:
    """Characters of ``text`` that the regular or the bold font cannot print."""
    return missing_glyphs(text) | missing_glyphs(text, FONT_BOLD)


_OTHER_SPACE: Final = re.compile(r"[^\S ]")


def plain(text: str) -> str:
    """``text`` with every whitespace character that is not a space (tab, carriage
    return, line feed, the separators U+001C-U+001F, U+0085, U+2028, the ideographic
    space U+3000...) printed as a space: the font has no glyph for most of them, and
    a table cell would show each as a box.

    >>> plain("a\\tb\\x1fc\\u3000d")
    'a b c d'
    """
    return _OTHER_SPACE.sub(" ", text)


def checked(text: str) -> str:
    """``text`` escaped for a Paragraph, after making sure every character prints
    in both the regular and the bold font (whitespace printed as spaces)."""
    missing = missing_glyphs_any(text)
    if missing:
        shown = ", ".join(f"U+{ord(c):04X}" for c in sorted(missing))
        raise ReportError(f"the report font cannot print these characters: {shown}")
    return escape(plain(text))


class _WholePara(Paragraph):  # type: ignore[misc]  # reportlab is untyped
    """A paragraph kept whole: one that does not fit in the space left on a page moves
    on to the next, as in ``KeepTogether([paragraph])`` but without KeepTogether's
    copy of the frame on every wrap. One taller than a page still splits."""

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        if self.wrap(avail_width, avail_height)[1] <= BODY_HEIGHT:
            return []
        parts: list[Flowable] = super().split(avail_width, avail_height)
        return parts


def para(text: str, style: Any, bold_prefix: str = "", bullet: str | None = None,
         *, whole: bool = False) -> Paragraph:
    """A new Paragraph (never reused) whose text is glyph-checked and escaped; with
    ``whole``, never split over a page break (unless taller than a page)."""
    body = checked(text)
    if bold_prefix:
        body = f"<b>{checked(bold_prefix)}</b> {body}"
    kind = _WholePara if whole else Paragraph
    return kind(body, style, bulletText=checked(bullet) if bullet else None)


def keep_headings(story: Sequence[Flowable]) -> list[Flowable]:
    """Bind each heading (a paragraph whose style name starts with ``heading``) to what
    follows, so no heading is left alone at the foot of a page. (The style's own
    ``keepWithNext`` pushed whole sections to new pages inside KeepTogether.)"""
    out: list[Flowable] = []
    held: list[Flowable] = []
    for flowable in story:
        style = getattr(flowable, "style", None)
        if isinstance(flowable, Paragraph) and getattr(style, "name", "").startswith("heading"):
            held.append(flowable)
            continue
        if held:
            # never nest KeepTogether: an inner one reports a huge height to the outer
            inner = flowable._content if isinstance(flowable, KeepTogether) else [flowable]
            flowable = KeepTogether([*held, *inner])
        out.append(flowable)
        held = []
    return out + held


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """Who and when a document is for; the app passes these from its settings."""

    clinician: str | None = None
    institution: str | None = None
    when: datetime = field(default_factory=lambda: datetime.now().astimezone())
    #: print the case label on the patient handout (off unless the clinician asks)
    label_on_handout: bool = False

    def date_text(self) -> str:
        return self.when.strftime("%Y-%m-%d %H:%M")

    def plain_date_text(self) -> str:
        """For the patient handout: "2 December 2026, 10:35"."""
        return f"{plain_date(self.when)}, {self.when:%H:%M}"


_MONTHS: Final = ("January", "February", "March", "April", "May", "June", "July",
                  "August", "September", "October", "November", "December")

#: When a document says it was made: the summary's "2026-12-02 10:35", the handout's
#: "2 December 2026, 10:35" and "2 December 2026". What a comparison of two runs'
#: documents leaves out (the runs may straddle a minute).
PRINTED_WHEN: Final = re.compile(r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b|\b\d{1,2} ("
                                 + "|".join(_MONTHS) + r") \d{4}(, \d{2}:\d{2})?")


def plain_date(when: datetime) -> str:
    """The date in words, in English whatever the machine's locale: strftime's %B
    follows the locale Qt sets at start-up, and would put a French month in an English
    handout.

    >>> plain_date(datetime(2026, 12, 2))
    '2 December 2026'
    """
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


def reference_code(case_sha256: str) -> str:
    """The short code the handout prints instead of the 64-character hash (the summary
    prints it beside the hash, so the two documents match by eye): the first eight hex
    digits, grouped. The QR code and the PDF's keywords carry the whole hash.

    >>> reference_code("1a2b3c4d" + "0" * 56)
    '1A2B-3C4D'
    """
    head = case_sha256[:8].upper()
    return f"{head[:4]}-{head[4:]}"


@dataclass(frozen=True, slots=True)
class PageMarks:
    """What the header and footer print on every page."""

    title: str
    case_sha256: str
    evidence_version: str
    footer_note: str
    footer_size: float = 7.5
    evidence_pack: str = ""  # the signed pack's identity (Result.evidence_pack)
    #: a short reference code printed instead of the case's 64-character hash (the
    #: patient handout); the QR code and the PDF keywords still carry the whole hash
    reference: str = ""

    def qr_payload(self) -> str:
        return f"{PRODUCT};case-sha256={self.case_sha256};evidence={self.evidence_version}"


def _draw_header(canvas: Canvas, marks: PageMarks) -> None:
    width, height = PAGE
    top = height - MARGIN + 4 * mm
    canvas.saveState()
    canvas.setFont(FONT_BOLD, 9)
    canvas.drawString(MARGIN, top, marks.title)
    canvas.setFont(FONT, 8)
    canvas.drawRightString(
        width - MARGIN, top,
        f"{PRODUCT} {product_version()} · evidence {marks.evidence_version}",
    )
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, top - 2.5 * mm, width - MARGIN, top - 2.5 * mm)
    canvas.restoreState()


_QR_FORM: Final = "case-qr"
QR_BORDER: Final = 4  # modules of quiet zone, as the QR standard asks


def _define_qr_form(canvas: Canvas, payload: str) -> None:
    """Draw the QR code (reportlab's own encoder and widget, error correction M) once,
    as a form XObject that every page reuses: once per document is enough, and the
    file is smaller."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Group, Rect

    widget = QrCodeWidget(payload, barLevel="M", barBorder=QR_BORDER)
    x1, y1, x2, y2 = widget.getBounds()
    canvas.beginForm(_QR_FORM)
    canvas.saveState()
    canvas.scale(QR_SIZE / (x2 - x1), QR_SIZE / (y2 - y1))
    canvas.translate(-x1, -y1)
    canvas.setFillColorRGB(0, 0, 0)
    # The widget's own shapes (its dark modules as rectangles), drawn straight onto the
    # canvas: renderPDF would also name a font (Helvetica) that the document never
    # embeds.
    shapes = [widget.draw()]
    while shapes:
        shape = shapes.pop()
        if isinstance(shape, Group):
            shapes += shape.contents
        elif isinstance(shape, Rect) and shape.fillColor is not None:
            canvas.rect(shape.x, shape.y, shape.width, shape.height, stroke=0, fill=1)
    canvas.restoreState()
    canvas.endForm()


def _draw_footer(canvas: Canvas, marks: PageMarks, page: int, total: int) -> None:
    width, _ = PAGE
    base = MARGIN - 8 * mm
    canvas.saveState()
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, base + QR_SIZE + 1.5 * mm, width - MARGIN, base + QR_SIZE + 1.5 * mm)
    size = marks.footer_size
    canvas.setFont(FONT_BOLD, size + 1.5)
    # a page that ends part-way down (a block kept together moved to the next) must
    # not read as the end of the document
    canvas.drawString(MARGIN, base + QR_SIZE - 5 * mm, f"Page {page} of {total}"
                      + (" · continued on the next page" if page < total else ""))
    canvas.setFont(FONT, size)
    canvas.drawString(MARGIN, base + QR_SIZE - 5 * mm - 1.6 * size,
                      f"Reference code: {marks.reference}" if marks.reference
                      else f"Case SHA-256: {marks.case_sha256}")
    canvas.drawString(MARGIN, base + QR_SIZE - 5 * mm - 3.2 * size,
                      f"Evidence version: {marks.evidence_version}"
                      + (f" · {marks.evidence_pack}" if marks.evidence_pack else ""))
    canvas.drawString(MARGIN, base + QR_SIZE - 5 * mm - 4.8 * size, marks.footer_note)
    # a class attribute: the canvas swaps its instance state page by page at save time
    if not getattr(type(canvas), "qr_defined", False):
        _define_qr_form(canvas, marks.qr_payload())
        type(canvas).qr_defined = True
    canvas.saveState()
    canvas.translate(width - MARGIN - QR_SIZE, base)
    canvas.doForm(_QR_FORM)
    canvas.restoreState()
    canvas.restoreState()


def _numbered_canvas(marks: PageMarks) -> type[Canvas]:
    """A canvas class that draws every footer at save time, when the total is known."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                _draw_footer(self, marks, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def render(story: Sequence[Flowable], marks: PageMarks, *, subject: str, author: str) -> bytes:
    """Lay out ``story`` on the shared template and return the PDF bytes. The PDF's
    keywords carry the case hash and evidence version, as its footers do."""
    checked(marks.title)
    keywords = [f"case-sha256:{marks.case_sha256}", f"evidence:{marks.evidence_version}"]
    register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=TOP_MARGIN, bottomMargin=BOTTOM_MARGIN,
        title=marks.title, author=author, subject=subject, creator=f"{PRODUCT} "
        f"{product_version()}", producer=PRODUCT, keywords=keywords, lang="en",
        initialFontName=FONT, initialFontSize=10,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def header(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        _draw_header(canvas, marks)

    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=header)])
    doc.build(keep_headings(story), canvasmaker=_numbered_canvas(marks))
    return buffer.getvalue()


__all__ = ["DocumentInfo", "PageMarks", "checked", "missing_glyphs_any", "para", "plain",
           "reference_code", "render"]
