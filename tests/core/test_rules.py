"""One test per rule of the contract's section 3 (version 1.1); each docstring quotes its
rule, and the rules 1.1 changed quote the change too."""

from __future__ import annotations

from typing import Any

import pytest

from core.case import parse_case
from core.rules import Decision, decide


def make(**fields: Any) -> dict[str, Any]:
    """An in-scope, first-line, non-aggressive visceral case, with dotted-path overrides."""
    case: dict[str, Any] = {
        "format": "hrher2-aid.case/1",
        "receptors": {"hr": "positive", "her2": "positive"},
        "menopausal_status": "postmenopausal",
        "setting": "first_line",
        "disease": {"visceral": True, "symptomatic": False},
    }
    for dotted, value in fields.items():
        *parents, leaf = dotted.split("__")
        node = case
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return case


def run(**fields: Any) -> Decision:
    return decide(parse_case(make(**fields)))


def option_ids(d: Decision) -> dict[str, str]:
    return dict(d.options)


def regimen(chemo: bool, endo: bool, her2: bool) -> dict[str, bool]:
    return {"chemotherapy": chemo, "endocrine": endo, "her2_targeted": her2}


# --- scope --------------------------------------------------------------------------


@pytest.mark.parametrize(("hr", "her2", "expected"), [
    ("negative", "positive", ("scope.hr_negative",)),
    ("unknown", "positive", ("scope.hr_unknown",)),
    ("positive", "negative", ("scope.her2_negative",)),
    ("positive", "equivocal", ("scope.her2_equivocal",)),
    ("positive", "unknown", ("scope.her2_unknown",)),
    ("unknown", "equivocal", ("scope.hr_unknown", "scope.her2_equivocal")),
    # a negative receptor settles it: no "complete the testing" for the other one
    ("negative", "equivocal", ("scope.hr_negative",)),
    ("unknown", "negative", ("scope.her2_negative",)),
    ("negative", "negative", ("scope.hr_negative", "scope.her2_negative")),
])
def test_scope(hr: str, her2: str, expected: tuple[str, ...]) -> None:
    """Unless receptors.hr and receptors.her2 are both positive, the result has
    in_scope: false, no options, no plan, and a scope_reason that says which receptor
    is the problem and what to do ... and nothing else: no cautions, no outside_source
    entries."""
    d = run(receptors={"hr": hr, "her2": her2},
            planned_regimen=regimen(False, True, False), menopausal_status="premenopausal")
    assert d == Decision(in_scope=False, scope=expected)


# --- first_line ---------------------------------------------------------------------


def test_first_line_chemo_possible() -> None:
    """chemo possible: chemo_her2 preferred, with plan chemo_duration,
    her2_until_progression, et_maintenance_after_chemo, and note hr_subgroup_benefit."""
    d = run(disease__symptomatic=True)
    assert d.options == (("chemo_her2", "preferred"),)
    assert d.plan == ("chemo_duration", "her2_until_progression", "et_maintenance_after_chemo")
    assert "hr_subgroup_benefit" in d.cautions


def test_first_line_chemo_possible_not_aggressive() -> None:
    """not aggressive: also et_her2 consider, with notes et_her2_no_os_benefit,
    electra_result, pathway_crosstalk."""
    d = run()
    assert option_ids(d) == {"chemo_her2": "preferred", "et_her2": "consider"}
    assert {"et_her2_no_os_benefit", "electra_result", "pathway_crosstalk"} <= d.cautions


@pytest.mark.parametrize("flag", ["visceral_crisis", "symptomatic", "rapidly_progressive"])
def test_first_line_chemo_possible_aggressive(flag: str) -> None:
    """aggressive: no et_her2; caution et_her2_needs_selection only if the plan is ET + HER2.
    (aggressive = visceral_crisis or symptomatic or rapidly_progressive)"""
    d = run(**{f"disease__{flag}": True})
    assert "et_her2" not in option_ids(d)
    assert "et_her2_needs_selection" not in d.cautions
    assert not {"et_her2_no_os_benefit", "electra_result", "pathway_crosstalk"} & d.cautions
    planned = run(**{f"disease__{flag}": True}, planned_regimen=regimen(False, True, True))
    assert "et_her2_needs_selection" in planned.cautions


@pytest.mark.parametrize("reason", ["contraindicated", "declined"])
def test_first_line_chemo_not_possible_not_aggressive(reason: str) -> None:
    """chemo not possible, not aggressive: et_her2 consider, plan her2_until_progression,
    notes et_her2_no_os_benefit, electra_result, pathway_crosstalk.

    Changed in 1.1: "et_her2 is always consider: the source says it 'can be considered',
    even when it is the only option left (chemotherapy not possible)."

    The source does not discuss patients who cannot have chemotherapy or decline it:
    an outside-source entry says so (explore19, finding 4).
    """
    d = run(**{f"chemotherapy__{reason}": True})
    assert d.options == (("et_her2", "consider"),)
    assert d.plan == ("her2_until_progression",)
    assert d.cautions == {"et_her2_no_os_benefit", "electra_result", "pathway_crosstalk"}
    assert d.outside == {"outside.et_her2_chemo_not_possible"}


def test_first_line_chemo_not_possible_aggressive() -> None:
    """chemo not possible, aggressive: no option; warning et_her2_needs_selection; an
    outside_source entry saying that this situation needs multidisciplinary review."""
    d = run(chemotherapy__declined=True, disease__rapidly_progressive=True,
            disease__visceral=False)
    assert d.options == () and d.plan == ()
    assert d.cautions == {"et_her2_needs_selection"}
    assert d.outside == {"outside.multidisciplinary_review"}


@pytest.mark.parametrize("chemo", [{}, {"chemotherapy__contraindicated": True}],
                         ids=["chemo possible", "chemo not possible"])
def test_first_line_her2_therapy_cannot_be_given(chemo: dict[str, Any]) -> None:
    """Not in contract 1.1's first-line list (which never reads this answer), taken
    from its rule after induction and at progression: "HER2-targeted therapy has
    unacceptable toxicity: no option; outside_source entry." Every first-line option
    includes HER2-targeted therapy (day review 3, D1: the window offered only options
    with the drug the clinician had just ruled out). Asked, and so read, only with
    endocrine therapy alone planned; the regimen check's cautions stay."""
    d = run(planned_regimen=regimen(False, True, False), disease__visceral=False,
            her2_therapy={"unacceptable_toxicity": True}, **chemo)
    assert d.options == () and d.plan == () and d.plan_matches == frozenset()
    assert d.outside == {"outside.her2_toxicity"}
    assert d.cautions == {"avoid_et_alone", "ai_alone_short_pfs", "et_alone_selected_patients"}
    # the same patient with HER2-targeted therapy possible: the contract's options
    assert run(planned_regimen=regimen(False, True, False), disease__visceral=False,
               **chemo).options != ()


def test_first_line_non_visceral() -> None:
    """not visceral and at least one option: note non_visceral_benefit."""
    assert "non_visceral_benefit" in run(disease__visceral=False).cautions
    assert "non_visceral_benefit" not in run(disease__visceral=True).cautions


# --- after_induction ----------------------------------------------------------------


def after(months: float, maximal: bool, **fields: Any) -> Decision:
    return run(setting="after_induction", chemotherapy__months_given=months,
               chemotherapy__maximal_response=maximal, **fields)


def test_after_induction_her2_toxicity() -> None:
    """HER2-targeted therapy has unacceptable toxicity: no option; outside_source entry."""
    d = after(6, True, her2_therapy={"unacceptable_toxicity": True})
    assert d.options == () and d.plan == ()
    assert d.outside == {"outside.her2_toxicity"}


@pytest.mark.parametrize(("months", "maximal", "tox"), [
    (2, True, False), (1, False, True), (6, True, False), (12.5, False, True),
])
def test_after_induction_done(months: float, maximal: bool, tox: bool) -> None:
    """done: her2_et_maintenance preferred; plan her2_until_progression; note
    maintenance_evidence_limited. (done = maximal_response or
    chemotherapy.unacceptable_toxicity)"""
    d = after(months, maximal, chemotherapy__unacceptable_toxicity=tox)
    assert d.options == (("her2_et_maintenance", "preferred"),)
    assert d.plan == ("her2_until_progression",)
    assert d.cautions == {"maintenance_evidence_limited"}


@pytest.mark.parametrize("months", [0, 2, 3.99])
def test_after_induction_early(months: float) -> None:
    """not done, months_given < 4: continue_chemo_her2 preferred; plan chemo_duration,
    her2_until_progression, et_maintenance_after_chemo."""
    d = after(months, False)
    assert d.options == (("continue_chemo_her2", "preferred"),)
    assert d.plan == ("chemo_duration", "her2_until_progression", "et_maintenance_after_chemo")
    assert d.cautions == frozenset()


@pytest.mark.parametrize("months", [4, 5, 5.99, 6, 8, 60])
def test_after_induction_from_four_months(months: float) -> None:
    """not done, months_given ≥ 4: both continue_chemo_her2 and her2_et_maintenance
    consider; plan chemo_duration, her2_until_progression; note maintenance_evidence_limited.

    Changed in 1.1: "six months of chemotherapy no longer end induction by themselves. The
    source says 'at least 4-6 months or until maximum response', so from 4 months on,
    without maximal response or toxicity, both continuing and maintenance are consider."
    """
    d = after(months, False)
    assert option_ids(d) == {"continue_chemo_her2": "consider", "her2_et_maintenance": "consider"}
    assert d.plan == ("chemo_duration", "her2_until_progression")
    assert d.cautions == {"maintenance_evidence_limited"}


# --- progression --------------------------------------------------------------------


@pytest.mark.parametrize(("responsive", "entry"), [
    ("yes", "outside.her2_toxicity_sequential"),
    ("no", "outside.her2_toxicity"),
    ("unknown", "outside.her2_toxicity"),
])
def test_progression_her2_toxicity(responsive: str, entry: str) -> None:
    """HER2-targeted therapy has unacceptable toxicity: no option; outside_source entry.

    For endocrine-responsive disease the entry gives the source's two sentences that
    bear on it ("Sequential hormonal therapy should be offered to patients with
    endocrine-responsive disease after progression on initial therapy"; "Avoid using
    endocrine therapy alone") and says that the source does not say which applies
    (review A, M1)."""
    d = run(setting="progression", endocrine_responsive=responsive,
            her2_therapy={"unacceptable_toxicity": True})
    assert d.options == () and d.plan == () and d.outside == {entry}


def test_progression_endocrine_responsive() -> None:
    """otherwise endocrine_responsive = yes: no plan items, and an outside_source entry:
    the choice of the next HER2-targeted agent is not covered by this source.
    not aggressive: sequential_et preferred (the source: "should be offered").

    Changed in 1.1: "the plan item her2_until_progression is no longer listed at
    progression."
    """
    d = run(setting="progression", endocrine_responsive="yes")
    assert d.options == (("sequential_et", "preferred"),)
    assert d.plan == ()
    assert d.cautions == frozenset()
    assert d.outside == {"outside.next_her2_agent"}


@pytest.mark.parametrize("flag", ["visceral_crisis", "symptomatic", "rapidly_progressive"])
def test_progression_endocrine_responsive_aggressive(flag: str) -> None:
    """aggressive: sequential_et consider, warning et_her2_needs_selection, and a second
    outside_source entry: aggressive progression needs multidisciplinary review
    (chemotherapy-based next-line treatment is not covered by this source).

    Changed in 1.1: "progression: with aggressive disease, sequential_et is consider and
    carries the warning et_her2_needs_selection (the source's pitfall is not limited to
    first line), with an outside_source entry for multidisciplinary review."
    """
    d = run(setting="progression", endocrine_responsive="yes", **{f"disease__{flag}": True})
    assert d.options == (("sequential_et", "consider"),)
    assert d.plan == ()
    assert d.cautions == {"et_her2_needs_selection"}
    assert d.outside == {"outside.next_her2_agent", "outside.aggressive_progression_review"}


@pytest.mark.parametrize(("answer", "outside"), [
    ("no", "outside.not_endocrine_responsive"),
    ("unknown", "outside.assess_endocrine_response"),
])
def test_progression_not_endocrine_responsive(answer: str, outside: str) -> None:
    """no or unknown: no option; outside_source entry (for unknown: assess endocrine
    responsiveness first)."""
    d = run(setting="progression", endocrine_responsive=answer)
    assert d.options == () and d.plan == ()
    assert d.outside == {outside}


# --- planned regimen check ----------------------------------------------------------


@pytest.mark.parametrize("setting", ["first_line", "progression"])
def test_regimen_endocrine_only(setting: str) -> None:
    """endocrine only → avoid_et_alone + ai_alone_short_pfs."""
    d = run(setting=setting, endocrine_responsive="yes",
            planned_regimen=regimen(False, True, False))
    assert {"avoid_et_alone", "ai_alone_short_pfs"} <= d.cautions


def test_regimen_chemo_and_endocrine() -> None:
    """chemotherapy and endocrine → no_concurrent_et_chemo."""
    assert "no_concurrent_et_chemo" in run(planned_regimen=regimen(True, True, True)).cautions
    assert "no_concurrent_et_chemo" not in run(planned_regimen=regimen(True, False, True)).cautions


def test_regimen_chemo_without_her2() -> None:
    """chemotherapy without HER2-targeted → omits_her2_targeted."""
    assert "omits_her2_targeted" in run(planned_regimen=regimen(True, False, False)).cautions
    assert "omits_her2_targeted" not in run(planned_regimen=regimen(True, False, True)).cautions


def test_regimen_et_her2_first_line_aggressive() -> None:
    """endocrine + HER2-targeted without chemotherapy, first_line, aggressive →
    et_her2_needs_selection."""
    assert "et_her2_needs_selection" in run(
        disease__visceral_crisis=True, planned_regimen=regimen(False, True, True)).cautions
    assert "et_her2_needs_selection" not in run(
        planned_regimen=regimen(False, True, True)).cautions


@pytest.mark.parametrize("answer", ["yes", "no", "unknown"])
def test_regimen_et_her2_progression_aggressive(answer: str) -> None:
    """endocrine + HER2-targeted without chemotherapy, first_line or progression,
    aggressive → et_her2_needs_selection.

    Changed in 1.1: "the source's pitfall is not limited to first line"."""
    et_her2 = regimen(False, True, True)
    assert "et_her2_needs_selection" in run(
        setting="progression", disease__symptomatic=True, endocrine_responsive=answer,
        planned_regimen=et_her2).cautions
    assert "et_her2_needs_selection" not in run(
        setting="progression", endocrine_responsive=answer, planned_regimen=et_her2).cautions
    assert "et_her2_needs_selection" not in after(
        3, False, disease__symptomatic=True, planned_regimen=et_her2).cautions


@pytest.mark.parametrize("setting", ["first_line", "after_induction", "progression"])
def test_regimen_premenopausal_endocrine(setting: str) -> None:
    """endocrine, menopausal_status = premenopausal → premenopausal_endocrine.

    New in 1.1: "new warning premenopausal_endocrine when a premenopausal patient's
    planned regimen includes endocrine therapy."
    """
    fields: dict[str, Any] = {"setting": setting, "endocrine_responsive": "yes",
                              "chemotherapy__months_given": 6,
                              "chemotherapy__maximal_response": True}
    for endo in (regimen(False, True, True), regimen(False, True, False),
                 regimen(True, True, True)):
        assert "premenopausal_endocrine" in run(
            menopausal_status="premenopausal", planned_regimen=endo, **fields).cautions
        for status in ("postmenopausal", "unknown"):
            assert "premenopausal_endocrine" not in run(
                menopausal_status=status, planned_regimen=endo, **fields).cautions
    assert "premenopausal_endocrine" not in run(
        menopausal_status="premenopausal", planned_regimen=regimen(True, False, True),
        **fields).cautions
    # an endocrine option without an endocrine plan is the outside-source note's job
    assert "premenopausal_endocrine" not in run(menopausal_status="premenopausal",
                                                **fields).cautions


@pytest.mark.parametrize("setting", ["first_line", "after_induction", "progression"])
def test_regimen_et_alone_selected_patients(setting: str) -> None:
    """endocrine only and her2_therapy.unacceptable_toxicity → et_alone_selected_patients
    (beside avoid_et_alone, which still appears: the source says to avoid it).

    New in 1.1: "new note et_alone_selected_patients beside avoid_et_alone when
    HER2-targeted therapy cannot be given."
    """
    fields: dict[str, Any] = {"setting": setting, "endocrine_responsive": "yes",
                              "chemotherapy__months_given": 6,
                              "chemotherapy__maximal_response": True}
    d = run(planned_regimen=regimen(False, True, False),
            her2_therapy={"unacceptable_toxicity": True}, **fields)
    assert {"et_alone_selected_patients", "avoid_et_alone", "ai_alone_short_pfs"} <= d.cautions
    assert "et_alone_selected_patients" not in run(
        planned_regimen=regimen(False, True, False), **fields).cautions
    assert "et_alone_selected_patients" not in run(
        planned_regimen=regimen(False, True, True),
        her2_therapy={"unacceptable_toxicity": True}, **fields).cautions


def test_regimen_after_induction_without_her2() -> None:
    """after_induction, no HER2-targeted, no HER2-targeted toxicity →
    continue_her2_until_progression."""
    no_her2 = regimen(False, True, False)
    assert "continue_her2_until_progression" in after(6, True, planned_regimen=no_her2).cautions
    assert "continue_her2_until_progression" not in after(
        6, True, planned_regimen=no_her2, her2_therapy={"unacceptable_toxicity": True}).cautions


def test_regimen_after_induction_chemo_stopped_early() -> None:
    """after_induction, chemotherapy stopped while not done and months_given < 4 →
    chemo_too_short."""
    stop = regimen(False, True, True)
    assert "chemo_too_short" in after(3, False, planned_regimen=stop).cautions
    assert "chemo_too_short" not in after(4, False, planned_regimen=stop).cautions
    assert "chemo_too_short" not in after(8, False, planned_regimen=stop).cautions
    assert "chemo_too_short" not in after(3, True, planned_regimen=stop).cautions
    assert "chemo_too_short" not in after(3, False, planned_regimen=regimen(True, False, True)
                                          ).cautions


def test_regimen_nothing() -> None:
    """no component at all → outside_source entry: no systemic therapy is outside this source."""
    d = run(planned_regimen=regimen(False, False, False))
    assert "outside.no_systemic_therapy" in d.outside
    assert "outside.no_systemic_therapy" not in run(planned_regimen=None).outside


# --- menopausal status --------------------------------------------------------------


@pytest.mark.parametrize("status", ["premenopausal", "unknown"])
def test_menopausal_status(status: str) -> None:
    """premenopausal or unknown with an option or plan item that uses endocrine therapy
    (et_her2, her2_et_maintenance, sequential_et, et_maintenance_after_chemo) →
    outside_source entry: the AI evidence here comes from postmenopausal trials; ovarian
    function suppression is outside this source."""
    expected = f"outside.menopause_{status}"
    assert expected in run(menopausal_status=status).outside
    assert expected in after(6, True, menopausal_status=status).outside
    assert expected in run(menopausal_status=status, setting="progression",
                           endocrine_responsive="yes").outside
    # chemo_her2 alone still carries et_maintenance_after_chemo in its plan:
    assert expected in run(menopausal_status=status, disease__symptomatic=True).outside
    # nothing endocrine offered: no entry
    assert expected not in run(menopausal_status=status, setting="progression",
                               endocrine_responsive="no").outside
    assert not [o for o in run().outside if o.startswith("outside.menopause")]


# --- plan_matches -------------------------------------------------------------------


def test_plan_matches() -> None:
    """plan_matches is null when no planned regimen is given or the case is out of scope;
    otherwise the ids of the options in this result whose components equal the planned
    regimen's (components: chemo_her2 and continue_chemo_her2 = chemotherapy +
    HER2-targeted; et_her2, her2_et_maintenance and sequential_et = endocrine +
    HER2-targeted), in option order; an empty list means the plan matches none of the
    options."""
    assert run().plan_matches is None
    assert run(planned_regimen=regimen(True, False, True)).plan_matches == {"chemo_her2"}
    assert run(planned_regimen=regimen(False, True, True)).plan_matches == {"et_her2"}
    assert run(planned_regimen=regimen(False, True, False)).plan_matches == frozenset()
    assert run(planned_regimen=regimen(True, True, True)).plan_matches == frozenset()
    # an option not in this result is never matched
    assert run(disease__symptomatic=True,
               planned_regimen=regimen(False, True, True)).plan_matches == frozenset()
    assert after(5, False, planned_regimen=regimen(False, True, True)).plan_matches == {
        "her2_et_maintenance"}
    assert run(receptors={"hr": "negative", "her2": "positive"},
               planned_regimen=regimen(True, False, True)).plan_matches is None


def test_every_option_has_its_components_and_endocrine_ones_are_marked(store) -> None:
    """Contract section 2: ``plan_matches`` holds "the options in this result whose
    components equal the planned regimen's". Every option the evidence names has its components in
    ``OPTION_COMPONENTS`` (contributor review 4: a new option missing there raised a
    KeyError as soon as a regimen was planned), and an option with endocrine therapy is
    in ``ENDOCRINE_OPTIONS`` (the menopause check reads it)."""
    from core.rules import ENDOCRINE_OPTIONS, OPTION_COMPONENTS

    options = {s.id for s in store.of_kind("option")}
    assert set(OPTION_COMPONENTS) == options
    assert {o for o, (_chemo, endocrine, _her2) in OPTION_COMPONENTS.items()
            if endocrine} == ENDOCRINE_OPTIONS
