"""The guided questionnaire as plain data: steps, fields, branching, what is missing.

The desktop draws this; it decides nothing itself. Answers are a flat mapping from a
case field path (``"receptors.hr"``, ``"chemotherapy.months_given"``) to a value; a
path that is absent or ``None`` is unanswered. :func:`case_dict` turns answers into
a ``hrher2-aid.case/1`` object that :func:`core.case.parse_case` validates.

Labels and help texts are UI wording (what the field means, per the decision
contract), never clinical claims: every clinical sentence comes from the evidence store.

>>> answers = {"receptors.hr": "positive", "receptors.her2": "positive",
...            "setting": "progression"}
>>> [s.id for s in steps_for(answers)]
['receptors', 'setting', 'disease', 'endocrine', 'her2_toxicity', 'menopause', 'regimen', 'label']
>>> [s.id for s in steps_for({"receptors.hr": "negative", "receptors.her2": "positive"})]
['receptors', 'setting', 'disease', 'label']
"""

from typing import Any, Final, NamedTuple

from core.case import CASE_FORMAT, Case, Disease, Receptors, parse_case
from core.fields import (
    FIELDS,
    FIELDS_BY_PATH,
    HER2_VALUES,
    HR_VALUES,
    KINDS,
    YES_NO,
    Answers,
    CaseField,
    Choice,
)
from core.rules import Decision, scope_problems

#: A question is a row of the case fields table (:mod:`core.fields`).
Field = CaseField


# NamedTuple, not a dataclass: see the note in core.case (start-up time).
class Step(NamedTuple):
    """One screen of the questionnaire: the fields of the table that name it."""

    id: str
    title: str
    help: str
    fields: tuple[Field, ...]

    def needed_fields(self, answers: Answers) -> tuple[Field, ...]:
        in_scope = scope_decision(answers) is None
        return tuple(f for f in self.fields if f.asked(answers, in_scope=in_scope))


def _step(step_id: str, title: str, help_text: str) -> Step:
    return Step(step_id, title, help_text, tuple(f for f in FIELDS if f.step == step_id))


STEPS: Final[tuple[Step, ...]] = (
    _step("receptors", "Receptor status",
          "This aid applies only when both receptors are positive."),
    _step("setting", "Treatment setting",
          "Where the patient is in treatment for metastatic disease."),
    _step("disease", "Disease", "The extent and tempo of the metastatic disease."),
    _step("chemotherapy", "Chemotherapy suitability",
          "Whether chemotherapy is an option for this patient."),
    _step("induction", "Induction chemotherapy",
          "The induction chemotherapy given so far with HER2-targeted therapy."),
    _step("endocrine", "Endocrine responsiveness",
          "Whether the disease is judged endocrine-responsive."),
    _step("her2_toxicity", "HER2 therapy and toxicity",
          "Whether HER2-targeted therapy can go on, or be given, despite its toxicity."),
    _step("menopause", "Menopausal status", "The patient's menopausal status."),
    _step("regimen", "Planned regimen",
          "Check the regimen you are considering against the evidence, or answer No to skip."),
    _step("label", "Case label", "An optional pseudonymous label shown on reports."),
)

STEPS_BY_ID: Final = {s.id: s for s in STEPS}


def scope_decision(answers: Answers) -> Decision | None:
    """The out-of-scope decision once both receptors are answered and either is not
    positive; None while the receptors are unanswered or both positive."""
    hr, her2 = answers.get("receptors.hr"), answers.get("receptors.her2")
    if hr not in HR_VALUES or her2 not in HER2_VALUES:
        return None
    # Scope depends on the receptors alone; the other fields of this probe are
    # placeholders that scope_problems never reads.
    probe = Case(receptors=Receptors(hr, her2), setting="first_line",
                 disease=Disease(visceral=False, symptomatic=False))
    problems = scope_problems(probe)
    return Decision(in_scope=False, scope=problems) if problems else None


def steps_for(answers: Answers) -> tuple[Step, ...]:
    """The steps the current answers need, in order: those with a question asked.
    Out of scope, only what the case format requires is asked (and the label)."""
    in_scope = scope_decision(answers) is None
    return tuple(s for s in STEPS if any(f.asked(answers, in_scope=in_scope) for f in s.fields))


def asked(answers: Answers) -> list[Field]:
    """Every question the answers call for, in question order."""
    return [f for s in steps_for(answers) for f in s.needed_fields(answers)]


def step_index(step_id: str, answers: Answers) -> int:
    """The position of a step among the needed steps (-1 when not needed now)."""
    ids = [s.id for s in steps_for(answers)]
    return ids.index(step_id) if step_id in ids else -1


def next_step(step_id: str, answers: Answers) -> Step | None:
    """The step after ``step_id`` for these answers, or None when it is the last."""
    steps = steps_for(answers)
    i = step_index(step_id, answers)
    if i < 0:
        # The current step has dropped out (e.g. the setting changed): go to the first
        # needed step that follows it in the full order.
        later = [s.id for s in STEPS[STEPS.index(STEPS_BY_ID[step_id]) + 1:]]
        return next((s for s in steps if s.id in later), None)
    return steps[i + 1] if i + 1 < len(steps) else None


def previous_step(step_id: str, answers: Answers) -> Step | None:
    """The step before ``step_id`` for these answers, or None at the first."""
    steps = steps_for(answers)
    earlier = {s.id for s in STEPS[:STEPS.index(STEPS_BY_ID[step_id])]}
    before = [s for s in steps if s.id in earlier]
    return before[-1] if before else None


def is_last(step_id: str, answers: Answers) -> bool:
    return next_step(step_id, answers) is None


def step_problems(step: Step, answers: Answers) -> list[tuple[Field, str]]:
    """Each needed field of a step whose answer is missing or not acceptable."""
    found = []
    for f in step.needed_fields(answers):
        problem = f.problem(answers.get(f.path))
        if problem is not None:
            found.append((f, problem))
    return found


def reachable(answers: Answers) -> list[Step]:
    """The steps Next would reach with these answers: every needed step up to and
    including the first one with a question still to answer (all of them when the
    case is complete). The step list opens any of these directly.

    >>> [s.id for s in reachable({})]
    ['receptors']
    """
    steps = steps_for(answers)
    for i, step in enumerate(steps):
        if step_problems(step, answers):
            return list(steps[:i + 1])
    return list(steps)


def answered(answers: Answers) -> list[Step]:
    """The needed steps with every question answered and at least one answer given:
    the step list ticks them and opens them directly, wherever they stand. A step
    inserted before them (an endocrine-only plan asks about HER2 toxicity) left the
    steps after it unticked and closed, the one just left too (review C, M5); an
    optional step never answered is not among them (day review 3, C2).

    >>> [s.id for s in answered({"receptors.hr": "positive", "receptors.her2": "positive"})]
    ['receptors']
    """
    return [s for s in steps_for(answers) if not step_problems(s, answers)
            and any(f.path in answers for f in s.fields)]


def missing(answers: Answers) -> list[Field]:
    """The needed fields that still lack an acceptable answer, in question order."""
    return [f for s in steps_for(answers) for f, _ in step_problems(s, answers)]


def is_complete(answers: Answers) -> bool:
    """The one completeness rule: every question asked has an acceptable answer (in
    scope or not). A complete set of answers always makes a valid case."""
    return not missing(answers)


def case_dict(answers: Answers) -> dict[str, Any]:
    """The answers as a ``hrher2-aid.case/1`` object (validate it with parse_case).

    Every answer held is written, asked now or not (an answer a case file gave is
    never dropped); a planned regimen's parts only when a regimen is given with all
    of them (out of scope its parts are not asked, so one begun before the receptors
    were corrected may be unfinished: it is then no regimen, never half a one).
    """
    data: dict[str, Any] = {"format": CASE_FORMAT}
    regimen = answers.get("planned_regimen") is True and all(
        answers.get(path) is not None for path in _REGIMEN_PARTS)
    for f in FIELDS:
        value = answers.get(f.path)
        if f.kind == "regimen":
            if not regimen:
                data["planned_regimen"] = None
            continue
        if f.path.startswith("planned_regimen.") and not regimen:
            continue
        if value is None or (f.kind == "text" and value == ""):
            continue
        _put(data, f.path, value)
    return data


_REGIMEN_PARTS: Final = tuple(f.path for f in FIELDS if f.path.startswith("planned_regimen."))


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if not rest:
        data[head] = value
    else:
        data.setdefault(head, {})[rest] = value


def answers_from_case(case: Case) -> dict[str, Any]:
    """A validated case as answers (every field it holds, unanswered ones left out)."""
    flat = {f.path: case.value(f.path) for f in FIELDS}
    return {k: v for k, v in flat.items() if v is not None}


def answers_from_dict(data: object) -> dict[str, Any]:
    """Validate a decoded case (raises :class:`core.case.CaseError`) and return answers."""
    return answers_from_case(parse_case(data))


__all__ = ["FIELDS_BY_PATH", "KINDS", "YES_NO", "Choice", "Field", "Step", "asked",
           "case_dict", "is_complete", "missing", "steps_for"]
