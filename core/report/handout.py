"""The patient handout's layout: large type, one option at a time, benefits beside
harms. What it says comes from :mod:`core.report.handout_words` (the single list of
its sentences); this module only lays that list out on the page.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from core.case import Case
from core.report.handout_words import (
    BENEFITS_HEAD,
    CONTACT_LINES,
    HARMS_HEAD,
    QUESTION_LINES,
    UNCERTAIN_HEAD,
    Block,
    handout_paragraphs,
)
from core.report.template import (
    FONT,
    FONT_BOLD,
    PRODUCT,
    DocumentInfo,
    PageMarks,
    para,
    reference_code,
    render,
)
from core.result import Result


class QuestionLines(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Ruled lines for the patient's own questions: as many as fit on the page (between
    ``fewest`` and ``most``); fewer than ``fewest`` moves the lines to the next page,
    and with ``fewest=0`` they take only the room that is left (none, if none is)."""

    def __init__(self, fewest: int, most: int, gap: float = 11 * mm) -> None:
        super().__init__()
        self.fewest, self.most, self.gap = fewest, most, gap
        self.lines = fewest

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.lines = max(self.fewest, min(self.most, int(avail_height // self.gap)))
        return avail_width, self.lines * self.gap

    def draw(self) -> None:
        self.canv.setStrokeColor(colors.HexColor("#7b8794"))
        self.canv.setLineWidth(0.6)
        for i in range(self.lines):
            y = self.lines * self.gap - (i + 1) * self.gap
            self.canv.line(0, y, self.width, y)


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("hbody", fontName=FONT, bulletFontName=FONT, fontSize=14, leading=20,
                          spaceAfter=6)
    return {
        "p": body,
        "meta": ParagraphStyle("hmeta", parent=body, fontSize=11, leading=15),
        "title": ParagraphStyle("htitle", parent=body, fontName=FONT_BOLD, fontSize=22,
                                leading=28, spaceAfter=8),
        "h2": ParagraphStyle("heading-hh2", parent=body, fontName=FONT_BOLD, fontSize=18,
                             leading=24, spaceBefore=12, spaceAfter=6,
                             textColor=colors.HexColor("#1f3a5f")),
        "h3": ParagraphStyle("hh3", parent=body, fontName=FONT_BOLD, fontSize=16, leading=22,
                             spaceBefore=10, spaceAfter=4),
        "lead": ParagraphStyle("hlead", parent=body, fontName=FONT_BOLD, fontSize=15,
                               leading=21, spaceAfter=8),
        "source": ParagraphStyle("hsource", parent=body, fontSize=11, leading=14,
                                 leftIndent=18, firstLineIndent=-18),
        "bullet": ParagraphStyle("hbullet", parent=body, leftIndent=18, bulletIndent=4),
        "cell": ParagraphStyle("hcell", parent=body, fontSize=13, leading=18, spaceAfter=4,
                               leftIndent=12, bulletIndent=0),
        "cellhead": ParagraphStyle("hcellhead", parent=body, fontName=FONT_BOLD, fontSize=13,
                                   leading=18),
    }


def _part_tables(block: Block, st: dict[str, ParagraphStyle], width: float) -> list[Table]:
    """Three boxes in the same type and weight: what may help, what may harm (with the
    same detail), what is less certain. Full width, so each stays short; each box keeps
    its heading with its text (see _story for where the page may break)."""
    grey = colors.HexColor("#eef2f6")
    style = TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # else the table names Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#7b8794")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.4, colors.HexColor("#9aa5b1")),
        ("BACKGROUND", (0, 0), (-1, 0), grey),
        ("NOSPLIT", (0, 0), (-1, -1)),  # a box's heading never ends a page alone
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ])
    tables = []
    for head, texts in ((BENEFITS_HEAD, block.benefits), (HARMS_HEAD, block.harms),
                        (UNCERTAIN_HEAD, block.uncertainties)):
        table = Table([[para(head, st["cellhead"])],
                       [[para(t, st["cell"], bullet="•") for t in texts]]],
                      colWidths=[width], hAlign="LEFT", spaceAfter=4)
        table.setStyle(style)
        tables.append(table)
    return tables


def _contact_table(st: dict[str, ParagraphStyle], width: float) -> Table:
    """Blank lines for the care team's contact details, written in by hand."""
    rows = [[para(f"{label}:", st["cellhead"]), ""] for label in CONTACT_LINES]
    table = Table(rows, colWidths=[40 * mm, width - 40 * mm], rowHeights=11 * mm,
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.HexColor("#7b8794")),
    ]))
    return table


def _story(blocks: list[Block]) -> list[Flowable]:
    st = _styles()
    width = 174 * mm
    story: list[Flowable] = []
    pending: list[Flowable] = []  # an option's heading stays with its text and table
    # a section's heading and opening sentence, and a sentence leading in to a list,
    # held to go with what follows (the first option, or the list's first item): never
    # left at the foot of a page with it overleaf
    lead: list[Flowable] = []
    for i, block in enumerate(blocks):
        after = blocks[i + 1].kind if i + 1 < len(blocks) else ""
        if block.kind == "h3":
            pending = [*lead, para(block.text, st["h3"])]
            lead = []
            continue
        if block.kind == "h2":
            story += lead
            lead = [para(block.text, st["h2"])]
            continue
        if (len(lead) == 1 and block.kind == "p") or (block.kind in ("p", "meta")
                                                       and after in ("bullet", "source")):
            # a section's opening sentence, and a sentence that leads in to a list ("The
            # points below say how it differs from the guide."), go with what follows:
            # never the last lines of a page with the list overleaf
            lead.append(para(block.text, st.get(block.kind, st["p"]), whole=True))
            continue
        if block.kind in ("bullet", "source") and lead:
            story.append(KeepTogether([*lead, para(block.text, st[block.kind],
                                                   bullet="•" if block.kind == "bullet"
                                                   else None)]))
            lead = []
            continue
        story += lead
        lead = []
        if block.kind == "pair":
            # What may help and what may harm share a page: a patient reading one page
            # never sees the benefits without the harms. The option's heading and words
            # stay together, before them (on the page before, if the boxes do not fit
            # beside them: never a near-empty first page); what is less certain may
            # follow overleaf.
            benefits, harms, uncertain = _part_tables(block, st, width)
            if pending:
                story.append(KeepTogether(pending))
            story.append(KeepTogether([benefits, harms]))
            story.append(uncertain)
            pending = []
            continue
        if block.kind == "contact":
            story.append(_contact_table(st, width))
            continue
        if block.kind == "questions":
            # The heading, its sentence and the first lines stay together (never a
            # heading at a page foot with its lines overleaf); more lines then fill
            # what is left of that page (none if nothing is left).
            first = QuestionLines(fewest=4, most=4)
            story.append(KeepTogether([story.pop(), para(block.text, st["p"]),
                                       Spacer(1, 2 * mm), first]))
            story.append(QuestionLines(fewest=0, most=QUESTION_LINES - first.most))
            continue
        style = st.get(block.kind, st["p"])
        bullet = "•" if block.kind == "bullet" else None
        if pending or block.kind in ("title", "h2"):
            # headings stay bare: the template binds them to what follows
            (pending if pending else story).append(para(block.text, style, bullet=bullet))
        else:
            # short paragraphs are never split over a page break: easier to read on paper
            story.append(para(block.text, style, bullet=bullet, whole=True))
    story += lead + pending
    return story


def build_handout(case: Case, result: Result, info: DocumentInfo | None = None) -> bytes:
    """The patient handout as PDF bytes, from the result alone (and the case's label)."""
    blocks = handout_paragraphs(case, result, info)
    marks = PageMarks(title=f"{PRODUCT} · Patient handout", case_sha256=result.case_sha256,
                      evidence_version=result.evidence_version,
                      evidence_pack=result.evidence_pack,
                      footer_note="The page number and the code link this sheet to its case.",
                      footer_size=8.5, reference=reference_code(result.case_sha256))
    author = (info.clinician if info and info.clinician else PRODUCT)
    return render(_story(blocks), marks,
                  subject="Patient handout: treatment choices in plain language",
                  author=author)
