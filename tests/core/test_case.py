"""The case reader: defaults, canonical form, and one clear error for every bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.case import CaseError, parse_case
from core.case_json import loads_case
from tests.core.strategies import case_dicts

BASE: dict[str, Any] = {
    "format": "hrher2-aid.case/1",
    "receptors": {"hr": "positive", "her2": "positive"},
    "setting": "first_line",
    "disease": {"visceral": True, "symptomatic": False},
}


def with_(path: str, value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    case = json.loads(json.dumps(base or BASE))
    *parents, leaf = path.split(".")
    node = case
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value
    return case


def without(path: str) -> dict[str, Any]:
    case = json.loads(json.dumps(BASE))
    *parents, leaf = path.split(".")
    node = case
    for part in parents:
        node = node[part]
    del node[leaf]
    return case


def test_defaults_are_filled() -> None:
    case = parse_case(BASE)
    assert case.menopausal_status == "unknown"
    assert case.endocrine_responsive == "unknown"
    assert case.disease.visceral_crisis is False and case.disease.rapidly_progressive is False
    assert case.chemotherapy.months_given is None and case.planned_regimen is None
    canonical = json.loads(case.canonical_json())
    assert canonical["chemotherapy"]["declined"] is False
    assert canonical["her2_therapy"] == {"unacceptable_toxicity": False}


def test_canonical_hash_ignores_key_order_and_explicit_defaults() -> None:
    explicit = with_("disease.visceral_crisis", False, with_("menopausal_status", "unknown"))
    reordered = json.loads(json.dumps(BASE, sort_keys=True))
    hashes = {parse_case(c).sha256() for c in (BASE, explicit, reordered)}
    assert len(hashes) == 1
    assert parse_case(with_("label", "A")).sha256() not in hashes
    assert parse_case(with_("chemotherapy.months_given", 4)).sha256() == \
        parse_case(with_("chemotherapy.months_given", 4.0)).sha256()


@pytest.mark.parametrize(("case", "message"), [
    (without("receptors.hr"), "receptors.hr: required field is missing"),
    (without("setting"), "setting: required field is missing"),
    (without("disease.visceral"), "disease.visceral: required field is missing"),
    (without("format"), "format: required field is missing"),
    (with_("format", "hrher2-aid.case/2"), "format: is 'hrher2-aid.case/2', written by a "
                                           "newer version of hrher2-aid"),
    (with_("format", "hrher2-aid.case/0"), "format: must be 'hrher2-aid.case/1'"),
    (with_("format", 1), "format: must be 'hrher2-aid.case/1' (got 1)"),
    # the format first: a newer file's new field is not "unknown" (hostile review C1)
    ({**with_("format", "hrher2-aid.case/3"), "ecog": 1}, "format: is 'hrher2-aid.case/3'"),
    ({"format": "hrher2-aid.draft/1", "step": "label", "answers": {}},
     "format: is 'hrher2-aid.draft/1': an unfinished case (a draft), not a case; open it"),
    ({"format": "hrher2-aid.result/1", "in_scope": True}, "format: is 'hrher2-aid.result/1': "
                                                          "a result, not a case"),
    (with_("receptors.her2", "3+"), "receptors.her2: must be one of positive, negative, "
                                   "equivocal, unknown (got '3+')"),
    (with_("receptors.hr", True), "receptors.hr: must be one of positive, negative, unknown "
                                  "(got a boolean)"),
    (with_("setting", "second_line"), "setting: must be one of"),
    (with_("disease.symptomatic", "yes"), "disease.symptomatic: must be true or false"),
    (with_("disease.visceral", 1), "disease.visceral: must be true or false (got a number)"),
    (with_("disease.visceral", None), "disease.visceral: must be true or false (got null)"),
    (with_("chemotherapy.months_given", True), "chemotherapy.months_given: must be a number"),
    (with_("chemotherapy.months_given", "4"), "chemotherapy.months_given: must be a number"),
    (with_("chemotherapy.months_given", -1), "chemotherapy.months_given: must be between 0 "
                                             "and 60"),
    (with_("chemotherapy.months_given", 60.5), "chemotherapy.months_given: must be between"),
    (with_("chemotherapy.months_given", 1e400), "chemotherapy.months_given: must be between"),
    (with_("chemotherapy.maximal_response", "no"), "chemotherapy.maximal_response: must be"),
    (with_("setting", "after_induction"), "chemotherapy.months_given: required when setting "
                                          "is after_induction"),
    (with_("chemotherapy", {"months_given": 3}, with_("setting", "after_induction")),
     "chemotherapy.maximal_response: required when setting is after_induction"),
    (with_("chemotherapy", {"months_given": None, "maximal_response": True},
           with_("setting", "after_induction")),
     "chemotherapy.months_given: required when setting is after_induction"),
    (with_("disease.visceral_crisiss", True), "disease.visceral_crisiss: unknown field"),
    (with_("patient_name", "X"), "patient_name: unknown field"),
    (with_("label", "x" * 81), "label: at most 80 characters (got 81)"),
    (with_("label", 7), "label: must be a string or null"),
    (with_("planned_regimen", {"chemotherapy": True}), "planned_regimen.endocrine: required"),
    (with_("planned_regimen", []), "planned_regimen: must be an object (got an array)"),
    (with_("her2_therapy", {"toxicity": True}), "her2_therapy.toxicity: unknown field"),
    (with_("endocrine_responsive", "maybe"), "endocrine_responsive: must be one of yes, no"),
    (with_("menopausal_status", None), "menopausal_status: must be one of"),
    (with_("receptors", "positive"), "receptors: must be an object (got a string)"),
])
def test_invalid_case_names_the_field(case: dict[str, Any], message: str) -> None:
    with pytest.raises(CaseError) as err:
        parse_case(case)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty input"),
    ("   \n", "empty input"),
    ("{", "not valid JSON"),
    ("[1, 2]", "the case must be a JSON object (got an array)"),
    ("42", "the case must be a JSON object (got a number)"),
    ('{"format": NaN}', "not valid JSON: NaN is not a JSON number"),
    (json.dumps(with_("chemotherapy.months_given", 1)).replace("1}", "Infinity}"),
     "not valid JSON: Infinity"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON: nested too deeply"),
    (b"\xff\xfe\x00garbage", "not UTF-8 text"),
    ('{"format": "hrher2-aid.case/1", "setting": "first_line", "setting": "progression"}',
     "setting: appears twice in the same object"),
    ('{"disease": {"visceral": true, "visceral": false}}', "visceral: appears twice"),
    ("x" * 1_000_001, "input too large"),
])
def test_unreadable_input(text: str | bytes, message: str) -> None:
    with pytest.raises(CaseError) as err:
        loads_case(text)
    assert message in str(err.value)


def test_utf8_bom_is_accepted() -> None:
    assert loads_case(b"\xef\xbb\xbf" + json.dumps(BASE).encode()).setting == "first_line"


@settings(max_examples=300)
@given(case_dicts())
def test_generated_valid_cases_parse_and_round_trip(data: dict[str, Any]) -> None:
    case = parse_case(data)
    assert parse_case(case.to_dict()) == case
    assert loads_case(case.canonical_json()) == case


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=5),
    max_leaves=30,
)


@settings(max_examples=500)
@given(JSON_VALUES)
def test_fuzz_random_json_values(value: Any) -> None:
    """Nothing escapes the reader but the project's own invalid-input error."""
    try:
        parse_case(value)
    except CaseError as exc:
        assert str(exc)


@settings(max_examples=300)
@given(case_dicts(), st.sampled_from(["receptors", "disease", "chemotherapy", "planned_regimen",
                                      "setting", "label", "her2_therapy"]), JSON_VALUES)
def test_fuzz_mutated_cases(data: dict[str, Any], key: str, value: Any) -> None:
    """A valid case with one part replaced by any JSON value: a Case or a CaseError."""
    data[key] = value
    try:
        parse_case(data)
    except CaseError as exc:
        assert exc.path.split(".")[0] in (key, "chemotherapy", "")


@settings(max_examples=500)
@given(st.binary(max_size=2000))
def test_fuzz_random_bytes(raw: bytes) -> None:
    try:
        loads_case(raw)
    except CaseError as exc:
        assert str(exc)


@settings(max_examples=200)
@given(case_dicts())
def test_canonical_json_has_sorted_keys(data: dict[str, Any]) -> None:
    """canonical JSON = sorted keys, no insignificant whitespace, defaults filled in."""
    case = parse_case(data)
    resorted = json.dumps(json.loads(case.canonical_json()), sort_keys=True,
                          separators=(",", ":"), ensure_ascii=False)
    assert case.canonical_json() == resorted

