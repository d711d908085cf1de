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
['receptors']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Final, NamedTuple

from core.case import (
    CASE_FORMAT,
    ENDOCRINE_RESPONSIVE_VALUES,
    HER2_VALUES,
    HR_VALUES,
    LABEL_MAX,
    MENOPAUSAL_VALUES,
    SETTINGS,
    Case,
    Disease,
    Receptors,
    parse_case,
)
from core.printable import text_problem
from core.rules import Decision, scope_problems

Answers = Mapping[str, Any]
KINDS: Final = ("choice", "bool", "number", "text")


# NamedTuple, not a dataclass: see the note in core.case (start-up time).
class Choice(NamedTuple):
    """One allowed value of a field and the label shown for it."""

    value: Any
    label: str


class Field(NamedTuple):
    """One question: the case field it fills, how it is asked, and a one-line help."""

    path: str
    kind: str
    label: str
    help: str
    choices: tuple[Choice, ...] = ()
    required: bool = True
    minimum: float = 0.0
    maximum: float = 0.0
    max_length: int = 0
    # Asked only when this holds for the current answers (None: always, within its step).
    when: Callable[[Answers], bool] | None = None

    def needed(self, answers: Answers) -> bool:
        return self.when is None or self.when(answers)

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not an acceptable answer, or None when it is."""
        if value is None:
            return "not answered" if self.required else None
        if self.kind in ("choice", "bool"):
            allowed = [c.value for c in self.choices]
            if value not in allowed or type(value) is not type(allowed[0]):
                return "choose one of the listed answers"
        elif self.kind == "number":
            if type(value) not in (int, float) or not math.isfinite(value):
                return "enter a number"
            if not self.minimum <= value <= self.maximum:
                return f"enter a number from {self.minimum:g} to {self.maximum:g}"
        elif self.kind == "text":
            if type(value) is not str:
                return "enter text"
            if len(value) > self.max_length:  # code points, as the case format counts
                return f"at most {self.max_length} characters"
            # refused where it is typed, not at export (see core.printable)
            return text_problem(value)
        return None


class Step(NamedTuple):
    """One screen of the questionnaire."""

    id: str
    title: str
    help: str
    fields: tuple[Field, ...]
    # Asked only in these settings (empty: in every setting).
    settings: tuple[str, ...] = ()

    def needed_fields(self, answers: Answers) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.needed(answers))


YES_NO: Final = (Choice(True, "Yes"), Choice(False, "No"))

_HR_LABELS: Final = {"positive": "Positive", "negative": "Negative", "unknown": "Unknown"}
_HER2_LABELS: Final = {
    "positive": "Positive (IHC 3+ or ISH-amplified)", "negative": "Negative",
    "equivocal": "Equivocal", "unknown": "Unknown",
}
_SETTING_LABELS: Final = {
    "first_line": "First line (first treatment for metastatic disease)",
    "after_induction": "After induction, no progression",
    "progression": "Progression on or after initial therapy",
}
_MENOPAUSAL_LABELS: Final = {
    "postmenopausal": "Postmenopausal", "premenopausal": "Premenopausal", "unknown": "Unknown",
}
_ENDOCRINE_LABELS: Final = {"yes": "Yes", "no": "No", "unknown": "Unknown"}


def _choices(values: tuple[str, ...], labels: Mapping[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(v, labels[v]) for v in values)


def _regimen_given(answers: Answers) -> bool:
    return answers.get("planned_regimen") is True


def _yes_no(path: str, label: str, help_text: str, **kw: Any) -> Field:
    return Field(path, "bool", label, help_text, YES_NO, **kw)


STEPS: Final[tuple[Step, ...]] = (
    Step("receptors", "Receptor status",
         "This aid applies only when both receptors are positive.", (
             Field("receptors.hr", "choice", "Hormone receptors (ER and/or PR)",
                   "Oestrogen and/or progesterone receptor status of the disease.",
                   _choices(HR_VALUES, _HR_LABELS)),
             Field("receptors.her2", "choice", "HER2",
                   "HER2 status: IHC 3+ or ISH-amplified counts as positive.",
                   _choices(HER2_VALUES, _HER2_LABELS)),
         )),
    Step("setting", "Treatment setting", "Where the patient is in treatment for metastatic "
         "disease.", (
             Field("setting", "choice", "Treatment setting",
                   "Induction = chemotherapy with HER2-targeted therapy for metastatic "
                   "disease.",
                   _choices(SETTINGS, _SETTING_LABELS)),
         )),
    Step("disease", "Disease", "The extent and tempo of the metastatic disease.", (
        _yes_no("disease.visceral", "Visceral metastases",
                "Any metastasis in a visceral organ."),
        _yes_no("disease.symptomatic", "Symptomatic disease",
                "Clinically significant symptoms from the metastases."),
        _yes_no("disease.visceral_crisis", "Visceral crisis",
                "Organ dysfunction that needs a rapid response."),
        _yes_no("disease.rapidly_progressive", "Rapidly progressive disease",
                "Aggressive, rapidly progressing disease."),
    )),
    Step("chemotherapy", "Chemotherapy suitability",
         "Whether chemotherapy is an option for this patient.", (
             _yes_no("chemotherapy.contraindicated", "Chemotherapy contraindicated",
                     "Chemotherapy is medically unsuitable."),
             _yes_no("chemotherapy.declined", "Chemotherapy declined",
                     "The patient declines chemotherapy."),
         ), settings=("first_line",)),
    Step("induction", "Induction chemotherapy",
         "The induction chemotherapy given so far with HER2-targeted therapy.", (
             Field("chemotherapy.months_given", "number", "Months of chemotherapy given",
                   "Months of induction chemotherapy given so far (0 to 60).",
                   minimum=0, maximum=60),
             _yes_no("chemotherapy.maximal_response", "Maximal response reached",
                     "Maximal response to the induction judged reached."),
             _yes_no("chemotherapy.unacceptable_toxicity", "Chemotherapy toxicity",
                     "Chemotherapy must stop because of unacceptable toxicity."),
         ), settings=("after_induction",)),
    Step("endocrine", "Endocrine responsiveness",
         "Whether the disease is judged endocrine-responsive.", (
             Field("endocrine_responsive", "choice", "Endocrine-responsive disease",
                   "Your judgement of the disease's endocrine responsiveness.",
                   _choices(ENDOCRINE_RESPONSIVE_VALUES, _ENDOCRINE_LABELS)),
         ), settings=("progression",)),
    Step("her2_toxicity", "HER2 therapy tolerance",
         "Tolerance of the HER2-targeted therapy given so far.", (
             _yes_no("her2_therapy.unacceptable_toxicity", "HER2-targeted therapy toxicity",
                     "HER2-targeted therapy must stop because of unacceptable toxicity."),
         ), settings=("after_induction", "progression")),
    Step("menopause", "Menopausal status", "The patient's menopausal status.", (
        Field("menopausal_status", "choice", "Menopausal status",
              "Choose Unknown if it is not recorded.",
              _choices(MENOPAUSAL_VALUES, _MENOPAUSAL_LABELS)),
    )),
    Step("regimen", "Planned regimen",
         "Optionally check the regimen you are considering against the evidence.", (
             _yes_no("planned_regimen", "Check a planned regimen",
                     "Answer Yes to describe the regimen you are considering."),
             _yes_no("planned_regimen.chemotherapy", "Includes chemotherapy",
                     "The planned regimen includes chemotherapy.", when=_regimen_given),
             _yes_no("planned_regimen.endocrine", "Includes endocrine therapy",
                     "The planned regimen includes endocrine therapy.", when=_regimen_given),
             _yes_no("planned_regimen.her2_targeted", "Includes HER2-targeted therapy",
                     "The planned regimen includes HER2-targeted therapy.",
                     when=_regimen_given),
         )),
    Step("label", "Case label", "An optional pseudonymous label shown on reports.", (
        Field("label", "text", "Case label",
              "A pseudonym or case number; no patient name or identifier is needed.",
              required=False, max_length=LABEL_MAX),
    )),
)

STEPS_BY_ID: Final = {s.id: s for s in STEPS}
FIELDS_BY_PATH: Final = {f.path: f for s in STEPS for f in s.fields}


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


def steps_for(answers: Answers, *, ignore_scope: bool = False) -> tuple[Step, ...]:
    """The steps the current answers need, in order. An out-of-scope receptor answer
    ends the flow after the receptor step (unless ``ignore_scope``)."""
    if not ignore_scope and scope_decision(answers) is not None:
        return STEPS[:1]
    setting = answers.get("setting")
    return tuple(s for s in STEPS if not s.settings or setting in s.settings)


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


def missing(answers: Answers) -> list[Field]:
    """The needed fields that still lack an acceptable answer, in question order."""
    return [f for s in steps_for(answers) for f, _ in step_problems(s, answers)]


def is_complete(answers: Answers) -> bool:
    """Every needed answer is given and the case is in scope."""
    return scope_decision(answers) is None and not missing(answers)


def case_dict(answers: Answers) -> dict[str, Any]:
    """The answers as a ``hrher2-aid.case/1`` object (validate it with parse_case).

    Only fields of the steps the answers need are written, so an answer left over
    from another setting never reaches the case. Receptor scope is ignored here, so a
    fully answered out-of-scope case can still be saved.
    """
    data: dict[str, Any] = {"format": CASE_FORMAT}
    for step in steps_for(answers, ignore_scope=True):
        for f in step.needed_fields(answers):
            value = answers.get(f.path)
            if f.path == "planned_regimen":
                if value is not True:
                    data["planned_regimen"] = None
                continue
            if value is None or (f.kind == "text" and value == ""):
                continue
            _put(data, f.path, value)
    return data


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if not rest:
        data[head] = value
    else:
        data.setdefault(head, {})[rest] = value


def answers_from_case(case: Case) -> dict[str, Any]:
    """A validated case as answers (every field the questionnaire asks)."""
    flat: dict[str, Any] = {}
    for key, value in case.to_dict().items():
        if key == "format":
            continue
        if key == "planned_regimen":
            flat["planned_regimen"] = value is not None
            for sub, v in (value or {}).items():
                flat[f"planned_regimen.{sub}"] = v
        elif isinstance(value, dict):
            for sub, v in value.items():
                flat[f"{key}.{sub}"] = v
        else:
            flat[key] = value
    return {k: v for k, v in flat.items() if k in FIELDS_BY_PATH and v is not None}


def answers_from_dict(data: object) -> dict[str, Any]:
    """Validate a decoded case (raises :class:`core.case.CaseError`) and return answers."""
    return answers_from_case(parse_case(data))
