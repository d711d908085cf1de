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
that hold some of them; words such as "what", "should" or "give" count for nothing
there:

>>> table.plan("what should I give after progression").any_match
'("after"*) OR ("progression"*)'
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
    #: the query holds characters but no word to search ("*", an emoji): nothing is
    #: listed (an empty query lists every statement)
    unsearchable: bool = False

    @property
    def outside(self) -> bool:
        """The query named a drug or topic the source leaves out."""
        return bool(self.not_covered or self.not_discussed)


# Words that tell nothing about a statement: a plain question's words ("what should I
# give first") must not each have to match, nor rank first what holds them when only
# some must.
_QUESTION_WORDS = frozenset((
    "a", "about", "an", "and", "are", "be", "can", "could", "do", "does", "for", "has",
    "have", "how", "i", "if", "in", "is", "it", "me", "my", "of", "on", "or", "our", "she",
    "should", "that", "the", "their", "there", "this", "to", "was", "we", "what", "when",
    "where", "which", "who", "why", "will", "with", "would", "you",
    # verbs and nouns of any treatment question: as prefixes they would rank first the
    # statements that happen to hold "given" or "used" (search review: "what to give
    # after progression" listed the caution on concurrent therapy first)
    "give", "gives", "giving", "use", "uses", "using", "patient", "patients",
    "treat", "treated", "treating", "treatment", "treatments", "option", "options",
    # (search operators are not supported: "trastuzumab NOT letrozole" listed only the
    # letrozole statements, "NOT" being read as a word all statements must hold)
    "not", "vs", "versus"))

#: The words of a query that are read: a pasted page must not hold the window up
#: (search review, finding 1: 800 words took 14 s, the time growing with their square).
MAX_WORDS = 64


def _words(text: str) -> list[str]:
    """The words of ``text``, compared as the index compares them: compatibility forms
    (full-width letters, ligatures) as plain letters, accents dropped (the index drops
    them too), and characters that are not seen (a soft hyphen or zero-width space
    pasted from a PDF) taken out, not read as a break between two words. A decimal or
    a range of numbers is one word, searched as the phrase of its numbers: "2.4" is
    not any statement holding a 2 and a 4 (search review, L11).

    >>> _words("ＨＥＲ２-low le\u0301trozole tucati\u00adnib 18.5 4–6")
    ['HER2', 'low', 'letrozole', 'tucatinib', '18.5', '4–6']
    """
    import unicodedata

    text = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if unicodedata.category(c) not in ("Mn", "Cf"))
    return _WORD.findall(text)


#: a number with its decimals or the end of its range, or a run of letters and digits
_WORD = re.compile(r"\d+(?:[.,\-\u2013]\d+)+|[^\W_]+")


def _phrase(text: str, prefix: bool = False) -> str:
    # A quoted FTS5 string of plain words: a phrase. The words come from _words, so no
    # quote or operator of the user's can reach the expression (a decimal's point or a
    # range's dash inside the quotes separates two numbers of the phrase, as in the index).
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
            entries += [(term_key(t), finds, note, "", "") for t in terms]
        for names in not_covered:
            entries += [(term_key(n), (), "", names[0], "") for n in names]
        for names in not_discussed or ():
            entries += [(term_key(n), (), "", "", names[0]) for n in names]
        # by first word, longest first: a word position tries only the entries that can
        # start there
        self._entries: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], str, str, str]]]
        self._entries = {}
        for entry in sorted((e for e in entries if e[0]), key=lambda e: -len(e[0])):
            self._entries.setdefault(entry[0][0], []).append(entry)

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
        matches any of its words (OR); other words match as prefixes. Words that tell
        nothing ("what", "should", "give") are left out when others remain; a query
        naming only what the source leaves out, and such words, searches nothing (the
        notice says why); only the first :data:`MAX_WORDS` words are read."""
        words = _words(query)[:MAX_WORDS]
        folded = [w.casefold() for w in words]
        parts: list[str] = []
        telling: list[str] = []  # the parts a statement may hold some of
        outside: list[str] = []
        silent: list[str] = []
        notes: list[str] = []
        i = 0
        while i < len(words):
            if folded[i:i + 2] == ["et", "al"]:
                # a citation's "et al.", not "ET" (endocrine therapy): it tells nothing
                # about a statement (review L9: "Swain et al" listed the endocrine
                # statements)
                parts.append('("et al")')
                i += 2
                continue
            for key, finds, note, outside_name, topic in self._entries.get(folded[i], ()):
                if tuple(folded[i:i + len(key)]) == key:
                    if outside_name:
                        outside.append(outside_name)
                    elif topic:
                        silent.append(topic)
                    else:
                        # (one phrase once: "first-line" and "first line" are one)
                        phrases = dict.fromkeys(_phrase(f) for f in finds)
                        parts.append("(" + " OR ".join(phrases) + ")")
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
        if telling:
            # (search review, findings 3 and 4: "can I give endocrine therapy with
            # trastuzumab" found only what holds "cannot" and "given"; "in men" listed
            # every statement holding "in" beneath "the source does not discuss")
            parts = telling
        elif outside or silent:
            parts = []
        return SearchPlan(" AND ".join(dict.fromkeys(parts)), tuple(dict.fromkeys(outside)),
                          tuple(dict.fromkeys(notes)), tuple(dict.fromkeys(silent)),
                          " OR ".join(dict.fromkeys(telling)),
                          unsearchable=not words and bool(query.strip()))


def term_key(term: str) -> tuple[str, ...]:
    """A term as a query is matched against it: its words, case folded (so "HER2-low"
    and "her2 low" are one term).

    >>> term_key("HER2-low") == term_key("her2 low")
    True
    """
    return tuple(w.casefold() for w in _words(term))


def display_name(name: str) -> str:
    """A drug name as a sentence starts with it ("T-DXd" stays as it is)."""
    return name[:1].upper() + name[1:] if re.match(r"^[a-z]", name) else name
