"""The case model (``hrher2-aid.case/1``): parsing, validation, defaults, canonical form.

A case is read once, here; everything downstream trusts the :class:`Case` it gets.
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

from __future__ import annotations

import errno
import json
import math
import os
import stat
from collections.abc import Mapping
from typing import Any, BinaryIO, Final, NamedTuple

from core.digest import sha256_hex

CASE_FORMAT: Final = "hrher2-aid.case/1"
MAX_CASE_BYTES: Final = 1_000_000
LABEL_MAX: Final = 80

HR_VALUES: Final = ("positive", "negative", "unknown")
HER2_VALUES: Final = ("positive", "negative", "equivocal", "unknown")
MENOPAUSAL_VALUES: Final = ("postmenopausal", "premenopausal", "unknown")
SETTINGS: Final = ("first_line", "after_induction", "progression")
ENDOCRINE_RESPONSIVE_VALUES: Final = ("yes", "no", "unknown")


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
        """The case as JSON-ready data, defaults included (the canonical content).

        Keys are written in sorted order so that :meth:`canonical_json` need not sort
        them (the batch path hashes every case).
        """
        ch = self.chemotherapy
        pr = self.planned_regimen
        return {
            "chemotherapy": {
                "contraindicated": ch.contraindicated,
                "declined": ch.declined,
                "maximal_response": ch.maximal_response,
                "months_given": ch.months_given,
                "unacceptable_toxicity": ch.unacceptable_toxicity,
            },
            "disease": {
                "rapidly_progressive": self.disease.rapidly_progressive,
                "symptomatic": self.disease.symptomatic,
                "visceral": self.disease.visceral,
                "visceral_crisis": self.disease.visceral_crisis,
            },
            "endocrine_responsive": self.endocrine_responsive,
            "format": CASE_FORMAT,
            "her2_therapy": {"unacceptable_toxicity": self.her2_therapy.unacceptable_toxicity},
            "label": self.label,
            "menopausal_status": self.menopausal_status,
            "planned_regimen": None
            if pr is None
            else {
                "chemotherapy": pr.chemotherapy,
                "endocrine": pr.endocrine,
                "her2_targeted": pr.her2_targeted,
            },
            "receptors": {"her2": self.receptors.her2, "hr": self.receptors.hr},
            "setting": self.setting,
        }

    def canonical_json(self) -> str:
        """Sorted keys, no insignificant whitespace, defaults filled in."""
        return _CANONICAL_ENCODER.encode(self.to_dict())

    def sha256(self) -> str:
        return sha256_hex(self.canonical_json().encode("utf-8"))


# --- reading ----------------------------------------------------------------------


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are unique: with a repeated key, JSON parsers silently
    keep one of the values, which could change a recommendation unseen."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise CaseError(_key(key), "appears twice in the same object")
            seen.add(key)
    return obj


def _reject_constant(name: str) -> Any:
    raise CaseError("", f"not valid JSON: {name} is not a JSON number")


def loads_case(text: str | bytes) -> Case:
    """Parse and validate one case from JSON text.

    >>> loads_case("[]")
    Traceback (most recent call last):
    core.case.CaseError: the case must be a JSON object (got an array)
    """
    if isinstance(text, bytes):
        if len(text) > MAX_CASE_BYTES:
            raise CaseError("", _TOO_LARGE)
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CaseError("", f"not UTF-8 text (bad byte at offset {exc.start})") from None
    elif len(text) > MAX_CASE_BYTES:
        raise CaseError("", _TOO_LARGE)
    if not text.strip():
        raise CaseError("", "empty input: expected a JSON object")
    try:
        data = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise CaseError("", f"not valid JSON: {exc.msg} ({where})") from None
    except CaseError:
        raise
    except ValueError:
        # Python refuses to convert an integer of more than 4,300 digits (a guard
        # against slow conversions); no field of a case needs one.
        raise CaseError("", "not a case: a number has more than 4,300 digits") from None
    except RecursionError:
        raise CaseError("", "not valid JSON: nested too deeply") from None
    return parse_case(data)


# Built once: json.loads/json.dumps with options build a new decoder/encoder per call,
# which is a tenth of the time of a batch of cases.
_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant,
                                   object_pairs_hook=_unique_object)
_CANONICAL_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def read_case_bytes(source: str | os.PathLike[str] | BinaryIO) -> bytes:
    """Read a case's bytes, at most the size limit plus one (enough for
    :func:`loads_case` to refuse it): a device or pipe such as /dev/zero has no size
    and no end. OSError propagates."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            return fh.read(MAX_CASE_BYTES + 1)
    return source.read(MAX_CASE_BYTES + 1)


def read_case_file(path: str | os.PathLike[str]) -> Case:
    """Read and validate one case file (see :func:`read_case_bytes`).

    Only a regular file is read: a named pipe would block the reader (the app's
    window) until someone writes to it, and a device never ends. The file is opened
    without blocking and refused by its type, as an OSError saying what it is.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        kind = _file_kind(os.fstat(fd).st_mode)
        if kind:
            raise OSError(errno.EINVAL, f"is {kind}, not a case file", str(path))
        return loads_case(read_case_bytes(fh))


def _file_kind(mode: int) -> str | None:
    """What a file that is not a regular file is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


_TOO_LARGE: Final = f"input too large (a case is at most {MAX_CASE_BYTES:,} bytes)"


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


def _key(key: str) -> str:
    """A field name for a message: as written if printable, else escaped."""
    return key if key.isprintable() else repr(key)[1:-1]


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
            where = f"{path}.{_key(key)}" if path else _key(key)
            raise CaseError(where, "unknown field")
    return value


def _choice(obj: Mapping[str, Any], key: str, path: str, values: tuple[str, ...],
            default: str | None = None) -> str:
    where = f"{path}.{key}" if path else key
    if key not in obj:
        if default is None:
            raise CaseError(where, "required field is missing")
        return default
    value = obj[key]
    if value in values and type(value) is str:
        return str(value)
    if type(value) is not str:
        raise CaseError(where, f"must be one of {', '.join(values)} (got {_describe(value)})")
    raise CaseError(where, f"must be one of {', '.join(values)} (got {_shown(value)})")


def _flag(obj: Mapping[str, Any], key: str, path: str, default: bool | None = None) -> bool:
    where = f"{path}.{key}" if path else key
    if key not in obj:
        if default is None:
            raise CaseError(where, "required field is missing")
        return default
    value = obj[key]
    if type(value) is not bool:
        raise CaseError(where, f"must be true or false (got {_describe(value)})")
    return value


_TOP: Final = frozenset({
    "format", "label", "receptors", "menopausal_status", "setting", "disease",
    "chemotherapy", "endocrine_responsive", "her2_therapy", "planned_regimen",
})
_RECEPTORS: Final = frozenset({"hr", "her2"})
_DISEASE: Final = frozenset({"visceral", "visceral_crisis", "symptomatic", "rapidly_progressive"})
_CHEMO: Final = frozenset({
    "contraindicated", "declined", "months_given", "maximal_response", "unacceptable_toxicity",
})
_HER2_THERAPY: Final = frozenset({"unacceptable_toxicity"})
_REGIMEN: Final = frozenset({"chemotherapy", "endocrine", "her2_targeted"})


def parse_case(data: object) -> Case:
    """Validate decoded JSON against ``hrher2-aid.case/1`` and fill in defaults."""
    if type(data) is not dict:
        raise CaseError("", f"the case must be a JSON object (got {_describe(data)})")
    top = _object(data, "", _TOP)
    if "format" not in top:
        raise CaseError("format", f"required field is missing (expected {CASE_FORMAT!r})")
    if top["format"] != CASE_FORMAT or type(top["format"]) is not str:
        raise CaseError("format", f"must be {CASE_FORMAT!r} (got {_shown(top['format'])})")

    label = top.get("label")
    if label is not None:
        if type(label) is not str:
            raise CaseError("label", f"must be a string or null (got {_describe(label)})")
        if len(label) > LABEL_MAX:
            raise CaseError("label", f"at most {LABEL_MAX} characters (got {len(label)})")
        if _has_surrogate(label):
            raise CaseError("label", "not valid text: holds an unpaired surrogate "
                                     "(a \\ud800-\\udfff escape on its own)")

    if "receptors" not in top:
        raise CaseError("receptors", "required field is missing")
    rec = _object(top["receptors"], "receptors", _RECEPTORS)
    receptors = Receptors(
        hr=_choice(rec, "hr", "receptors", HR_VALUES),
        her2=_choice(rec, "her2", "receptors", HER2_VALUES),
    )
    menopausal = _choice(top, "menopausal_status", "", MENOPAUSAL_VALUES, "unknown")
    setting = _choice(top, "setting", "", SETTINGS)

    if "disease" not in top:
        raise CaseError("disease", "required field is missing")
    dis = _object(top["disease"], "disease", _DISEASE)
    disease = Disease(
        visceral=_flag(dis, "visceral", "disease"),
        symptomatic=_flag(dis, "symptomatic", "disease"),
        visceral_crisis=_flag(dis, "visceral_crisis", "disease", False),
        rapidly_progressive=_flag(dis, "rapidly_progressive", "disease", False),
    )

    chemotherapy = _parse_chemotherapy(top.get("chemotherapy", {}), setting)
    endocrine = _choice(top, "endocrine_responsive", "", ENDOCRINE_RESPONSIVE_VALUES, "unknown")
    her2_obj = _object(top.get("her2_therapy", {}), "her2_therapy", _HER2_THERAPY)
    her2_therapy = Her2Therapy(_flag(her2_obj, "unacceptable_toxicity", "her2_therapy", False))

    planned = top.get("planned_regimen")
    regimen = None
    if planned is not None:
        reg = _object(planned, "planned_regimen", _REGIMEN)
        regimen = PlannedRegimen(
            chemotherapy=_flag(reg, "chemotherapy", "planned_regimen"),
            endocrine=_flag(reg, "endocrine", "planned_regimen"),
            her2_targeted=_flag(reg, "her2_targeted", "planned_regimen"),
        )

    return Case(
        receptors=receptors, setting=setting, disease=disease, label=label,
        menopausal_status=menopausal, chemotherapy=chemotherapy,
        endocrine_responsive=endocrine, her2_therapy=her2_therapy, planned_regimen=regimen,
    )


def _parse_chemotherapy(value: object, setting: str) -> Chemotherapy:
    ch = _object(value, "chemotherapy", _CHEMO)
    months = ch.get("months_given")
    if months is not None:
        if type(months) not in (int, float):
            raise CaseError(
                "chemotherapy.months_given", f"must be a number or null (got {_describe(months)})"
            )
        if not math.isfinite(months) or not 0 <= months <= 60:
            raise CaseError(
                "chemotherapy.months_given", f"must be between 0 and 60 (got {_shown(months)})"
            )
        if type(months) is float and months.is_integer():
            months = int(months)  # 4.0 and 4 are the same case, with the same hash
    response = ch.get("maximal_response")
    if response is not None and type(response) is not bool:
        raise CaseError(
            "chemotherapy.maximal_response",
            f"must be true, false or null (got {_describe(response)})",
        )
    if setting == "after_induction":
        if months is None:
            raise CaseError(
                "chemotherapy.months_given", "required when setting is after_induction"
            )
        if response is None:
            raise CaseError(
                "chemotherapy.maximal_response", "required when setting is after_induction"
            )
    return Chemotherapy(
        contraindicated=_flag(ch, "contraindicated", "chemotherapy", False),
        declined=_flag(ch, "declined", "chemotherapy", False),
        months_given=months,
        maximal_response=response,
        unacceptable_toxicity=_flag(ch, "unacceptable_toxicity", "chemotherapy", False),
    )
