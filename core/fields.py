"""The case's fields, declared once: path, type, choices with labels, default, when asked.

This one table drives the case reader (:func:`core.case.parse_case`) and its
canonical form (:meth:`core.case.Case.to_dict`), the questionnaire's questions
(:mod:`core.questionnaire`) and the answer labels on the clinician summary (the
patient handout shows no answers). Adding a question is adding a row here (and,
because the rules read typed attributes, the attribute of the same name on the
:mod:`core.case` model; a test fails when the two disagree).

Labels and help texts are UI wording (what the field means, per the decision
contract), never clinical claims: every clinical sentence comes from the evidence store.

>>> FIELDS_BY_PATH["receptors.her2"].choice_label("equivocal")
'Equivocal'
>>> [f.path for f in FIELDS if f.step == "induction"]
['chemotherapy.months_given', 'chemotherapy.maximal_response', 'chemotherapy.unacceptable_toxicity']
>>> FIELDS_BY_PATH["chemotherapy.months_given"].answer_text(5.999999999999995)
'5.999999999999995'
"""

import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Final, NamedTuple

Answers = Mapping[str, Any]
KINDS: Final = ("choice", "bool", "number", "text", "regimen")

LABEL_MAX: Final = 80
#: a number typed with a decimal comma ("4,5"), refused with the fix
_DECIMAL_COMMA: Final = re.compile(r"\s*\d+,\d+\s*")
HR_VALUES: Final = ("positive", "negative", "unknown")
HER2_VALUES: Final = ("positive", "negative", "equivocal", "unknown")
MENOPAUSAL_VALUES: Final = ("postmenopausal", "premenopausal", "unknown")
SETTINGS: Final = ("first_line", "after_induction", "progression")
ENDOCRINE_RESPONSIVE_VALUES: Final = ("yes", "no", "unknown")


class _Required:
    """The default of a field the case format requires (no default)."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Final = _Required()


# NamedTuple, not a dataclass: see the note in core.case (start-up time).
class Choice(NamedTuple):
    """One allowed value of a field and the label shown for it."""

    value: Any
    label: str


class CaseField(NamedTuple):
    """One field of ``hrher2-aid.case/1`` and the question that fills it.

    ``kind`` is choice, bool, number, text, or regimen (the planned-regimen object:
    asked as yes/no, written as an object or null). ``default`` is the value when the
    field is absent (:data:`REQUIRED`: the format requires it); ``nullable`` allows
    JSON null; ``required_in`` lists the settings in which a value must be given.
    ``settings`` (empty: every setting) and ``when`` say when the question is asked;
    ``optional`` lets the questionnaire leave it unanswered; ``record`` asks it even
    for a case outside the aid's scope (it names the case).
    """

    path: str
    kind: str
    label: str
    help: str
    step: str
    choices: tuple[Choice, ...] = ()
    default: Any = REQUIRED
    nullable: bool = False
    required_in: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    when: Callable[[Answers], bool] | None = None
    optional: bool = False
    record: bool = False
    minimum: float = 0.0
    maximum: float = 0.0
    max_length: int = 0

    @property
    def required(self) -> bool:
        """The questionnaire needs an answer (whatever the format's default)."""
        return not self.optional

    def format_requires(self, setting: object) -> bool:
        """The case format needs a value here (no default, or required in this setting)."""
        return self.default is REQUIRED or setting in self.required_in

    def asked(self, answers: Answers, *, in_scope: bool = True) -> bool:
        """Whether the questionnaire asks this for these answers. Out of scope, only
        what the case format requires (and the case's name) is asked."""
        setting = answers.get("setting")
        if self.settings and setting not in self.settings:
            return False
        if self.when is not None and not self.when(answers):
            return False
        if in_scope or self.record:
            return True
        # a part of an answer that is not asked is not asked either (a regimen's parts
        # without "Check a planned regimen": never shown or printed on their own)
        parent = FIELDS_BY_PATH.get(self.path.rpartition(".")[0])
        if parent is not None and not parent.asked(answers, in_scope=False):
            return False
        return self.format_requires(setting)

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not an acceptable answer, or None when it is."""
        if value is None:
            return None if self.optional else "not answered"
        if self.kind in ("choice", "bool", "regimen"):
            allowed = [c.value for c in self.choices]
            if value not in allowed or type(value) is not type(allowed[0]):
                return "choose one of the listed answers"
        elif self.kind == "number":
            if type(value) is str and _DECIMAL_COMMA.fullmatch(value):
                # a decimal comma, as typed in much of Europe: the fix, not a riddle
                # (review C, L1: "4,5" got "enter a number")
                return f"write decimals with a point: {value.strip().replace(',', '.')}"
            if type(value) not in (int, float) or (type(value) is float
                                                   and not math.isfinite(value)):
                return "enter a number"
            if not self.minimum <= value <= self.maximum:
                return f"enter a number from {self.minimum:g} to {self.maximum:g}"
        elif self.kind == "text":
            if type(value) is not str:
                return "enter text"
            if len(value) > self.max_length:  # code points, as the case format counts
                return f"at most {self.max_length} characters"
            # refused where it is typed, not at export (see core.printable; loaded here,
            # with its Unicode tables, when text is first checked, not at start-up)
            from core.printable import text_problem

            return text_problem(value)
        return None

    def choice_label(self, value: Any) -> str:
        for choice in self.choices:
            if choice.value == value and type(choice.value) is type(value):
                return choice.label
        return str(value)

    def answer_text(self, value: Any) -> str:
        """The answer as printed on the summary: a choice's label, the number exactly
        as held (``repr``: the digits that were hashed), or "not given"."""
        if value is None:
            return "not given"
        if self.choices:
            return self.choice_label(value)
        if type(value) is float:
            return repr(value)
        return str(value)


YES_NO: Final = (Choice(True, "Yes"), Choice(False, "No"))


def _choices(values: tuple[str, ...], labels: Mapping[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(v, labels[v]) for v in values)


def _regimen_given(answers: Answers) -> bool:
    return answers.get("planned_regimen") is True


def _her2_toxicity_asked(answers: Answers) -> bool:
    """After induction and at progression; in first line only with a planned regimen of
    endocrine therapy alone, which is when the rules read it there (the note that the
    ASCO guideline allows it where HER2-targeted therapy cannot be given). Asked
    whenever it counts, so no answer the screen no longer shows can change a result
    (a property test varies every answer not asked and checks just that)."""
    if answers.get("setting") in ("after_induction", "progression"):
        return True
    return (_regimen_given(answers) and answers.get("planned_regimen.endocrine") is True
            and answers.get("planned_regimen.chemotherapy") is False
            and answers.get("planned_regimen.her2_targeted") is False)


def _yes_no(path: str, label: str, help_text: str, step: str, **kw: Any) -> CaseField:
    return CaseField(path, "bool", label, help_text, step, YES_NO, **kw)


#: Every field, in the order the questionnaire asks them (and the reader checks them:
#: ``setting`` comes before the fields whose requirement depends on it).
FIELDS: Final[tuple[CaseField, ...]] = (
    CaseField("receptors.hr", "choice", "Hormone receptors (ER and/or PR)",
              "Oestrogen and/or progesterone receptor status of the disease.", "receptors",
              _choices(HR_VALUES, {"positive": "Positive", "negative": "Negative",
                                   "unknown": "Unknown"})),
    CaseField("receptors.her2", "choice", "HER2",
              "HER2 status: IHC 3+ or ISH-amplified counts as positive.", "receptors",
              _choices(HER2_VALUES, {"positive": "Positive (IHC 3+ or ISH-amplified)",
                                     "negative": "Negative", "equivocal": "Equivocal",
                                     "unknown": "Unknown"})),
    CaseField("setting", "choice", "Treatment setting",
              "Induction = chemotherapy with HER2-targeted therapy for metastatic disease.",
              "setting",
              _choices(SETTINGS, {
                  "first_line": "First line (first treatment for metastatic disease)",
                  "after_induction": "After induction, no progression",
                  "progression": "Progression on or after initial therapy"})),
    _yes_no("disease.visceral", "Visceral metastases", "Any metastasis in a visceral organ.",
            "disease"),
    _yes_no("disease.symptomatic", "Symptomatic disease",
            "Clinically significant symptoms from the metastases.", "disease"),
    _yes_no("disease.visceral_crisis", "Visceral crisis",
            ("Organ dysfunction that needs a rapid response. This aid counts it as aggressive "
             "disease; the source does not use the term."), "disease", default=False),
    _yes_no("disease.rapidly_progressive", "Rapidly progressive disease",
            "Aggressive, rapidly progressing disease.", "disease", default=False),
    _yes_no("chemotherapy.contraindicated", "Chemotherapy contraindicated",
            "Chemotherapy is medically unsuitable.", "chemotherapy", default=False,
            settings=("first_line",)),
    _yes_no("chemotherapy.declined", "Chemotherapy declined",
            "The patient declines chemotherapy.", "chemotherapy", default=False,
            settings=("first_line",)),
    CaseField("chemotherapy.months_given", "number", "Months of chemotherapy given",
              "Months of induction chemotherapy given so far (0 to 60).", "induction",
              default=None, nullable=True, required_in=("after_induction",),
              settings=("after_induction",), minimum=0, maximum=60),
    _yes_no("chemotherapy.maximal_response", "Maximal response reached",
            "Maximal response to the induction judged reached.", "induction",
            default=None, nullable=True, required_in=("after_induction",),
            settings=("after_induction",)),
    _yes_no("chemotherapy.unacceptable_toxicity", "Chemotherapy toxicity",
            "Chemotherapy must stop because of unacceptable toxicity.", "induction",
            default=False, settings=("after_induction",)),
    CaseField("endocrine_responsive", "choice", "Endocrine-responsive disease",
              "Your judgement of the disease's endocrine responsiveness.", "endocrine",
              _choices(ENDOCRINE_RESPONSIVE_VALUES,
                       {"yes": "Yes", "no": "No", "unknown": "Unknown"}),
              default="unknown", settings=("progression",)),
    _yes_no("her2_therapy.unacceptable_toxicity", "HER2-targeted therapy ruled out by toxicity",
            "Yes: HER2-targeted therapy must stop, or cannot be given, because of "
            "unacceptable toxicity.", "her2_toxicity", default=False, when=_her2_toxicity_asked),
    CaseField("menopausal_status", "choice", "Menopausal status",
              "Choose Unknown if it is not recorded.", "menopause",
              _choices(MENOPAUSAL_VALUES, {"postmenopausal": "Postmenopausal",
                                           "premenopausal": "Premenopausal",
                                           "unknown": "Unknown"}),
              default="unknown"),
    CaseField("planned_regimen", "regimen", "Planned regimen to check",
              "Answer Yes to describe the regimen you are considering.", "regimen",
              YES_NO, default=None, nullable=True),
    _yes_no("planned_regimen.chemotherapy", "Includes chemotherapy",
            "The planned regimen includes chemotherapy.", "regimen", when=_regimen_given),
    _yes_no("planned_regimen.endocrine", "Includes endocrine therapy",
            "The planned regimen includes endocrine therapy.", "regimen",
            when=_regimen_given),
    _yes_no("planned_regimen.her2_targeted", "Includes HER2-targeted therapy",
            "The planned regimen includes HER2-targeted therapy.", "regimen",
            when=_regimen_given),
    CaseField("label", "text", "Case label",
              "A pseudonym or case number; no patient name or identifier is needed.",
              "label", default=None, nullable=True, optional=True, record=True,
              max_length=LABEL_MAX),
)

FIELDS_BY_PATH: Final = {f.path: f for f in FIELDS}


def normalize_label(text: str) -> str | None:
    """A label as kept and printed: runs of white space become one space, none at
    either end (a PDF prints no more), and an empty label is no label.

    >>> normalize_label("  A  7\\n ")
    'A 7'
    >>> normalize_label("   ") is None
    True
    """
    return " ".join(text.split()) or None
