"""Rendering a :class:`~core.rules.Decision` into a ``hrher2-aid.result/1`` result.

The same :class:`Result` feeds the JSON, the screen and both PDFs, so they cannot
disagree. Ordering follows the contract: options by status (preferred first) then
option-table order; plan items in table order; cautions warnings first, then
notes, each in caution-table order; outside-source notes in their table order.

:class:`Renderer` memoises the rendering of each distinct decision: a batch of
many cases has few distinct decisions, and only the case hash differs between
two cases with the same decision.
"""

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from core.case import Case
from core.evidence import EvidenceStore, Harm
from core.rules import Decision, decide

if TYPE_CHECKING:
    from core.answer_checks import AnswerCheck

RESULT_FORMAT: Final = "hrher2-aid.result/1"
#: The version of the decision contract these results follow (the ``contract`` field).
CONTRACT_VERSION: Final = "1.1"
_STATUS_RANK: Final = {"preferred": 0, "consider": 1}
_SEVERITY_RANK: Final = {"warning": 0, "note": 1}


# NamedTuple, not a dataclass: see the note in core.case (start-up time).
class Item(NamedTuple):
    """One option, plan item or caution, with its words and citations."""

    id: str
    title: str
    text: str
    citations: tuple[int, ...]
    status: str | None = None
    severity: str | None = None
    rationale: tuple[str, ...] = ()
    #: options: the status sentence, in the source's own strength words
    strength: str = ""
    #: options: the harms the sources confirm (each with its citation)
    harms: tuple[Harm, ...] = ()


class Plain(NamedTuple):
    """The patient handout's words for one statement (the evidence store's ``plain*``
    fields): its text and, for an option, a plain title, benefits and uncertainties."""

    text: str
    title: str = ""
    benefits: tuple[str, ...] = ()
    uncertainties: tuple[str, ...] = ()
    #: options: the plain status sentence for the option's status (the source's strength)
    strength: str = ""
    #: options: the harms the sources do not give, which the care team will explain
    harms_note: str = ""


class Result(NamedTuple):
    """Everything any output shows about one case: the JSON, the result view, the
    saved-result view, the clinician summary and the patient handout all render from
    this (never from the rules or the evidence store)."""

    in_scope: bool
    scope_reason: str | None
    options: tuple[Item, ...]
    plan: tuple[Item, ...]
    cautions: tuple[Item, ...]
    outside_source: tuple[str, ...]
    outside_ids: tuple[str, ...]
    references: tuple[tuple[int, str], ...]
    evidence_version: str
    evidence_sha256: str
    #: publication year of the newest reference the evidence draws on (its currency)
    evidence_sources_through: int
    case_sha256: str
    contract: str = CONTRACT_VERSION
    #: ids of the options whose components equal the planned regimen's, in option
    #: order; None when no regimen was given or the case is out of scope
    plan_matches: tuple[str, ...] | None = None
    #: the ``scope.*`` statement ids behind ``scope_reason`` (out of scope only)
    scope_ids: tuple[str, ...] = ()
    #: the titles of the ``outside_ids`` statements, in the same order
    outside_titles: tuple[str, ...] = ()
    #: plain-language words per statement id (scope, options, plan, cautions, outside)
    plain: tuple[tuple[str, Plain], ...] = ()
    # The signed pack the evidence came from (PackInfo.identity()); shown on screen and in
    # both PDFs, not part of the contract's JSON
    evidence_pack: str = ""
    #: where the planned regimen goes against another answer of the case (the screen,
    #: both PDFs; not part of the contract's JSON): core.answer_checks
    answer_checks: tuple["AnswerCheck", ...] = ()

    def plan_check(self) -> str | None:
        """The plan-check line: which options the planned regimen corresponds to (None
        when no regimen was given or the case is out of scope). The option titles come
        from this result, so the line names what is shown."""
        if self.plan_matches is None:
            return None
        titles = {o.id: o.title or o.id for o in self.options}
        # a result read back from a file may name what it does not hold: never shown
        matched = [titles[m] for m in self.plan_matches if m in titles]
        if not self.options:  # (diff review R12: "none of the options" of none)
            return ("This aid lists no option from the source to compare the planned "
                    "regimen with.")
        if not matched:
            return "The planned regimen matches none of the options."
        return "The planned regimen corresponds to: " + "; ".join(matched) + "."

    def plan_departs(self) -> bool:
        """A planned regimen was given and matches none of the options the source gives
        for this case (the plan check's "matches none" line). The window's header and the
        summary's first page say so, whatever the cautions (exploratory test 18, finding
        4: a HER2-only plan sat under a green "Recommendation"; review 19, M1: a warning
        about an option hid it)."""
        return bool(self.in_scope and self.options and self.plan_matches is not None
                    and not any(m in {o.id for o in self.options} for m in self.plan_matches))

    def warnings_line(self) -> str | None:
        """The warnings of this result in one line (None without any, or out of scope):
        the window's banner and the summary's first page both say it, so a warning
        never waits for a second page (exploratory test 18, finding 3). Example:
        ``2 warnings: Endocrine therapy alone; Chemotherapy stopped early.``"""
        titles = [c.title or c.id for c in self.cautions if c.severity == "warning"]
        if not self.in_scope or not titles:
            return None
        return f"{len(titles)} warning{'s' if len(titles) > 1 else ''}: {'; '.join(titles)}."

    def plain_for(self, statement_id: str) -> Plain | None:
        """The plain-language words of one statement of this result, if the evidence
        gave any."""
        for sid, words in self.plain:
            if sid == statement_id:
                return words
        return None

    def to_dict(self, *, complete: bool = False) -> dict[str, Any]:
        """The contract's JSON object, keys in the contract's order. With ``complete``,
        a ``display`` object adds what the screens and the handout also show (titles,
        scope ids, plain-language words), so :meth:`from_dict` gives back an equal
        result."""
        return {
            "format": RESULT_FORMAT,
            "in_scope": self.in_scope,
            "scope_reason": self.scope_reason,
            "options": [
                {"id": o.id, "status": o.status, "text": o.text,
                 "rationale": list(o.rationale), "citations": list(o.citations)}
                for o in self.options
            ],
            "plan": [{"id": p.id, "text": p.text, "citations": list(p.citations)}
                     for p in self.plan],
            "cautions": [
                {"id": c.id, "severity": c.severity, "text": c.text,
                 "citations": list(c.citations)}
                for c in self.cautions
            ],
            "outside_source": list(self.outside_source),
            "references": [{"n": n, "citation": c} for n, c in self.references],
            "evidence": {"version": self.evidence_version, "sha256": self.evidence_sha256,
                         "sources_through": self.evidence_sources_through},
            "case_sha256": self.case_sha256,
            "contract": self.contract,
            "plan_matches": None if self.plan_matches is None else list(self.plan_matches),
        } | ({"display": self._display()} if complete else {})

    def _display(self) -> dict[str, Any]:
        items = self.options + self.plan + self.cautions
        return {
            "scope_ids": list(self.scope_ids),
            "outside_ids": list(self.outside_ids),
            "outside_titles": list(self.outside_titles),
            "titles": {i.id: i.title for i in items},
            "plain": {sid: {"text": p.text, "title": p.title, "benefits": list(p.benefits),
                            "uncertainties": list(p.uncertainties), "strength": p.strength,
                            "harms_note": p.harms_note}
                      for sid, p in self.plain},
            "strengths": {o.id: o.strength for o in self.options},
            "harms": {o.id: [{**h._asdict(), "citations": list(h.citations)}
                             for h in o.harms] for o in self.options},
            "evidence_pack": self.evidence_pack,
            "answer_checks": [c._asdict() for c in self.answer_checks],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Result":
        """A result read back from its JSON (:meth:`to_dict`), e.g. as a case was saved.

        A contract-only object (no ``display``) gives items without titles and no
        plain-language words. Raises :class:`ResultFormatError` on anything else.
        """
        from core.result_read import read_result  # (only where saved results are read)

        try:
            return read_result(data)
        # (OverflowError: a citation of 1e999; RecursionError: nested too deep. Review B,
        # L6: both came through as tracebacks)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError,
                RecursionError) as exc:
            raise ResultFormatError(f"not a {RESULT_FORMAT} object ({type(exc).__name__}: "
                                    f"{exc})") from None

    def to_json(self, indent: int | None = None) -> str:
        """Canonical JSON text: the same result always gives the same bytes."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


class ResultFormatError(ValueError):
    """A saved result that does not read as ``hrher2-aid.result/1``."""


class Renderer:
    """Turns decisions into results using one verified evidence store."""

    def __init__(self, evidence: EvidenceStore) -> None:
        self.evidence = evidence
        self._cache: dict[tuple[object, ...], Result] = {}
        self._json_cache: dict[tuple[object, ...], tuple[str, str]] = {}

    def render(self, decision: Decision, case_sha256: str) -> Result:
        template = self._cache.get(decision.key)
        if template is None:
            template = self._cache[decision.key] = self._render(decision)
        return _with_hash(template, case_sha256)

    def result_for(self, case: Case) -> Result:
        """decide + render for one case, with the case's answer checks."""
        from core.answer_checks import answer_checks

        result = self.render(decide(case), case.sha256())
        checks = answer_checks(case)
        return result._replace(answer_checks=checks) if checks else result

    def json_line(self, case: Case) -> str:
        """The compact one-line JSON of the case's result (the batch hot path)."""
        decision = decide(case)
        parts = self._json_cache.get(decision.key)
        if parts is None:
            # the marker occurs once, as case_sha256's value (no text can contain it)
            marker = "CASE" * 16
            text = self.render(decision, marker).to_json()
            head, _, tail = text.rpartition(marker)
            parts = self._json_cache[decision.key] = (head, tail)
        return parts[0] + case.sha256() + parts[1]

    def _render(self, decision: Decision) -> Result:
        st = self.evidence.statements
        if not decision.in_scope:
            reason = " ".join(st[sid].text for sid in decision.scope)
            return self._result(False, reason, (), (), (), (), None, decision.scope)
        options = tuple(
            Item(id=oid, title=st[oid].title, text=st[oid].text, citations=st[oid].citations,
                 status=status, rationale=st[oid].rationale,
                 strength=str(st[oid].extra.get(f"strength_{status}", "")),
                 harms=self.evidence.harms(oid))
            for oid, status in sorted(
                decision.options, key=lambda o: (_STATUS_RANK[o[1]], st[o[0]].order)
            )
        )
        plan = tuple(
            Item(id=pid, title=st[pid].title, text=st[pid].text, citations=st[pid].citations)
            for pid in sorted(decision.plan, key=lambda p: st[p].order)
        )
        cautions = tuple(
            Item(id=cid, title=st[cid].title, text=st[cid].text, citations=st[cid].citations,
                 severity=st[cid].severity)
            for cid in sorted(
                decision.cautions,
                key=lambda c: (_SEVERITY_RANK[st[c].severity or "note"], st[c].order),
            )
        )
        outside = tuple(sorted(decision.outside, key=lambda o: st[o].order))
        matches = None if decision.plan_matches is None else tuple(
            o.id for o in options if o.id in decision.plan_matches)
        return self._result(True, None, options, plan, cautions, outside, matches, ())

    def _result(self, in_scope: bool, reason: str | None, options: tuple[Item, ...],
                plan: tuple[Item, ...], cautions: tuple[Item, ...],
                outside: tuple[str, ...], plan_matches: tuple[str, ...] | None,
                scope: tuple[str, ...]) -> Result:
        # the harms' citations too: the harms are shown with their markers
        cited = sorted({n for item in options + plan + cautions
                        for n in (*item.citations, *(c for h in item.harms for c in h.citations))})
        refs = self.evidence.references
        st = self.evidence.statements
        return Result(
            in_scope=in_scope, scope_reason=reason, options=options, plan=plan,
            cautions=cautions, outside_source=tuple(st[o].text for o in outside),
            outside_ids=outside,
            references=tuple((n, refs[n].citation) for n in cited),
            evidence_version=self.evidence.version, evidence_sha256=self.evidence.sha256,
            evidence_sources_through=self.evidence.sources_through,
            case_sha256="", plan_matches=plan_matches, scope_ids=scope,
            evidence_pack=self.evidence.pack.identity() if self.evidence.pack else "",
            outside_titles=tuple(st[o].title for o in outside),
            plain=tuple((sid, words) for sid, status in (
                *((s, None) for s in scope), *((o.id, o.status) for o in options),
                *((i.id, None) for i in plan + cautions), *((o, None) for o in outside))
                if (words := self._plain(sid, status)) is not None),
        )

    def _plain(self, statement_id: str, status: str | None = None) -> Plain | None:
        """The statement's plain-language words, when the evidence store has them; for
        an option, the status sentence of its ``status``."""
        extra = self.evidence.statements[statement_id].extra
        text = extra.get("plain")
        if not isinstance(text, str) or not text:
            return None

        def texts(key: str) -> tuple[str, ...]:
            value = extra.get(key)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return tuple(value)
            return ()

        def one(key: str) -> str:
            value = extra.get(key)
            return value if isinstance(value, str) else ""

        return Plain(text, one("plain_title"), texts("plain_benefits"),
                     texts("plain_uncertainties"),
                     one(f"plain_strength_{status}") if status else "",
                     one("plain_harms_note"))


def _with_hash(template: Result, case_sha256: str) -> Result:
    return template._replace(case_sha256=case_sha256)
