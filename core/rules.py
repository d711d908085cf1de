"""Section 3 of the decision contract, as code that reads side by side with it.

The rules return contract ids only: no words, no citations, no I/O. The evidence
store gives the ids their texts (:mod:`core.result`). Order inside a
:class:`Decision` is *not* significant; :mod:`core.result` orders by the contract's
tables.

>>> from core.case_json import loads_case
>>> case = loads_case('{"format": "hrher2-aid.case/1", "setting": "first_line",'
...     ' "receptors": {"hr": "positive", "her2": "positive"},'
...     ' "disease": {"visceral": true, "symptomatic": false}}')
>>> d = decide(case)
>>> d.options
(('chemo_her2', 'preferred'), ('et_her2', 'consider'))
"""

from typing import NamedTuple

from core.case import Case


# NamedTuple, not a dataclass: see the note in core.case (start-up time).
class Decision(NamedTuple):
    """What the rules decided, as contract ids (``scope.*`` / ``outside.*`` for our notes)."""

    in_scope: bool
    scope: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()
    plan: tuple[str, ...] = ()
    cautions: frozenset[str] = frozenset()
    outside: frozenset[str] = frozenset()
    #: option ids whose components equal the planned regimen's (None: no plan, or out of scope)
    plan_matches: frozenset[str] | None = None

    @property
    def key(self) -> tuple[object, ...]:
        """A hashable summary: two decisions with equal keys render identically."""
        matches = None if self.plan_matches is None else tuple(sorted(self.plan_matches))
        return (self.in_scope, self.scope, self.options, self.plan,
                tuple(sorted(self.cautions)), tuple(sorted(self.outside)), matches)


ENDOCRINE_OPTIONS = frozenset({"et_her2", "her2_et_maintenance", "sequential_et"})
ENDOCRINE_PLAN = frozenset({"et_maintenance_after_chemo"})
#: Components of each option as (chemotherapy, endocrine, her2_targeted): what a planned
#: regimen must equal to match it (contract section 2, ``plan_matches``).
OPTION_COMPONENTS: dict[str, tuple[bool, bool, bool]] = {
    "chemo_her2": (True, False, True),
    "continue_chemo_her2": (True, False, True),
    "et_her2": (False, True, True),
    "her2_et_maintenance": (False, True, True),
    "sequential_et": (False, True, True),
}


def is_aggressive(case: Case) -> bool:
    """*aggressive* = visceral_crisis or symptomatic or rapidly_progressive."""
    d = case.disease
    return d.visceral_crisis or d.symptomatic or d.rapidly_progressive


def chemo_possible(case: Case) -> bool:
    """*chemo possible* = not contraindicated and not declined."""
    return not (case.chemotherapy.contraindicated or case.chemotherapy.declined)


def induction_done(case: Case) -> bool:
    """*done* = maximal_response or chemotherapy.unacceptable_toxicity.

    Months alone never end induction (contract 1.1): the source says "at least 4-6 months
    *or until maximum response*".
    """
    ch = case.chemotherapy
    return bool(ch.maximal_response) or ch.unacceptable_toxicity


def scope_problems(case: Case) -> tuple[str, ...]:
    """Which receptor keeps the case out of scope, and why (empty when in scope).

    A negative receptor settles it: the aid does not apply, so "complete the testing
    first" for the other receptor would send the reader to a test that cannot bring
    the case into scope.

    >>> from core.case import parse_case
    >>> def case(hr, her2):
    ...     return parse_case({"format": "hrher2-aid.case/1", "setting": "first_line",
    ...         "receptors": {"hr": hr, "her2": her2},
    ...         "disease": {"visceral": True, "symptomatic": False}})
    >>> scope_problems(case("unknown", "equivocal"))
    ('scope.hr_unknown', 'scope.her2_equivocal')
    >>> scope_problems(case("unknown", "negative"))
    ('scope.her2_negative',)
    """
    problems = []
    if case.receptors.hr != "positive":
        problems.append(f"scope.hr_{case.receptors.hr}")
    if case.receptors.her2 != "positive":
        problems.append(f"scope.her2_{case.receptors.her2}")
    negative = [p for p in problems if p.endswith("_negative")]
    return tuple(negative or problems)


def decide(case: Case) -> Decision:
    """Apply section 3 of the contract to one case."""
    problems = scope_problems(case)
    if problems:
        return Decision(in_scope=False, scope=problems)

    options: list[tuple[str, str]] = []
    plan: list[str] = []
    cautions: set[str] = set()
    outside: set[str] = set()

    if case.setting == "first_line":
        _first_line(case, options, plan, cautions, outside)
    elif case.setting == "after_induction":
        _after_induction(case, options, plan, cautions, outside)
    else:
        _progression(case, options, cautions, outside)

    _check_planned_regimen(case, cautions, outside)
    _check_menopausal_status(case, options, plan, outside)
    return Decision(
        in_scope=True, options=tuple(options), plan=tuple(plan),
        cautions=frozenset(cautions), outside=frozenset(outside),
        plan_matches=_plan_matches(case, options),
    )


def _plan_matches(case: Case, options: list[tuple[str, str]]) -> frozenset[str] | None:
    """The options whose components equal the planned regimen's (None without a plan)."""
    regimen = case.planned_regimen
    if regimen is None:
        return None
    planned = (regimen.chemotherapy, regimen.endocrine, regimen.her2_targeted)
    return frozenset(oid for oid, _ in options if OPTION_COMPONENTS[oid] == planned)


def _first_line(case: Case, options: list[tuple[str, str]], plan: list[str],
                cautions: set[str], outside: set[str]) -> None:
    if _her2_ruled_out_in_first_line(case):
        outside.add("outside.her2_toxicity")
        return
    et_her2_notes = ("et_her2_no_os_benefit", "electra_result", "pathway_crosstalk")
    aggressive = is_aggressive(case)
    if chemo_possible(case):
        options.append(("chemo_her2", "preferred"))
        plan += ["chemo_duration", "her2_until_progression", "et_maintenance_after_chemo"]
        cautions.add("hr_subgroup_benefit")
        if not aggressive:
            options.append(("et_her2", "consider"))
            cautions.update(et_her2_notes)
        # aggressive: et_her2_needs_selection only if the plan is ET + HER2 (regimen check)
    elif not aggressive:
        # 1.1: "can be considered", even when it is the only option left. The source
        # does not discuss patients who cannot have chemotherapy or decline it, and
        # the outside-source entry says so (a patient told chemotherapy is not
        # possible could read the option's "not needed right away" as "chemo later").
        options.append(("et_her2", "consider"))
        plan.append("her2_until_progression")
        cautions.update(et_her2_notes)
        outside.add("outside.et_her2_chemo_not_possible")
    else:
        cautions.add("et_her2_needs_selection")
        outside.add("outside.multidisciplinary_review")
    if not case.disease.visceral and options:
        cautions.add("non_visceral_benefit")


def _her2_ruled_out_in_first_line(case: Case) -> bool:
    """HER2-targeted therapy cannot be given, as answered in first line (where it is
    asked with endocrine therapy alone planned). Contract 1.1 lists first-line options
    without reading this answer; but every one of them includes HER2-targeted therapy,
    so offering them for a patient who cannot have it would recommend what the clinician
    has ruled out. As the contract says after induction and at progression: no option,
    and the ``outside.her2_toxicity`` entry (what to give instead is not covered by the
    source). The endocrine-alone cautions still come from the regimen check, the ASCO
    exception (``et_alone_selected_patients``) among them. docs/formats.md records this
    as a departure from the contract's first-line list, for the clinical owner. It
    covers that plan only: any other first-line case gets the contract's list, since
    the question is not asked there (and an answer not asked never changes a result)."""
    regimen = case.planned_regimen
    return (case.her2_therapy.unacceptable_toxicity and regimen is not None
            and regimen.endocrine and not regimen.chemotherapy and not regimen.her2_targeted)


def _after_induction(case: Case, options: list[tuple[str, str]], plan: list[str],
                     cautions: set[str], outside: set[str]) -> None:
    if case.her2_therapy.unacceptable_toxicity:
        outside.add("outside.her2_toxicity")
        return
    months = case.chemotherapy.months_given or 0
    if induction_done(case):
        options.append(("her2_et_maintenance", "preferred"))
        plan.append("her2_until_progression")
        cautions.add("maintenance_evidence_limited")
    elif months < 4:
        options.append(("continue_chemo_her2", "preferred"))
        plan += ["chemo_duration", "her2_until_progression", "et_maintenance_after_chemo"]
    else:
        options += [("continue_chemo_her2", "consider"), ("her2_et_maintenance", "consider")]
        plan += ["chemo_duration", "her2_until_progression"]
        cautions.add("maintenance_evidence_limited")


def _progression(case: Case, options: list[tuple[str, str]], cautions: set[str],
                 outside: set[str]) -> None:
    # 1.1: no plan items at progression (her2_until_progression is no longer listed)
    if case.her2_therapy.unacceptable_toxicity:
        # Endocrine-responsive disease: the source speaks twice here, and not as one
        # ("sequential hormonal therapy should be offered", and "avoid endocrine therapy
        # alone"), so the entry gives both and says which it leaves open (review A, M1:
        # "what to give instead is not covered" left the first out)
        outside.add("outside.her2_toxicity_sequential" if case.endocrine_responsive == "yes"
                    else "outside.her2_toxicity")
    elif case.endocrine_responsive == "yes":
        outside.add("outside.next_her2_agent")
        if not is_aggressive(case):
            options.append(("sequential_et", "preferred"))  # "should be offered"
        else:
            # the source's pitfall on ET + HER2 without chemotherapy is not limited to
            # first line
            options.append(("sequential_et", "consider"))
            cautions.add("et_her2_needs_selection")
            outside.add("outside.aggressive_progression_review")
    elif case.endocrine_responsive == "no":
        outside.add("outside.not_endocrine_responsive")
    else:
        outside.add("outside.assess_endocrine_response")


def _check_planned_regimen(case: Case, cautions: set[str], outside: set[str]) -> None:
    regimen = case.planned_regimen
    if regimen is None:
        return
    chemo, endo, her2 = regimen.chemotherapy, regimen.endocrine, regimen.her2_targeted
    if endo and not chemo and not her2:
        cautions.update(("avoid_et_alone", "ai_alone_short_pfs"))
    if chemo and endo:
        cautions.add("no_concurrent_et_chemo")
    if chemo and not her2:
        cautions.add("omits_her2_targeted")
    if (endo and her2 and not chemo and case.setting in ("first_line", "progression")
            and is_aggressive(case)):
        cautions.add("et_her2_needs_selection")
    if endo and case.menopausal_status == "premenopausal":
        cautions.add("premenopausal_endocrine")
    if endo and not chemo and not her2 and case.her2_therapy.unacceptable_toxicity:
        cautions.add("et_alone_selected_patients")  # beside avoid_et_alone, never instead
    if case.setting == "after_induction":
        if not her2 and not case.her2_therapy.unacceptable_toxicity:
            cautions.add("continue_her2_until_progression")
        if not chemo and not induction_done(case) and (case.chemotherapy.months_given or 0) < 4:
            cautions.add("chemo_too_short")
    if not (chemo or endo or her2):
        outside.add("outside.no_systemic_therapy")


def _check_menopausal_status(case: Case, options: list[tuple[str, str]], plan: list[str],
                             outside: set[str]) -> None:
    if case.menopausal_status == "postmenopausal":
        return
    uses_endocrine = any(o in ENDOCRINE_OPTIONS for o, _ in options) or any(
        p in ENDOCRINE_PLAN for p in plan
    )
    if uses_endocrine:
        outside.add(f"outside.menopause_{case.menopausal_status}")
