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

import re
from dataclasses import dataclass
from typing import Final

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from core.case import Case
from core.evidence.currency import plain_currency_sentence
from core.report.errors import ReportError
from core.report.template import (
    FONT,
    FONT_BOLD,
    PRODUCT,
    DocumentInfo,
    PageMarks,
    para,
    plain_date,
    reference_code,
    render,
)
from core.result import Plain, Result

TITLE: Final = "Treatment choices: a summary for you"
# The decision, in one plain sentence, by setting (IPDAS: state the decision first).
DECISION: Final = {
    "first_line": "The decision: which first treatment to have for breast cancer that has "
                  "spread.",
    "after_induction": "The decision: what comes next, now that chemo with HER2 drugs has "
                       "been given for a time.",
    "progression": "The decision: what to have next, now that the cancer has grown.",
}
# Out of scope: a negative receptor settles it (the aid does not apply); an equivocal or
# unknown one may change once testing is complete (contract 1.1, Scope).
DECISION_OUT_OF_SCOPE: Final = ("The decision: how to treat this breast cancer. This sheet "
                                "says why the decision aid does not apply to it.")
DECISION_NOT_YET: Final = ("The decision: how to treat this breast cancer. This sheet says "
                           "why the decision aid cannot help with it yet.")
INTRO: Final = (
    "This sheet was made by your care team with a decision aid. It sums up, in plain "
    "words, what a guide says about this kind of breast cancer. It is a "
    "starting point for a talk with your care team. It does not list doses or schedules."
)
SCOPE_HEADING: Final = "This aid does not apply to this case"
SCOPE_END: Final = "Because of this, the sheet lists no treatment choices."
CONSIDER_FALLBACK: Final = "The guide says this choice can be considered."
BENEFITS_HEAD: Final = "What may help"
HARMS_HEAD: Final = "What may harm"
UNCERTAIN_HEAD: Final = "What is less certain"
PLANNING_HEAD: Final = "What your team is planning"
GUIDE_PLAN_HEAD: Final = "What the guide advises about timing"
ABOUT_HEAD: Final = "About this sheet"
MAKERS: Final = (
    "The decision aid, hrher2-aid, was written by its own small team of software makers. "
    "It carries no sponsorship: no drug company or other sponsor paid for it or had a say "
    "in what it says."
)
SOURCES_NOTE: Final = "Numbers in square brackets, such as [{n}], point to these sources:"
CONTACT_HEAD: Final = "Your care team"
CONTACT_LINES: Final = ("Name", "Phone", "Email", "Next visit")
QUESTIONS_TEXT: Final = "This space is for questions to bring up with the care team."
QUESTION_LINES: Final = 10  # ruled lines under it, at most
CLOSING: Final = "The care team has a longer summary that lists the sources in full."

# Cautions that are about the planned regimen: the handout shows them with the plan, so
# the plan and what is said about it stand together and never contradict each other.
PLAN_CAUTIONS: Final = frozenset({
    "avoid_et_alone", "ai_alone_short_pfs", "no_concurrent_et_chemo", "omits_her2_targeted",
    "chemo_too_short", "continue_her2_until_progression", "premenopausal_endocrine",
    "et_alone_selected_patients", "outside.no_systemic_therapy",
})
# A planned regimen in plain words: (chemotherapy, endocrine, HER2-targeted).
PLAN_WORDS: Final = {
    (True, False, True): "chemo with HER2 drugs",
    (False, True, True): "hormone therapy with HER2 drugs, and no chemo",
    (False, True, False): "hormone therapy alone",
    (True, False, False): "chemo alone, without HER2 drugs",
    (True, True, True): "chemo, hormone therapy and HER2 drugs, all at the same time",
    (True, True, False): "chemo and hormone therapy at the same time, without HER2 drugs",
    (False, False, True): "HER2 drugs alone",
    (False, False, False): "no cancer drugs",
}


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of the handout: ``kind`` is title, lead, meta, h2, h3, p, bullet, pair,
    source, contact or questions; ``pair`` carries benefits, harms and uncertainties."""

    kind: str
    text: str = ""
    benefits: tuple[str, ...] = ()
    uncertainties: tuple[str, ...] = ()
    harms: tuple[str, ...] = ()

    def prose(self) -> list[str]:
        """The sentences a reader reads (what the reading grade is measured on)."""
        if self.kind in ("meta", "source", "contact"):
            return []  # names, dates, citations, form labels: not prose
        if self.kind == "pair":
            return [BENEFITS_HEAD + ".", *self.benefits, HARMS_HEAD + ".",
                    *(_unmarked(h) for h in self.harms), UNCERTAIN_HEAD + ".",
                    *self.uncertainties]
        text = _unmarked(self.text)
        return [text if text.endswith((".", ":", "?")) else text + "."]

    def markers(self) -> set[int]:
        """The source numbers this block marks (never read from names or labels)."""
        if self.kind not in ("p", "bullet", "pair"):
            return set()
        found = set()
        for text in (self.text, *self.harms):
            marker = _MARKER.search(text)
            if marker:
                found |= {int(n) for n in marker.group(1).split(", ")}
        return found


_MARKER: Final = re.compile(r" \[(\d+(?:, \d+)*)\]$")


def _unmarked(text: str) -> str:
    """A harm without its citation marker (markers are not words to read)."""
    return text.rsplit(" [", 1)[0] if text.endswith("]") else text


def _cites(citations: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(n) for n in citations) + "]"


def _marked(result: Result, sid: str, text: str) -> str:
    """``text`` (the plain words of statement ``sid``) with the statement's sources, as
    the summary cites them; points outside the source carry none."""
    for item in (*result.options, *result.plan, *result.cautions):
        if item.id == sid and item.citations:
            return f"{text} {_cites(item.citations)}"
    return text


def _words(result: Result, sid: str) -> Plain:
    words = result.plain_for(sid)
    if words is None:
        raise ReportError(f"the evidence store has no plain-language text for {sid!r}")
    return words


def _option_words(result: Result, sid: str) -> Plain:
    words = _words(result, sid)
    for key, value in (("plain_title", words.title), ("plain_benefits", words.benefits),
                       ("plain_uncertainties", words.uncertainties),
                       ("plain_harms_note", words.harms_note)):
        if not value:
            raise ReportError(f"the evidence store has no plain-language text {key!r} "
                              f"for {sid!r}")
    return words


def _option_blocks(result: Result) -> list[Block]:
    blocks = [Block("h2", "The treatment choices")]
    if result.options:
        blocks.append(Block("p", "Each choice is set out the same way: what it involves, "
                                 "what may help, what may harm, and what is less certain."))
    else:
        blocks.append(Block("p", "The guide behind this aid offers no treatment choice "
                                 "for this case. The reasons are below."))
    for option in result.options:
        words = _option_words(result, option.id)
        harms = tuple(f"{h.plain} {_cites(h.citations)}" for h in option.harms)
        blocks += [Block("h3", words.title), Block("p", words.strength or CONSIDER_FALLBACK),
                   Block("p", _marked(result, option.id, words.text)),
                   Block("pair", benefits=words.benefits, uncertainties=words.uncertainties,
                         harms=(*harms, words.harms_note))]
    return blocks


def _plan_key(case: Case, result: Result) -> tuple[bool, bool, bool] | None:
    regimen = case.planned_regimen
    if regimen is None or result.plan_matches is None:
        return None
    return (regimen.chemotherapy, regimen.endocrine, regimen.her2_targeted)


def plan_note_ids(case: Case, result: Result) -> list[str]:
    """The cautions and outside-source entries that are about the planned regimen, in
    the result's order (shown with the plan; empty without a plan)."""
    key = _plan_key(case, result)
    if key is None:
        return []
    about_plan = set(PLAN_CAUTIONS)
    if key == (False, True, True):  # "needs selection" is then about this very plan
        about_plan.add("et_her2_needs_selection")
    return [sid for sid in (*(c.id for c in result.cautions), *result.outside_ids)
            if sid in about_plan]


def planning_blocks(case: Case, result: Result) -> list[Block]:
    """What your team is planning: the planned regimen in plain words, which choice it
    is (from ``plan_matches``), and what the guide says about it. Empty without a plan."""
    key = _plan_key(case, result)
    if key is None or result.plan_matches is None:
        return []
    notes = plan_note_ids(case, result)
    blocks = [Block("h2", PLANNING_HEAD),
              Block("p", f"Your care team is thinking about {PLAN_WORDS[key]}.")]
    titles = {o.id: _words(result, o.id).title for o in result.options}
    if result.plan_matches:
        names = " and ".join(f"“{titles[m]}”" for m in result.plan_matches)
        blocks.append(Block("p", f"This is the choice called {names} above."))
    else:
        blocks.append(Block("p", "This is not one of the choices the guide offers here."
                                 + (" The points below say how it differs from the guide."
                                    if notes else "")))
    blocks += [Block("bullet", _marked(result, sid, _words(result, sid).text))
               for sid in notes]
    return blocks


def handout_paragraphs(case: Case, result: Result,
                       info: DocumentInfo | None = None) -> list[Block]:
    """Everything the handout says, in order."""
    info = info or DocumentInfo()
    by = ", ".join(x for x in (info.clinician, info.institution) if x)
    label = case.label if info.label_on_handout and case.label else ""
    if result.in_scope:
        lead = DECISION[case.setting]
    elif any(sid.endswith("_negative") for sid in result.scope_ids):
        lead = DECISION_OUT_OF_SCOPE
    else:
        lead = DECISION_NOT_YET
    blocks = [Block("title", TITLE), Block("lead", lead),
              Block("meta", f"Printed {info.plain_date_text()}" + (f" by {by}" if by else "")
                    + (f" · Case: {label}" if label else "")),
              Block("p", INTRO)]
    if not result.in_scope:
        blocks.append(Block("h2", SCOPE_HEADING))
        blocks += [Block("p", _words(result, sid).text) for sid in result.scope_ids]
        blocks.append(Block("p", SCOPE_END))
    else:
        blocks += _option_blocks(result) + planning_blocks(case, result)
        shown = set(plan_note_ids(case, result))  # already said with the plan
        said = [_words(result, sid).text for sid in shown]
        sections = (
            (GUIDE_PLAN_HEAD, [p.id for p in result.plan]),
            ("More points to know", [c.id for c in result.cautions if c.id not in shown]),
            ("What the guide does not cover",
             [o for o in result.outside_ids if o not in shown]),
        )
        for heading, ids in sections:
            # A point whose every word was already said (a premenopausal patient's plan
            # note says all that the menopause entry says) is not printed twice.
            texts = [(sid, t) for sid, t in ((sid, _words(result, sid).text) for sid in ids)
                     if not any(t in earlier for earlier in said)]
            if texts:
                blocks.append(Block("h2", heading))
                blocks += [Block("bullet", _marked(result, sid, text)) for sid, text in texts]
                said += [text for _sid, text in texts]
    marked = set().union(*(b.markers() for b in blocks))
    blocks += _about_blocks(result, info, marked)
    return blocks


def _about_blocks(result: Result, info: DocumentInfo, marked: set[int]) -> list[Block]:
    """About this sheet; its source list is the sources this sheet marks, no more."""
    blocks = [Block("h2", ABOUT_HEAD),
              Block("p", f"This sheet was printed on {plain_date(info.when)}. "
                         + plain_currency_sentence(result.evidence_sources_through)),
              Block("p", MAKERS)]
    if result.references:  # (the summary lists none when the guide offers nothing)
        blocks.append(Block("p", CLOSING))
    sources = [(n, citation) for n, citation in result.references if n in marked]
    if sources:
        blocks.append(Block("meta", SOURCES_NOTE.format(n=sources[0][0])))
        blocks += [Block("source", f"[{n}] {citation}") for n, citation in sources]
    blocks += [Block("h2", CONTACT_HEAD), Block("contact"),
               Block("h2", "Your questions"), Block("questions", QUESTIONS_TEXT)]
    return blocks


def handout_text(blocks: list[Block]) -> str:
    """The handout's prose as one text (for measuring its reading grade)."""
    return " ".join(s for b in blocks for s in b.prose())


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
    # a section's heading and opening sentence, held to go with the section's first
    # option (never left at the foot of a page with the options overleaf)
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
