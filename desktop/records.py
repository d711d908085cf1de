"""The workstation's records for one main window: saved cases, PDF export, audit log.

The case store (SQLite), reportlab and the message boxes (``desktop.dialogs``) load
on first use, never at start-up. Saving keeps the case in the store; every PDF
export is written to the audit log with its files, the case hash and the evidence
version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.case import Case
from core.result import Result

if TYPE_CHECKING:
    from core.casestore import CaseStore
    from desktop.main_window import MainWindow


class CaseRecords:
    """Adds File/Tools actions to ``window`` and keeps its case store."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._store: CaseStore | None = None
        self._unavailable = False
        self._asked_clinician = False  # the clinician name is asked for once at most

    def install(self) -> None:
        w = self.window
        w.add_file_action("Saved &cases…", self.open_case_list, "Ctrl+L")
        w.add_file_action("&Export PDF…", self.export_pdf, "Ctrl+P")
        w.add_tools_action("&Audit log…", self.show_audit)
        w.save_hook = self.save

    @property
    def store(self) -> CaseStore | None:
        """The user's case store, opened (and checked) on first use; None if unusable."""
        if self._store is None and not self._unavailable:
            from PySide6.QtWidgets import QApplication

            from desktop.case_list import open_case_store

            self._store = open_case_store(self.window)
            if self._store is None:
                self._unavailable = True
            else:
                app = QApplication.instance()
                if app is not None:
                    app.aboutToQuit.connect(self.close)
        return self._store

    def close(self) -> None:
        """Ends undo: cases deleted this session are removed for good."""
        if self._store is not None:
            self._store.close()
            self._store = None

    # --- saving -------------------------------------------------------------------

    def save(self, case: Case, result: Result) -> bool | None:
        """Keep the case in the store. None: no store to keep it in; False: failed.

        A case changed elsewhere since it was opened is never overwritten: the user
        reloads the other version or saves this one as a copy (a new saved case)."""
        from core.casestore import CaseConflict, CaseNotFound, CaseStoreError

        store = self.store
        if store is None or store.read_only:
            return None
        w = self.window
        try:
            try:
                saved = store.save(case, result, w.case_id, revision=w.case_revision)
            except CaseNotFound:  # deleted from the list meanwhile: keep it as new
                saved = store.save(case, result, None)
            except CaseConflict as conflict:
                from desktop import dialogs

                choice = dialogs.ask_conflict(w, "Case changed elsewhere", str(conflict))
                if choice == "reload":
                    self.open_saved(store.opened(conflict.theirs.id, w.renderer), ask=False)
                    return False
                if choice != "copy":
                    return False
                saved = store.save(case, result, None)
        except CaseStoreError as exc:
            from desktop import dialogs
            dialogs.error(w, "Cannot save case", str(exc))
            return False
        w.case_id, w.case_revision = saved.id, saved.revision
        return True

    # --- the case list ------------------------------------------------------------

    def open_case_list(self) -> None:
        from desktop.case_list import CaseListDialog

        store = self.store
        if store is None:
            return
        dialog = CaseListDialog(store, self.window, renderer=self.window.renderer)
        dialog.open_requested.connect(self.open_saved)
        dialog.new_case_requested.connect(self.window.new_case)
        from desktop import dialogs
        dialogs.exec_dialog(dialog)

    def open_saved(self, payload: dict[str, Any], ask: bool = True) -> None:
        """Load a saved case; if today's evidence gives another result, show both.

        A damaged case (``payload["damaged"]``) is loaded only as a new, unsaved case
        (the case list has said why), so it can never be saved over its row."""
        w = self.window
        if ask and not w.may_discard_changes():
            return
        if not w.load_case_dict(payload["case"]):
            return
        if payload.get("damaged"):
            w.case_id = w.case_revision = None
            w._set_modified(True)  # noqa: SLF001 - not saved anywhere yet
            w.statusBar().showMessage(f"Opened the answers of DAMAGED saved case "
                                      f"{payload['id']} as a new, unsaved case", 15000)
            return
        w.case_id, w.case_revision = payload["id"], payload.get("revision")
        if payload.get("result_differs") and payload.get("current_result"):
            w.result_view.show_comparison(payload["result"], payload.get("differences", []))

    # --- export and audit ---------------------------------------------------------

    def export_pdf(self) -> None:
        w = self.window
        case, result = w.current_case(), w.current_result()
        if w.store is None or result is None or case is None:
            from desktop import dialogs
            dialogs.error(w, "Export PDF", "There is nothing to export yet: the case is "
                          "not complete, or the evidence store failed its check.")
            return
        from desktop import settings
        from desktop.export import export_documents

        values = settings.load()
        clinician = values.get("report/clinician_name") or None
        if clinician is None and not self._asked_clinician:
            clinician = self._ask_clinician()
            if clinician is None:
                return  # cancelled: nothing is exported
            clinician = clinician or None
        written = export_documents(w, case, result, w.store, clinician,
                                   values.get("report/institution") or None)
        if not written:
            return
        store = self.store
        if store is not None and not store.read_only:
            from core.casestore import CaseStoreError

            try:
                store.record_export(None, [str(p) for p in written], result.case_sha256,
                                    result.evidence_version, kind="report",
                                    case_id=w.case_id, label=case.label)
            except CaseStoreError as exc:
                from desktop import dialogs
                dialogs.error(w, "Audit log", f"The documents were written, but the "
                              f"export could not be recorded in the audit log:\n{exc}")
        w.statusBar().showMessage("Exported " + ", ".join(p.name for p in written), 8000)

    def _ask_clinician(self) -> str | None:
        """Ask once for the clinician name printed on the documents; a name given is
        kept in the settings. None: cancelled; "": export without a name."""
        from desktop import dialogs, settings

        name = dialogs.ask_text(
            self.window, "Clinician name",
            "Your name is printed on the clinician summary and the patient handout.\n"
            "It is kept in Tools ▸ Settings for the next export. Leave it empty to "
            "export without a name.")
        if name is None:
            return None
        from core.printable import CLINICIAN_MAX, UnprintableText, check_text

        try:  # refused where it is typed, as in Settings: never kept, never printed
            check_text("Clinician name", name, CLINICIAN_MAX)
        except UnprintableText as exc:
            dialogs.error(self.window, "Export PDF", f"Nothing was exported.\n\n{exc}")
            return None
        self._asked_clinician = True
        if name:
            settings.save({"report/clinician_name": name})
        return name

    def show_audit(self) -> None:
        from desktop.audit_view import AuditDialog

        store = self.store
        if store is not None:
            from desktop import dialogs
            dialogs.exec_dialog(AuditDialog(store, self.window))

