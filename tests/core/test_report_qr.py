"""The footer's QR encoder: the ISO/IEC 18004 mask penalty and a decodable code."""

from __future__ import annotations

import zxingcpp
from PIL import Image

from core.report.qr import penalty, qr_modules


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
