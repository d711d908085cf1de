"""SHA-256 hex digests, chosen for where they run.

:mod:`hashlib` takes SHA-256 from OpenSSL, and loading OpenSSL costs about 2 ms
the first time. The app's first screen needs exactly one hash (the evidence
store's check), so :func:`sha256_of_one` uses the interpreter's own SHA-256 when it
has one, the same digest without the library. :func:`sha256_hex` uses hashlib,
about three times faster per call, for work that hashes many inputs (a batch of
cases); it loads hashlib on its first call.

>>> sha256_hex(b"abc") == sha256_of_one(b"abc")
True
>>> sha256_hex(b"abc")[:16]
'ba7816bf8f01cfea'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_hashlib_sha256: Callable[[bytes], Any] | None = None


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``, by OpenSSL (fast per call)."""
    global _hashlib_sha256
    if _hashlib_sha256 is None:
        import hashlib

        _hashlib_sha256 = hashlib.sha256
    return str(_hashlib_sha256(data).hexdigest())


def _builtin_sha256() -> Callable[[bytes], Any]:
    """CPython's own SHA-256 (``_sha2`` from 3.12, ``_sha256`` before); hashlib's if
    this interpreter has neither."""
    try:
        from _sha2 import sha256  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found, no-redef, unused-ignore]
        except ImportError:
            from hashlib import sha256
    return sha256  # type: ignore[no-any-return, unused-ignore]


def sha256_of_one(data: bytes) -> str:
    """Hex SHA-256 of ``data`` without loading OpenSSL (for a single hash at start-up)."""
    return str(_builtin_sha256()(data).hexdigest())
