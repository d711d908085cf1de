"""The questionnaire's flow, tested without Qt."""

from __future__ import annotations

import random

import pytest

from core import questionnaire as q
from core.case import CaseError, parse_case
from core.fields import FIELDS
from core.rules import decide

BASE = {"receptors.hr": "positive", "receptors.her2": "positive",
        "disease.visceral": True, "disease.symptomatic": False,
        "disease.visceral_crisis": False, "disease.rapidly_progressive": False,
        "menopausal_status": "postmenopausal", "planned_regimen": False}

EXPECTED_STEPS = {
    "first_line": ["receptors", "setting", "disease", "chemotherapy", "menopause",
                   "regimen", "label"],
    "after_induction": ["receptors", "setting", "disease", "induction", "her2_toxicity",
                        "menopause", "regimen", "label"],
    "progression": ["receptors", "setting", "disease", "endocrine", "her2_toxicity",
                    "menopause", "regimen", "label"],
}


def ids(steps: tuple[q.Step, ...]) -> list[str]:
    return [s.id for s in steps]


def test_every_question_is_on_a_screen() -> None:
    """Docs review M1: a field whose step has no ``_step`` line in core.questionnaire
    was never asked, and the case counted as complete without it."""
    from core.fields import FIELDS

    on_screens = [f.path for s in q.STEPS for f in s.fields]
    assert sorted(on_screens) == sorted(f.path for f in FIELDS)
    assert {f.step for f in FIELDS} <= set(q.STEPS_BY_ID)


def test_receptors_come_first_and_fields_are_unique_case_paths() -> None:
    assert q.STEPS[0].id == "receptors"
    paths = [f.path for s in q.STEPS for f in s.fields]
    assert len(paths) == len(set(paths))
    for f in (f for s in q.STEPS for f in s.fields):
        assert f.kind in q.KINDS and f.label and f.help and "\n" not in f.help
        if f.kind in ("choice", "bool"):
            assert f.choices and all(c.label for c in f.choices)


@pytest.mark.parametrize("setting", sorted(EXPECTED_STEPS))
def test_branching_by_setting(setting: str) -> None:
    answers = {**BASE, "setting": setting}
    assert ids(q.steps_for(answers)) == EXPECTED_STEPS[setting]
    # Walking with next_step visits exactly those steps and ends on the last one.
    walked, step = ["receptors"], q.STEPS[0]
    while (nxt := q.next_step(step.id, answers)) is not None:
        walked.append(nxt.id)
        step = nxt
    assert walked == EXPECTED_STEPS[setting]
    assert q.is_last("label", answers) and not q.is_last("setting", answers)
    expected = EXPECTED_STEPS[setting]
    assert q.previous_step("menopause", answers).id == expected[expected.index("menopause") - 1]
    assert q.previous_step("receptors", answers) is None


def test_setting_unanswered_shows_only_common_steps() -> None:
    assert ids(q.steps_for({})) == ["receptors", "setting", "disease", "menopause",
                                    "regimen", "label"]


@pytest.mark.parametrize(("hr", "her2", "scope_ids"), [
    ("negative", "positive", ("scope.hr_negative",)),
    ("unknown", "positive", ("scope.hr_unknown",)),
    ("positive", "equivocal", ("scope.her2_equivocal",)),
    ("negative", "unknown", ("scope.hr_negative",)),
])
def test_out_of_scope_asks_only_what_the_case_format_requires(
        hr: str, her2: str, scope_ids: tuple[str, ...]) -> None:
    """Out of scope, the questionnaire asks only what a valid case needs (and its
    label), so an out-of-scope case is complete, saves and exports like any other."""
    answers = {**BASE, "setting": "first_line", "receptors.hr": hr, "receptors.her2": her2}
    assert ids(q.steps_for(answers)) == ["receptors", "setting", "disease", "label"]
    assert [f.path for f in q.asked(answers)] == [
        "receptors.hr", "receptors.her2", "setting", "disease.visceral",
        "disease.symptomatic", "label"]
    assert q.is_last("label", answers)
    decision = q.scope_decision(answers)
    assert decision is not None and not decision.in_scope
    assert decision.scope == scope_ids
    assert q.is_complete(answers)
    assert parse_case(q.case_dict(answers)).receptors.hr == hr
    induction = {**answers, "setting": "after_induction"}
    assert [f.path for f in q.missing(induction)] == [
        "chemotherapy.months_given", "chemotherapy.maximal_response"]
    # a regimen the file gave: its parts are kept, but never asked (nor printed) without
    # the question they belong to
    planned = {**answers, "planned_regimen": True, "planned_regimen.chemotherapy": True,
               "planned_regimen.endocrine": True, "planned_regimen.her2_targeted": True}
    assert ids(q.steps_for(planned)) == ["receptors", "setting", "disease", "label"]
    assert "planned_regimen.endocrine" not in [f.path for f in q.asked(planned)]
    assert parse_case(q.case_dict(planned)).planned_regimen is not None


def test_scope_decision_waits_for_both_receptors_and_agrees_with_rules() -> None:
    assert q.scope_decision({"receptors.hr": "negative"}) is None
    assert q.scope_decision({"receptors.hr": "positive", "receptors.her2": "positive"}) is None
    answers = {**BASE, "setting": "first_line", "receptors.hr": "negative",
               "chemotherapy.contraindicated": False, "chemotherapy.declined": False}
    case = parse_case(q.case_dict(answers))
    assert decide(case).scope == q.scope_decision(answers).scope


def test_missing_lists_required_fields_in_order() -> None:
    assert [f.path for f in q.missing({})][:3] == ["receptors.hr", "receptors.her2", "setting"]
    answers = {**BASE, "setting": "after_induction"}
    assert [f.path for f in q.missing(answers)] == [
        "chemotherapy.months_given", "chemotherapy.maximal_response",
        "chemotherapy.unacceptable_toxicity", "her2_therapy.unacceptable_toxicity"]
    assert not q.is_complete(answers)


def test_planned_regimen_components_needed_only_when_checked() -> None:
    answers = {**BASE, "setting": "progression", "endocrine_responsive": "yes",
               "her2_therapy.unacceptable_toxicity": False}
    assert q.is_complete(answers)
    answers["planned_regimen"] = True
    assert [f.path for f in q.missing(answers)] == [
        "planned_regimen.chemotherapy", "planned_regimen.endocrine",
        "planned_regimen.her2_targeted"]
    answers.update({"planned_regimen.chemotherapy": False, "planned_regimen.endocrine": True,
                    "planned_regimen.her2_targeted": True})
    case = parse_case(q.case_dict(answers))
    assert case.planned_regimen is not None and case.planned_regimen.endocrine


def test_number_and_text_checks() -> None:
    months = q.FIELDS_BY_PATH["chemotherapy.months_given"]
    assert months.problem(61) and months.problem(-1) and months.problem(float("nan"))
    assert months.problem(True) and months.problem(None) == "not answered"
    assert months.problem(4.5) is None
    # a decimal comma gets the fix (review C, L1: "enter a number" was a riddle)
    assert months.problem("4,5") == "write decimals with a point: 4.5"
    assert months.problem("4.5.") == "enter a number"
    label = q.FIELDS_BY_PATH["label"]
    assert label.problem(None) is None and label.problem("x" * 81)
    assert q.FIELDS_BY_PATH["setting"].problem("second_line")
    assert q.FIELDS_BY_PATH["disease.visceral"].problem(1)


@pytest.mark.parametrize("setting", sorted(EXPECTED_STEPS))
def test_case_dict_validates_and_round_trips(setting: str) -> None:
    answers = {**BASE, "setting": setting, "label": "Case 7",
               "chemotherapy.contraindicated": True, "chemotherapy.declined": False,
               "chemotherapy.months_given": 4.5, "chemotherapy.maximal_response": False,
               "chemotherapy.unacceptable_toxicity": False, "endocrine_responsive": "no",
               "her2_therapy.unacceptable_toxicity": False}
    assert q.is_complete(answers)
    data = q.case_dict(answers)
    case = parse_case(data)
    assert case.setting == setting and case.label == "Case 7"
    # Every answer held reaches the case (a case file's answers are never dropped);
    # one the setting does not ask changes no decision.
    assert case.chemotherapy.contraindicated is True
    assert data["endocrine_responsive"] == "no"
    asked_only = {f.path: answers[f.path] for f in q.asked(answers) if f.path in answers}
    assert decide(parse_case(q.case_dict(asked_only))) == decide(case)
    again = q.answers_from_case(case)
    assert parse_case(q.case_dict(again)) == case


def test_incomplete_answers_give_an_invalid_case() -> None:
    with pytest.raises(CaseError) as err:
        parse_case(q.case_dict({**BASE, "setting": "after_induction"}))
    assert err.value.path == "chemotherapy.months_given"


def test_answers_from_dict_rejects_a_malformed_case() -> None:
    with pytest.raises(CaseError):
        q.answers_from_dict({"format": "hrher2-aid.case/1", "receptors": {"hr": "maybe"}})


def test_questionnaire_is_qt_free() -> None:
    import ast
    import inspect
    tree = ast.parse(inspect.getsource(q))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert all(m.split(".")[0] in {"__future__", "math", "collections", "dataclasses",
                                   "typing", "core"} for m in imported)


def _random_answers(draw: random.Random) -> dict[str, object]:
    """A value for every field, asked or not (as a session holds after changes)."""
    answers: dict[str, object] = {}
    for f in FIELDS:
        if f.kind == "choice":
            answers[f.path] = draw.choice([c.value for c in f.choices])
        elif f.kind in ("bool", "regimen"):
            answers[f.path] = draw.random() < 0.5
        elif f.kind == "number":
            answers[f.path] = draw.choice([0, 2, 3.5, 4, 6, 12])
        else:
            answers[f.path] = "x"
    answers["receptors.hr"] = draw.choice(["positive"] * 4 + ["negative", "unknown"])
    answers["receptors.her2"] = draw.choice(["positive"] * 4 + ["negative", "equivocal"])
    return answers


def test_an_answer_the_questionnaire_does_not_ask_never_changes_the_result() -> None:
    """Whatever the session holds beyond the questions asked (answers from a setting
    chosen earlier, or from a case file) leaves the decision as the asked answers make
    it: what the screen and the summary show is all the result rests on."""
    draw = random.Random(7)
    checked = 0
    for _ in range(3000):
        answers = _random_answers(draw)
        shown = {f.path for f in q.asked(answers)}
        only_asked = {k: v for k, v in answers.items() if k in shown}
        assert q.is_complete(only_asked) == q.is_complete(answers)
        if not q.is_complete(answers):
            continue
        held = decide(parse_case(q.case_dict(answers)))
        seen = decide(parse_case(q.case_dict(only_asked)))
        assert held.key == seen.key, (answers, held, seen)
        checked += 1
    assert checked > 1000


def test_her2_toxicity_is_asked_in_first_line_when_the_plan_is_endocrine_alone() -> None:
    """The rules read it there (contract 1.1: endocrine only + HER2-targeted toxicity ->
    et_alone_selected_patients), so it is asked there, and only there in first line."""
    base = {"receptors.hr": "positive", "receptors.her2": "positive",
            "setting": "first_line", "planned_regimen": True,
            "planned_regimen.chemotherapy": False, "planned_regimen.endocrine": True,
            "planned_regimen.her2_targeted": False}
    asked = {f.path for f in q.asked(base)}
    assert "her2_therapy.unacceptable_toxicity" in asked
    for change in ({"planned_regimen": False}, {"planned_regimen.her2_targeted": True},
                   {"planned_regimen.chemotherapy": True}):
        assert "her2_therapy.unacceptable_toxicity" not in {
            f.path for f in q.asked({**base, **change})}
