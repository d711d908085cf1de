"""The clinician summary for the patient record.

Everything clinical comes from the :class:`~core.result.Result` (itself from the
evidence store); this module only lays it out: the answers used (and apart, any a
case file holds that are not asked for the case), the options with their status, the
plan, the cautions and what lies outside the source, each with its numbered
citations, then the full reference list.
"""

from __future__ import annotations

from typing import Any, Final

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from core.case import Case
from core.evidence.currency import currency_sentence
from core.fields import FIELDS
from core.questionnaire import answers_from_case, asked
from core.report.template import (
    FONT,
    FONT_BOLD,
    PRODUCT,
    DocumentInfo,
    PageMarks,
    checked,
    para,
    plain,
    reference_code,
    render,
)
from core.result import Item, Result

TITLE: Final = "Clinician summary"
INTENDED_USE: Final = (
    "Intended use: decision support for clinicians treating hormone-receptor-positive, "
    "HER2-positive metastatic breast cancer. It summarises one source text and the "
    "references it cites; it does not replace clinical judgement, the full guidelines or "
    "a multidisciplinary discussion. Every clinical statement carries its reference "
    "numbers or is marked as lying outside the source."
)

_STATUS: Final = {"preferred": "Preferred", "consider": "Consider"}
_SEVERITY: Final = {"warning": "Warning", "note": "Note"}


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, bulletFontName=FONT, fontSize=9, leading=11.5,
                          spaceAfter=2)
    return {
        "body": base,
        # set apart from the last option's harms, which it would read as part of
        # (day review 3, C6)
        "check": ParagraphStyle("check", parent=base, spaceBefore=8),
        "warned": ParagraphStyle("warned", parent=base, spaceBefore=4,
                                 textColor=colors.HexColor("#8b0000")),
        "departs": ParagraphStyle("departs", parent=base, spaceBefore=4,
                                  textColor=colors.HexColor("#6d4c00")),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=16,
                                leading=20, spaceAfter=6),
        "h2": ParagraphStyle("heading-h2", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15,
                             spaceBefore=7, spaceAfter=3, textColor=colors.HexColor("#1f3a5f")),
        "item": ParagraphStyle("item", parent=base, fontName=FONT_BOLD, spaceBefore=3),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=12, bulletIndent=3,
                                 fontSize=8.5, leading=10.5),
        "ref": ParagraphStyle("ref", parent=base, fontSize=8, leading=10, leftIndent=16,
                              firstLineIndent=-16),
    }


def answer_rows(case: Case) -> list[tuple[str, str]]:
    """The case's answers as (question, answer) text pairs: exactly the questions the
    questionnaire asks for this case, labelled and worded by the fields table; all but
    the case label, which the facts above them already give (printed twice, it pushed
    the options off page 1 and could read two ways)."""
    answers = answers_from_case(case)
    return [(f.label, f.answer_text(case.value(f.path))) for f in asked(answers)
            if f.path != "label"]


def unasked_rows(case: Case) -> list[tuple[str, str]]:
    """Answers a case file holds that the questionnaire does not ask for this case
    (months of chemotherapy in a first-line case, say), where they differ from their
    default: the rules never read them, but the case SHA-256 covers them, so they are
    printed too (acceptance review A2), apart, and said to be unused. With them, the
    printed answers and the fields' defaults give back the printed hash."""
    answers = answers_from_case(case)
    asked_paths = {f.path for f in asked(answers)} | {"label"}
    rows = []
    for f in FIELDS:
        value = case.value(f.path)
        if f.path in asked_paths or value is None or value == f.default:
            continue
        if f.kind == "regimen" and not value:  # no regimen in the file: nothing to print
            continue  # (diff review R1: "Check a planned regimen: No" was printed)
        rows.append((f.label, f.answer_text(value)))
    return rows


def _cites(item_citations: tuple[int, ...]) -> str:
    return f"[{', '.join(str(n) for n in item_citations)}]"


_CELL_PAD: Final = 4
UNASKED_NOTE: Final = ("Also in the case file, not asked for this case and not used by the "
                       "rules (the case SHA-256 covers them):")


def _answer_grid(rows: list[tuple[str, str]], st: dict[str, ParagraphStyle]) -> Table:
    """Question-answer pairs in two columns, down the left column first."""
    half = (len(rows) + 1) // 2
    grid = []
    for i in range(half):
        left = rows[i]
        right = rows[i + half] if i + half < len(rows) else ("", "")
        grid.append([left[0], left[1], right[0], right[1]])
    return _table(grid, [50 * mm, 37 * mm, 50 * mm, 37 * mm], st["small"])


def _cell(text: str, style: ParagraphStyle, width: float) -> Any:
    """A table cell: a plain string when it fits on one line (much cheaper to lay out
    than a Paragraph), else a wrapping Paragraph. Both are glyph-checked."""
    checked(text)
    text = plain(text)
    if stringWidth(text, FONT, style.fontSize) <= width - 2 * _CELL_PAD - 1:
        return text
    return para(text, style)


def _table(texts: list[list[str]], widths: list[float], style_: ParagraphStyle) -> Table:
    rows = [[_cell(t, style_, w) for t, w in zip(row, widths, strict=True)] for row in texts]
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), style_.fontSize),
        ("LEADING", (0, 0), (-1, -1), style_.leading),
        ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PAD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5b1")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f6")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    table.setStyle(TableStyle(style))
    return table


def _item_block(item: Item, tag: str, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """An option, plan step or caution. Its title, text and strength stay together, and
    its harms with their lead-in; its reasons may continue on the next page. (Kept whole,
    an option of a third of a page moved to page 2 with its heading and left page 1 a
    third blank, with no recommendation on it.)"""
    head: list[Flowable] = [
        para(f"{item.title} {_cites(item.citations)}", st["item"],
             bold_prefix=f"{tag} ·" if tag else ""),
        para(item.text, st["body"]),
    ]
    if item.strength:
        head.append(para(item.strength, st["body"], bold_prefix="Strength:"))
    parts: list[Flowable] = [KeepTogether(head)]
    parts += [para(r, st["bullet"], bullet="•", whole=True) for r in item.rationale]
    if item.harms:
        parts.append(KeepTogether(
            [para("Harms (confirmed in the cited trials and guideline):", st["body"])]
            + [para(f"{h.text} {_cites(h.citations)}", st["bullet"], bullet="•")
               for h in item.harms]))
    return parts


def summary_story(case: Case, result: Result, info: DocumentInfo) -> list[Flowable]:
    """The flowables of the summary (fresh ones on every call: never reused)."""
    st = _styles()
    width = 174 * mm
    story: list[Flowable] = [para(TITLE, st["title"])]
    facts = [
        # quoted: a label that reads "(none)" is not taken for no label (diff review R13)
        ("Case label", f"“{case.label}”" if case.label else "(none)"),
        ("Date", info.date_text()),
        ("Clinician", info.clinician or "(not given)"),
        ("Institution", info.institution or "(not given)"),
        ("Evidence", f"version {result.evidence_version}, content SHA-256 "
                     f"{result.evidence_sha256}. "
                     + currency_sentence(result.evidence_version,
                                         result.evidence_sources_through)),
        ("Evidence pack", result.evidence_pack or "not a signed pack"),
        ("Case SHA-256", result.case_sha256),
        # the code the patient handout prints instead of the hash: the two match by eye
        ("Reference code", f"{reference_code(result.case_sha256)} (on the patient handout)"),
    ]
    story.append(_table([[k, v] for k, v in facts], [32 * mm, width - 32 * mm], st["small"]))
    warnings = result.warnings_line()
    if warnings:  # as the window's banner says it: on page 1, whatever the page count
        story.append(para(f"{warnings} See Cautions.", st["warned"], bold_prefix="WARNING:"))
    if result.in_scope and not result.options:  # the window's heading says it first
        # (review C, L6: page 1 gave the warnings, and the reader had to reach Options)
        # (what the aid lists, not that the source is silent: at progression with HER2
        # therapy ruled out the source's sequential hormonal therapy line speaks, and an
        # unknown endocrine response waits on an assessment: review D, M2)
        story.append(para("This aid lists no option from the source for these answers. "
                          "See Outside the source.", st["departs"], bold_prefix="NO OPTION:"))
    if result.plan_departs():  # as the window's header says it: on page 1 too
        story.append(para(f"{result.plan_check()} See Plan check.", st["departs"],
                          bold_prefix="PLAN:"))
    for answer_check in result.answer_checks:  # the plan against the case's own answers
        story.append(para(answer_check.text, st["departs"], bold_prefix="CHECK THE ANSWERS:"))
    story.append(Spacer(1, 3 * mm))
    story.append(para(INTENDED_USE, st["small"]))

    # "used": a value a case file left out is printed as the default the rules took
    # (acceptance review A3: "as given" printed defaults as if they had been given)
    story.append(para("Answers used", st["h2"]))
    story.append(_answer_grid(answer_rows(case), st))
    unasked = unasked_rows(case)
    if unasked:
        story.append(para(UNASKED_NOTE, st["small"]))
        story.append(_answer_grid(unasked, st))

    if not result.in_scope:
        story.append(para("Outside the scope of this aid", st["h2"]))
        story.append(para(result.scope_reason or "", st["body"]))
    else:
        story.append(para("Options", st["h2"]))
        if not result.options:
            story.append(para("This aid lists no option from the source for these answers "
                              "(see below).", st["body"]))
        for o in result.options:
            story += _item_block(o, _STATUS.get(o.status or "", ""), st)
        check = result.plan_check()
        if check:
            story.append(para(check, st["check"], bold_prefix="Plan check:"))
        story += [para(c.text, st["check"], bold_prefix="Check the answers:")
                  for c in result.answer_checks]
        if result.plan:
            story.append(para("Plan", st["h2"]))
            for p in result.plan:
                story += _item_block(p, "", st)
        if result.cautions:
            story.append(para("Cautions", st["h2"]))
            for c in result.cautions:
                story += _item_block(c, _SEVERITY.get(c.severity or "", ""), st)
        if result.outside_source:
            story.append(para("Outside the source", st["h2"]))
            intro = para("These points are not covered by the source; they carry no "
                         "citation.", st["small"])
            # titled as on screen (a saved result from before titles were kept has none)
            titles = result.outside_titles or ("",) * len(result.outside_source)
            entries = [para(text, st["bullet"], bullet="•", whole=True,
                            bold_prefix=f"{title}:" if title else "")
                       for title, text in zip(titles, result.outside_source, strict=True)]
            # the lead-in goes with the first entry, never alone at a page's foot
            story.append(KeepTogether([intro, entries[0]]))
            story += entries[1:]

    story.append(para("References", st["h2"]))
    if not result.references:
        story.append(para("No reference is cited for this case.", st["body"]))
    else:
        # the list (at most the source's four references) kept together, under its
        # heading: never a last page holding one reference without it
        story.append(KeepTogether([para(citation, st["ref"], bold_prefix=f"[{n}]")
                                   for n, citation in result.references]))
    return story


def build_summary(case: Case, result: Result, info: DocumentInfo | None = None) -> bytes:
    """The clinician summary as PDF bytes."""
    info = info or DocumentInfo()
    marks = PageMarks(title=f"{PRODUCT} · {TITLE}", case_sha256=result.case_sha256,
                      evidence_version=result.evidence_version,
                      evidence_pack=result.evidence_pack,
                      footer_note="Printed pages match their inputs by the case SHA-256 "
                                  "and the QR code.")
    return render(
        summary_story(case, result, info), marks,
        subject="Decision-aid summary for HR-positive, HER2-positive metastatic breast "
                "cancer",
        author=info.clinician or PRODUCT,
    )
