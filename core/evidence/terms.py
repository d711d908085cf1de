"""Search terms: what a clinician types, turned into what the statements say.

The synonym table lives in the evidence (``synonyms.toml``): a search naming one of a
group's terms looks for any of the group's words instead; a search naming a drug the
source does not cover, or a topic it does not discuss, is told so. Longer names match
first, so "trastuzumab deruxtecan" is a drug the source does not cover, not a kind of
trastuzumab.

>>> table = SearchTerms.from_json('{"synonyms": [{"terms": ["AI"], "finds":'
...     ' ["aromatase inhibitor"], "note": ""}], "not_covered": [["tucatinib"]],'
...     ' "not_discussed": [["brain metastases", "brain"]]}')
>>> plan = table.plan("AI first line")
>>> plan.match
'("aromatase inhibitor") AND ("first"*) AND ("line"*)'
>>> plan.any_match
'("aromatase inhibitor") OR ("first"*) OR ("line"*)'
>>> table.plan("Tucatinib").not_covered
('tucatinib',)
>>> table.plan("brain AI").not_discussed
('brain metastases',)

A question asked in plain words finds, when no statement holds all its words, those
that hold some of them; words such as "what" or "should" count for nothing there:

>>> table.plan("what should I give first").any_match
'("give"*) OR ("first"*)'
"""

import json
import re
from typing import NamedTuple, Self


class SearchPlan(NamedTuple):
    """How one query is searched: the FTS5 expression (empty: list everything), the
    drugs named that the source does not cover, notes for drugs it covers only by
    class, the topics named that it does not discuss, and the expression that finds
    statements holding any of the query's telling words (for when none holds all)."""

    match: str
    not_covered: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    not_discussed: tuple[str, ...] = ()
    any_match: str = ""

    @property
    def outside(self) -> bool:
        """The query named a drug or topic the source leaves out."""
        return bool(self.not_covered or self.not_discussed)


# Words that tell nothing about a statement: a plain question's words ("what should I
# give first") must not each have to match, nor match everything when only some must.
_QUESTION_WORDS = frozenset((
    "a", "an", "and", "are", "be", "can", "could", "do", "does", "for", "has", "have", "how",
    "i", "if", "in", "is", "it", "me", "my", "of", "on", "or", "our", "she", "should",
    "that", "the", "their", "there", "this", "to", "was", "we", "what", "when", "where",
    "which", "who", "why", "will", "with", "would", "you"))


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in text).split()


def _phrase(text: str, prefix: bool = False) -> str:
    # A quoted FTS5 string of plain words: a phrase. The words come from _words, so no
    # quote or operator of the user's can reach the expression.
    return '"' + " ".join(_words(text)) + '"' + ("*" if prefix else "")


class SearchTerms:
    """The synonym table of one evidence store."""

    def __init__(self, groups: list[tuple[tuple[str, ...], tuple[str, ...], str]],
                 not_covered: list[tuple[str, ...]],
                 not_discussed: list[tuple[str, ...]] | None = None) -> None:
        # (words of the term, finds, note, outside drug, silent topic): a synonym has
        # finds; a drug the source does not cover, or a topic it does not discuss, has
        # its first name
        entries: list[tuple[tuple[str, ...], tuple[str, ...], str, str, str]] = []
        for terms, finds, note in groups:
            entries += [(_key(t), finds, note, "", "") for t in terms]
        for names in not_covered:
            entries += [(_key(n), (), "", names[0], "") for n in names]
        for names in not_discussed or ():
            entries += [(_key(n), (), "", "", names[0]) for n in names]
        # longest first
        self._entries = sorted((e for e in entries if e[0]), key=lambda e: -len(e[0]))

    @classmethod
    def from_json(cls, text: str | None) -> Self:
        if not text:
            return cls([], [])
        data = json.loads(text)
        return cls([(tuple(g["terms"]), tuple(g["finds"]), g.get("note", ""))
                    for g in data.get("synonyms", [])],
                   [tuple(n) for n in data.get("not_covered", [])],
                   # (packs before 2026.12.11 have no such table)
                   [tuple(n) for n in data.get("not_discussed", [])])

    def plan(self, query: str) -> SearchPlan:
        """The search for ``query``: every part must match (AND); a synonym's part
        matches any of its words (OR); other words match as prefixes."""
        words = _words(query)
        folded = [w.casefold() for w in words]
        parts: list[str] = []
        telling: list[str] = []  # the parts a statement may hold some of
        outside: list[str] = []
        silent: list[str] = []
        notes: list[str] = []
        i = 0
        while i < len(words):
            for key, finds, note, outside_name, topic in self._entries:
                if tuple(folded[i:i + len(key)]) == key:
                    if outside_name:
                        outside.append(outside_name)
                    elif topic:
                        silent.append(topic)
                    else:
                        parts.append("(" + " OR ".join(_phrase(f) for f in finds) + ")")
                        telling.append(parts[-1])
                        if note:
                            notes.append(note)
                    i += len(key)
                    break
            else:
                parts.append(f"({_phrase(words[i], prefix=True)})")
                if folded[i] not in _QUESTION_WORDS and len(folded[i]) > 1:
                    telling.append(parts[-1])
                i += 1
        return SearchPlan(" AND ".join(parts), tuple(dict.fromkeys(outside)),
                          tuple(dict.fromkeys(notes)), tuple(dict.fromkeys(silent)),
                          " OR ".join(dict.fromkeys(telling)))


def _key(term: str) -> tuple[str, ...]:
    return tuple(w.casefold() for w in _words(term))


def display_name(name: str) -> str:
    """A drug name as a sentence starts with it ("T-DXd" stays as it is)."""
    return name[:1].upper() + name[1:] if re.match(r"^[a-z]", name) else name
