"""The patient handout: plain language, reading grade, even-handed options, no instructions."""

from __future__ import annotations

import re

import pytest
import textstat

from core.evidence import EvidenceStore, open_store
from core.report import DocumentInfo, ReportError, build_handout, handout_paragraphs
from core.report.handout import BENEFITS_HEAD, UNCERTAIN_HEAD, handout_text
from core.result import Renderer
from core.rules import decide
from tests.core.report_support import (
    FIRST_LINE_ET_ALONE,
    OUT_OF_SCOPE,
    PROGRESSION_NOT_RESPONSIVE,
    all_cases,
    case_of,
    flat,
    pdf_text,
)

MAX_GRADE = 8.0
INFO = DocumentInfo(clinician="Dr. Amélie Lefèvre-Ørsted", institution="Hôpital Saint-Éloi")


@pytest.fixture(scope="module")
def store() -> EvidenceStore:
    return open_store()


def test_textstat_is_the_offline_version():
    # 0.7.9 and later fetch NLTK data at run time and fail offline.
    assert textstat.__version__ == (0, 7, 8) or str(textstat.__version__) == "0.7.8"


def test_reading_grade_is_8_or_lower_for_every_generated_case(store):
    renderer = Renderer(store)
    seen: dict[tuple[object, ...], float] = {}
    count = 0
    for case in all_cases():
        count += 1
        key = decide(case).key  # the handout's prose depends only on the decision
        if key in seen:
            continue
        result = renderer.result_for(case)
        text = handout_text(handout_paragraphs(case, result, INFO))
        seen[key] = textstat.flesch_kincaid_grade(text)
    assert count > 10_000 and len(seen) > 100
    worst = max(seen.values())
    assert worst <= MAX_GRADE, f"hardest handout reads at grade {worst:.1f}"


def test_every_plain_text_on_its_own_is_grade_8_or_lower(store):
    for statement in store.statements.values():
        extra = statement.extra
        parts = [extra["plain"], *extra.get("plain_benefits", []),
                 *extra.get("plain_uncertainties", [])]
        grade = textstat.flesch_kincaid_grade(" ".join(parts))
        assert grade <= MAX_GRADE, (statement.id, grade)
        # the option's status sentences and harms, as the handout shows them
        harms = [extra.get("plain_harms_note", "")] + [h["plain"] for h in extra.get("harms", [])]
        for key in ("plain_strength_preferred", "plain_strength_consider"):
            if key in extra:
                assert textstat.flesch_kincaid_grade(extra[key]) <= MAX_GRADE, (statement.id, key)
        if statement.kind == "option":
            grade = textstat.flesch_kincaid_grade(" ".join(harms))
            assert grade <= MAX_GRADE, (statement.id, "harms", grade)


def test_every_statement_has_its_plain_versions(store):
    for statement in store.statements.values():
        assert statement.extra.get("plain"), statement.id
        if statement.kind == "option":
            assert statement.extra.get("plain_title")
            # benefits and uncertainties are both given for every option
            assert statement.extra.get("plain_benefits")
            assert statement.extra.get("plain_uncertainties")


def test_plain_texts_add_no_number_the_clinical_entry_lacks(store):
    for statement in store.statements.values():
        clinical = " ".join([statement.text, *statement.rationale, *statement.source])
        numbers = set(re.findall(r"\d+(?:\.\d+)?", clinical))
        for key, value in statement.extra.items():
            if key == "harms":  # each harm's plain words against its own clinical text
                for harm in value:
                    own = set(re.findall(r"\d+(?:\.\d+)?", harm["text"]))
                    for number in re.findall(r"\d+(?:\.\d+)?", harm["plain"]):
                        assert number in own, (statement.id, harm["id"], number)
                continue
            for text in value if isinstance(value, list) else [value]:
                for number in re.findall(r"\d+(?:\.\d+)?", text.replace("HER2", "")):
                    assert number in numbers, (statement.id, key, number)


IMPERATIVE = re.compile(
    r"(^|[.!?:]\s+)(ask|take|avoid|do not|don't|talk|tell|call|stop|start|make sure|"
    r"consider|choose|keep|write|remember|be sure|try|use)\b|\byou (should|must|need to|"
    r"have to|ought)\b",
    re.IGNORECASE,
)


def test_nothing_is_phrased_as_an_instruction_to_the_patient(store):
    texts = [b if isinstance(b, str) else b["plain"]
             for s in store.statements.values() for v in s.extra.values()
             for b in (v if isinstance(v, list) else [v])]
    for data in (FIRST_LINE_ET_ALONE, PROGRESSION_NOT_RESPONSIVE, OUT_OF_SCOPE):
        case = case_of(data)
        texts.append(handout_text(handout_paragraphs(case,
                                                     Renderer(store).result_for(case))))
    for text in texts:
        assert not IMPERATIVE.search(text), text
    assert IMPERATIVE.search("Ask your doctor.")  # the check itself bites


@pytest.mark.parametrize("data", [FIRST_LINE_ET_ALONE, PROGRESSION_NOT_RESPONSIVE,
                                  OUT_OF_SCOPE])
def test_the_pdf_says_exactly_what_was_measured(store, data):
    case = case_of(data)
    result = Renderer(store).result_for(case)
    blocks = handout_paragraphs(case, result, INFO)
    pdf = flat(" ".join(pdf_text(build_handout(case, result, INFO))))
    for block in blocks:
        for text in [block.text, *block.benefits, *block.uncertainties]:
            if text:
                assert flat(text) in pdf, text
    assert "Your questions" in pdf


def test_each_option_shows_benefits_and_uncertainties_evenly(store):
    case = case_of({**FIRST_LINE_ET_ALONE, "planned_regimen": None})
    result = Renderer(store).result_for(case)
    assert len(result.options) == 2
    blocks = handout_paragraphs(case, result)
    pairs = [b for b in blocks if b.kind == "pair"]
    assert len(pairs) == len(result.options)
    for option, pair in zip(result.options, pairs, strict=True):
        extra = store.statements[option.id].extra
        assert pair.benefits == tuple(extra["plain_benefits"])
        assert pair.uncertainties == tuple(extra["plain_uncertainties"])
    text = " ".join(pdf_text(build_handout(case, result)))
    assert text.count(BENEFITS_HEAD) == text.count(UNCERTAIN_HEAD) == 2


def test_every_item_of_the_result_is_in_the_handout(store):
    case = case_of(FIRST_LINE_ET_ALONE)
    result = Renderer(store).result_for(case)
    text = flat(" ".join(pdf_text(build_handout(case, result, INFO))))
    ids = [i.id for i in result.options + result.plan + result.cautions]
    ids += list(result.outside_ids)
    assert len(ids) >= 8
    for sid in ids:
        assert flat(store.statements[sid].extra["plain"]) in text, sid


def test_out_of_scope_handout_says_plainly_that_the_aid_does_not_apply(store):
    case = case_of(OUT_OF_SCOPE)
    result = Renderer(store).result_for(case)
    text = flat(" ".join(pdf_text(build_handout(case, result))))
    assert "This aid does not apply to this case" in text
    assert flat(store.statements["scope.hr_negative"].extra["plain"]) in text
    assert flat(store.statements["scope.her2_equivocal"].extra["plain"]) in text
    assert "What may help" not in text


def test_large_type(store):
    from core.report.handout import _styles

    styles = _styles()
    assert min(s.fontSize for s in styles.values()) >= 11
    assert styles["p"].fontSize >= 14


def test_a_store_without_plain_texts_is_refused(store):
    case = case_of(FIRST_LINE_ET_ALONE)
    statement = store.statements["chemo_her2"]
    saved = dict(statement.extra)
    statement.extra.clear()
    try:
        result = Renderer(store).result_for(case)
        assert result.plain_for("chemo_her2") is None
        with pytest.raises(ReportError, match="plain"):
            build_handout(case, result)
    finally:
        statement.extra.update(saved)
