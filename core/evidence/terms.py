"""Search terms: what a clinician types, turned into what the statements say.

The synonym table lives in the evidence (``synonyms.toml``): a search naming one of a
group's terms looks for any of the group's words instead, and a search naming a drug
the source does not discuss is told so. Longer names match first, so "trastuzumab
deruxtecan" is a drug the source does not cover, not a kind of trastuzumab.

>>> table = SearchTerms.from_json('{"synonyms": [{"terms": ["AI"], "finds":'
...     ' ["aromatase inhibitor"], "note": ""}], "not_covered": [["tucatinib"]]}')
>>> plan = table.plan("AI first line")
>>> plan.match
'("aromatase inhibitor") AND ("first"*) AND ("line"*)'
>>> table.plan("Tucatinib").not_covered
('tucatinib',)
"""

import json
import re
from typing import NamedTuple, Self


class SearchPlan(NamedTuple):
    """How one query is searched: the FTS5 expression (empty: list everything), the
    drugs named that the source does not cover, and notes for drugs it covers only
    by class."""

    match: str
    not_covered: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in text).split()


def _phrase(text: str, prefix: bool = False) -> str:
    # A quoted FTS5 string of plain words: a phrase. The words come from _words, so no
    # quote or operator of the user's can reach the expression.
    return '"' + " ".join(_words(text)) + '"' + ("*" if prefix else "")


class SearchTerms:
    """The synonym table of one evidence store."""

    def __init__(self, groups: list[tuple[tuple[str, ...], tuple[str, ...], str]],
                 not_covered: list[tuple[str, ...]]) -> None:
        # (words of the term, finds, note, outside name): a synonym has finds, a drug the
        # source does not cover has its first name
        entries: list[tuple[tuple[str, ...], tuple[str, ...], str, str]] = []
        for terms, finds, note in groups:
            entries += [(tuple(w.casefold() for w in _words(t)), finds, note, "")
                        for t in terms]
        for names in not_covered:
            entries += [(tuple(w.casefold() for w in _words(n)), (), "", names[0])
                        for n in names]
        # longest first
        self._entries = sorted((e for e in entries if e[0]), key=lambda e: -len(e[0]))

    @classmethod
    def from_json(cls, text: str | None) -> Self:
        if not text:
            return cls([], [])
        data = json.loads(text)
        return cls([(tuple(g["terms"]), tuple(g["finds"]), g.get("note", ""))
                    for g in data.get("synonyms", [])],
                   [tuple(n) for n in data.get("not_covered", [])])

    def plan(self, query: str) -> SearchPlan:
        """The search for ``query``: every part must match (AND); a synonym's part
        matches any of its words (OR); other words match as prefixes."""
        words = _words(query)
        folded = [w.casefold() for w in words]
        parts: list[str] = []
        outside: list[str] = []
        notes: list[str] = []
        i = 0
        while i < len(words):
            for key, finds, note, outside_name in self._entries:
                if tuple(folded[i:i + len(key)]) == key:
                    if outside_name:
                        outside.append(outside_name)
                    else:
                        parts.append("(" + " OR ".join(_phrase(f) for f in finds) + ")")
                        if note:
                            notes.append(note)
                    i += len(key)
                    break
            else:
                parts.append(f"({_phrase(words[i], prefix=True)})")
                i += 1
        return SearchPlan(" AND ".join(parts), tuple(dict.fromkeys(outside)),
                          tuple(dict.fromkeys(notes)))


def display_name(name: str) -> str:
    """A drug name as a sentence starts with it ("T-DXd" stays as it is)."""
    return name[:1].upper() + name[1:] if re.match(r"^[a-z]", name) else name
