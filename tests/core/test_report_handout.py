"""The patient handout: plain language, reading grade, even-handed options, no instructions."""

from __future__ import annotations

import re

import pytest
import textstat

from core.answer_checks import answer_checks
from core.evidence import EvidenceStore, open_store
from core.report import (
    DocumentInfo,
    ReportError,
    build_handout,
    build_summary,
    handout_paragraphs,
)
from core.report.handout_words import (
    BENEFITS_HEAD,
    CHEMO_DONE,
    CHEMO_DONE_ID,
    CHEMO_NOT_POSSIBLE,
    CHEMO_NOT_POSSIBLE_IDS,
    DECISION,
    GUIDE_PLAN_HEAD,
    HARMS_HEAD,
    MAKERS,
    NO_CHOICE_LISTED,
    NOT_A_LISTED_CHOICE,
    PLAN_WORDS,
    PLANNING_HEAD,
    UNCERTAIN_HEAD,
    _unmarked,
    as_recorded,
    handout_text,
    plan_note_ids,
)
from core.report.template import reference_code
from core.result import Renderer
from core.rules import decide
from tests.core.report_support import (
    BASE,
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
        # the handout's prose depends only on the decision, the setting, the plan and
        # where the plan goes against another answer
        key = (decide(case).key, case.setting, case.planned_regimen, answer_checks(case))
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
    # and every distinct handout, with the words made in code (review 22, M1: the
    # answer checks asked the patient to ask)
    texts += [handout_text(handout_paragraphs(case, result))
              for case, result in _in_scope_results(store)]
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
        for text in [block.text, *block.benefits, *block.harms, *block.uncertainties]:
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
    assert text.count(BENEFITS_HEAD) == text.count(HARMS_HEAD) == 2
    assert text.count(UNCERTAIN_HEAD) == 2


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
    # HR negative settles it: no advice to complete HER2 testing first
    assert flat(store.statements["scope.her2_equivocal"].extra["plain"]) not in text
    assert "What may help" not in text
    # and the lead says so too: not "cannot help with it yet", which only an unfinished
    # receptor test warrants
    assert "does not apply to it" in text and "yet" not in text
    # nor does it open by saying it sums up the guide on "this kind of breast cancer"
    # (day review 3, C5)
    assert "about this kind of breast cancer" not in text
    assert "what a guide says about one kind of breast cancer" in text
    pending = case_of({**OUT_OF_SCOPE, "receptors": {"hr": "positive", "her2": "equivocal"}})
    text = flat(" ".join(pdf_text(build_handout(pending, Renderer(store).result_for(pending)))))
    assert "cannot help with it yet" in text
    # and its heading does not contradict that lead (texts21, L6)
    assert "This aid cannot help with this case yet" in text
    assert "does not apply" not in text


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


# --- contract 1.1: the handout to the patient-decision-aid (IPDAS) criteria ----------


def _sections(blocks: list) -> dict[str, list[str]]:
    """The handout's texts under each h2 heading."""
    out: dict[str, list[str]] = {}
    current = ""
    for block in blocks:
        if block.kind == "h2":
            current = block.text
            out[current] = []
        elif block.text:  # the words, without the source markers (tested on their own)
            out.setdefault(current, []).append(_unmarked(block.text))
    return out


def _in_scope_results(store):
    renderer = Renderer(store)
    seen = set()
    for case in all_cases():
        key = (decide(case).key, case.setting, case.planned_regimen, answer_checks(case))
        if key in seen:
            continue
        seen.add(key)
        yield case, renderer.result_for(case)


def test_the_decision_is_stated_first_in_one_plain_sentence(store):
    """State the decision in one plain sentence at the top."""
    for data in (FIRST_LINE_ET_ALONE, PROGRESSION_NOT_RESPONSIVE):
        case = case_of(data)
        blocks = handout_paragraphs(case, Renderer(store).result_for(case), INFO)
        assert [b.kind for b in blocks[:2]] == ["title", "lead"]
        assert blocks[1].text == DECISION[case.setting]
        assert blocks[1].text.startswith("The decision:") and blocks[1].text.count(".") == 1
        pdf = pdf_text(build_handout(case, Renderer(store).result_for(case), INFO))
        assert pdf[0].index(blocks[1].text.split(":")[0]) < pdf[0].index("This sheet was made")


def test_harms_with_the_same_detail_as_benefits(store):
    """Harms per option from the confirmed facts only, each with its citation; where the
    sources give none, the care team will explain them; every marker is resolved in the
    sheet's list of sources."""
    case = case_of({**FIRST_LINE_ET_ALONE, "planned_regimen": None})
    result = Renderer(store).result_for(case)
    blocks = handout_paragraphs(case, result, INFO)
    pairs = [b for b in blocks if b.kind == "pair"]
    sources = [b.text for b in blocks if b.kind == "source"]
    for option, pair in zip(result.options, pairs, strict=True):
        assert option.harms
        for harm, line in zip(option.harms, pair.harms, strict=False):
            assert line == f"{harm.plain} [{', '.join(map(str, harm.citations))}]"
            for n in harm.citations:
                assert any(s.startswith(f"[{n}] ") for s in sources), n
        assert "care team will explain" in pair.harms[-1]
        assert len(pair.harms) == len(option.harms) + 1
    pdf = flat(" ".join(pdf_text(build_handout(case, result, INFO))))
    assert "66.8%" in pdf and "Swain 2013" in pdf and "aromatase inhibitors" in pdf


def test_no_status_sentence_says_first_choice_for_a_consider_option(store):
    """No handout status sentence says "first choice" for a consider option (nor for any
    other: the source never says it); each states the source's own strength."""
    checked = 0
    for case, result in _in_scope_results(store):
        if not result.in_scope:
            continue
        blocks = handout_paragraphs(case, result, INFO)
        heads = [i for i, b in enumerate(blocks) if b.kind == "h3"]
        for option, i in zip(result.options, heads, strict=True):
            status = blocks[i + 1].text
            assert status == as_recorded(case, result).plain_for(option.id).strength, option.id
            assert "first choice" not in status.lower()
            if option.status == "consider":
                assert "considered" in status and "preferred" not in status
            checked += 1
    assert checked > 100


def test_the_plan_section_and_what_the_team_is_planning_never_disagree(store):
    """"What your team is planning", from plan_matches, only when a plan was given; it
    never contradicts the plan section: the guide's timing advice is labelled as the
    guide's, the plan is named in plain words, the choice it matches is the one
    plan_matches names, and what the guide says about the plan stands with the plan."""
    planned = no_choice = 0
    for case, result in _in_scope_results(store):
        if not result.in_scope:
            continue
        blocks = handout_paragraphs(case, result, INFO)
        sections = _sections(blocks)
        assert "The treatment plan" not in sections  # a heading a reader takes as theirs
        plan_texts = [result.plain_for(p.id).text for p in result.plan]
        assert sections.get(GUIDE_PLAN_HEAD, []) == plan_texts
        if case.planned_regimen is None:
            assert PLANNING_HEAD not in sections
            continue
        planned += 1
        r = case.planned_regimen
        team = sections[PLANNING_HEAD]
        assert team[0] == (f"Your care team is thinking about "
                           f"{PLAN_WORDS[(r.chemotherapy, r.endocrine, r.her2_targeted)]}.")
        # which choice it is; where it goes against another of the care team's answers
        # (the care team named once, after the last); what the guide says of it,
        # announced straight before its points (review 21, L2, L3; review 22, M1, L1)
        line, rest = team[1], team[2:]
        titles = [result.plain_for(m).title for m in result.plan_matches]
        notes = [result.plain_for(sid).text for sid in plan_note_ids(case, result)]
        checks = [c.plain for c in result.answer_checks]
        if checks:
            about = {1: "this", 2: "both"}[len(checks)]
            checks[-1] += f" Your care team can tell you more about {about}."
        assert rest[:len(checks)] == checks
        rest = rest[len(checks):]
        if titles:
            assert all(f"“{t}”" in line for t in titles) and "not one of" not in line
        elif result.options:
            assert line.startswith(NOT_A_LISTED_CHOICE)
            # with nothing below to say more, the care team is named (texts21, M2, M9)
            assert line.endswith(
                "Your care team can tell you why they are thinking about it.") == (
                not checks and not notes)
            if notes:
                assert rest.pop(0) == "The points below say how this plan differs from the guide."
        else:  # no choice at all: as the summary's plan check says (review 19, L8)
            assert line == NO_CHOICE_LISTED
            # nothing to differ from: the points only say more (explore19, finding 6)
            if notes:
                assert rest.pop(0) == "The points below say more about this plan."
            no_choice += 1
        assert rest == notes
        assert team[-1] != NOT_A_LISTED_CHOICE
        # what is said about the plan is said once, with the plan
        others = [t for h, texts in sections.items() if h != PLANNING_HEAD for t in texts]
        assert not set(notes) & set(others)
        assert not [t for t in others if t.startswith("The plan being thought about")]
        # a plan the guide's own plan items speak against is never called a choice
        if "continue_her2_until_progression" in plan_note_ids(case, result):
            assert not result.plan_matches
    assert planned > 100 and no_choice > 0


def test_about_this_sheet_contact_and_questions(store):
    """Production date, what the evidence rests on and up to when, who made the guide and
    that it carries no sponsorship, space for the care team's contact details and the
    patient's questions."""
    case = case_of(FIRST_LINE_ET_ALONE)
    result = Renderer(store).result_for(case)
    pdf = flat(" ".join(pdf_text(build_handout(case, result, INFO))))
    # the date in words, in English whatever the locale (not strftime's %B: Qt sets the
    # machine's locale at start-up), and the same way on page 1
    when = INFO.when
    month = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")[when.month - 1]
    assert f"This sheet was printed on {when.day} {month} {when.year}." in pdf
    assert f"Printed {when.day} {month} {when.year}, {when:%H:%M}" in pdf
    assert "cites studies published up to 2022. Newer studies are not included." in pdf
    assert flat(MAKERS) in pdf and "no sponsorship" in pdf
    for label in ("Name:", "Phone:", "Email:", "Next visit:"):
        assert label in pdf
    assert "Your questions" in pdf and "Your care team" in pdf


def test_no_case_label_unless_the_clinician_asks(store):
    """No internal case label unless the clinician chooses to print one; the footer keeps
    page X of Y and the QR code, with a short reference code instead of the hash."""
    from dataclasses import replace

    case = case_of(FIRST_LINE_ET_ALONE)
    result = Renderer(store).result_for(case)
    assert case.label
    plain = "\n".join(pdf_text(build_handout(case, result, INFO)))
    assert flat(case.label) not in flat(plain) and "Sample A" not in plain
    assert result.case_sha256 not in plain
    assert f"Reference code: {reference_code(result.case_sha256)}" in plain
    labelled = "\n".join(pdf_text(build_handout(case, result,
                                                replace(INFO, label_on_handout=True))))
    assert flat(f"Case: {case.label}") in flat(labelled)


def test_a_point_already_said_in_full_is_not_printed_twice(store):
    """A premenopausal patient with an endocrine plan: the plan note says all that the
    menopause entry says, so the handout says it once; without a plan, the menopause
    entry itself is printed."""
    ovaries = "Drugs that stop the ovaries from working are not covered by the guide."
    outside = flat(store.statements["outside.menopause_premenopausal"].extra["plain"])
    note = flat(store.statements["premenopausal_endocrine"].extra["plain"])
    assert outside in note  # the reason it may be left out
    for data, headings in ((FIRST_LINE_ET_ALONE, 0),
                           ({**FIRST_LINE_ET_ALONE, "planned_regimen": None}, 1)):
        case = case_of(data)
        result = Renderer(store).result_for(case)
        assert "outside.menopause_premenopausal" in result.outside_ids
        text = flat(" ".join(pdf_text(build_handout(case, result, INFO))))
        assert text.count(flat(ovaries)) == 1
        assert outside in text
        assert text.count("What the guide does not cover") == headings


def _marker_numbers(text: str) -> set[int]:
    return {int(n) for group in re.findall(r"\[(\d+(?:, \d+)*)\]", text)
            for n in group.split(", ")}


def test_every_source_listed_is_marked_and_every_marker_is_listed(store):
    """Every [n] on the sheet points to a source listed on it, every listed source is
    marked on a point it supports, and the example in "such as [n]" is one of them.
    Each option's words carry the option's own sources (as on the summary)."""
    pairs = [*_in_scope_results(store)]
    out_of_scope = case_of(OUT_OF_SCOPE)
    pairs.append((out_of_scope, Renderer(store).result_for(out_of_scope)))
    for case, result in pairs:
        blocks = handout_paragraphs(case, result, INFO)
        marked = set().union(*(b.markers() for b in blocks))
        listed = {int(b.text[1:b.text.index("]")]) for b in blocks if b.kind == "source"}
        assert listed == marked, (case, listed, marked)
        note = [b.text for b in blocks if b.text.startswith("Numbers in square brackets")]
        assert len(note) == (1 if listed else 0)
        if note:
            assert _marker_numbers(note[0]) <= listed
        texts = [b.text for b in blocks if b.kind == "p"]
        for option in result.options:
            words = result.plain_for(option.id).text
            assert f"{words} [{', '.join(map(str, option.citations))}]" in texts


@pytest.mark.parametrize("data", [FIRST_LINE_ET_ALONE, PROGRESSION_NOT_RESPONSIVE, {
    "format": "hrher2-aid.case/1", "receptors": {"hr": "positive", "her2": "positive"},
    "setting": "progression", "disease": {"visceral": True, "symptomatic": False},
    "endocrine_responsive": "yes", "her2_therapy": {"unacceptable_toxicity": True},
    "menopausal_status": "premenopausal",
    "planned_regimen": {"chemotherapy": True, "endocrine": True, "her2_targeted": True}}])
def test_the_printed_sheet_resolves_its_markers_and_keeps_its_questions_together(
        store, data):
    """Read back from the PDF: the markers in the body and the sources listed agree; the
    "Your questions" heading is on the last page, with its ruled lines (it was once left
    at the foot of a page, the lines alone overleaf)."""
    case = case_of(data)
    result = Renderer(store).result_for(case)
    pages = pdf_text(build_handout(case, result, INFO))
    text = flat(" ".join(pages))
    body, _, about = text.partition("point to these sources:")
    listed = {int(n) for n in re.findall(r"\[(\d+)\] [A-Z][a-z]+ [A-Z]+,", about)}
    assert _marker_numbers(body.split("Numbers in square brackets")[0]) == listed
    assert bool(listed) == bool(result.references)
    # "the care team has a longer summary that lists the sources": only if it lists any
    assert ("lists the sources in full" in text) == bool(result.references)
    assert "Your questions" in pages[-1] and "Your questions" not in " ".join(pages[:-1])


def test_the_questions_heading_never_ends_a_page_without_its_lines():
    """Wherever the questions block falls near a page's foot (a spacer of every height
    before it, in 3 pt steps, up to the frame's 654 pt), its heading and sentence are on
    the last page, with the lines: the lines come last and are never alone overleaf."""
    from reportlab.platypus import Spacer

    from core.report.handout import _story
    from core.report.handout_words import QUESTIONS_TEXT, Block
    from core.report.template import PageMarks, render

    marks = PageMarks(title="t", case_sha256="0" * 64, evidence_version="v", footer_note="n")
    blocks = [Block("h2", "Your questions"), Block("questions", QUESTIONS_TEXT)]
    for height in range(420, 654, 3):
        pdf = render([Spacer(1, height), *_story(blocks)], marks, subject="s", author="a")
        pages = pdf_text(pdf)
        assert "Your questions" in pages[-1], height
        assert len(pages) <= 2, height


def test_an_options_benefits_and_harms_are_never_on_different_pages(store):
    """Day review W9: "What may help" ended page 1 and "What may harm" began page 2, so
    a patient reading one page saw only the benefits. Each option's two boxes share a
    page (the less certain points may follow overleaf), and "The treatment choices"
    shares a page with the first option's heading. Every fourth distinct in-scope
    result of the generated cases (89 of 355; all of them take 45 s), printed and read
    back."""
    renderer, seen = Renderer(store), set()
    for case in all_cases():
        decision = decide(case)
        if not decision.in_scope or decision.key in seen:
            continue
        seen.add(decision.key)
        if len(seen) % 4 != 1:
            continue
        result = renderer.result_for(case)
        for page in pdf_text(build_handout(case, result, INFO)):
            assert page.count(BENEFITS_HEAD) == page.count(HARMS_HEAD), (case, page)
            # and the section's heading goes with its first option, not alone before it
            if result.options and "The treatment choices" in page:
                first = result.plain_for(result.options[0].id).title
                assert first in page.replace("\n", " "), page
    assert len(seen) > 300


@pytest.mark.parametrize("reason", ["contraindicated", "declined"])
def test_a_patient_who_cannot_have_chemo_is_told_so_beside_the_option(store, reason):
    """The source considers ET + HER2 "for patients in whom chemotherapy is not immediately
    indicated" and does not discuss patients who cannot have it or decline it. The
    outside-source entry that says so stands with the option's words, where a patient
    reads "when chemo is not needed right away" (and could take it for "chemo later"),
    and is not printed again at the end (explore19, finding 4; review 20, M1: it no
    longer says the guide's words do not cover her, beside "the guide says this choice
    can be considered")."""
    data = {**FIRST_LINE_ET_ALONE, "chemotherapy": {reason: True},
            "planned_regimen": {"chemotherapy": False, "endocrine": True,
                                "her2_targeted": True}}
    case = case_of(data)
    result = Renderer(store).result_for(case)
    assert [o.id for o in result.options] == ["et_her2"]
    note = as_recorded(case, result).plain_for("outside.et_her2_chemo_not_possible").text
    assert "They do not say that chemo will be given later." in note
    assert "do not cover" not in note and "will not be given" not in note
    blocks = handout_paragraphs(case, result, INFO)
    kinds = [(b.kind, _unmarked(b.text)) for b in blocks]
    start = kinds.index(("h3", result.plain_for("et_her2").title))
    assert kinds[start + 2] == ("p", result.plain_for("et_her2").text)
    assert kinds[start + 3] == ("p", note) and blocks[start + 4].kind == "pair"
    assert [t for _k, t in kinds].count(note) == 1
    # a patient who can have chemo is not told she cannot
    able = case_of({**data, "chemotherapy": {}})
    possible = Renderer(store).result_for(able)
    assert "outside.et_her2_chemo_not_possible" not in possible.outside_ids
    assert note not in [b.text for b in handout_paragraphs(able, possible, INFO)]


@pytest.mark.parametrize(("recorded", "said", "not_said"), [
    ({"contraindicated": True}, "noted that chemo is not safe for you.", "chosen not"),
    ({"declined": True}, "noted that you have chosen not to have chemo.", "not safe"),
    ({"contraindicated": True, "declined": True},
     "noted that chemo is not safe for you and that you have chosen not to have chemo.", None),
])
@pytest.mark.parametrize("symptomatic", [False, True])
def test_the_sheet_says_which_reason_for_no_chemo_was_recorded(store, recorded, said,
                                                                not_said, symptomatic):
    """Review A, L3: the evidence's words serve every case ("chemo is not safe for you,
    or that you have chosen not to have it"); beside the plan's "you have chosen not to
    have chemo", the "or" read as though the team did not know which. The sheet says
    what was recorded, in the PDF as printed; the clinician's words are unchanged."""
    data = {**BASE, "menopausal_status": "postmenopausal",
            "disease": {"visceral": True, "symptomatic": symptomatic},
            "chemotherapy": recorded,
            "planned_regimen": {"chemotherapy": True, "endocrine": False, "her2_targeted": True}}
    case = case_of(data)
    result = Renderer(store).result_for(case)
    sid = ("outside.multidisciplinary_review" if symptomatic
           else "outside.et_her2_chemo_not_possible")
    assert sid in result.outside_ids
    # the shipped evidence still begins with the words the sheet makes exact
    assert result.plain_for(sid).text.startswith(CHEMO_NOT_POSSIBLE)
    printed = flat(" ".join(pdf_text(build_handout(case, result, INFO))))
    assert CHEMO_NOT_POSSIBLE not in printed
    assert f"Your care team has {said}" in printed
    if not_said is not None:
        assert not_said not in printed
    # the rest of the statement is printed as the evidence words it
    rest = result.plain_for(sid).text.removeprefix(CHEMO_NOT_POSSIBLE).strip()
    assert flat(rest) in printed
    # the result itself (the screen, the summary, the saved case) is not changed
    assert result.plain_for(sid).text.startswith(CHEMO_NOT_POSSIBLE)
    assert set(CHEMO_NOT_POSSIBLE_IDS) >= {sid}


@pytest.mark.parametrize(("recorded", "said", "not_said"), [
    ({"months_given": 2, "maximal_response": True},
     "noted that the cancer has responded to chemo as much as it is likely to, so this aid "
     "counts chemo as done.", "side effects, so"),
    ({"months_given": 5, "maximal_response": False, "unacceptable_toxicity": True},
     "noted that chemo must stop because of side effects, so this aid counts chemo as done.",
     "responded to chemo"),
    ({"months_given": 3, "maximal_response": True, "unacceptable_toxicity": True},
     "noted that the cancer has responded to chemo as much as it is likely to and that "
     "chemo must stop because of side effects, so this aid counts chemo as done.", None),
])
def test_the_sheet_says_which_answer_counts_chemo_as_done(store, recorded, said, not_said):
    """The evidence's "From your care team's answers, this aid counts chemo as done"
    serves both answers that make it so (a maximal response; chemo stopped for its side
    effects): the patient could not tell which her team had recorded, after 2 months of
    chemo, say, where "done" is not what she may expect. The sheet says which; the result
    (screen, summary, saved case) keeps the evidence's words."""
    data = {**BASE, "setting": "after_induction", "chemotherapy": recorded,
            "planned_regimen": {"chemotherapy": False, "endocrine": True,
                                "her2_targeted": True}}
    case = case_of(data)
    result = Renderer(store).result_for(case)
    assert [(o.id, o.status) for o in result.options] == [(CHEMO_DONE_ID, "preferred")]
    assert CHEMO_DONE in result.plain_for(CHEMO_DONE_ID).strength
    printed = flat(" ".join(pdf_text(build_handout(case, result, INFO))))
    assert CHEMO_DONE not in printed
    assert f"Your care team has {said}" in printed
    if not_said is not None:
        assert not_said not in printed
    # the clinician's summary prints the evidence's status sentence as it is
    summary = flat(" ".join(pdf_text(build_summary(case, result, INFO))))
    assert flat(result.options[0].strength) in summary
    assert CHEMO_DONE in result.plain_for(CHEMO_DONE_ID).strength


def test_a_statement_worded_otherwise_is_printed_as_it_is(store):
    """If a later pack rewords the sentence, the sheet prints the evidence's words as
    they are (still true, only less exact) rather than a half-replaced sentence."""
    case = case_of({**BASE, "chemotherapy": {"declined": True},
                    "disease": {"visceral": True, "symptomatic": True}})
    result = Renderer(store).result_for(case)
    sid = "outside.multidisciplinary_review"
    reworded = result._replace(plain=tuple(
        (s, w._replace(text="Other words. " + w.text.removeprefix(CHEMO_NOT_POSSIBLE)))
        if s == sid else (s, w) for s, w in result.plain))
    assert as_recorded(case, reworded).plain_for(sid) == reworded.plain_for(sid)


def test_every_finding_among_benefits_and_uncertainties_carries_its_marker(store):
    """A benefit or uncertainty that reports a finding (a figure, a trial, a study) ends
    with the marker of a reference its statement cites, as the harms do; the marker is
    counted for the sheet's source list and is not read as words (explore19, finding 5)."""
    finding = re.compile(r"(?<!HER)\d|\btrials?\b|\bstud(y|ies)\b|\bproof\b", re.IGNORECASE)
    checked = 0
    for statement in store.of_kind("option"):
        for text in (*statement.extra["plain_benefits"], *statement.extra["plain_uncertainties"]):
            body = _unmarked(text)
            if not finding.search(body):
                continue
            checked += 1
            marker = re.search(r" \[(\d+(?:, \d+)*)\]$", text)
            assert marker, (statement.id, text)
            assert {int(n) for n in marker[1].split(", ")} <= set(statement.citations), text
    assert checked >= 8
    case = case_of(FIRST_LINE_ET_ALONE)
    result = Renderer(store).result_for(case)
    pair = next(b for b in handout_paragraphs(case, result, INFO)
                if b.kind == "pair" and any("due to chance" in t for t in b.uncertainties))
    # eLEcTRA's [2] is marked by an uncertainty only, never by a harm (review 20, L5)
    assert 2 in pair.markers() and not [h for h in pair.harms if h.endswith("[2]")]
    assert not [t for t in pair.prose() if t.endswith("]")]


def test_papers_named_on_the_sheet_are_said_to_be_found_through_the_summary(store):
    """A paper the handout names by author and year is not in its source list (that list
    is the source's references); the sheet says so, and the summary printed with it says
    where to find each one (texts21, L5)."""
    from core.report.handout_words import handout_text, named_papers, named_papers_note

    seen: set[str] = set()
    for case, result in _in_scope_results(store):
        blocks = handout_paragraphs(case, result, INFO)
        about = [b for b in blocks if b.kind == "meta" and "named on this sheet" in b.text]
        named = named_papers(handout_text([b for b in blocks if b not in about]))
        assert [b.text for b in about] == (
            [named_papers_note(named)] if named else [])
        if named:  # in the singular for one paper (review 21, L1)
            assert (" is not in this list" in about[0].text) == (len(named) == 1)
        clinician = " ".join(
            [*(o.text for o in result.options), *(r for o in result.options for r in o.rationale),
             *(h.text for o in result.options for h in o.harms),
             *(i.text for i in result.plan + result.cautions)])
        for paper in named:
            assert re.search(re.escape(paper) + r", (J Clin Oncol \d+:\d+-\d+|PMID \d+)",
                             clinician), (paper, case)
        seen.update(named)
    assert seen == {"Kaufman 2009", "Johnston 2009", "Swain 2013"}


def test_chemo_counted_as_done_is_the_aids_reading_beside_a_plan_of_more_chemo(store):
    """Review 21, M2: after a maximal response, with chemotherapy and HER2-targeted therapy
    planned, the sheet said "Chemo is done." as a fact about the patient, beside a plan
    that includes chemo. It is the aid's reading of the answers, and says so."""
    case = case_of({**BASE, "setting": "after_induction",
                    "chemotherapy": {"months_given": 6, "maximal_response": True},
                    "planned_regimen": {"chemotherapy": True, "endocrine": False,
                                        "her2_targeted": True}})
    result = Renderer(store).result_for(case)
    assert [(o.id, o.status) for o in result.options] == [("her2_et_maintenance", "preferred")]
    text = flat(" ".join(pdf_text(build_handout(case, result, INFO))))
    assert "Your care team is thinking about chemo with HER2 drugs." in text
    assert "Chemo is done." not in text
    assert ("The guide calls this a reasonable approach once chemo is done. Your care team "
            "has noted that the cancer has responded to chemo as much as it is likely to, so "
            "this aid counts chemo as done.") in text


def test_a_plan_that_is_none_of_the_choices_is_not_said_to_be_outside_the_guide(store):
    """Review A, H1: HER2 drugs alone after chemotherapy matched none of the options, and
    the sheet said "This is not one of the choices the guide offers here", although the
    guide says HER2-targeted therapy should continue and only that endocrine therapy can
    be added. The choices are the ones this sheet lists; no caution follows here, so the
    sheet names the care team and claims nothing about the guide."""
    case = case_of({**BASE, "setting": "after_induction",
                    "chemotherapy": {"months_given": 6, "maximal_response": True},
                    "planned_regimen": {"chemotherapy": False, "endocrine": False,
                                        "her2_targeted": True}})
    result = Renderer(store).result_for(case)
    assert result.plan_matches == () and not result.answer_checks
    assert not plan_note_ids(case, result)
    text = flat(" ".join(pdf_text(build_handout(case, result, INFO))))
    assert "Your care team is thinking about HER2 drugs alone." in text
    assert (f"{NOT_A_LISTED_CHOICE} Your care team can tell you why they are thinking "
            "about it.") in text
    assert "the guide offers here" not in text and "differs from the guide" not in text


def test_the_alternative_to_endocrine_therapy_with_chemo_keeps_the_sources_limit(store):
    """Review A, M2: the caution against endocrine therapy with chemotherapy offered
    "Hormone therapy can be added once chemo ends." without the source's context (for
    patients on HER2-targeted therapy with chemotherapy) or its limit (evidence of
    benefit is limited); at progression nothing else on the sheet gave them."""
    case = case_of({**BASE, "setting": "progression", "endocrine_responsive": "yes",
                    "menopausal_status": "postmenopausal",
                    "planned_regimen": {"chemotherapy": True, "endocrine": True,
                                        "her2_targeted": True}})
    result = Renderer(store).result_for(case)
    assert "no_concurrent_et_chemo" in [c.id for c in result.cautions]
    text = flat(" ".join(pdf_text(build_handout(case, result, INFO))))
    assert ("The guide says that for people having HER2 drugs with chemo, hormone therapy "
            "can be added once chemo ends. There is only limited proof that this helps.") in text
    summary = flat(" ".join(pdf_text(build_summary(case, result, INFO))))
    assert flat("For patients receiving HER2-targeted therapy with chemotherapy, endocrine "
                "therapy can instead be added as maintenance after chemotherapy ends, "
                "although evidence supporting benefit in this setting is limited") in summary
