"""The evidence store: every displayed clinical text and reference, as checked data.

Sources are reviewable TOML files under ``resources/evidence/``; :mod:`.build`
turns them into one SQLite file with a full-text index and a content SHA-256;
:mod:`.store` opens that file read-only and verifies it; :mod:`.pack` checks the signed
pack around it (signature, whole-file hash, completeness) before any use.

The names below load their module when first used (PEP 562), so that the app can use
the store's classes without loading the pack check (PyNaCl, SQLite): at start-up the
check runs in :mod:`.early`'s child process while the app loads Qt.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.evidence.manifest import PackError, PackInfo
    from core.evidence.pack import load_evidence, verify_pack
    from core.evidence.store import (
        EvidenceError,
        EvidenceStore,
        Figure,
        Reference,
        SearchHit,
        SearchResult,
        Statement,
        default_store_path,
        open_store,
    )
    from core.evidence.supplements import ChangelogEntry, Harm
    from core.evidence.terms import SearchPlan

#: name -> the module of this package that defines it
_HOMES = {
    "ChangelogEntry": "supplements", "Harm": "supplements", "SearchPlan": "terms",
    "EvidenceError": "errors", "PackError": "manifest", "PackInfo": "manifest",
    "EvidenceStore": "store", "Figure": "store", "Reference": "store", "SearchHit": "store",
    "SearchResult": "store", "Statement": "store", "default_store_path": "store",
    "open_store": "store",
    "load_evidence": "pack", "verify_pack": "pack",
}

__all__ = [
    "ChangelogEntry", "EvidenceError", "EvidenceStore", "Figure", "Harm", "PackError",
    "PackInfo", "Reference", "SearchHit", "SearchPlan", "SearchResult", "Statement",
    "default_store_path", "load_evidence", "open_store", "verify_pack",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'core.evidence' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"core.evidence.{home}"), name)
    globals()[name] = value
    return value
