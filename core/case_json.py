"""Reading a case from JSON text or a file: the size limit, strict JSON (no repeated
key, no NaN, bounded nesting), then :func:`core.case.parse_case`. Every problem is a
:class:`~core.case.CaseError` naming what is wrong, as one line.

>>> loads_case("[]")
Traceback (most recent call last):
core.case.CaseError: the case must be a JSON object (got an array)
>>> decode_json(b"\\xff")
Traceback (most recent call last):
core.case.CaseError: not UTF-8 text (bad byte at offset 0)
"""

import json
import os
from typing import Any, BinaryIO, Final

from core import regular_file
from core.case import Case, CaseError, key_for_message, parse_case

MAX_CASE_BYTES: Final = 1_000_000
_TOO_LARGE: Final = f"input too large (a case is at most {MAX_CASE_BYTES:,} bytes)"


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are unique: with a repeated key, JSON parsers silently
    keep one of the values, which could change a recommendation unseen."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise CaseError(key_for_message(key), "appears twice in the same object")
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
    return parse_case(decode_json(text))


def decode_json(text: str | bytes) -> object:
    """JSON text as a case file is read (size limit, UTF-8, no repeated key, no NaN, no
    integer past 4,300 digits, bounded nesting); a draft is read the same way. Raises
    :class:`CaseError`.

    >>> decode_json('{"a": 1, "a": 2}')
    Traceback (most recent call last):
    core.case.CaseError: a: appears twice in the same object
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
    return data


# Built once: json.loads with options builds a new decoder per call, which is a tenth
# of the time of a batch of cases.
_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant,
                                   object_pairs_hook=_unique_object)


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
    return loads_case(read_regular_file(path))


def read_regular_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a case file (at most the size limit plus one, as
    :func:`read_case_bytes`), read only when it is a regular file; anything else is an
    OSError saying what it is (:mod:`core.regular_file`)."""
    return regular_file.read_regular_file(path, MAX_CASE_BYTES + 1, "a case file")
