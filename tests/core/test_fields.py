"""The case fields table (core.fields) and the typed case model agree, field by field."""

from __future__ import annotations

import doctest

import core.fields
from core.case import Case, parse_case
from core.fields import FIELDS, FIELDS_BY_PATH, KINDS, REQUIRED


def _model_paths() -> set[str]:
    """Every leaf of the Case model, as a field path; a planned regimen is itself asked
    (given or not) beside its parts."""
    paths = set()
    for name, annotation in Case.__annotations__.items():
        group = {"receptors": "Receptors", "disease": "Disease",
                 "chemotherapy": "Chemotherapy", "her2_therapy": "Her2Therapy",
                 "planned_regimen": "PlannedRegimen"}.get(name)
        if group is None:
            paths.add(name)
            continue
        cls = getattr(__import__("core.case", fromlist=[group]), group)
        paths |= {f"{name}.{sub}" for sub in cls._fields}
        if "None" in str(annotation):
            paths.add(name)
    return paths


def test_every_field_is_a_model_attribute_and_back() -> None:
    """Adding a question is one row in the table and the attribute the rules read: a
    test fails until both are there."""
    assert {f.path for f in FIELDS} == _model_paths()


def test_each_row_is_complete() -> None:
    seen_setting = False
    for field in FIELDS:
        assert field.kind in KINDS and field.label and field.help and field.step
        if field.kind in ("choice", "bool", "regimen"):
            assert field.choices and all(c.label for c in field.choices)
        if field.required_in:
            assert seen_setting, f"{field.path} is read before the setting it depends on"
        seen_setting |= field.path == "setting"
        if field.default is not REQUIRED and field.default is not None:
            assert field.problem(field.default) is None, field.path


def test_case_value_reads_every_path() -> None:
    case = parse_case({"format": "hrher2-aid.case/1", "setting": "after_induction",
                       "receptors": {"hr": "positive", "her2": "negative"},
                       "disease": {"visceral": True, "symptomatic": False},
                       "chemotherapy": {"months_given": 4.5, "maximal_response": False},
                       "planned_regimen": {"chemotherapy": True, "endocrine": False,
                                           "her2_targeted": True}})
    values = {f.path: case.value(f.path) for f in FIELDS}
    assert values["chemotherapy.months_given"] == 4.5
    assert values["planned_regimen"] is True and values["planned_regimen.endocrine"] is False
    assert values["label"] is None and values["menopausal_status"] == "unknown"
    assert FIELDS_BY_PATH["receptors.her2"].answer_text("negative") == "Negative"


def test_doctests() -> None:
    assert doctest.testmod(core.fields).failed == 0
