"""A result in one line, for a list of saved cases: what it lists and what it warns of.

The case list showed a label, a setting and a date: two saved cases with the same label
(a copy, a second version kept after a conflict) could not be told apart, and a case
that had become out of scope read like any other (review C, M3). The line is made from
the result as saved, with the words that result holds (its option titles), never
today's evidence: it says what was saved.

>>> from core.case import parse_case
>>> from core.evidence import open_store
>>> from core.result import Renderer
>>> case = parse_case({"format": "hrher2-aid.case/1",
...     "receptors": {"hr": "positive", "her2": "positive"}, "setting": "first_line",
...     "disease": {"visceral": True, "symptomatic": False},
...     "planned_regimen": {"chemotherapy": False, "endocrine": True, "her2_targeted": False}})
>>> result_line(Renderer(open_store()).result_for(case)).split(" · ")
['Preferred: Chemotherapy + HER2-targeted therapy; also to consider: Endocrine therapy + \
HER2-targeted therapy', '1 warning', 'the plan matches none']
"""

from __future__ import annotations

import json
from typing import Final

from core.result import Result, ResultFormatError

OUT_OF_SCOPE: Final = "Out of scope"
NO_OPTION: Final = "No option from the source"
UNREADABLE: Final = "(the saved result cannot be read)"


def result_line(result: Result) -> str:
    """The result in one line: its options by status (titles as the result holds
    them), then how many warnings it has and whether the planned regimen matches none
    of its options (as the window's heading says them)."""
    if not result.in_scope:
        return OUT_OF_SCOPE
    if not result.options:
        head = NO_OPTION
    else:
        preferred = [o.title or o.id for o in result.options if o.status == "preferred"]
        consider = [o.title or o.id for o in result.options if o.status != "preferred"]
        parts = ([f"Preferred: {'; '.join(preferred)}"] if preferred else []) + (
            [f"{'also to' if preferred else 'To'} consider: {'; '.join(consider)}"]
            if consider else [])
        head = "; ".join(parts)
    warnings = sum(1 for c in result.cautions if c.severity == "warning")
    flags = [f"{warnings} warning{'s' if warnings > 1 else ''}"] if warnings else []
    if result.plan_departs():
        flags.append("the plan matches none")
    if result.answer_checks:
        flags.append("the plan goes against another answer")
    return " · ".join([head, *flags])


def saved_result_line(text: str) -> str:
    """:func:`result_line` of a result as the case store keeps it (its JSON text);
    :data:`UNREADABLE` for one that does not read as a result."""
    try:
        return result_line(Result.from_dict(json.loads(text)))
    except (ResultFormatError, ValueError, TypeError, RecursionError):
        return UNREADABLE
