"""Property tests over generated valid cases; each docstring quotes the rule it checks."""

from __future__ import annotations

import json
from typing import Any, Final

from hypothesis import HealthCheck, example, given, settings

from core import questionnaire as q
from core.case import parse_case
from core.fields import FIELDS, CaseField
from core.result import Renderer
from core.rules import decide, is_aggressive
from tests.core.strategies import case_dicts

FAST = settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(case_dicts(in_scope=False))
def test_out_of_scope_has_no_option(renderer: Renderer, data: dict[str, Any]) -> None:
    """Unless receptors.hr and receptors.her2 are both positive, the result has
    in_scope: false, no options, no plan, and a scope_reason ... and nothing else."""
    result = renderer.result_for(parse_case(data)).to_dict()
    assert result["in_scope"] is False
    assert result["scope_reason"]
    assert result["options"] == result["plan"] == result["cautions"] == []
    assert result["outside_source"] == [] and result["references"] == []


@FAST
@given(case_dicts())
def test_et_her2_never_offered_when_aggressive(renderer: Renderer, data: dict[str, Any]) -> None:
    """aggressive: no et_her2 (aggressive = visceral_crisis or symptomatic or
    rapidly_progressive)."""
    case = parse_case(data)
    ids = [o.id for o in renderer.result_for(case).options]
    if is_aggressive(case):
        assert "et_her2" not in ids


@FAST
@given(case_dicts(in_scope=True))
def test_endocrine_alone_always_warned(renderer: Renderer, data: dict[str, Any]) -> None:
    """Planned regimen check: endocrine only → avoid_et_alone + ai_alone_short_pfs."""
    data["planned_regimen"] = {"chemotherapy": False, "endocrine": True, "her2_targeted": False}
    cautions = {c.id: c.severity for c in renderer.result_for(parse_case(data)).cautions}
    assert cautions["avoid_et_alone"] == "warning"
    assert "ai_alone_short_pfs" in cautions


@FAST
@given(case_dicts(in_scope=True))
def test_chemo_with_endocrine_always_warned(renderer: Renderer, data: dict[str, Any]) -> None:
    """Planned regimen check: chemotherapy and endocrine → no_concurrent_et_chemo."""
    data["planned_regimen"] = {"chemotherapy": True, "endocrine": True,
                               "her2_targeted": bool(len(json.dumps(data)) % 2)}
    cautions = {c.id: c.severity for c in renderer.result_for(parse_case(data)).cautions}
    assert cautions["no_concurrent_et_chemo"] == "warning"


@FAST
@given(case_dicts())
def test_every_item_has_text_and_resolving_citations(renderer: Renderer,
                                                     data: dict[str, Any]) -> None:
    """Every option, plan item and caution carries citations (reference numbers from the
    evidence store); references lists each reference cited anywhere in the result, once,
    by its number. Each caution id appears at most once."""
    result = renderer.result_for(parse_case(data)).to_dict()
    listed = [r["n"] for r in result["references"]]
    assert listed == sorted(set(listed))
    cited: set[int] = set()
    for kind in ("options", "plan", "cautions"):
        for item in result[kind]:
            assert item["text"].strip()
            assert item["citations"], item["id"]
            cited.update(item["citations"])
    for option in renderer.result_for(parse_case(data)).options:  # harms are cited too
        cited.update(n for harm in option.harms for n in harm.citations)
    for kind in ("options", "plan", "cautions"):
        ids = [item["id"] for item in result[kind]]
        assert len(ids) == len(set(ids))
    assert cited == set(listed)
    assert all(r["citation"].strip() for r in result["references"])
    assert all(isinstance(t, str) and t.strip() for t in result["outside_source"])


@FAST
@given(case_dicts())
def test_order_is_the_contracts(renderer: Renderer, data: dict[str, Any]) -> None:
    """Options by status (preferred first), then in the order of the option table; cautions
    with warnings first, then notes."""
    result = renderer.result_for(parse_case(data)).to_dict()
    statuses = [o["status"] for o in result["options"]]
    assert statuses == sorted(statuses, key=["preferred", "consider"].index)
    severities = [c["severity"] for c in result["cautions"]]
    assert severities == sorted(severities, key=["warning", "note"].index)


@FAST
@given(case_dicts())
def test_same_case_same_bytes(renderer: Renderer, data: dict[str, Any]) -> None:
    """The same case and the same evidence version always give the same result — to the
    byte, whether the case's keys come in another order or through a fresh renderer."""
    first = renderer.result_for(parse_case(data)).to_json()
    shuffled = json.loads(json.dumps(data, sort_keys=True))
    again = Renderer(renderer.evidence).result_for(parse_case(shuffled)).to_json()
    assert first == again
    line = renderer.json_line(parse_case(data))
    assert line == first


@FAST
@given(case_dicts())
def test_et_her2_never_preferred(renderer: Renderer, data: dict[str, Any]) -> None:
    """et_her2 is always consider: the source says it "can be considered", even when it is
    the only option left (chemotherapy not possible)."""
    for option in renderer.result_for(parse_case(data)).options:
        if option.id == "et_her2":
            assert option.status == "consider"


@FAST
@given(case_dicts(in_scope=True, setting="progression"))
def test_aggressive_progression_is_never_preferred_unwarned(renderer: Renderer,
                                                            data: dict[str, Any]) -> None:
    """progression: with aggressive disease, sequential_et is consider and carries the
    warning et_her2_needs_selection ... with an outside_source entry for
    multidisciplinary review; the plan item her2_until_progression is no longer listed at
    progression."""
    case = parse_case(data)
    result = renderer.result_for(case)
    assert result.plan == ()
    if is_aggressive(case):
        assert all(o.status == "consider" for o in result.options)
        if result.options:
            warnings = {c.id for c in result.cautions if c.severity == "warning"}
            assert "et_her2_needs_selection" in warnings
            assert "outside.aggressive_progression_review" in result.outside_ids


@FAST
@given(case_dicts())
def test_every_valid_case_is_identified(renderer: Renderer, data: dict[str, Any]) -> None:
    """case_sha256 is present and non-empty for every valid case, in scope or not; the
    result names its contract (1.1) and the evidence's currency (sources_through)."""
    case = parse_case(data)
    result = renderer.result_for(case).to_dict()
    assert result["case_sha256"] == case.sha256() and len(result["case_sha256"]) == 64
    assert result["contract"] == "1.1"
    assert result["evidence"]["sources_through"] == 2022
    assert list(result)[-3:] == ["case_sha256", "contract", "plan_matches"]


@FAST
@given(case_dicts())
def test_plan_matches_are_options_with_the_plans_components(renderer: Renderer,
                                                            data: dict[str, Any]) -> None:
    """plan_matches is null when no planned regimen is given or the case is out of scope;
    otherwise the ids of the options in this result whose components equal the planned
    regimen's ..., in option order; an empty list means the plan matches none."""
    case = parse_case(data)
    result = renderer.result_for(case).to_dict()
    regimen = case.planned_regimen
    if regimen is None or not result["in_scope"]:
        assert result["plan_matches"] is None
        return
    with_chemo = {"chemo_her2", "continue_chemo_her2"}
    with_et = {"et_her2", "her2_et_maintenance", "sequential_et"}
    planned = (regimen.chemotherapy, regimen.endocrine, regimen.her2_targeted)
    expected = [o["id"] for o in result["options"]
                if (o["id"] in with_chemo and planned == (True, False, True))
                or (o["id"] in with_et and planned == (False, True, True))]
    assert result["plan_matches"] == expected


@FAST
@given(case_dicts())
def test_a_saved_result_reads_back_whole(renderer: Renderer, data: dict[str, Any]) -> None:
    """A result saved with its display words (to_dict(complete=True)) reads back equal:
    status sentences, harms and plain words included, so a saved case's handout and
    screen say what the live one said."""
    from core.result import Result

    result = renderer.result_for(parse_case(data))
    again = Result.from_dict(json.loads(json.dumps(result.to_dict(complete=True))))
    assert again == result


def _other_values(field: CaseField) -> list[Any]:
    """Every other answer a field could hold (numbers: either side of the rules' 4- and
    6-month marks)."""
    if field.kind == "number":
        return [0, 3.99, 4, 5.99, 6, 60]
    return [choice.value for choice in field.choices]


# first line, endocrine therapy alone planned: the one place a question is asked
# because of the planned regimen (HER2-targeted therapy ruled out by toxicity)
ET_ALONE_FIRST_LINE: Final = {
    "format": "hrher2-aid.case/1", "receptors": {"hr": "positive", "her2": "positive"},
    "setting": "first_line", "disease": {"visceral": False, "symptomatic": False},
    "planned_regimen": {"chemotherapy": False, "endocrine": True, "her2_targeted": False}}


# Out of scope nothing but the scope reason is decided, so only in-scope cases are drawn.
@FAST
@example(ET_ALONE_FIRST_LINE)
@example({**ET_ALONE_FIRST_LINE, "setting": "progression", "endocrine_responsive": "yes"})
@given(case_dicts(in_scope=True))
def test_an_answer_not_asked_never_changes_the_decision(data: dict[str, Any]) -> None:
    """core.fields: a question is "asked whenever it counts, so no answer the screen no
    longer shows can change a result". Any other value for an answer the questionnaire
    does not ask for this case (a case file may still hold one: it is kept and saved)
    leaves the decision as it was: options, plan, cautions, outside items, plan check."""
    answers = q.answers_from_case(parse_case(data))
    decided = decide(parse_case(q.case_dict(answers))).key
    asked = {f.path for f in q.asked(answers)}
    for field in FIELDS:
        if field.path in asked or field.kind in ("text", "regimen"):
            continue
        if field.path.startswith("planned_regimen.") and answers.get("planned_regimen") is not True:
            continue  # no regimen to hold it: the case file writes none
        for value in _other_values(field):
            changed = {**answers, field.path: value}
            assert decide(parse_case(q.case_dict(changed))).key == decided, (
                f"{field.path} = {value!r}, not asked, changed the decision")
