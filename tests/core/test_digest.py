"""core.digest: both ways of hashing give hashlib's SHA-256."""

from __future__ import annotations

import doctest
import hashlib

from hypothesis import given
from hypothesis import strategies as st

import core.digest
from core.digest import sha256_hex, sha256_of_one


@given(st.binary(max_size=4096))
def test_both_digests_are_hashlib_sha256(data: bytes) -> None:
    """'the same digest without the library'."""
    expected = hashlib.sha256(data).hexdigest()
    assert sha256_hex(data) == expected
    assert sha256_of_one(data) == expected


def test_docstring_examples() -> None:
    outcome = doctest.testmod(core.digest)
    assert outcome.attempted == 2 and outcome.failed == 0
