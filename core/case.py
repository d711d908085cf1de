"""The case model (``hrher2-aid.case/1``): parsing, validation, defaults, canonical form.

A case is checked once, here (from JSON text: :mod:`core.case_json`); everything
downstream trusts the :class:`Case` it gets.
Every way a case can be wrong raises :class:`CaseError`, whose message names the
field path, so the user sees one line such as
``chemotherapy.months_given: required when setting is after_induction``.

>>> case = parse_case({"format": "hrher2-aid.case/1",
...     "receptors": {"hr": "positive", "her2": "positive"}, "setting": "first_line",
...     "disease": {"visceral": True, "symptomatic": False}})
>>> case.setting, case.menopausal_status, case.chemotherapy.declined
('first_line', 'unknown', False)
>>> parse_case({"format": "hrher2-aid.case/1", "receptors": {"hr": "maybe"}})
Traceback (most recent call last):
core.case.CaseError: receptors.hr: must be one of positive, negative, unknown (got 'maybe')
"""

import json
import math
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from core.digest import sha256_hex
from core.fields import (
    ENDOCRINE_RESPONSIVE_VALUES,
    FIELDS,
    HER2_VALUES,
    HR_VALUES,
    LABEL_MAX,
    MENOPAUSAL_VALUES,
    REQUIRED,
    SETTINGS,
    CaseField,
    normalize_label,
)

CASE_FORMAT: Final = "hrher2-aid.case/1"


class CaseError(ValueError):
    """A case that breaks ``hrher2-aid.case/1``; ``path`` names the field ("" = whole case)."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path else problem)


# The value types loaded with the first window (here, in core.rules, core.result,
# core.questionnaire and core.evidence.store) are NamedTuples, not frozen dataclasses:
# a dataclass compiles its methods when its module loads, about 0.4 ms a class, and
# these sixteen classes took 6 ms of a start-up measured against a budget. They are
# just as immutable; unlike dataclasses they compare equal to plain tuples of the
# same values, which nothing here relies on.
class Receptors(NamedTuple):
    hr: str
    her2: str


class Disease(NamedTuple):
    visceral: bool
    symptomatic: bool
    visceral_crisis: bool = False
    rapidly_progressive: bool = False


class Chemotherapy(NamedTuple):
    contraindicated: bool = False
    declined: bool = False
    months_given: float | None = None
    maximal_response: bool | None = None
    unacceptable_toxicity: bool = False


class Her2Therapy(NamedTuple):
    unacceptable_toxicity: bool = False


class PlannedRegimen(NamedTuple):
    chemotherapy: bool
    endocrine: bool
    her2_targeted: bool


class Case(NamedTuple):
    """One patient's situation, validated, with every default filled in."""

    receptors: Receptors
    setting: str
    disease: Disease
    label: str | None = None
    menopausal_status: str = "unknown"
    chemotherapy: Chemotherapy = Chemotherapy()
    endocrine_responsive: str = "unknown"
    her2_therapy: Her2Therapy = Her2Therapy()
    planned_regimen: PlannedRegimen | None = None

    def to_dict(self) -> dict[str, Any]:
        """The case as JSON-ready data, defaults included (the canonical content),
        laid out by the fields table.

        Keys are written in sorted order so that :meth:`canonical_json` need not sort
        them (the batch path hashes every case).
        """
        out: dict[str, Any] = {}
        for key, subs in _LAYOUT:
            if key == "format":
                out[key] = CASE_FORMAT
                continue
            value = getattr(self, key)
            if subs is None or value is None:
                out[key] = value
            else:
                out[key] = {sub: getattr(value, sub) for sub in subs}
        return out

    def value(self, path: str) -> Any:
        """The value at a field path (``"disease.visceral"``); a planned regimen's
        ``"planned_regimen"`` is whether one is given.

        >>> parse_case({"format": CASE_FORMAT, "setting": "progression",
        ...     "receptors": {"hr": "positive", "her2": "positive"},
        ...     "disease": {"visceral": False, "symptomatic": True}}).value("disease.symptomatic")
        True
        """
        head, _, sub = path.partition(".")
        value = getattr(self, head)
        if not sub:
            return value is not None if head == "planned_regimen" else value
        return None if value is None else getattr(value, sub)

    def canonical_json(self) -> str:
        """Sorted keys, no insignificant whitespace, defaults filled in."""
        return _CANONICAL_ENCODER.encode(self.to_dict())

    def sha256(self) -> str:
        return sha256_hex(self.canonical_json().encode("utf-8"))


# Built once: json.dumps with options builds a new encoder per call.
_CANONICAL_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


_JSON_TYPE_NAMES: Final = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def _describe(value: object) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _shown(value: object) -> str:
    """``value`` for a message: its repr (which escapes control characters and
    unpaired surrogates, so the message can always be printed), cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def key_for_message(key: str) -> str:
    """A field name for a message: as written if printable, else escaped; cut to 60
    characters (a file may name a field with a million)."""
    shown = key if key.isprintable() else repr(key)[1:-1]
    return shown if len(shown) <= 60 else shown[:59] + "…"


def _has_surrogate(text: str) -> bool:
    """True for text holding an unpaired surrogate (JSON can write one as
    ``"\\ud800"``): it is not text, and cannot be stored, hashed or printed."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _object(value: object, path: str, fields: frozenset[str]) -> Mapping[str, Any]:
    if type(value) is not dict:
        raise CaseError(path, f"must be an object (got {_describe(value)})")
    for key in value:
        if key not in fields:
            where = f"{path}.{key_for_message(key)}" if path else key_for_message(key)
            raise CaseError(where, "unknown field")
    return value


_GROUP_TYPES: Final[dict[str, type[Any]]] = {
    "receptors": Receptors, "disease": Disease, "chemotherapy": Chemotherapy,
    "her2_therapy": Her2Therapy, "planned_regimen": PlannedRegimen,
}
_GROUPS: Final[dict[str, frozenset[str]]] = {
    group: frozenset(f.path.partition(".")[2] for f in FIELDS if f.path.startswith(group + "."))
    for group in _GROUP_TYPES
}
# A group the format requires (it holds a field with no default) vs one that may be absent.
_REQUIRED_GROUPS: Final = frozenset(
    g for g in _GROUP_TYPES
    if any(f.default is REQUIRED and f.path.startswith(g + ".") for f in FIELDS)
    and g != "planned_regimen"
)
_TOP: Final = frozenset({"format", *(f.path.partition(".")[0] for f in FIELDS)})
# (key, sorted sub-keys or None) in sorted order: how to_dict lays a case out
_LAYOUT: Final = tuple(
    (key, tuple(sorted(_GROUPS[key])) if key in _GROUP_TYPES else None) for key in sorted(_TOP)
)


def _typed(field: CaseField, value: object) -> Any:
    where = field.path
    if field.kind == "choice":
        values = tuple(str(c.value) for c in field.choices)
        if type(value) is not str:
            raise CaseError(where, f"must be one of {', '.join(values)} "
                                   f"(got {_describe(value)})")
        if value not in values:
            raise CaseError(where, f"must be one of {', '.join(values)} (got {_shown(value)})")
        return value
    if field.kind == "bool":
        if type(value) is not bool:
            allowed = "true, false or null" if field.nullable else "true or false"
            raise CaseError(where, f"must be {allowed} (got {_describe(value)})")
        return value
    if field.kind == "number":
        if type(value) not in (int, float):
            raise CaseError(where, f"must be a number or null (got {_describe(value)})")
        number: float = value  # type: ignore[assignment]
        # (an int is finite; isfinite would convert it to float, and overflow past 1e308)
        if (type(number) is float and not math.isfinite(number)) \
                or not field.minimum <= number <= field.maximum:
            raise CaseError(where, f"must be between {field.minimum:g} and "
                                   f"{field.maximum:g} (got {_shown(number)})")
        if type(number) is float and number.is_integer():
            return int(number)  # 4.0 and 4 are the same case, with the same hash
        return number
    if field.kind == "text":
        if type(value) is not str:
            raise CaseError(where, f"must be a string or null (got {_describe(value)})")
        if len(value) > field.max_length:
            raise CaseError(where, f"at most {field.max_length} characters (got {len(value)})")
        if _has_surrogate(value):
            raise CaseError(where, "not valid text: holds an unpaired surrogate "
                                   "(a \\ud800-\\udfff escape on its own)")
        return normalize_label(value)
    raise AssertionError(f"no reader for a {field.kind} field")  # the regimen is a group


def _wrong_format(tag: object) -> str:
    """Why a ``format`` that is not this one is refused, saying what the file is when
    its tag tells (a newer version's case or draft, a draft, a result).

    >>> _wrong_format("hrher2-aid.case/2")[:60]
    "is 'hrher2-aid.case/2', written by a newer version of hrher2"
    >>> _wrong_format(7)
    "must be 'hrher2-aid.case/1' (got 7)"
    """
    if type(tag) is str:
        kind, _, number = tag.rpartition("/")
        newer = number.isdigit() and int(number) > 1
        if kind in ("hrher2-aid.case", "hrher2-aid.draft") and newer:
            return (f"is {tag!r}, written by a newer version of hrher2-aid; this version "
                    f"reads {CASE_FORMAT!r} (open it with the newer version)")
        if kind == "hrher2-aid.draft":
            return (f"is {tag!r}: an unfinished case (a draft), not a case; open it in the "
                    "window (File, Open case file) to finish it")
        if kind == "hrher2-aid.result":
            return f"is {tag!r}: a result, not a case"
    return f"must be {CASE_FORMAT!r} (got {_shown(tag)})"


def parse_case(data: object) -> Case:
    """Validate decoded JSON against ``hrher2-aid.case/1`` and fill in defaults, field by
    field as the table in :mod:`core.fields` declares them."""
    if type(data) is not dict:
        raise CaseError("", f"the case must be a JSON object (got {_describe(data)})")
    # the format first: a newer file's new fields, or a draft's or a result's own, are
    # not "unknown fields" of this one
    if "format" not in data:
        raise CaseError("format", f"required field is missing (expected {CASE_FORMAT!r})")
    if data["format"] != CASE_FORMAT or type(data["format"]) is not str:
        raise CaseError("format", _wrong_format(data["format"]))
    top = _object(data, "", _TOP)

    values: dict[str, Any] = {}
    groups: dict[str, Mapping[str, Any] | None] = {}
    setting: object = None
    for field, head, key, kind, allowed in _PLAN:
        if kind == "regimen":
            planned = top.get(head)
            groups[head] = None if planned is None else _object(planned, head, _GROUPS[head])
            continue
        obj: Mapping[str, Any]
        if not key:
            obj = top
            key = head
        elif head in groups:
            group = groups[head]
            if group is None:
                continue  # no planned regimen: its parts are not read
            obj = group
        else:
            if head not in top and head in _REQUIRED_GROUPS:
                raise CaseError(head, "required field is missing")
            obj = groups[head] = _object(top.get(head, {}), head, _GROUPS[head])
        if key in obj:
            value = obj[key]
            # the common valid values pass straight through; the rest are checked
            if not ((value is None and field.nullable)
                    or (kind == "bool" and type(value) is bool)
                    or (allowed is not None and type(value) is str and value in allowed)):
                value = _typed(field, value)
        elif field.default is REQUIRED:
            raise CaseError(field.path, "required field is missing")
        else:
            value = field.default
        if value is None and field.required_in and setting in field.required_in:
            raise CaseError(field.path, f"required when setting is {setting}")
        values[field.path] = value
        if field.path == "setting":
            setting = value

    built: dict[str, Any] = {
        head: None if groups.get(head) is None else cls(*[values[p] for p in paths])
        for head, cls, paths in _BUILD}
    # every attribute from the table's values (a group from its parts): none is listed
    # by hand, so a field added to the table and the model cannot be dropped here
    return Case(**{name: built[name] if name in _GROUP_TYPES else values[name]
                   for name in Case._fields})


# How parse_case walks the table: (field, group or field name, key in the group or "",
# kind, the allowed strings of a choice) -- worked out once, not per case (the batch).
_PLAN: Final = tuple(
    (f, f.path.partition(".")[0], f.path.partition(".")[2], f.kind,
     frozenset(str(c.value) for c in f.choices) if f.kind == "choice" else None)
    for f in FIELDS
)
_BUILD: Final = tuple(
    (head, cls, tuple(f"{head}.{sub}" for sub in cls._fields))
    for head, cls in _GROUP_TYPES.items()
)


__all__ = [
    "CASE_FORMAT", "ENDOCRINE_RESPONSIVE_VALUES", "HER2_VALUES", "HR_VALUES", "LABEL_MAX",
    "MENOPAUSAL_VALUES", "SETTINGS", "Case", "CaseError", "Chemotherapy", "Disease",
    "Her2Therapy", "PlannedRegimen", "Receptors", "key_for_message", "parse_case",
]
