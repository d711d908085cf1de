"""The evidence's one error type, apart so that the store and the pack manifest can
both raise it without importing each other."""

from __future__ import annotations


class EvidenceError(Exception):
    """The evidence store is missing, corrupt, altered or not an evidence store."""
