"""What the reports can print, checked where text is typed (Qt-free).

Free text that reaches a PDF (the case label, the clinician's and the institution's
names) is checked here, by the app as it is typed and by ``hrher2-aid report`` before
anything is drawn, so a problem is named with its field instead of surfacing at
export. Decisions, per script (README, "What the app refuses, and why"):

- Hebrew, Arabic and the other right-to-left scripts are refused: reportlab draws
  text left to right in the order it is stored; its own bidirectional support needs
  ``rlbidi``, which is not published on PyPI, and reordering a string before
  reportlab wraps it puts the lines of a wrapped value in the wrong order.
- Chinese, Japanese and Korean are refused: a font that covers them (Noto Sans CJK,
  16 MB or more a weight, in a format reportlab cannot embed) does not fit the
  installers' size budget.
- Thai, Devanagari and the other scripts of South and South-East Asia are refused:
  their vowel signs and conjuncts need shaping, which the report font and layout do
  not do; printed unshaped they would be wrong, not just ugly.
- Characters beyond U+FFFF (emoji, historic scripts) are refused: reportlab draws
  them, but its text layer records another character (U+1F600 as U+1F60), so what is
  copied, searched or read aloud from the page would differ from what it shows.
- Invisible formatting characters (a soft hyphen, a zero-width space or joiner) are
  refused: the report prints them inconsistently (a soft hyphen is a hyphen in a table
  cell and nothing in a paragraph), and a search of the page for the text as it looks
  fails.
- Every other character must have a glyph in the report font (DejaVu Sans, regular
  and bold); whitespace of any kind prints as a plain space.

>>> text_problem("Dr. Zoë Ñúñez") is None
True
>>> text_problem("שלום")
'Hebrew script cannot be printed in the reports (U+05E9): use Latin letters'
>>> check_text("--clinician", "x" * 101, limit=CLINICIAN_MAX)
Traceback (most recent call last):
core.printable.UnprintableText: --clinician: at most 100 characters (got 101)
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from typing import Final

CLINICIAN_MAX: Final = 100
INSTITUTION_MAX: Final = 100

# (first, last, script name) of the scripts the reports refuse, sorted by first.
_REFUSED: Final = (
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0700, 0x074F, "Syriac"),
    (0x0750, 0x077F, "Arabic"),
    (0x0780, 0x07BF, "Thaana"),
    (0x07C0, 0x085F, "a right-to-left"),
    (0x0860, 0x08FF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x0DFF, "an Indic"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0FFF, "a South-East Asian or Tibetan"),
    (0x1000, 0x109F, "Myanmar"),
    (0x1100, 0x11FF, "Chinese, Japanese or Korean"),
    (0x1780, 0x17FF, "Khmer"),
    (0x2E80, 0x2FFF, "Chinese, Japanese or Korean"),
    (0x3001, 0x9FFF, "Chinese, Japanese or Korean"),  # U+3000 is a space: printed as one
    (0xA960, 0xA97F, "Chinese, Japanese or Korean"),
    (0xAC00, 0xD7FF, "Chinese, Japanese or Korean"),
    (0xF900, 0xFAFF, "Chinese, Japanese or Korean"),
    (0xFB1D, 0xFB4F, "Hebrew"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE30, 0xFE4F, "Chinese, Japanese or Korean"),
    (0xFE70, 0xFEFE, "Arabic"),  # (U+FEFF, a byte-order mark, is refused as invisible)
    (0xFF00, 0xFFEF, "Chinese, Japanese or Korean"),
    (0x10800, 0x10FFF, "a right-to-left"),
    (0x1E800, 0x1EFFF, "a right-to-left"),
    (0x20000, 0x3FFFF, "Chinese, Japanese or Korean"),
)
_FIRSTS: Final = [first for first, _, _ in _REFUSED]
# Marks that reorder text: refused with the right-to-left scripts they serve.
_BIDI_CONTROLS: Final = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                  "\u2066\u2067\u2068\u2069")


class UnprintableText(ValueError):
    """Text a report cannot print; ``field`` names where it was typed."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


def _refused_script(char: str) -> str | None:
    code = ord(char)
    i = bisect_right(_FIRSTS, code) - 1
    if i >= 0 and code <= _REFUSED[i][1]:
        return _REFUSED[i][2]
    return None


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be printed in a report, or None if it can (see the module's
    decisions). The first offending character, in reading order, is named."""
    if text.isascii():
        bad = next((c for c in text if not c.isprintable() and not c.isspace()), None)
        return None if bad is None else f"contains a control character ({_code(bad)})"
    for char in text:
        if char.isspace():
            continue
        if "\ud800" <= char <= "\udfff":
            return f"is not valid text (an unpaired surrogate, {_code(char)})"
        if char == "\ufeff":
            return "contains an invisible byte-order mark (U+FEFF): type the text again"
        script = _refused_script(char)
        if script:
            return (f"{script} script cannot be printed in the reports ({_code(char)}): "
                    "use Latin letters")
        category = unicodedata.category(char)
        if char in _BIDI_CONTROLS or category in ("Cc", "Co", "Cn"):
            return f"contains a control or unassigned character ({_code(char)})"
        if category == "Cf":
            # a soft hyphen, a zero-width space or joiner: printed as a hyphen in one
            # place and as nothing in another, and kept in the text layer, where a
            # search for the text as it looks then fails
            return f"contains an invisible formatting character ({_code(char)})"
        if ord(char) > 0xFFFF:
            # drawn, but reportlab's text layer maps it to another character: copied,
            # searched or read aloud, the page would say something else
            return (f"characters such as emoji cannot be printed in the reports "
                    f"({_code(char)})")
    from core.report.template import missing_glyphs_any  # loads reportlab: only here

    missing = missing_glyphs_any(text)
    if missing:
        first = min(missing, key=text.index)
        return f"the report font has no character {first!r} ({_code(first)})"
    return None


def check_text(field: str, text: str | None, limit: int | None = None) -> None:
    """Raise :class:`UnprintableText` naming ``field`` if ``text`` is too long (more
    than ``limit`` characters, counted in code points) or cannot be printed."""
    if not text:
        return
    if limit is not None and len(text) > limit:
        raise UnprintableText(field, f"at most {limit} characters (got {len(text)})")
    problem = text_problem(text)
    if problem:
        raise UnprintableText(field, problem)


__all__ = ["CLINICIAN_MAX", "INSTITUTION_MAX", "UnprintableText", "check_text", "text_problem"]
