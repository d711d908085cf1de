"""Rendering a :class:`~core.rules.Decision` into a ``hrher2-aid.result/1`` result.

The same :class:`Result` feeds the JSON, the screen and both PDFs, so they cannot
disagree. Ordering follows the contract: options by status (preferred first) then
option-table order; plan items in table order; cautions warnings first, then
notes, each in caution-table order; outside-source notes in their table order.

:class:`Renderer` memoises the rendering of each distinct decision: a batch of
many cases has few distinct decisions, and only the case hash differs between
two cases with the same decision.
"""

from __future__ import annotations

import json
from typing import Any, Final, NamedTuple

from core.case import Case
from core.evidence import EvidenceStore, Harm
from core.rules import Decision, decide

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


class Result(NamedTuple):
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

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON object, keys in the contract's order."""
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
        }

    def to_json(self, indent: int | None = None) -> str:
        """Canonical JSON text: the same result always gives the same bytes."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


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
        """decide + render for one case."""
        return self.render(decide(case), case.sha256())

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
            return self._result(False, reason, (), (), (), (), None)
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
        return self._result(True, None, options, plan, cautions, outside, matches)

    def _result(self, in_scope: bool, reason: str | None, options: tuple[Item, ...],
                plan: tuple[Item, ...], cautions: tuple[Item, ...],
                outside: tuple[str, ...], plan_matches: tuple[str, ...] | None) -> Result:
        cited = sorted({n for item in options + plan + cautions for n in item.citations})
        refs = self.evidence.references
        st = self.evidence.statements
        return Result(
            in_scope=in_scope, scope_reason=reason, options=options, plan=plan,
            cautions=cautions, outside_source=tuple(st[o].text for o in outside),
            outside_ids=outside,
            references=tuple((n, refs[n].citation) for n in cited),
            evidence_version=self.evidence.version, evidence_sha256=self.evidence.sha256,
            evidence_sources_through=self.evidence.sources_through,
            case_sha256="", plan_matches=plan_matches,
        )


def _with_hash(template: Result, case_sha256: str) -> Result:
    return template._replace(case_sha256=case_sha256)
