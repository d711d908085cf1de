"""The patient handout: the same result, in plain words and large type.

The plain-language texts come with the :class:`~core.result.Result` (the evidence
store's ``plain*`` fields of each statement, gathered by the renderer); this module
reads nothing else, and only adds the framing sentences, which say what the sheet
is and is not, and are written to the same reading grade. Each option is shown
the same way: what it involves, then what may help and what is less certain side
by side with equal weight. Nothing here tells the patient what to do.

:func:`handout_paragraphs` is the single list of what the sheet says; the PDF is
laid out from it and the reading-grade test measures it, so the two cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from core.case import Case
from core.report.errors import ReportError
from core.report.template import (
    FONT,
    FONT_BOLD,
    PRODUCT,
    DocumentInfo,
    PageMarks,
    para,
    render,
)
from core.result import Plain, Result

TITLE: Final = "Treatment choices: a summary for you"
INTRO: Final = (
    "This sheet was made by your care team with a decision aid. It sums up, in plain "
    "words, what a published guide says about this kind of breast cancer. It is a "
    "starting point for a talk with your care team. It does not list side effects, "
    "doses or schedules."
)
SCOPE_HEADING: Final = "This aid does not apply to this case"
SCOPE_END: Final = "Because of this, the sheet lists no treatment choices."
STATUS_TEXT: Final = {
    "preferred": "This is the first choice in the guide.",
    "consider": "The guide says this choice can be considered.",
}
BENEFITS_HEAD: Final = "What may help"
UNCERTAIN_HEAD: Final = "What is less certain"
QUESTIONS_TEXT: Final = "This space is for questions to bring up with the care team."
CLOSING: Final = "The care team has a longer summary that lists the sources in full."


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of the handout: ``kind`` is title, meta, h2, h3, p, bullet, pair,
    or questions; ``pair`` carries benefits and uncertainties."""

    kind: str
    text: str = ""
    benefits: tuple[str, ...] = ()
    uncertainties: tuple[str, ...] = ()

    def prose(self) -> list[str]:
        """The sentences a reader reads (what the reading grade is measured on)."""
        if self.kind == "meta":
            return []  # names, dates: not prose
        if self.kind == "pair":
            return [BENEFITS_HEAD + ".", *self.benefits, UNCERTAIN_HEAD + ".",
                    *self.uncertainties]
        return [self.text if self.text.endswith((".", ":", "?")) else self.text + "."]


def _words(result: Result, sid: str) -> Plain:
    words = result.plain_for(sid)
    if words is None:
        raise ReportError(f"the evidence store has no plain-language text for {sid!r}")
    return words


def _option_words(result: Result, sid: str) -> Plain:
    words = _words(result, sid)
    for key, value in (("plain_title", words.title), ("plain_benefits", words.benefits),
                       ("plain_uncertainties", words.uncertainties)):
        if not value:
            raise ReportError(f"the evidence store has no plain-language text {key!r} "
                              f"for {sid!r}")
    return words


def handout_paragraphs(case: Case, result: Result,
                       info: DocumentInfo | None = None) -> list[Block]:
    """Everything the handout says, in order."""
    info = info or DocumentInfo()
    by = ", ".join(x for x in (info.clinician, info.institution) if x)
    blocks = [Block("title", TITLE),
              Block("meta", f"Prepared {info.date_text()}" + (f" by {by}" if by else "")
                    + (f" · Case: {case.label}" if case.label else "")),
              Block("p", INTRO)]
    if not result.in_scope:
        blocks.append(Block("h2", SCOPE_HEADING))
        blocks += [Block("p", _words(result, sid).text) for sid in result.scope_ids]
        blocks.append(Block("p", SCOPE_END))
    else:
        blocks.append(Block("h2", "The treatment choices"))
        if result.options:
            blocks.append(Block("p", "Each choice is set out the same way: what it involves, "
                                     "what may help, and what is less certain."))
        else:
            blocks.append(Block("p", "The guide behind this aid offers no treatment choice "
                                     "for this case. The reasons are below."))
        for option in result.options:
            words = _option_words(result, option.id)
            blocks.append(Block("h3", words.title))
            blocks.append(Block("p", STATUS_TEXT[option.status or "consider"]))
            blocks.append(Block("p", words.text))
            blocks.append(Block("pair", benefits=words.benefits,
                                uncertainties=words.uncertainties))
        sections = (
            ("The treatment plan", [p.id for p in result.plan]),
            ("More points to know", [c.id for c in result.cautions]),
            ("What the guide does not cover", list(result.outside_ids)),
        )
        for heading, ids in sections:
            if ids:
                blocks.append(Block("h2", heading))
                blocks += [Block("bullet", _words(result, sid).text) for sid in ids]
    blocks.append(Block("p", CLOSING))
    blocks.append(Block("h2", "Your questions"))
    blocks.append(Block("questions", QUESTIONS_TEXT))
    return blocks


def handout_text(blocks: list[Block]) -> str:
    """The handout's prose as one text (for measuring its reading grade)."""
    return " ".join(s for b in blocks for s in b.prose())


class QuestionLines(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Ruled lines for the patient's own questions: as many as fit on the page (between
    ``fewest`` and ``most``); fewer than ``fewest`` moves the lines to the next page."""

    def __init__(self, fewest: int = 4, most: int = 10, gap: float = 11 * mm) -> None:
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
        "bullet": ParagraphStyle("hbullet", parent=body, leftIndent=18, bulletIndent=4),
        "cell": ParagraphStyle("hcell", parent=body, fontSize=13, leading=18, spaceAfter=4,
                               leftIndent=12, bulletIndent=0),
        "cellhead": ParagraphStyle("hcellhead", parent=body, fontName=FONT_BOLD, fontSize=13,
                                   leading=18),
    }


def _pair_table(block: Block, st: dict[str, ParagraphStyle], width: float) -> Table:
    # Two equal columns, same type, same weight: benefits and uncertainties side by side.
    left = [para(t, st["cell"], bullet="•") for t in block.benefits]
    right = [para(t, st["cell"], bullet="•") for t in block.uncertainties]
    table = Table([[para(BENEFITS_HEAD, st["cellhead"]), para(UNCERTAIN_HEAD, st["cellhead"])],
                   [left, right]], colWidths=[width / 2, width / 2], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # else the table names Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#7b8794")),
        ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ]))
    return table


def _story(blocks: list[Block]) -> list[Flowable]:
    st = _styles()
    width = 174 * mm
    story: list[Flowable] = []
    pending: list[Flowable] = []  # an option's heading stays with its text and table
    for block in blocks:
        if block.kind == "h3":
            pending = [para(block.text, st["h3"])]
            continue
        if block.kind == "pair":
            pending.append(_pair_table(block, st, width))
            story.append(KeepTogether(pending))
            pending = []
            continue
        if block.kind == "questions":
            # not in a KeepTogether: the lines must see the real space left on the page
            story += [para(block.text, st["p"]), Spacer(1, 2 * mm), QuestionLines()]
            continue
        style = st.get(block.kind, st["p"])
        bullet = "•" if block.kind == "bullet" else None
        if pending or block.kind in ("title", "h2"):
            # headings stay bare: the template binds them to what follows
            (pending if pending else story).append(para(block.text, style, bullet=bullet))
        else:
            # short paragraphs are never split over a page break: easier to read on paper
            story.append(para(block.text, style, bullet=bullet, whole=True))
    story += pending
    return story


def build_handout(case: Case, result: Result, info: DocumentInfo | None = None) -> bytes:
    """The patient handout as PDF bytes, from the result alone (and the case's label)."""
    blocks = handout_paragraphs(case, result, info)
    marks = PageMarks(title=f"{PRODUCT} · Patient handout", case_sha256=result.case_sha256,
                      evidence_version=result.evidence_version,
                      evidence_pack=result.evidence_pack,
                      footer_note="The page number and the code link this sheet to its case.",
                      footer_size=8.5)
    author = (info.clinician if info and info.clinician else PRODUCT)
    return render(_story(blocks), marks,
                  subject="Patient handout: treatment choices in plain language",
                  author=author)
