"""Saved cases and the audit log, in a local SQLite file (Qt-free).

>>> from core.casestore import CaseStore
>>> # store = CaseStore.open()            # user data folder, or $HRHER2_AID_DATA_DIR
>>> # saved = store.save(case, result)    # Saved(id, revision); store.close() at the end
>>> # store.save(case2, result2, saved.id, revision=saved.revision)  # or CaseConflict
"""

from core.casestore.errors import (
    CaseConflict,
    CaseDamaged,
    CaseFileError,
    CaseNotFound,
    CaseStoreCorrupt,
    CaseStoreError,
    CaseStoreForeign,
    CaseStoreLocked,
    CaseStoreReadOnly,
    CaseStoreTooNew,
    DataFolderError,
    ExportNotRecorded,
)
from core.casestore.integrity import AuditCheck
from core.casestore.location import DATA_DIR_ENV, STORE_FILENAME, default_path
from core.casestore.records import (
    AuditEntry,
    CaseRow,
    Comparison,
    ImportReport,
    Saved,
    StoredCase,
)
from core.casestore.store import CaseStore

__all__ = [
    "DATA_DIR_ENV",
    "STORE_FILENAME",
    "AuditCheck",
    "AuditEntry",
    "CaseConflict",
    "CaseDamaged",
    "CaseFileError",
    "CaseNotFound",
    "CaseRow",
    "CaseStore",
    "CaseStoreCorrupt",
    "CaseStoreError",
    "CaseStoreForeign",
    "CaseStoreLocked",
    "CaseStoreReadOnly",
    "CaseStoreTooNew",
    "Comparison",
    "DataFolderError",
    "ExportNotRecorded",
    "ImportReport",
    "Saved",
    "StoredCase",
    "default_path",
]
