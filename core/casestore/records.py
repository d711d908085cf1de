"""The plain records the case store hands out (no I/O here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.case import Case, CaseError, parse_case


@dataclass(frozen=True, slots=True)
class CaseRow:
    """What the case list shows: cheap to fetch for thousands of cases."""

    id: int
    label: str | None
    setting: str | None
    changed: str
    damaged: str | None = None
    """Why the row failed its hash check (shown in the list), or None."""
    result: str = ""
    """The saved result in one line (:func:`core.result_line.result_line`); empty for a
    damaged row, whose result is not to be relied on."""


@dataclass(frozen=True, slots=True)
class Saved:
    """Where a save went: the case's id and the revision now stored (1 for a new case);
    ``written`` is False when the stored case already was this one (nothing to save)."""

    id: int
    revision: int
    written: bool = True


@dataclass(frozen=True, slots=True)
class StoredCase:
    """One saved case, with the result it produced when it was saved."""

    id: int
    label: str | None
    setting: str | None
    answers: dict[str, Any]
    result: dict[str, Any]
    evidence_version: str
    evidence_sha256: str | None
    case_sha256: str | None
    created: str
    changed: str
    revision: int = 1
    damaged: str | None = None
    """Why the stored row failed its hash check, or None when it is intact. A damaged
    case is shown for what it is and never used silently."""

    def case(self) -> Case:
        """The answers as a validated :class:`Case` (raises :class:`CaseError`)."""
        return parse_case(self.answers)

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """Whether it holds these answers, both read by this version of the app (so a
        question added since is no change); False for answers that no longer read as a
        case."""
        from core.questionnaire import answers_from_case

        try:
            return answers_from_case(self.case()) == dict(answers)
        except CaseError:
            return False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "label": self.label, "setting": self.setting,
            "case": self.answers, "result": self.result,
            "evidence": {"version": self.evidence_version, "sha256": self.evidence_sha256},
            "case_sha256": self.case_sha256, "created": self.created, "changed": self.changed,
            "revision": self.revision, "damaged": self.damaged,
        }


@dataclass(frozen=True, slots=True)
class ImportReport:
    """The outcome for one imported file: ``case_id`` when it went in, else ``error``;
    ``already``: the list held this very case, as ``case_id``, and it was not added."""

    path: Path
    case_id: int | None = None
    error: str | None = None
    already: bool = False

    @property
    def ok(self) -> bool:
        return self.case_id is not None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: str
    kind: str
    files: tuple[str, ...]
    case_sha256: str
    evidence_version: str
    case_id: int | None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    """A saved result beside today's; ``differs`` ignores the evidence block itself."""

    stored: dict[str, Any]
    current: dict[str, Any]
    differs: bool
    #: only the printed words differ (status sentences, harms, the patient's words, the
    #: answer checks), not what the result decides: "other words for the same result"
    words_only: bool = False

    @classmethod
    def between(cls, stored: dict[str, Any], current: dict[str, Any]) -> Comparison:
        """A saved result (as stored) beside today's (``Result.to_dict(complete=True)``:
        today's titles, so an id new since the case was saved is named by its title, as
        the saved one is: review 21's aside). What the result says decides, then the
        words both PDFs print (:func:`reworded`); not the evidence block, the titles, the
        case's hash (a question added since changes it for the same answers: every saved
        case read "different" with nothing listed) or the format's version labels."""
        def strip(d: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in d.items()
                    if k not in ("evidence", "display", "case_sha256", "contract", "format")}

        decides = strip(stored) != strip(current)
        worded = bool(reworded(stored, current))
        return cls(stored, current, decides or worded, words_only=worded and not decides)

    @property
    def evidence_changed(self) -> bool:
        return bool(self.stored.get("evidence") != self.current.get("evidence"))

    def differences(self) -> list[str]:
        """Which parts differ, named by the evidence's own titles (the id where a saved
        result has none); no clinical wording of our own.

        >>> then = {"options": [{"id": "et_her2", "status": "preferred", "text": "A"}]}
        >>> now = {"options": [{"id": "et_her2", "status": "consider", "text": "A"}],
        ...        "display": {"titles": {"et_her2": "Endocrine + HER2"}}}
        >>> Comparison(then, now, True).differences()
        ['Option "Endocrine + HER2": preferred in the saved result, consider today']
        """
        titles = {**_titles(self.stored), **_titles(self.current)}
        worded = reworded(self.stored, self.current)
        out: list[str] = []
        if self.stored.get("in_scope") != self.current.get("in_scope") \
                or self.stored.get("scope_reason") != self.current.get("scope_reason"):
            out.append("Whether the aid applies to this case, or why not")
        for part, name in (("options", "Option"), ("plan", "Plan item"),
                           ("cautions", "Warning or note")):
            old = {i["id"]: i for i in self.stored.get(part, [])}
            new = {i["id"]: i for i in self.current.get(part, [])}
            for i in old.keys() | new.keys():
                what = f'{name} "{titles.get(i, i)}"'
                if i not in new:
                    out.append(f"{what}: only in the saved result")
                elif i not in old:
                    out.append(f"{what}: only in today's result")
                elif old[i].get("status") != new[i].get("status"):
                    out.append(f"{what}: {old[i].get('status')} in the saved result, "
                               f"{new[i].get('status')} today")
                elif old[i] != new[i]:
                    out.append(f"{what}: its wording or sources changed")
                elif i in worded:  # (review D, M1: named as a change of what it decides)
                    out.append(f"{what}: its words on the PDFs changed")
        scope = {*_display_list(self.stored, "scope_ids"), *_display_list(self.current,
                                                                          "scope_ids")}
        if scope & worded:  # (review D, M1: out of scope, "What differs" was empty)
            out.append("Why the aid does not apply to this case: its words on the PDFs "
                       "changed")
        if "answer_checks" in worded:
            out.append("Where the planned regimen goes against another answer")
        if self.stored.get("outside_source") != self.current.get("outside_source") or any(
                i in worded for i in _display_list(self.current, "outside_ids")):
            out.append("What the source does not cover")
        if self.stored.get("references") != self.current.get("references"):
            out.append("The references cited")
        if self.stored.get("plan_matches") != self.current.get("plan_matches"):
            out.append("Which option the planned regimen matches")
        return sorted(out, key=lambda line: (not line.startswith("Whether"), line))


#: the parts of a result's display that both PDFs print as clinical content: an
#: option's strength sentence and harms, the patient's words of every item, the answer
#: checks (review B, M1: a harm's figure changed, and the reopened case said nothing)
PRINTED: tuple[str, ...] = ("strengths", "harms", "plain")


def reworded(stored: dict[str, Any], current: dict[str, Any]) -> set[str]:
    """The ids whose printed words (:data:`PRINTED`) differ between a saved result and
    today's, and "answer_checks" if those do. Only what the saved result holds is
    compared: one saved before a part was kept is not said to differ in it.

    >>> then = {"display": {"strengths": {"a": "Preferred."}, "harms": {"a": []}}}
    >>> now = {"display": {"strengths": {"a": "Considered."}, "harms": {"a": []},
    ...                    "plain": {"a": {"text": "x"}}}}
    >>> sorted(reworded(then, now))
    ['a']
    """
    old, new = _display(stored), _display(current)
    changed: set[str] = set()
    for part in PRINTED:
        if isinstance(old.get(part), dict):
            then, now = old[part], new.get(part) or {}
            changed |= {i for i in then.keys() & now.keys() if not _same(then[i], now[i])}
    if "answer_checks" in old and not _same(old["answer_checks"], new.get("answer_checks")):
        changed.add("answer_checks")  # (as the rest: a field added since is no change)
    return changed


def _same(then: Any, now: Any) -> bool:
    """Equal in what ``then`` holds: words kept since it was saved (a field added to
    the plain words, say) are not a change of the words it has."""
    if isinstance(then, dict) and isinstance(now, dict):
        return all(k in now and _same(v, now[k]) for k, v in then.items())
    if isinstance(then, list) and isinstance(now, list):  # (a harm's fields, say)
        return len(then) == len(now) and all(map(_same, then, now))
    return bool(then == now)


def _display(result: dict[str, Any]) -> dict[str, Any]:
    display = result.get("display")
    return display if isinstance(display, dict) else {}


def _display_list(result: dict[str, Any], key: str) -> list[Any]:
    value = _display(result).get(key)
    return value if isinstance(value, list) else []


def _titles(result: dict[str, Any]) -> dict[str, str]:
    display = result.get("display")
    titles = display.get("titles") if isinstance(display, dict) else None
    return {k: v for k, v in titles.items() if isinstance(v, str)} \
        if isinstance(titles, dict) else {}
