"""Answers that the planned regimen goes against: the case's own answers, side by side.

A clinician may record chemotherapy as contraindicated and then plan chemotherapy, or
record HER2-targeted therapy as ruled out by toxicity and plan it. The rules decide on
the answers as given (the planned regimen is only checked against the source's
pitfalls), so without this the documents printed both facts with no word about it
(texts21, M1-M4). A check restates two of the clinician's own answers; it says nothing
clinical and cites nothing, so it is not an evidence statement. It is never about an
answer the questionnaire does not ask for the case (that answer is "not used by the
rules": core.report.summary lists it apart).

>>> from core.case import parse_case
>>> case = parse_case({"format": "hrher2-aid.case/1",
...     "receptors": {"hr": "positive", "her2": "positive"}, "setting": "first_line",
...     "disease": {"visceral": True, "symptomatic": False},
...     "chemotherapy": {"declined": True},
...     "planned_regimen": {"chemotherapy": True, "endocrine": False, "her2_targeted": True}})
>>> [c.id for c in answer_checks(case)]
['chemo_planned_not_possible']
>>> answer_checks(case)[0].text.partition(", but ")[2]
'chemotherapy is recorded as declined by the patient.'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, NamedTuple

if TYPE_CHECKING:
    from core.case import Case


class AnswerCheck(NamedTuple):
    """One disagreement between the planned regimen and another answer of the case."""

    id: str
    #: for the clinician (the screen and the summary)
    text: str
    #: for the patient handout, in its plain words (the handout says after the last
    #: that the care team can tell more: core.report.handout_words)
    plain: str


def chemo_not_possible(case: Case) -> list[tuple[str, str]]:
    """Why chemotherapy is not possible, as recorded: for each of the two answers
    given, its words for the clinician and for the patient. Each says only what was
    recorded (review 21, M1: a patient who had declined read that chemo might not be
    safe for her).

    >>> from core.case import parse_case
    >>> chemo_not_possible(parse_case({"format": "hrher2-aid.case/1",
    ...     "receptors": {"hr": "positive", "her2": "positive"}, "setting": "first_line",
    ...     "disease": {"visceral": True, "symptomatic": False},
    ...     "chemotherapy": {"declined": True}}))
    [('declined by the patient', 'you have chosen not to have chemo')]
    """
    chemo = case.chemotherapy
    return [(clinician, plain) for clinician, plain, on in (
        ("contraindicated", "chemo is not safe for you", chemo.contraindicated),
        ("declined by the patient", "you have chosen not to have chemo", chemo.declined),
    ) if on]


#: one answer, the same words wherever the sheet says it
CHEMO_MUST_STOP: Final = "chemo must stop because of side effects"


def chemo_done(case: Case) -> list[str]:
    """Why chemotherapy counts as done after induction (the contract's *done*), as
    recorded, in the patient's words: one for each of the two answers given (the
    evidence's words serve both alike; the clinician sees the answers themselves).

    >>> from core.case import parse_case
    >>> chemo_done(parse_case({"format": "hrher2-aid.case/1",
    ...     "receptors": {"hr": "positive", "her2": "positive"},
    ...     "setting": "after_induction", "disease": {"visceral": True, "symptomatic": False},
    ...     "chemotherapy": {"months_given": 2, "maximal_response": True}}))
    ['the cancer has responded to chemo as much as it is likely to']
    """
    chemo = case.chemotherapy
    return [plain for plain, on in (
        ("the cancer has responded to chemo as much as it is likely to",
         chemo.maximal_response),
        (CHEMO_MUST_STOP, chemo.unacceptable_toxicity),
    ) if on]


def answer_checks(case: Case) -> tuple[AnswerCheck, ...]:
    """The disagreements between the case's planned regimen and its other answers, in a
    fixed order; none without a planned regimen or for a case out of scope (the aid
    then says nothing more about the case). Each pair of answers is one the
    questionnaire asks for the case's setting."""
    regimen = case.planned_regimen
    if regimen is None or not (case.receptors.hr == case.receptors.her2 == "positive"):
        return ()
    checks: list[AnswerCheck] = []
    chemo = case.chemotherapy
    if case.setting == "first_line" and regimen.chemotherapy and (
            chemo.contraindicated or chemo.declined):
        recorded = chemo_not_possible(case)
        checks.append(AnswerCheck(
            "chemo_planned_not_possible",
            "The planned regimen includes chemotherapy, but chemotherapy is recorded as "
            + " and ".join(c for c, _ in recorded) + ".",
            "Your care team has noted that " + " and that ".join(p for _, p in recorded)
            + ", and the plan includes chemo."))
    if case.setting == "after_induction" and regimen.chemotherapy and chemo.unacceptable_toxicity:
        checks.append(AnswerCheck(
            "chemo_planned_after_toxicity",
            "The planned regimen includes chemotherapy, but chemotherapy is recorded as "
            "having to stop because of unacceptable toxicity.",
            f"Your care team has noted that {CHEMO_MUST_STOP}, and the plan includes chemo."))
    if case.setting == "progression" and regimen.endocrine and case.endocrine_responsive == "no":
        checks.append(AnswerCheck(
            "endocrine_planned_not_responsive",
            "The planned regimen includes endocrine therapy, but the disease is recorded as "
            "not endocrine-responsive.",
            "Your care team has noted that the cancer does not respond to hormone therapy, and "
            "the plan includes hormone therapy."))
    # (asked after induction and at progression; in first line only with a plan of
    # endocrine therapy alone, which has no HER2-targeted therapy: core.fields)
    if case.setting != "first_line" and regimen.her2_targeted \
            and case.her2_therapy.unacceptable_toxicity:
        checks.append(AnswerCheck(
            "her2_planned_after_toxicity",
            "The planned regimen includes HER2-targeted therapy, but HER2-targeted therapy is "
            "recorded as ruled out by unacceptable toxicity.",
            # in outside.her2_toxicity's words, printed on the same sheet, so that the one
            # answer reads as one (review 23, L3)
            "Your care team has noted side effects that rule out HER2 drugs, and the plan "
            "includes HER2 drugs."))
    return tuple(checks)
