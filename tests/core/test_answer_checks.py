"""The planned regimen against the case's other answers (core.answer_checks): where the
clinician's answers disagree, the screen, the summary and the handout say so (texts21,
M1-M4: both facts were printed side by side, with no word about it)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.answer_checks import answer_checks
from core.case import Case
from core.fields import FIELDS_BY_PATH
from core.questionnaire import answers_from_case
from core.report import build_handout, build_summary
from core.report.handout_words import NOT_A_LISTED_CHOICE, planning_blocks
from core.result import Renderer, Result
from tests.core.report_support import BASE, all_cases, case_of, flat, pdf_text
from tests.core.strategies import case_dicts

PLAN_CHEMO_HER2 = {"chemotherapy": True, "endocrine": False, "her2_targeted": True}
PLAN_ET_HER2 = {"chemotherapy": False, "endocrine": True, "her2_targeted": True}

#: each check: the two answers it puts side by side (both asked for the case)
FIELDS_OF = {
    "chemo_planned_not_possible": ("planned_regimen.chemotherapy",),
    "chemo_planned_after_toxicity": ("planned_regimen.chemotherapy",
                                     "chemotherapy.unacceptable_toxicity"),
    "endocrine_planned_not_responsive": ("planned_regimen.endocrine", "endocrine_responsive"),
    "her2_planned_after_toxicity": ("planned_regimen.her2_targeted",
                                    "her2_therapy.unacceptable_toxicity"),
}


def expected_ids(case: Case) -> list[str]:
    """The rule, restated from the case's own values."""
    plan, chemo = case.planned_regimen, case.chemotherapy
    if plan is None or (case.receptors.hr, case.receptors.her2) != ("positive", "positive"):
        return []
    setting = case.setting
    return [cid for cid, fires in (
        ("chemo_planned_not_possible", setting == "first_line" and plan.chemotherapy
         and (chemo.contraindicated or chemo.declined)),
        ("chemo_planned_after_toxicity", setting == "after_induction" and plan.chemotherapy
         and chemo.unacceptable_toxicity),
        ("endocrine_planned_not_responsive", setting == "progression" and plan.endocrine
         and case.endocrine_responsive == "no"),
        ("her2_planned_after_toxicity", setting != "first_line" and plan.her2_targeted
         and case.her2_therapy.unacceptable_toxicity),
    ) if fires]


def test_every_case_of_the_product_gets_exactly_its_checks_and_only_on_asked_answers(
        renderer: Renderer) -> None:
    """A check is raised exactly where the planned regimen includes what another answer
    rules out, and never on an answer the questionnaire does not ask for the case."""
    fired = {cid: 0 for cid in FIELDS_OF}
    two_at_once: set[str] = set()
    for case in all_cases():
        checks = renderer.result_for(case).answer_checks
        ids = [c.id for c in checks]
        if len(ids) == 2:
            two_at_once.add(case.setting)
        assert ids == expected_ids(case), case
        answers = answers_from_case(case)
        for cid in ids:
            fired[cid] += 1
            for path in FIELDS_OF[cid] + (("chemotherapy.contraindicated",)
                                          if cid == "chemo_planned_not_possible" else ()):
                assert FIELDS_BY_PATH[path].asked(answers), (cid, path)
    assert all(fired.values()), fired  # each check is reached by the product's cases
    # and two at once, in both settings that can have two (review 23, L2)
    assert two_at_once == {"after_induction", "progression"}


#: each check: the planned part it is about, and the other answer given each way that
#: rules nothing out ("unknown" is not "not endocrine-responsive": review 22, L2)
AGAINST: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "chemo_planned_not_possible": (
        "chemotherapy", [{"chemotherapy": {"contraindicated": False, "declined": False}}]),
    "chemo_planned_after_toxicity": (
        "chemotherapy", [{"chemotherapy": {"unacceptable_toxicity": False}}]),
    "endocrine_planned_not_responsive": (
        "endocrine", [{"endocrine_responsive": "yes"}, {"endocrine_responsive": "unknown"}]),
    "her2_planned_after_toxicity": (
        "her2_targeted", [{"her2_therapy": {"unacceptable_toxicity": False}}]),
}
#: each check: the planned part and the answers that rule it out, for a generated case
#: made to hold the contradiction
RULED_OUT_BY: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "chemo_planned_not_possible": (
        "chemotherapy", [{"chemotherapy": {"contraindicated": True}},
                         {"chemotherapy": {"declined": True}}]),
    "chemo_planned_after_toxicity": (
        "chemotherapy", [{"chemotherapy": {"unacceptable_toxicity": True}}]),
    "endocrine_planned_not_responsive": ("endocrine", [{"endocrine_responsive": "no"}]),
    "her2_planned_after_toxicity": (
        "her2_targeted", [{"her2_therapy": {"unacceptable_toxicity": True}}]),
}
SETTING_OF = {"chemo_planned_not_possible": ["first_line"],
              "chemo_planned_after_toxicity": ["after_induction"],
              "endocrine_planned_not_responsive": ["progression"],
              "her2_planned_after_toxicity": ["after_induction", "progression"]}


def _ids(data: dict[str, Any]) -> list[str]:
    return [c.id for c in answer_checks(case_of(data))]


def _with(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for key, value in changes.items():
        if isinstance(value, dict):
            out[key] = {**(out.get(key) or {}), **value}
        else:
            out[key] = value
    return out


def _stands_on_two_asked_answers(data: dict[str, Any]) -> None:
    case = case_of(data)
    ids = _ids(data)
    answers = answers_from_case(case)
    for cid in ids:
        part, cleared = AGAINST[cid]
        assert case.planned_regimen is not None and getattr(case.planned_regimen, part), cid
        assert all(FIELDS_BY_PATH[path].asked(answers) for path in FIELDS_OF[cid]), cid
        others = [i for i in ids if i != cid and AGAINST[i][0] != part]
        assert _ids(_with(data, {"planned_regimen": {part: False}})) == others
        for answer in cleared:
            assert _ids(_with(data, answer)) == [i for i in ids if i != cid], answer


def test_a_check_stands_on_two_asked_answers_and_goes_with_either() -> None:
    """Property (review 21, L5: stated, not the rule copied), over every case of the
    product: a check is raised only where the plan includes the part it names and
    another answer, asked for this case, rules that part out; take the part out of the
    plan, or give the other answer as it reads when it rules nothing out, and that check
    goes while the others stay."""
    for case in all_cases():
        if answer_checks(case):  # (none: nothing for the property to say)
            _stands_on_two_asked_answers(case.to_dict())


@st.composite
def contradicting_cases(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    """A generated case made to hold one or more of the contradictions: for each check
    drawn, its planned part planned and an answer that rules it out given."""
    wanted = draw(st.lists(st.sampled_from(sorted(RULED_OUT_BY)), min_size=1, max_size=2,
                           unique=True))
    settings = set.intersection(*(set(SETTING_OF[cid]) for cid in wanted))
    if not settings:
        wanted, settings = wanted[:1], set(SETTING_OF[wanted[0]])
    data = draw(case_dicts(in_scope=True, setting=draw(st.sampled_from(sorted(settings)))))
    for cid in wanted:
        part, answers = RULED_OUT_BY[cid]
        data = _with(data, {"planned_regimen": {"chemotherapy": False, "endocrine": False,
                                                "her2_targeted": False,
                                                **(data.get("planned_regimen") or {}),
                                                part: True}})
        data = _with(data, draw(st.sampled_from(answers)))
    return data, wanted


@given(contradicting_cases())
def test_a_check_stands_on_two_asked_answers_in_generated_cases(
        made: tuple[dict[str, Any], list[str]]) -> None:
    """The same property, over generated cases made to hold a contradiction (labels,
    months, keys left out); each one made is found."""
    data, wanted = made
    assert set(wanted) <= set(_ids(data)), data
    _stands_on_two_asked_answers(data)


@pytest.mark.parametrize("cid", sorted(RULED_OUT_BY))
def test_no_check_stands_on_an_answer_the_setting_does_not_ask(cid: str) -> None:
    """Review 23, L1: each check, in every setting where the questionnaire does not ask
    its answer, is not raised however that answer was left in the file (the product's
    cases give endocrine responsiveness only at progression)."""
    part, answers = RULED_OUT_BY[cid]
    plan = {"chemotherapy": False, "endocrine": False, "her2_targeted": False, part: True}
    others = [s for s in ("first_line", "after_induction", "progression")
              if s not in SETTING_OF[cid]]
    assert others  # (every check has a setting that does not ask its answer)
    for setting in others:
        for answer in answers:
            data = _with({**BASE, "setting": setting, "planned_regimen": plan}, answer)
            if setting == "after_induction":
                data = _with(data, {"chemotherapy": {"months_given": 6,
                                                     "maximal_response": False}})
            assert cid not in _ids(data), (setting, answer)


@given(case_dicts())
def test_no_plan_or_an_empty_plan_has_no_check(data: dict[str, Any]) -> None:
    """Property: with nothing planned there is nothing for another answer to go against."""
    assert _ids(_with(data, {"planned_regimen": None})) == []
    empty = {"chemotherapy": False, "endocrine": False, "her2_targeted": False}
    assert _ids(_with(data, {"planned_regimen": empty})) == []


def test_a_consistent_plan_has_no_check_and_the_result_is_unchanged(renderer: Renderer) -> None:
    case = case_of({**BASE, "planned_regimen": PLAN_CHEMO_HER2})
    result = renderer.result_for(case)
    assert result.answer_checks == ()
    assert "answer_checks" not in result.to_dict()  # the contract's JSON is untouched
    assert result.to_dict(complete=True)["display"]["answer_checks"] == []


@pytest.mark.parametrize(("chemo", "words", "plain"), [
    ({"contraindicated": True}, "recorded as contraindicated.",
     "noted that chemo is not safe for you, and the plan"),
    ({"declined": True}, "recorded as declined by the patient.",
     "noted that you have chosen not to have chemo, and the plan"),
    ({"contraindicated": True, "declined": True},
     "recorded as contraindicated and declined by the patient.",
     "noted that chemo is not safe for you and that you have chosen not to have chemo, and"),
])
def test_the_clinician_text_names_the_answer_given(renderer: Renderer, chemo: dict[str, bool],
                                                   words: str, plain: str) -> None:
    """Both texts say only what was recorded (review 21, M1: a patient who had declined
    read that chemo might not be safe for her)."""
    case = case_of({**BASE, "chemotherapy": chemo, "planned_regimen": PLAN_CHEMO_HER2})
    (check,) = renderer.result_for(case).answer_checks
    assert check.text.endswith(words)
    assert plain in check.plain


def test_checks_survive_a_saved_result(renderer: Renderer) -> None:
    case = case_of({**BASE, "setting": "progression", "endocrine_responsive": "no",
                    "her2_therapy": {"unacceptable_toxicity": True},
                    "planned_regimen": PLAN_ET_HER2})
    result = renderer.result_for(case)
    assert [c.id for c in result.answer_checks] == ["endocrine_planned_not_responsive",
                                                    "her2_planned_after_toxicity"]
    assert Result.from_dict(result.to_dict(complete=True)) == result
    # a result saved before the checks existed reads back with none
    old = result.to_dict(complete=True)
    del old["display"]["answer_checks"]
    assert Result.from_dict(old).answer_checks == ()


def test_both_documents_print_the_checks(renderer: Renderer) -> None:
    case = case_of({**BASE, "setting": "after_induction",
                    "chemotherapy": {"months_given": 2, "maximal_response": False,
                                     "unacceptable_toxicity": True},
                    "planned_regimen": PLAN_CHEMO_HER2})
    result = renderer.result_for(case)
    (check,) = result.answer_checks
    summary_text = flat(" ".join(pdf_text(build_summary(case, result))))
    handout_text = flat(" ".join(pdf_text(build_handout(case, result))))
    # on page 1 and beside the plan check
    assert summary_text.count(check.text) == 2
    assert "CHECK THE ANSWERS: " + check.text in summary_text
    assert "Check the answers: " + check.text in summary_text
    assert check.plain in handout_text
    assert handout_text.index("What your team is planning") < handout_text.index(check.plain)


def test_a_plan_the_guide_does_not_offer_with_nothing_below_asks_the_care_team(
        renderer: Renderer) -> None:
    """Progression, not aggressive, a chemotherapy plan: the source is silent on it, and
    no caution follows; the handout no longer stops at "not one of the choices"."""
    case = case_of({**BASE, "setting": "progression", "endocrine_responsive": "yes",
                    "menopausal_status": "postmenopausal", "planned_regimen": PLAN_CHEMO_HER2})
    result = renderer.result_for(case)
    assert result.answer_checks == () and result.plan_matches == ()
    text = flat(" ".join(pdf_text(build_handout(case, result))))
    assert (f"{NOT_A_LISTED_CHOICE} Your care team can tell you why they are thinking "
            "about it.") in text


def test_two_checks_name_the_care_team_once_and_come_before_the_guides_points(
        renderer: Renderer) -> None:
    """Review 21, L2 and L3, review 22, M1 and L3: "The points below say how it differs
    from the guide" was followed by the checks, not by the points; with two checks the
    sheet asked twice in a row, and it told the patient what to do ("Ask your care team
    about it")."""
    case = case_of({**BASE, "setting": "progression", "endocrine_responsive": "no",
                    "her2_therapy": {"unacceptable_toxicity": True},
                    "planned_regimen": PLAN_ET_HER2})
    result = renderer.result_for(case)
    assert len(result.answer_checks) == 2
    blocks = [b.text for b in planning_blocks(case, result)]
    checks = [b for b in blocks if b.startswith("Your care team has noted")]
    assert checks == [result.answer_checks[0].plain,
                      result.answer_checks[1].plain
                      + " Your care team can tell you more about both."]
    assert not any("Ask" in b for b in blocks)
    # the one answer in one form, as the outside-source entry beside it says it (review
    # 23, L3: "noted side effects that rule out" and "found that HER2 drugs must stop"
    # read as two findings)
    her2 = result.plain_for("outside.her2_toxicity")
    assert her2 is not None and checks[-1].partition(", and the plan")[0] in her2.text
    # the points the line announces come straight after it
    first_line = case_of({**BASE, "chemotherapy": {"contraindicated": True},
                          "planned_regimen": {"chemotherapy": True, "endocrine": True,
                                              "her2_targeted": True}})
    planning = planning_blocks(first_line, renderer.result_for(first_line))
    (announce,) = [i for i, b in enumerate(planning) if "The points below" in b.text]
    assert planning[announce - 1].text.endswith("Your care team can tell you more about this.")
    assert planning[announce + 1].kind == "bullet"
    assert all(b.kind == "bullet" for b in planning[announce + 1:])


def test_with_a_check_and_nothing_below_the_section_ends_naming_the_care_team(
        renderer: Renderer) -> None:
    """Review 22, L1: with the checks moved up, the section ended on a bare "This is not
    one of the choices the guide offers here."."""
    case = case_of({**BASE, "setting": "after_induction",
                    "chemotherapy": {"months_given": 6, "maximal_response": False,
                                     "unacceptable_toxicity": True},
                    "planned_regimen": PLAN_CHEMO_HER2})
    result = renderer.result_for(case)
    planning = [b.text for b in planning_blocks(case, result)]
    assert planning[-2:] == [NOT_A_LISTED_CHOICE,
                             result.answer_checks[0].plain
                             + " Your care team can tell you more about this."]


def test_more_checks_than_a_setting_has_today_are_named_each(renderer: Renderer) -> None:
    """No setting has more than two checks today; a third, added later, is not 'both'."""
    case = case_of({**BASE, "setting": "progression", "endocrine_responsive": "no",
                    "her2_therapy": {"unacceptable_toxicity": True},
                    "planned_regimen": PLAN_ET_HER2})
    result = renderer.result_for(case)
    three = result._replace(answer_checks=(*result.answer_checks, result.answer_checks[0]))
    texts = [b.text for b in planning_blocks(case, three)]
    ends = [t for t in texts if t.startswith("Your care team has noted")]
    assert len(ends) == 3 and not any("about both" in t for t in texts)
    assert ends[-1].endswith("Your care team can tell you more about each of them.")
