"""Benchmark: the clinician summary against a plain two-page reportlab document.

    python benchmarks/bench_report.py [REPEATS]

Both are built in the same run, interleaved, with the same embedded DejaVu fonts;
the reference is a bare SimpleDocTemplate with two pages of body paragraphs and, on
each page, reportlab's own QR code (QrCodeWidget, drawn the ordinary way with
renderPDF) holding the same payload as the summary's: the summary must carry one, so
the fair baseline does too. No header, tables or page count. Prints the median time
of each and the ratio. Target: the summary within 1.5x of the reference.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader  # noqa: E402
from reportlab.graphics import renderPDF  # noqa: E402
from reportlab.graphics.barcode.qr import QrCodeWidget  # noqa: E402
from reportlab.graphics.shapes import Drawing  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate  # noqa: E402
from reportlab.platypus.doctemplate import PageBreak  # noqa: E402

from core.case_json import loads_case  # noqa: E402
from core.evidence import open_store  # noqa: E402
from core.report import DocumentInfo, build_summary  # noqa: E402
from core.report.template import FONT, FONT_BOLD, register_fonts  # noqa: E402
from core.result import Renderer  # noqa: E402

CASE = Path(__file__).resolve().parents[1] / "docs/samples/a-first-line-et-alone.json"
TEXT = ("Chemotherapy combined with HER2-targeted therapy is the preferred first-line "
        "approach ≥ ± – é. ") * 6


QR_PAYLOAD = "hrher2-aid;case-sha256=" + "0" * 64 + ";evidence=2026.1"
TARGET = 1.5


def _qr_on_page(canvas, _doc) -> None:  # type: ignore[no-untyped-def]
    widget = QrCodeWidget(QR_PAYLOAD, barLevel="M", barBorder=4)
    x1, y1, x2, y2 = widget.getBounds()
    size = 24 * mm
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, 160 * mm, 10 * mm)


def reference_document() -> bytes:
    """Two A4 pages of headings and paragraphs in the same two fonts, with
    reportlab's own QR code on each page."""
    register_fonts()
    style = ParagraphStyle("b", fontName=FONT, fontSize=9.5, leading=12.5, spaceAfter=3)
    bold = ParagraphStyle("h", fontName=FONT_BOLD, fontSize=12, leading=15, spaceAfter=3)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, initialFontName=FONT, title="reference")
    story = []
    for page in range(2):
        for n in range(6):
            story += [Paragraph(f"Heading {page}.{n}", bold), Paragraph(TEXT, style)]
        if page == 0:
            story.append(PageBreak())
    doc.build(story, onFirstPage=_qr_on_page, onLaterPages=_qr_on_page)
    return buffer.getvalue()


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    store = open_store()
    case = loads_case(CASE.read_bytes())
    result = Renderer(store).result_for(case)
    info = DocumentInfo("Dr. Amélie Lefèvre-Ørsted", "Hôpital Saint-Éloi")

    def summary() -> bytes:
        return build_summary(case, result, info)

    summary()  # warm-up: font registration, imports
    reference_document()
    times: dict[str, list[float]] = {"summary": [], "reference": []}
    for _ in range(repeats):
        for name, fn in (("summary", summary), ("reference", reference_document)):
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    pages_summary = len(PdfReader(io.BytesIO(summary())).pages)
    pages_reference = len(PdfReader(io.BytesIO(reference_document())).pages)
    med_s = statistics.median(times["summary"]) * 1000
    med_r = statistics.median(times["reference"]) * 1000
    print(f"repeats: {repeats}")
    print(f"summary   (case A, {pages_summary} pages): median {med_s:7.1f} ms")
    print(f"reference (plain, {pages_reference} pages):        median {med_r:7.1f} ms")
    print(f"ratio summary/reference: {med_s / med_r:.2f} (target <= {TARGET:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
