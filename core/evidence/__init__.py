"""The evidence store: every displayed clinical text and reference, as checked data.

Sources are reviewable TOML files under ``resources/evidence/``; :mod:`.build`
turns them into one SQLite file with a full-text index and a content SHA-256;
:mod:`.store` opens that file read-only and verifies it before any use.
"""

from core.evidence.store import (
    EvidenceError,
    EvidenceStore,
    Figure,
    Reference,
    SearchHit,
    Statement,
    default_store_path,
    open_store,
)
from core.evidence.supplements import ChangelogEntry, Harm
from core.evidence.terms import SearchPlan

__all__ = [
    "ChangelogEntry",
    "Harm",
    "SearchPlan",
    "EvidenceError",
    "EvidenceStore",
    "Figure",
    "Reference",
    "SearchHit",
    "Statement",
    "default_store_path",
    "open_store",
]
