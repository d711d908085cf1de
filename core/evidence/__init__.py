"""The evidence store: every displayed clinical text and reference, as checked data.

Sources are reviewable TOML files under ``resources/evidence/``; :mod:`.build`
turns them into one SQLite file with a full-text index and a content SHA-256;
:mod:`.store` opens that file read-only and verifies it; :mod:`.pack` checks the signed
pack around it (signature, whole-file hash, completeness) before any use.
"""

from core.evidence.manifest import PackError, PackInfo
from core.evidence.pack import load_evidence, verify_pack
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
    "PackError",
    "PackInfo",
    "Reference",
    "SearchHit",
    "Statement",
    "default_store_path",
    "load_evidence",
    "open_store",
    "verify_pack",
]
