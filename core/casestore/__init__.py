"""Saved cases and the audit log, in a local SQLite file (Qt-free).

>>> from core.casestore import CaseStore
>>> # store = CaseStore.open()            # user data folder, or $HRHER2_AID_DATA_DIR
>>> # case_id = store.save(case, result)  # ... store.close() when the app closes
"""

from core.casestore.errors import (
    CaseFileError,
    CaseNotFound,
    CaseStoreCorrupt,
    CaseStoreError,
    CaseStoreLocked,
    CaseStoreReadOnly,
    CaseStoreTooNew,
)
from core.casestore.opening import DATA_DIR_ENV, STORE_FILENAME, default_path
from core.casestore.records import AuditEntry, CaseRow, Comparison, ImportReport, StoredCase
from core.casestore.store import CaseStore

__all__ = [
    "DATA_DIR_ENV",
    "STORE_FILENAME",
    "AuditEntry",
    "CaseFileError",
    "CaseNotFound",
    "CaseRow",
    "CaseStore",
    "CaseStoreCorrupt",
    "CaseStoreError",
    "CaseStoreLocked",
    "CaseStoreReadOnly",
    "CaseStoreTooNew",
    "Comparison",
    "ImportReport",
    "StoredCase",
    "default_path",
]
