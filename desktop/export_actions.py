"""File ▸ Export PDF and the audit log of one case session (for
:class:`desktop.records.CaseRecords`, which loads this module when first exported or
the audit log is first opened).

Every export is written to the audit log with its files, the case hash and the
evidence version; an export of a saved case saved elsewhere since asks first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from core.casestore import CaseStore
    from core.session import CaseSession


class Records(Protocol):
    """What the export needs of :class:`desktop.records.CaseRecords` (a protocol: the
    two modules do not import each other)."""

    session: CaseSession
    parent: QWidget
    save: Callable[[], bool]

    @property
    def store(self) -> CaseStore | None: ...

    def status(self, text: str, *, lasting: bool = False) -> None: ...

    def _load_saved(self, payload: dict[str, Any], step: str | None = None) -> None: ...

    def _status_with_note(self, text: str, outdated: str | None) -> None: ...

    def _outdated_export(self) -> str | None: ...


class Exports:
    """The export and audit actions of the session ``records`` holds."""

    def __init__(self, records: Records) -> None:
        self.records = records
        self.session = records.session
        self.parent = records.parent
        self.status = records.status
        self.save = records.save
        self._asked_clinician = False  # the clinician name is asked for once at most
        # a name given when the settings file cannot be written: used until the app closes
        self._clinician_unkept: str | None = None
        #: why the last export is not in the audit log, if it is not
        self.export_note: str | None = None

    @property
    def store(self) -> CaseStore | None:
        return self.records.store

    def _info(self, clinician: str | None = None) -> Any:
        """Who the documents are for: the settings (or a clinician name just asked
        for). Raises :class:`core.printable.UnprintableText` for a value no report can
        print (too long for a page, a script the font lacks), before anything is made."""
        from core.printable import CLINICIAN_MAX, INSTITUTION_MAX, check_text
        from core.report import DocumentInfo
        from desktop import settings

        values = settings.load()
        clinician = clinician or values.get("report/clinician_name") or None
        institution = values.get("report/institution") or None
        check_text("Case label", self.session.answer("label"))
        check_text("Clinician name (Settings)", clinician, CLINICIAN_MAX)
        check_text("Institution (Settings)", institution, INSTITUTION_MAX)
        return DocumentInfo(clinician=clinician, institution=institution)

    def export_to(self, summary_path: Path, handout_path: Path | None,
                  clinician: str | None = None) -> list[Path]:
        """Write the documents (no dialog) and record the export in the audit log.
        Raises :class:`core.session.NotReady`, :class:`core.report.ReportError` or
        :class:`core.printable.UnprintableText`."""
        written = self.session.export_documents(summary_path, handout_path,
                                                self._info(clinician))
        self.export_note = self._record(written)
        return written

    def export_pdf(self) -> None:
        """File ▸ Export PDF…: ask where, write, record, report."""
        from core.printable import UnprintableText
        from core.report import ReportError
        from core.session import NotReady
        from desktop import dialogs, settings
        from desktop.export import ERROR_TITLE, ask_export_paths, open_after, remember_folder

        session = self.session
        case, result = session.case(), session.result()
        if case is None or result is None:
            missing = "; ".join(session.still_needed())
            why = (f"the case is not complete yet (still needed: {missing})" if case is None
                   else "the evidence store failed its check")
            dialogs.error(self.parent, "Export PDF", f"There is nothing to export yet: {why}.")
            return
        try:  # a label the reports cannot print: said before any question is asked
            self._info()
        except UnprintableText as exc:
            dialogs.error(self.parent, ERROR_TITLE, f"Nothing was exported.\n\n{exc}")
            return
        if session.modified and (session.case_id is not None or session.path is not None):
            # (exploratory test 18, finding 1: the documents showed answers that a
            # Discard at closing then dropped, and the audit log tied them to the saved
            # case, which never had them)
            where = (f"saved case {session.case_id}" if session.case_id is not None
                     else f"the case file {session.path}")
            choice = dialogs.ask_save_before_export(
                self.parent, "Export PDF",
                f"This case has changes not saved in {where}. The documents show the "
                "case as it is now.\n\nSave the changes first?")
            if choice == "cancel" or (choice == "save" and not self.save()):
                return
        elif not self._export_current_version():
            return
        clinician = (settings.load().get("report/clinician_name")
                     or self._clinician_unkept or None)
        if clinician is None and not self._asked_clinician:
            asked = self._ask_clinician()
            if asked is None:
                return  # cancelled: nothing is exported
            clinician = asked or None
        try:
            self._info(clinician)  # refused before any dialog
        except UnprintableText as exc:
            dialogs.error(self.parent, ERROR_TITLE, f"Nothing was exported.\n\n{exc}")
            return
        paths = ask_export_paths(self.parent, case, result)
        if paths is None:
            return
        try:
            written = self.export_to(*paths, clinician=clinician)
        except (NotReady, ReportError, UnprintableText) as exc:
            dialogs.error(self.parent, ERROR_TITLE, f"The documents were not saved.\n\n{exc}")
            return
        remember_folder(written[0].parent)
        said = ["Exported " + ", ".join(p.name for p in written)]
        if self.export_note:
            said.append(self.export_note)
        wanted = open_after()
        not_opened = dialogs.open_documents(written) if wanted else []
        if wanted:
            said.append("not opened: no PDF viewer" if not_opened
                        else "opened in the PDF viewer")
        self.status("; ".join(said))
        if not_opened:
            # asked for, to print: said where it cannot be missed (review C, M4: the
            # status line, cut at the window's edge, was gone after 8 s)
            dialogs.inform(
                self.parent, "Export PDF",
                "The documents were written, but this computer has no PDF viewer set up "
                "to open " + ", ".join(p.name for p in not_opened) + ". Open them from "
                f"their folder:\n\n{written[0].parent}")

    def _export_current_version(self) -> bool:
        """False when the saved case open here has been saved elsewhere since this
        window opened it and the user opens that version (or cancels) instead of
        exporting this window's older answers (review C, H1: the second window exported
        them with a plain "Exported", and the audit log alone said they were out of
        date)."""
        session = self.session
        case_id, revision = session.case_id, session.revision
        store = self.store if case_id is not None and revision is not None else None
        if store is None or case_id is None:
            return True
        from core.casestore import CaseStoreError
        from core.casestore.times import local_time

        try:
            stored = store.get(case_id)
        except CaseStoreError:  # deleted meanwhile, or unreadable: nothing newer to show
            return True
        if stored.revision == revision or stored.damaged:
            return True  # (a damaged row is never opened in its place: the list says why)
        if stored.holds(session.answers):  # saved elsewhere with these very answers: no
            # question over nothing (review D, L1)
            session.mark_saved(case_id, stored.revision)
            return True
        from desktop import dialogs

        choice = dialogs.ask_export_outdated(
            self.parent, "Export PDF",
            f"Saved case {case_id} was changed elsewhere (another window or another "
            f"computer saved it at {local_time(stored.changed)}) after this window opened "
            "it. The documents would show this window's answers, not the saved ones.\n\n"
            "Open the saved version (and export it after checking it), or export this "
            "window's version?")
        if choice == "reload":
            self.records._load_saved(store.opened(case_id, session.renderer), step=session.step)
            self.records._status_with_note(f"Opened the version of saved case {case_id} saved "
                                   "elsewhere; nothing was exported",
                                   self.records._outdated_export())
            return False
        return choice == "export"

    def _ask_clinician(self) -> str | None:
        """Ask once for the clinician name printed on the documents; a name given is
        kept in the settings. None: cancelled; "": export without a name."""
        from desktop import dialogs, settings

        name = dialogs.ask_text(
            self.parent, "Clinician name",
            "Your name is printed on the clinician summary and the patient handout.\n"
            "It is kept in Tools ▸ Settings for the next export. Leave it empty to "
            "export without a name.")
        if name is None:
            return None
        from core.printable import CLINICIAN_MAX, UnprintableText, check_text

        try:  # refused where it is typed, as in Settings: never kept, never printed
            check_text("Clinician name", name, CLINICIAN_MAX)
        except UnprintableText as exc:
            dialogs.error(self.parent, "Export PDF", f"Nothing was exported.\n\n{exc}")
            return None
        self._asked_clinician = True
        if name:
            try:
                settings.save({"report/clinician_name": name})
            except settings.SettingsNotSaved as exc:  # used while the app runs all the same
                self._clinician_unkept = name
                dialogs.error(self.parent, "Clinician name",
                              f"{exc}\n\nThe name is printed on these documents and on "
                              "the next ones until the app is closed, but it is not kept "
                              "after that.")
        return name

    def _record(self, written: list[Path]) -> str | None:
        """Record the export in the audit log; what to add to "Exported …" if it was not
        (a store that could not be opened, or is read-only: said, never silent)."""
        result = self.session.result()
        store = self.store
        if result is None:
            return None
        if store is None:
            return "not recorded in the audit log: the case store could not be opened"
        if store.read_only:
            return f"not recorded in the audit log: the case store {store.path} is read-only"
        from core.casestore import CaseStoreError

        try:
            # (the saved case's id only when the documents show it as saved: an export
            # of unsaved changes belongs to no saved case)
            store.record_export(None, [str(p) for p in written], result.case_sha256,
                                result.evidence_version, kind="report",
                                case_id=None if self.session.modified else self.session.case_id,
                                label=self.session.answer("label"))
        except CaseStoreError as exc:
            from desktop import dialogs

            dialogs.error(self.parent, "Audit log", "The documents were written, but the "
                          f"export could not be recorded in the audit log:\n{exc}")
            return "not recorded in the audit log"
        return None

    def show_audit(self) -> None:
        from desktop import dialogs
        from desktop.audit_view import AuditDialog

        store = self.store
        if store is not None:
            dialogs.exec_dialog(AuditDialog(store, self.parent))
