"""QR code modules for the page footer (reportlab's encoder, a faster mask choice).

reportlab's encoder picks the mask with the lowest penalty, as ISO/IEC 18004 asks,
but scores each candidate in pure Python cell by cell; that was a third of the
time of a whole summary. Here the same four penalty rules are scored on rows held
as integers and strings, and the encoder then builds the code with the mask chosen.
"""

from __future__ import annotations

import re
from typing import Any, Final

from reportlab.graphics.barcode import qrencoder

_FINDER_LIKE: Final = re.compile(r"(?=(10111010000|00001011101))")


_BITS: Final = bytes.maketrans(b"\x00\x01", b"01")
_LONG_RUN: Final = re.compile(r"0{5,}|1{5,}")


def _line_runs(line: str) -> int:
    """Rule 1: each run of 5 or more same-colour modules scores 3 + (length - 5)."""
    return sum(len(m) - 2 for m in _LONG_RUN.findall(line))


def penalty(rows: list[list[bool]]) -> int:
    """The ISO/IEC 18004 mask penalty (rules 1-4) of a module matrix."""
    size = len(rows)
    lines = [bytes(row).translate(_BITS).decode("ascii") for row in rows]
    columns = ["".join(col) for col in zip(*lines, strict=True)]
    score = sum(_line_runs(s) for s in lines) + sum(_line_runs(s) for s in columns)
    # Rule 2: each 2x2 block of one colour scores 3 (bit tricks on whole rows).
    ints = [int(s, 2) for s in lines]
    mask = (1 << (size - 1)) - 1
    for a, b in zip(ints, ints[1:], strict=False):
        same_row = ~(a ^ (a >> 1)) & ~(b ^ (b >> 1)) & ~(a ^ b) & mask
        score += 3 * same_row.bit_count()
    # Rule 3: finder-like patterns 1:1:3:1:1 with four light modules on one side.
    score += 40 * sum(len(_FINDER_LIKE.findall(s)) for s in lines + columns)
    # Rule 4: 10 points per 5 % the dark share departs from 50 %.
    dark = sum(s.count("1") for s in lines)
    score += 10 * (abs(dark * 20 - size * size * 10) // (size * size))
    return score


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR code's module matrix (error correction M, best mask), True = dark."""
    code: Any = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.version = code.calculate_version()
    best, best_score = 0, -1
    for pattern in range(8):
        code.makeImpl(True, pattern)
        score = penalty(code.modules)
        if best_score < 0 or score < best_score:
            best, best_score = pattern, score
    code.makeImpl(False, best)
    return [[bool(m) for m in row] for row in code.modules]
