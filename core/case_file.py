"""The case file's two forms: a case (``hrher2-aid.case/1``) and a draft
(``hrher2-aid.draft/1``: the answers given so far and the step, for a case not yet
complete). docs/formats.md describes both.

>>> text = draft_text({"setting": "first_line", "receptors.hr": "positive"}, "disease")
>>> read_answers(text)
({'receptors.hr': 'positive', 'setting': 'first_line'}, 'disease', None)
>>> holds_a_case(text.encode()), holds_a_case(b"%PDF-1.4")
(True, False)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from core import questionnaire as q
from core.case import Case, CaseError
from core.fields import FIELDS_BY_PATH

DRAFT_FORMAT: Final = "hrher2-aid.draft/1"


def case_text(case: Case) -> str:
    """A complete case as its file holds it (defaults filled in)."""
    return json.dumps(case.to_dict(), indent=2, ensure_ascii=False) + "\n"


def draft_text(answers: Mapping[str, Any], step: str) -> str:
    """A draft as its file holds it: ``answers`` (acceptable ones only: the caller's
    to choose) in path order, and the step the user was on."""
    return json.dumps({"format": DRAFT_FORMAT, "step": step,
                       "answers": dict(sorted(answers.items()))},
                      indent=2, ensure_ascii=False) + "\n"


def holds_a_case(raw: bytes) -> bool:
    """A file's bytes are a case or a draft this version reads (so saving over it
    replaces a case, never the case store, a PDF or anything else chosen by mistake)."""
    try:
        read_answers(raw)
    except CaseError:
        return False
    return True


def read_answers(raw: bytes | str) -> tuple[dict[str, Any], str | None, Case | None]:
    """The answers of a case file or a draft, with the draft's step or the file's case.
    Raises :class:`CaseError`."""
    from core.case_json import loads_case

    def from_case() -> tuple[dict[str, Any], None, Case]:
        case = loads_case(raw)
        return q.answers_from_case(case), None, case

    text = raw.decode("utf-8-sig", errors="replace") if isinstance(raw, bytes) else raw
    if DRAFT_FORMAT not in text:
        return from_case()
    from core.case_json import decode_json

    data = decode_json(raw)  # as strictly as a case file (a repeated key is refused)
    if type(data) is not dict or data.get("format") != DRAFT_FORMAT:
        return from_case()
    unknown = set(data) - {"format", "step", "answers"}
    if unknown:
        raise CaseError(sorted(unknown)[0], "unknown field")
    answers = data.get("answers", {})
    if type(answers) is not dict:
        raise CaseError("answers", "must be an object")
    for path, value in answers.items():
        field = FIELDS_BY_PATH.get(path)
        if field is None:
            raise CaseError(f"answers.{path}", "unknown field")
        problem = field.problem(value)
        if problem is not None and value is not None:
            raise CaseError(f"answers.{path}", problem)
    step = data.get("step")
    return dict(answers), step if isinstance(step, str) else None, None


__all__ = ["DRAFT_FORMAT", "case_text", "draft_text", "holds_a_case", "read_answers"]
