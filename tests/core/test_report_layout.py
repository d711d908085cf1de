"""Page breaks in the printed documents: what must share a page, read back from real PDFs.

The cases are those a layout review of 1,526 documents found breaking badly (and a
spread of others), each printed with short names and with the longest a report takes.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest

from core.case import Case
from core.evidence import EvidenceStore, open_store
from core.report import DocumentInfo, build_handout, build_summary, handout_paragraphs
from core.report.template import reference_code
from core.result import Renderer, Result
from tests.core.report_support import all_cases, case_of, flat, pdf_text

WHEN = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
SHORT = DocumentInfo(clinician="Dr. A. Test", institution="City Hospital", when=WHEN)
LONG = DocumentInfo(clinician=("Dr. " + "Wolfgang-Maximilian " * 6)[:100],
                    institution=("Universitätskrankenhaus " * 6)[:100], when=WHEN,
                    label_on_handout=True)
LONG_LABEL = ("MW " * 30)[:80].strip()


def _case(label: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "hrher2-aid.case/1", "setting": "first_line", "label": label,
        "receptors": {"hr": "positive", "her2": "positive"},
        "disease": {"visceral": False, "symptomatic": True}, "menopausal_status":
            "postmenopausal"}
    data.update(fields)
    return data


REVIEWED: dict[str, dict[str, Any]] = {
    # the options moved to page 2 whole, page 1 a third blank with no recommendation
    "options pushed to page 2": _case(LONG_LABEL),
    # "This is not one of the choices ... The points below say how it differs" ended a
    # page, the points overleaf
    "plan points overleaf": _case("Bed 4", planned_regimen={
        "chemotherapy": True, "endocrine": False, "her2_targeted": False}),
    # "Numbers in square brackets ... point to these sources:" ended a page
    "sources lead-in alone": _case("Bed 4", menopausal_status="premenopausal"),
    # the last page held one reference, without its heading
    "last page one reference": _case(
        "Bed 4", menopausal_status="premenopausal", disease={"visceral": True,
                                                             "symptomatic": True},
        her2_therapy={"unacceptable_toxicity": True},
        planned_regimen={"chemotherapy": False, "endocrine": True, "her2_targeted": False}),
    # "Outside the source" and its lead-in ended a page, the entries overleaf
    "outside lead-in alone": _case(
        "Bed 4", menopausal_status="unknown", disease={"visceral": True,
                                                       "symptomatic": False},
        planned_regimen={"chemotherapy": False, "endocrine": False, "her2_targeted": True}),
}
# a spread of the rest: every 4001st case of the product (all settings, several plans)
SPREAD = list(itertools.islice(all_cases(), 0, None, 4001))


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    store: EvidenceStore = open_store()
    return Renderer(store)


def _pages_with(pages: list[str], text: str) -> list[int]:
    """The pages (0-based) whose text holds the start of ``text``."""
    start = flat(text)[:45]
    return [i for i, page in enumerate(pages) if start in flat(page)]


def _documents(renderer: Renderer, case: Case,
               info: DocumentInfo) -> tuple[Result, list[str], list[str]]:
    result = renderer.result_for(case)
    return (result, pdf_text(build_summary(case, result, info)),
            pdf_text(build_handout(case, result, info)))


CASES = [*(pytest.param(case_of(data), id=name) for name, data in REVIEWED.items()),
         *(pytest.param(case, id=f"spread-{n}") for n, case in enumerate(SPREAD))]


@pytest.mark.parametrize("info", [SHORT, LONG], ids=["short names", "longest names"])
@pytest.mark.parametrize("case", CASES)
def test_what_belongs_together_shares_a_page(renderer: Renderer, case: Case,
                                             info: DocumentInfo) -> None:
    """PDF layout review 1-5, 7 and 8: the recommendation starts on page 1; a lead-in
    ("The points below ...", "Numbers in square brackets ...", "These points are not
    covered ...") shares its page with the first thing it leads to; the references
    stay under their heading; every page but the last says the document goes on; the
    case label is printed once; the summary names the handout's reference code."""
    result, summary, handout = _documents(renderer, case, info)
    for pages in (summary, handout):
        for n, page in enumerate(pages, start=1):
            assert ("continued on the next page" in page) == (n < len(pages)), n
    whole = flat(" ".join(summary))
    if result.in_scope:
        assert "Options" in summary[0]
        assert (result.options[0].title if result.options
                else "This aid lists no option from the source") in flat(summary[0])
    if case.label:
        assert whole.count(flat(case.label)) == 1
    code = reference_code(result.case_sha256)
    assert f"Reference code {code} (on the patient handout)" in whole
    assert f"Reference code: {code}" in handout[0]
    if result.outside_source:
        (intro,) = _pages_with(summary, "These points are not covered by the source")
        assert intro in _pages_with(summary, result.outside_source[0])
    heading = [i for i, page in enumerate(summary) if "\nReferences\n" in f"\n{page}\n"]
    for _n, citation in result.references:
        assert _pages_with(summary, citation) == heading
    blocks = handout_paragraphs(case, result, info)
    for block, following in itertools.pairwise(blocks):
        if block.kind in ("p", "meta") and following.kind in ("bullet", "source"):
            lead_in = _pages_with(handout, block.text)
            assert lead_in and lead_in[0] in _pages_with(handout, following.text), (
                block.text)
