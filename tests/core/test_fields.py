"""The case fields table (core.fields) and the typed case model agree, field by field."""

from __future__ import annotations

import doctest

import core.fields
from core.case import _GROUP_TYPES, Case, parse_case
from core.fields import FIELDS, FIELDS_BY_PATH, KINDS, REQUIRED


def _model_paths() -> set[str]:
    """Every leaf of the Case model, as a field path; a planned regimen is itself asked
    (given or not) beside its parts."""
    paths = set()
    for name, annotation in Case.__annotations__.items():
        cls = _GROUP_TYPES.get(name)
        if cls is None:
            paths.add(name)
            continue
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


# A valid case that gives every field a value (after induction, with a regimen).
FULL = {"format": "hrher2-aid.case/1", "setting": "after_induction",
        "receptors": {"hr": "positive", "her2": "positive"},
        "disease": {"visceral": True, "symptomatic": False},
        "chemotherapy": {"months_given": 4, "maximal_response": False},
        "planned_regimen": {"chemotherapy": True, "endocrine": False, "her2_targeted": True}}


def _other_value(field: core.fields.CaseField) -> object:
    """A value the field accepts that is not its default."""
    if field.kind == "number":
        return field.maximum
    if field.kind == "text":
        return "Bed 4"
    values = [c.value for c in field.choices]
    return next(v for v in reversed(values) if v != field.default)


def test_every_field_reads_back_with_the_value_the_file_gave() -> None:
    """Declared once: a value given in a case file reaches the typed case (none is
    dropped between the table and the model), and its dict gives it back."""
    for field in FIELDS:
        if field.kind == "regimen":
            continue  # given or not: the regimen's parts below
        value = _other_value(field)
        data = {k: dict(v) if isinstance(v, dict) else v for k, v in FULL.items()}
        head, _, sub = field.path.partition(".")
        if sub:
            data.setdefault(head, {})[sub] = value
        else:
            data[head] = value
        case = parse_case(data)
        assert case.value(field.path) == value, field.path
        back = parse_case(case.to_dict())
        assert back.value(field.path) == value and back.sha256() == case.sha256(), field.path


def test_doctests() -> None:
    assert doctest.testmod(core.fields).failed == 0


def test_the_case_table_in_formats_md_lists_every_field_and_no_other() -> None:
    """docs/formats.md documents the case format field by field (contributor review 4: a
    question added to the table in core.fields but not to the documented case table went
    unnoticed). ``planned_regimen.chemotherapy``, ``.endocrine``, ``.her2_targeted``
    share one row."""
    import re

    from tests.conftest import ROOT

    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    table = text.split("## The case: `hrher2-aid.case/1`", 1)[1].split("\n## ", 1)[0]
    documented: set[str] = set()
    for row in re.findall(r"^\| (`[^|]+) \|", table, flags=re.M):
        names = re.findall(r"`([^`]+)`", row)
        group = names[0].rsplit(".", 1)[0]
        documented |= {f"{group}{n}" if n.startswith(".") else n for n in names}
    documented -= {"format"}  # the format tag: not a question
    assert documented == {f.path for f in FIELDS}
