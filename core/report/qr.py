"""QR code modules for the page footer: reportlab's encoder, with the slow steps redone.

reportlab's encoder is correct but spends most of its time in three places: it
builds the Reed-Solomon generator polynomial anew, term by term, for every block;
it places every data bit again (one Python call per module) for each of the eight
masks it tries; and it scores each mask cell by cell. Here reportlab still segments
the payload, picks the version and lays out the function patterns, but

* the error-correction codewords use log/antilog tables (:func:`codewords` gives
  exactly reportlab's ``createData``; the tests compare them);
* the data bits are placed once, at reportlab's data positions, and each candidate
  mask is applied to them as whole-row integer XORs (the mask patterns repeat every
  12 rows and columns); reportlab then writes the chosen mask's format information;
* the ISO/IEC 18004 penalty (rules 1-4) is counted with bit operations on the whole
  matrix held as one integer (rows, then columns).

The mask with the lowest penalty wins, as the standard asks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import zip_longest
from typing import Any, Final

from reportlab.graphics.barcode import qrencoder


def _gf256_tables() -> tuple[list[int], list[int]]:
    """Antilog (doubled, so sums of two logs need no modulo) and log tables of GF(256)
    with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1."""
    exp, log = [0] * 510, [0] * 256
    x = 1
    for i in range(255):
        exp[i] = exp[i + 255] = x
        log[x] = i
        x <<= 1
        if x & 0x100:
            x ^= 0x11D
    return exp, log


_EXP, _LOG = _gf256_tables()

_PAD: Final = (0xEC, 0x11)  # pad codewords, alternating (ISO/IEC 18004 7.4.10)

_MASKS: Final[Sequence[Callable[[int, int], bool]]] = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i * j) % 3 + (i + j) % 2) % 2 == 0,
)
_PERIOD: Final = 12  # every mask above repeats after 12 rows and after 12 columns

_BITS: Final = bytes.maketrans(b"\x00\x01", b"01")
_FINDER_LIKE: Final = ("10111010000", "00001011101")


def _generator(degree: int) -> list[int]:
    """The Reed-Solomon generator polynomial of ``degree``, as log coefficients
    (highest power first, leading coefficient 1 omitted)."""
    poly = [1]
    for i in range(degree):
        nxt = [*poly, 0]
        for j, coef in enumerate(poly):
            if coef:
                nxt[j + 1] ^= _EXP[_LOG[coef] + i]
        poly = nxt
    return [_LOG[c] for c in poly[1:]]


def _ec_codewords(data: Sequence[int], degree: int, gen_log: Sequence[int]) -> list[int]:
    """The remainder of data(x) * x^degree divided by the generator."""
    rem = [*data, *([0] * degree)]
    for i in range(len(data)):
        coef = rem[i]
        if coef:
            lc = _LOG[coef]
            for j, g in enumerate(gen_log, start=i + 1):
                rem[j] ^= _EXP[lc + g]
    return rem[len(data):]


class _BitBuffer:
    """The part of reportlab's ``QRBitBuffer`` its segments write to, holding the bits
    in one integer instead of setting them one call at a time."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, num: int, length: int) -> None:
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length

    def putBit(self, bit: bool) -> None:  # noqa: N802 - reportlab's API
        self.put(1 if bit else 0, 1)

    def getLengthInBits(self) -> int:  # noqa: N802 - reportlab's API
        return self.length

    def to_bytes(self) -> list[int]:
        """The bits as whole bytes, the last one padded with zeros."""
        pad = -self.length % 8
        return list((self.value << pad).to_bytes((self.length + pad) // 8, "big"))


def codewords(code: Any) -> list[int]:
    """Data and error-correction codewords, interleaved by block: the same list as
    reportlab's ``QRCode.createData`` for ``code`` (whose version is set)."""
    blocks = qrencoder.QRRSBlock.getRSBlocks(code.version, code.errorCorrectLevel)
    capacity = sum(b.dataCount for b in blocks) * 8
    bits = _BitBuffer()
    for segment in code.dataList:
        segment.write(bits, code.version)
    if bits.length > capacity:
        raise ValueError(f"QR payload too long for version {code.version}")
    if bits.length + 4 <= capacity:
        bits.put(0, 4)  # terminator
    stream = bits.to_bytes()
    stream += [_PAD[i % 2] for i in range(capacity // 8 - len(stream))]
    data_blocks, ec_blocks, generators = [], [], {}
    offset = 0
    for block in blocks:
        data = stream[offset:offset + block.dataCount]
        offset += block.dataCount
        degree = block.totalCount - block.dataCount
        if degree not in generators:
            generators[degree] = _generator(degree)
        data_blocks.append(data)
        ec_blocks.append(_ec_codewords(data, degree, generators[degree]))
    return [c for group in (data_blocks, ec_blocks) for column in zip_longest(*group)
            for c in column if c is not None]


# Each mask over one 12 x 12 tile, a "0"/"1" string per tile row (a table, like _EXP).
_MASK_TILES: Final = tuple(
    tuple("".join("1" if mask(i, j) else "0" for j in range(_PERIOD)) for i in range(_PERIOD))
    for mask in _MASKS
)


def _mask_rows(pattern: int, size: int) -> list[int]:
    """Mask ``pattern`` as one integer per row (most significant bit = column 0)."""
    repeats = size // _PERIOD + 1
    rows = [int((tile * repeats)[:size], 2) for tile in _MASK_TILES[pattern]]
    return [rows[i % _PERIOD] for i in range(size)]


def _penalty_of_rows(ints: Sequence[int], size: int) -> int:
    """The ISO/IEC 18004 mask penalty of a matrix held as row integers.

    Each rule is counted on the whole matrix at once: its rows (and its columns)
    joined into one integer with a spacer between lines that is neither light nor
    dark, so that no run, block or pattern can span two lines.
    """
    lines = [format(row, f"0{size}b") for row in ints]
    columns = ["".join(col) for col in zip(*lines, strict=True)]
    every = int("0".join(["1" * size] * size), 2)  # all modules, no spacers
    rows_dark = int("0".join(lines), 2)
    cols_dark = int("0".join(columns), 2)
    score = 0
    for dark in (rows_dark, cols_dark):
        for bits in (dark, ~dark & every):
            # Rule 1: a run of length L >= 5 scores L - 2, which is its L - 4 windows
            # of five plus 2; each run's windows form one block of set bits.
            windows = bits & bits >> 1 & bits >> 2 & bits >> 3 & bits >> 4
            score += windows.bit_count() + 2 * (windows & ~(windows << 1)).bit_count()
    # Rule 2: each 2x2 block of one colour scores 3.
    for bits in (rows_dark, ~rows_dark & every):
        pairs = bits & bits >> 1
        score += 3 * (pairs & pairs >> (size + 1)).bit_count()
    # Rule 3: finder-like patterns 1:1:3:1:1 with four light modules on one side.
    for dark in (rows_dark, cols_dark):
        light = ~dark & every
        for pattern in _FINDER_LIKE:
            found = every
            for shift, module in enumerate(reversed(pattern)):
                found &= (dark if module == "1" else light) >> shift
            score += 40 * found.bit_count()
    # Rule 4: 10 points per 5 % the dark share departs from 50 %.
    dark_count = rows_dark.bit_count()
    return score + 10 * (abs(dark_count * 20 - size * size * 10) // (size * size))


def penalty(rows: list[list[bool]]) -> int:
    """The ISO/IEC 18004 mask penalty (rules 1-4) of a module matrix."""
    ints = [int(bytes(row).translate(_BITS), 2) for row in rows]
    return _penalty_of_rows(ints, len(rows))


def qr_rows(payload: str) -> list[str]:
    """The QR code (error correction M, best mask) as one string of ``0`` (light) and
    ``1`` (dark) per row, quiet zone not included."""
    code: Any = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.version = code.calculate_version()
    # reportlab's makeImpl up to the data: finder, alignment and timing patterns, with
    # the format area left light (as reportlab leaves it while scoring masks).
    size = code.moduleCount = code.version * 4 + 17
    code.modules = [[False] * size for _ in range(size)]
    for row, col in ((0, 0), (size - 7, 0), (0, size - 7)):
        code.setupPositionProbePattern(row, col)
    code.setupPositionAdjustPattern()
    code.setupTimingPattern()
    unmasked = [int(bytes(row).translate(_BITS), 2) for row in code.modules]
    data_cols = [0] * size
    positions = code.dataPosIterator()
    words = codewords(code)
    bits = format(int.from_bytes(bytes(words), "big"), f"0{len(words) * 8}b")
    for (col, row), bit in zip(positions, bits.ljust(len(positions), "0"), strict=True):
        module = 1 << (size - 1 - col)
        data_cols[row] |= module
        if bit == "1":
            unmasked[row] |= module
    candidates = [[u ^ (m & d) for u, m, d in
                   zip(unmasked, _mask_rows(pattern, size), data_cols, strict=True)]
                  for pattern in range(8)]
    scores = [_penalty_of_rows(rows, size) for rows in candidates]
    best = scores.index(min(scores))
    # The chosen matrix, then reportlab writes the real format (and version) information.
    code.modules = [[c == "1" for c in format(row, f"0{size}b")] for row in candidates[best]]
    code.setupTypeInfo(False, best)
    if code.version >= 7:
        code.setupTypeNumber(False)
    return [bytes(row).translate(_BITS).decode("ascii") for row in code.modules]


def qr_modules(payload: str) -> list[list[bool]]:
    """:func:`qr_rows` as a matrix of booleans, True = dark."""
    return [[c == "1" for c in line] for line in qr_rows(payload)]
