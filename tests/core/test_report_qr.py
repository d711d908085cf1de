"""The footer's QR encoder: the ISO/IEC 18004 mask penalty and a decodable code."""

from __future__ import annotations

import re
import string

import zxingcpp
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image
from reportlab.graphics.barcode import qrencoder

from core.report.qr import codewords, penalty, qr_modules

# Printable ASCII without line breaks: reportlab takes digits followed by a newline
# ("1\n") for a numeric segment and then fails; footer payloads never hold one.
PAYLOADS = st.text(alphabet=string.digits + string.ascii_letters + string.punctuation + " ",
                   min_size=1, max_size=300)


def _reportlab_code(payload: str) -> qrencoder.QRCode:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.version = code.calculate_version()
    return code


def _penalty_cell_by_cell(rows: list[list[bool]]) -> int:
    """ISO/IEC 18004 rules 1-4, written out directly."""
    size = len(rows)
    lines = ["".join("1" if m else "0" for m in row) for row in rows]
    lines += ["".join(col) for col in zip(*lines, strict=True)]
    score = sum(len(run) - 2 for line in lines for run in re.findall(r"0{5,}|1{5,}", line))
    score += sum(3 for r in range(size - 1) for c in range(size - 1)
                 if rows[r][c] == rows[r][c + 1] == rows[r + 1][c] == rows[r + 1][c + 1])
    score += 40 * sum(len(re.findall(r"(?=(10111010000|00001011101))", line))
                      for line in lines)
    dark = sum(map(sum, rows))
    return score + 10 * (abs(dark * 20 - size * size * 10) // (size * size))


def test_penalty_of_an_all_dark_matrix():
    rows = [[True] * 21 for _ in range(21)]
    # rule 1: 42 lines, one run of 21 each -> 3 + 16; rule 2: 20 x 20 blocks x 3;
    # rule 3: none; rule 4: 100 % dark -> 10 steps of 5 % -> 100
    assert penalty(rows) == 42 * 19 + 400 * 3 + 0 + 100


def test_penalty_counts_finder_like_patterns():
    plain = [[(r + c) % 2 == 0 for c in range(21)] for r in range(21)]  # checkerboard
    base = penalty(plain)
    assert base == 0 + 0 + 0 + 0
    with_finder = [row[:] for row in plain]
    with_finder[10] = [x == "1" for x in "10111010000" + "1010101010"]
    assert penalty(with_finder) >= 40


def _image(rows: list[list[bool]], scale: int = 6) -> Image.Image:
    border = 4
    size = (len(rows) + 2 * border) * scale
    img = Image.new("L", (size, size), 255)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                x, y = (c + border) * scale, (r + border) * scale
                img.paste(0, (x, y, x + scale, y + scale))
    return img


def test_modules_decode_to_the_payload():
    payload = "hrher2-aid;case-sha256=" + "0123456789abcdef" * 4 + ";evidence=2026.11.2"
    found = zxingcpp.read_barcodes(_image(qr_modules(payload)))
    assert [b.text for b in found] == [payload]


@settings(max_examples=60, deadline=None)
@given(PAYLOADS)
def test_codewords_are_reportlabs(payload: str) -> None:
    """'codewords gives exactly reportlab's createData'."""
    code = _reportlab_code(payload)
    expected = qrencoder.QRCode.createData(code.version, code.errorCorrectLevel, code.dataList)
    assert codewords(code) == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=5, max_value=45).flatmap(
    lambda n: st.lists(st.lists(st.booleans(), min_size=n, max_size=n), min_size=n, max_size=n)))
def test_penalty_is_the_rules_cell_by_cell(rows: list[list[bool]]) -> None:
    """'the ISO/IEC 18004 penalty (rules 1-4)', counted on whole-matrix integers."""
    assert penalty(rows) == _penalty_cell_by_cell(rows)


@settings(max_examples=30, deadline=None)
@given(PAYLOADS)
@example("v" * 250)  # version 7 and up also carry version information
def test_modules_are_reportlabs_code_with_the_lowest_penalty_mask(payload: str) -> None:
    """'The mask with the lowest penalty wins': the straightforward way (reportlab places
    every mask, each matrix scored cell by cell) gives the same matrix."""
    code = _reportlab_code(payload)
    scores = []
    for pattern in range(8):
        code.makeImpl(True, pattern)
        scores.append(_penalty_cell_by_cell([[bool(m) for m in row] for row in code.modules]))
    code.makeImpl(False, scores.index(min(scores)))
    assert qr_modules(payload) == [[bool(m) for m in row] for row in code.modules]
