"""The clinician summary and the shared page template, read back from real PDFs."""

from __future__ import annotations

import io
import itertools
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.evidence import EvidenceStore, open_store
from core.report import DocumentInfo, ReportError, build_handout, build_summary
from core.report.summary import answer_rows
from core.report.template import missing_glyphs
from core.result import Renderer, Result
from tests.core.report_support import (
    BASE,
    FIRST_LINE_ET_ALONE,
    OUT_OF_SCOPE,
    PROGRESSION_NOT_RESPONSIVE,
    all_cases,
    case_of,
    flat,
    pdf_text,
    render_page_png,
)

INFO = DocumentInfo(clinician="Dr. Amélie Lefèvre-Ørsted", institution="Hôpital Saint-Éloi",
                    when=datetime(2026, 11, 26, 9, 30, tzinfo=UTC))
CASES = {"first_line_et_alone": FIRST_LINE_ET_ALONE,
         "progression_not_responsive": PROGRESSION_NOT_RESPONSIVE,
         "out_of_scope": OUT_OF_SCOPE}


@pytest.fixture(scope="module")
def store() -> EvidenceStore:
    return open_store()


def _result(store: EvidenceStore, name: str) -> tuple[object, Result]:
    case = case_of(CASES[name])
    return case, Renderer(store).result_for(case)


@pytest.fixture(scope="module")
def documents(store: EvidenceStore) -> dict[tuple[str, str], bytes]:
    out = {}
    for name in CASES:
        case, result = _result(store, name)
        out[name, "summary"] = build_summary(case, result, INFO)  # type: ignore[arg-type]
        out[name, "handout"] = build_handout(case, result, INFO)  # type: ignore[arg-type]
    return out


@pytest.mark.parametrize("name", CASES)
def test_summary_shows_every_item_of_the_result(store, documents, name):
    case, result = _result(store, name)
    text = flat(" ".join(pdf_text(documents[name, "summary"])))
    for item in result.options + result.plan + result.cautions:
        assert flat(item.title) in text
        assert flat(item.text) in text, item.id
        cites = "[" + ", ".join(str(n) for n in item.citations) + "]"
        assert f"{flat(item.title)} {cites}" in text
        for line in item.rationale:
            assert flat(line) in text
    for option in result.options:
        assert f"{option.status.capitalize()} · {option.title}" in text
    for title, entry in zip(result.outside_titles, result.outside_source, strict=True):
        assert f"{flat(title)}: {flat(entry)}" in text  # titled, as on screen
    for n, citation in result.references:
        assert f"[{n}] {flat(citation)}" in text
    if not result.in_scope:
        assert flat(result.scope_reason) in text
    for question, answer in answer_rows(case):  # the answers as given
        assert flat(question) in text and flat(answer) in text
    for fact in (INFO.clinician, INFO.institution, "2026-11-26 09:30", result.case_sha256,
                 result.evidence_version, "Intended use"):
        assert fact in text
    # what the evidence rests on, and up to when
    assert "citing publications up to 2022; later trials are not included" in text
    for option in result.options:  # its strength in the source's words, and its harms
        assert flat(option.strength) in text
        for harm in option.harms:
            assert flat(harm.text) in text


@pytest.mark.parametrize(("regimen", "line"), [
    (None, None),
    ({"chemotherapy": True, "endocrine": False, "her2_targeted": True},
     "Plan check: The planned regimen corresponds to: Chemotherapy + HER2-targeted therapy."),
    ({"chemotherapy": False, "endocrine": True, "her2_targeted": True},
     "Plan check: The planned regimen corresponds to: Endocrine therapy + HER2-targeted "
     "therapy."),
    ({"chemotherapy": False, "endocrine": True, "her2_targeted": False},
     "Plan check: The planned regimen matches none of the options."),
])
def test_summary_plan_check_line_from_plan_matches(store, regimen, line):
    """A plan-check line from plan_matches ("The planned regimen corresponds to: …" /
    "matches none of the options"), only when a plan was given."""
    case = case_of({**FIRST_LINE_ET_ALONE, "planned_regimen": regimen})
    result = Renderer(store).result_for(case)
    text = flat(" ".join(pdf_text(build_summary(case, result, INFO))))
    if line is None:
        assert result.plan_matches is None and "Plan check" not in text
    else:
        assert flat(line) in text


def test_plan_check_with_no_option_says_so(store):
    """Diff review R12: with no option at all, "matches none of the options" read as if
    there were options to match."""
    case = case_of({**FIRST_LINE_ET_ALONE, "her2_therapy": {"unacceptable_toxicity": True},
                    "planned_regimen": {"chemotherapy": False, "endocrine": True,
                                        "her2_targeted": False}})
    result = Renderer(store).result_for(case)
    assert result.options == () and result.plan_matches == ()
    text = flat(" ".join(pdf_text(build_summary(case, result, INFO))))
    assert flat("Plan check: This aid lists no option from the source to compare the "
                "planned regimen with.") in text


def test_the_contrasting_cases_really_contrast(store):
    _, a = _result(store, "first_line_et_alone")
    _, b = _result(store, "progression_not_responsive")
    assert {"avoid_et_alone", "ai_alone_short_pfs"} <= {c.id for c in a.cautions}
    assert a.options and a.plan and a.outside_source and a.references
    assert not b.options and b.outside_source


@pytest.mark.parametrize("kind", ["summary", "handout"])
@pytest.mark.parametrize("name", CASES)
def test_every_page_is_numbered_page_x_of_y(documents, name, kind):
    pages = pdf_text(documents[name, kind])
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        if kind == "summary":
            assert "Case SHA-256:" in page
        else:
            # the handout: a short reference code, not a 64-character hash line
            assert re.search(r"Reference code: [0-9A-F]{4}-[0-9A-F]{4}\n", page)
            assert not re.search(r"[0-9a-f]{64}", page)


def test_a_long_summary_spans_pages_and_counts_them(documents):
    assert len(pdf_text(documents["first_line_et_alone", "summary"])) >= 2


def _fonts(reader: PdfReader) -> list[dict]:
    fonts = []
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            fonts.append(ref.get_object())
    return fonts


@pytest.mark.parametrize("kind", ["summary", "handout"])
@pytest.mark.parametrize("name", CASES)
def test_every_font_is_embedded(documents, name, kind):
    data = documents[name, kind]
    reader = PdfReader(io.BytesIO(data))
    fonts = _fonts(reader)
    assert fonts
    for font in fonts:
        descendants = font.get("/DescendantFonts")
        target = descendants[0].get_object() if descendants else font
        descriptor = target["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
    # no font object anywhere in the file names an unembedded standard font
    assert b"/Helvetica" not in data and b"/Times-Roman" not in data


@pytest.mark.parametrize("kind", ["summary", "handout"])
def test_metadata_is_set(documents, kind):
    reader = PdfReader(io.BytesIO(documents["first_line_et_alone", kind]))
    meta = reader.metadata
    assert meta is not None
    assert meta.title and ("Clinician summary" in meta.title or "Patient handout" in meta.title)
    assert meta.author == INFO.clinician
    assert meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "en"
    keywords = str(meta.get("/Keywords", ""))
    assert "case-sha256:" in keywords and "evidence:" in keywords


def test_special_characters_print_and_survive_extraction(documents):
    text = " ".join(pdf_text(documents["first_line_et_alone", "summary"]))
    for fragment in ("Zoë", "≥ 2", "±", "–", "Lefèvre-Ørsted", "Saint-Éloi", "Cortés"):
        assert fragment in text


def test_a_character_the_font_cannot_print_is_refused(store):
    assert missing_glyphs("≥ ± – é Ø") == set()
    assert missing_glyphs("\u6f22") == {"\u6f22"}
    data = {**FIRST_LINE_ET_ALONE, "label": "CJK \u6f22"}
    case = case_of(data)
    with pytest.raises(ReportError, match="U\\+6F22"):
        build_summary(case, Renderer(store).result_for(case), INFO)


def test_clinician_and_institution_are_optional(store):
    case, result = _result(store, "progression_not_responsive")
    text = " ".join(pdf_text(build_summary(case, result)))  # type: ignore[arg-type]
    assert "(not given)" in text


@pytest.mark.parametrize("kind", ["summary", "handout"])
def test_qr_code_decodes_to_case_hash_and_evidence_version(store, documents, tmp_path: Path,
                                                           kind):
    import zxingcpp  # the test extra installs it
    from PIL import Image

    _, result = _result(store, "first_line_et_alone")
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(documents["first_line_et_alone", kind])
    pages = len(pdf_text(pdf.read_bytes()))
    for page in {1, pages}:
        png = render_page_png(pdf, page, tmp_path / f"page{page}")
        found = zxingcpp.read_barcodes(Image.open(png))
        texts = [b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode]
        assert texts == [f"hrher2-aid;case-sha256={result.case_sha256};"
                         f"evidence={result.evidence_version}"]


def _flowables(items):
    for f in items:
        yield f
        yield from _flowables(getattr(f, "_content", []))


def test_no_flowable_appears_twice_in_a_story(store):
    from core.report.handout import _story
    from core.report.summary import summary_story

    case, result = _result(store, "first_line_et_alone")
    from core.report import handout_paragraphs

    for story in (summary_story(case, result, INFO),  # type: ignore[arg-type]
                  _story(handout_paragraphs(case, result, INFO))):  # type: ignore[arg-type]
        ids = [id(f) for f in _flowables(story)]
        assert len(ids) == len(set(ids)) > 20


# Page-break behaviour, on the shared template with a plain 10/12 pt body style: a
# spacer uses up all but a chosen height of the first page's body.
LEADING = 12


def _body_style():
    from reportlab.lib.styles import ParagraphStyle

    from core.report.template import FONT

    return ParagraphStyle("body", fontName=FONT, fontSize=10, leading=LEADING)


def _render_leaving(room: float, *paragraphs) -> PdfReader:
    """The paragraphs rendered after a spacer that leaves ``room`` points on page 1."""
    from reportlab.platypus import Spacer

    from core.report import template as t

    marks = t.PageMarks(title="test", case_sha256="0" * 64, evidence_version="test",
                        footer_note="")
    story = [Spacer(1, t.BODY_HEIGHT - room), *paragraphs]
    return PdfReader(io.BytesIO(t.render(story, marks, subject="s", author="a")))


@pytest.mark.parametrize("room_in_lines", [0.5, 1.5])
def test_a_paragraph_with_no_room_at_the_page_foot_moves_on_whole(room_in_lines: float):
    """A paragraph that would leave one line (an orphan) or none at the foot of a page
    goes whole to the next page. reportlab drops its laid-out lines when it declines
    the split; the remembered wrap must not bring back a paragraph without them."""
    from core.report.template import para

    text = "A paragraph of several lines that must not lose them. " * 12
    reader = _render_leaving(room_in_lines * LEADING, para(text, _body_style()),
                             para("The end.", _body_style()))
    assert len(reader.pages) == 2
    assert "must not lose them" not in reader.pages[0].extract_text()
    assert "must not lose them" in reader.pages[1].extract_text()
    assert "The end." in reader.pages[1].extract_text()


def test_a_whole_paragraph_moves_to_the_next_page_rather_than_split():
    """'never split over a page break': with room for two of its lines, all of it moves."""
    from core.report.template import para

    text = "Kept whole on paper, every line of it together. " * 12  # several lines
    reader = _render_leaving(2.5 * LEADING, para(text, _body_style(), whole=True))
    assert len(reader.pages) == 2
    assert "Kept whole" not in reader.pages[0].extract_text()
    assert "Kept whole" in reader.pages[1].extract_text()
    plain = para(text, _body_style())  # the same text, splittable, starts on page 1
    assert "Kept whole" in _render_leaving(2.5 * LEADING, plain).pages[0].extract_text()


def test_a_whole_paragraph_taller_than_a_page_still_splits():
    from core.report.template import BODY_HEIGHT, para

    lines = int(BODY_HEIGHT // LEADING) + 20
    text = " ".join(f"Line{n:03d} " + "word " * 12 for n in range(lines))
    reader = _render_leaving(BODY_HEIGHT, para(text, _body_style(), whole=True))
    assert len(reader.pages) >= 2
    pages = " ".join(page.extract_text() for page in reader.pages)
    assert f"Line{lines - 1:03d}" in pages


def test_the_summarys_first_page_says_its_warnings(store):
    """Exploratory test 18, finding 3: the window's banner said "1 warning: …", while the
    summary's warnings could wait on page 2 below a plan check on page 1. Page 1 now says
    what the banner says, and a case with no warning says nothing of the kind."""
    from core.case import parse_case

    her2_alone = parse_case({  # exploratory test 18's P12: no caution for this plan
        "format": "hrher2-aid.case/1", "setting": "first_line",
        "receptors": {"hr": "positive", "her2": "positive"},
        "disease": {"visceral": True, "symptomatic": False},
        "planned_regimen": {"chemotherapy": False, "endocrine": False, "her2_targeted": True}})
    # review 19's M1: aggressive progression, a plan of chemotherapy + HER2-targeted
    # therapy; the one warning is about the listed option, not this plan
    warned_and_departs = parse_case({
        "format": "hrher2-aid.case/1", "setting": "progression",
        "receptors": {"hr": "positive", "her2": "positive"}, "endocrine_responsive": "yes",
        "disease": {"visceral": True, "symptomatic": True},
        "planned_regimen": {"chemotherapy": True, "endocrine": False, "her2_targeted": True}})
    seen = departs = nothing = 0
    for case in [her2_alone, warned_and_departs,
                 *itertools.islice(all_cases(), 0, None, 997)]:  # (+ 82 more)
        result = Renderer(store).result_for(case)
        first_page = flat(pdf_text(build_summary(case, result, INFO))[0])
        line = result.warnings_line()
        titles = [c.title for c in result.cautions if c.severity == "warning"]
        if titles and result.in_scope:
            seen += 1
            assert line is not None and all(t in line for t in titles)
            assert flat(f"WARNING: {line} See Cautions.") in first_page
        else:
            assert line is None and "WARNING:" not in first_page
        # no option at all: said on page 1 too, as the window's heading says it first
        # (review C, L6)
        no_option = result.in_scope and not result.options
        assert ("NO OPTION: This aid lists no option from the source for these answers. "
                "See Outside the source." in first_page) == no_option
        nothing += no_option
        # a plan matching none of the options is flagged there too, warnings or not
        # (exploratory test 18, finding 4; review 19, M1)
        flagged = flat("PLAN: The planned regimen matches none of the options.") in first_page
        assert flagged == result.plan_departs()
        departs += flagged
    assert seen >= 3 and departs >= 2 and nothing >= 1


def test_the_summary_says_the_aid_reads_chemotherapy_as_complete(store):
    """Review A, M3: since the handout said that the aid counts chemo as done from the
    answers, the care team's summary was the less candid of the two: it gave the source's
    condition ("patients who have completed chemotherapy") as met, without saying who
    judged it. Each way the aid counts chemotherapy as complete, the summary says so."""
    for chemo in ({"months_given": 2, "maximal_response": True},
                  {"months_given": 3, "maximal_response": False,
                   "unacceptable_toxicity": True}):
        case = case_of({**BASE, "setting": "after_induction", "chemotherapy": chemo})
        result = Renderer(store).result_for(case)
        assert [(o.id, o.status) for o in result.options] == [
            ("her2_et_maintenance", "preferred")]
        text = flat(" ".join(pdf_text(build_summary(case, result, INFO))))
        assert flat("a reasonable approach for patients who have completed chemotherapy; "
                    "this aid counts chemotherapy as complete from the answers") in text
