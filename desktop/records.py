"""The workstation's records for one case session: saved cases, PDF export, audit log
(export and the audit log in :mod:`desktop.export_actions`, loaded when first used).

:class:`CaseRecords` receives the :class:`~core.session.CaseSession` (never the
window) and a parent widget for its dialogs. The case store (SQLite), reportlab, the
case list and the message boxes (``desktop.dialogs``) load when an action is
triggered, never at start-up. Saving keeps the case in the store; every PDF export
is written to the audit log with its files, the case hash and the evidence version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QWidget

from core.result import Result
from core.session import CaseSession

if TYPE_CHECKING:
    from core.case import Case
    from core.casestore import CaseStore, Comparison, Saved, StoredCase
    from desktop.export_actions import Exports

#: how long a message about the case stays in the status bar (unless it lasts)
STATUS_MS = 8000
#: how a save's note starts when the case list already held the case as it is
NOTHING_TO_SAVE = "No changes to save: "


class Status(Protocol):
    """The window's status line: ``text`` for :data:`STATUS_MS`, or, ``lasting``, until
    the answers change or another message replaces it."""

    def __call__(self, text: str, *, lasting: bool = False) -> None: ...



class CaseRecords:
    """Saving, export, the case list and the audit log of one session.

    ``status`` shows a short message; ``may_discard`` asks before the session's case
    is replaced; ``show_saved_result`` shows a reopened case's saved result beside
    today's (see :meth:`open_saved`).
    """

    def __init__(self, session: CaseSession, parent: QWidget, *,
                 status: Status, may_discard: Callable[[], bool],
                 show_saved_result: Callable[[Result, list[str], bool], None],
                 save: Callable[[], bool]) -> None:
        self.session = session
        self.parent = parent
        self.status = status
        self.may_discard = may_discard
        self.save = save
        self.show_saved_result = show_saved_result
        self._store: CaseStore | None = None
        # Deletes that can be undone until the app closes (the store purges them
        # then), whichever case-list window made them.
        self.undo_tokens: list[tuple[str, str]] = []
        #: what the last keep() did beyond an ordinary save (shown instead of "Saved")
        self.kept_note: str | None = None
        #: the last keep() found the documents exported from the case out of date (the
        #: note then stays in the status bar until the answers change)
        self.kept_outdated = False
        self._exports: Exports | None = None  # (see exports)

    @property
    def store(self) -> CaseStore | None:
        """The user's case store, opened (and checked) on first use; None if unusable.

        A failed open is not remembered: the user was told why (with a Retry button),
        and the next action that needs the store tries again, so a store that was
        locked, or a data folder fixed meanwhile, works without restarting the app."""
        if self._store is None:
            from PySide6.QtWidgets import QApplication

            from desktop.case_list import open_case_store

            self._store = open_case_store(self.parent)
            if self._store is not None:
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

    def keep(self) -> bool | None:
        """Keep the session's (complete) case in the store. None: no store to keep it
        in (or no result to keep with it); False: failed (the user was told)."""
        session = self.session
        self.kept_note, self.kept_outdated = None, False
        case, result = session.case(), session.result()
        if case is None or result is None:
            return None
        store = self.store
        if store is None or store.read_only:
            return None
        from core.casestore import CaseStoreError, Saved

        try:
            case_id, revision = session.case_id, session.revision
            if case_id is None and session.file_case_sha256 == result.case_sha256:
                # A case file opened again, unchanged: if the list holds it already, it
                # is not added again. (Not linked to that saved case either: another
                # file with the same answers, a template say, must never save over it.)
                twin = store.find_intact(result.case_sha256)
                if twin is not None:
                    self.kept_note = (f"{NOTHING_TO_SAVE}the case list already holds "
                                      f"this case, as saved case {twin.id}")
                    session.mark_saved(None)
                    return True
            saved: Saved | None = None
            unchanged = (self._unchanged(store, case_id, case, result)
                         if case_id is not None else None)
            if unchanged is not None:
                # the answers as saved: what would be written is today's result alone
                # (review B, H1; review D, H1: decided on the answers, not on "modified"
                # or on the evidence, so an app upgrade or an edit undone asks too)
                stored, cmp = unchanged
                session.mark_saved(stored.id, stored.revision)  # (nothing to conflict over)
                if cmp.differs and self._replace_result(stored, cmp, result):
                    revision = stored.revision
                else:  # the same result (whatever evidence it names), or kept as saved
                    if cmp.differs:
                        self.kept_note = (f"{NOTHING_TO_SAVE}saved case {stored.id} keeps "
                                          "the result it was saved with")
                    saved = Saved(stored.id, stored.revision, written=False)
            if saved is None:
                written = self._save_in_store(store, case, result, case_id, revision)
                if written is None:
                    return False
                saved = written
        except CaseStoreError as exc:
            from desktop import dialogs

            dialogs.error(self.parent, "Cannot save case", str(exc))
            return False
        if self.kept_note is None and not saved.written:
            self.kept_note = f"{NOTHING_TO_SAVE}the case list already holds this case"
        elif self.kept_note is None and case_id is None:
            # a case from a file is kept as a new saved case, never over another (see
            # above): said, with any saved case of the same label (review C, M1: "Saved
            # <file>" said nothing of the new entry beside the old one)
            self.kept_note = (f"Saved in the case list as new saved case {saved.id}"
                              + self._same_label(store, saved.id, case.label))
        session.mark_saved(saved.id, saved.revision)
        # said with "No changes to save" too: that message replaces the note, and the
        # documents still carry other answers (explore19, finding 3)
        outdated = self._outdated_export()
        if outdated is not None:
            said = self.kept_note or f"Saved in the case list, as saved case {saved.id}"
            self.kept_note, self.kept_outdated = f"{said}; {outdated}", True
        return True

    def _save_in_store(self, store: CaseStore, case: Case, result: Result,
                       case_id: int | None, revision: int | None) -> Saved | None:
        """Write the case (a new one, or ``case_id`` at ``revision``); a conflict asks
        the user (reload theirs, or save mine as a copy). None: not saved (the user was
        told, or chose so). Raises :class:`CaseStoreError`."""
        from core.casestore import CaseConflict, CaseNotFound

        session = self.session
        try:
            saved = store.save(case, result, case_id, revision=revision)
        except CaseNotFound:  # deleted from the list meanwhile: keep it as new
            saved = store.save(case, result, None)
            self.kept_note = (f"Saved case {case_id} had been deleted from the case "
                              f"list; this case is saved again, as saved case {saved.id}")
        except CaseConflict as conflict:
            # Saved elsewhere since it was opened: never overwrite, let the user choose.
            from desktop import dialogs

            choice = dialogs.ask_conflict(self.parent, "Case changed elsewhere",
                                          str(conflict) + _differing(conflict.theirs,
                                                                     session.answers))
            if choice == "reload":
                # on the step the user was at, if their version asks it
                self._load_saved(store.opened(conflict.theirs.id, session.renderer),
                                 step=session.step)
                self._status_with_note("Reloaded the version saved elsewhere; your "
                                       "changes were not saved",
                                       self._outdated_export())  # (this replaces it)
                return None
            if choice != "copy":
                return None
            saved = store.save(case, result, None)
            self.kept_note = (f"Saved your version as a copy (saved case {saved.id}); "
                              f"the other version stays as saved case "
                              f"{conflict.theirs.id}")
            self.status(self.kept_note)
        return saved

    def _unchanged(self, store: CaseStore, case_id: int, case: Case,
                   result: Result) -> tuple[StoredCase, Comparison] | None:
        """Saved case ``case_id`` as stored, and its result beside today's ``result``,
        when it holds these very answers (:meth:`StoredCase.holds`); None otherwise, or
        when it cannot be read (the save says why)."""
        from core.casestore import CaseStoreError, Comparison
        from core.questionnaire import answers_from_case

        try:
            stored = store.get(case_id)
        except CaseStoreError:
            return None
        if stored.damaged or not stored.holds(answers_from_case(case)):
            return None
        return stored, Comparison.between(stored.result, result.to_dict(complete=True))

    def _replace_result(self, stored: StoredCase, cmp: Comparison, result: Result) -> bool:
        """Whether today's result may replace the one saved case ``stored`` holds for the
        same answers: asked, saying whether the evidence or the app gives it (review B,
        H1: a Save with nothing changed replaced, without a word, the result that the
        documents given out carried)."""
        from desktop import dialogs

        what = "other words for the same result" if cmp.words_only else "a different result"
        if stored.evidence_version == result.evidence_version:
            why = (f"This version of the app gives the same answers {what} (under the "
                   f"same evidence, {result.evidence_version})")
        else:
            why = (f"It was saved under evidence {stored.evidence_version}; today's "
                   f"evidence ({result.evidence_version}) gives the same answers {what}")
        return dialogs.confirm(
            self.parent, "Replace the saved result?",
            f"Saved case {stored.id} holds the result it was saved with. {why}.\n\n"
            "Replace the saved result with today's? The one saved is not kept (the audit "
            "log keeps the record of documents exported from it).")

    @staticmethod
    def _same_label(store: CaseStore, saved_id: int, label: str | None) -> str:
        """" (saved case 2 has the same label)", or nothing: which other saved cases a
        new one could be taken for in the case list."""
        from core.casestore import CaseStoreError

        if not label:
            return ""
        try:
            rows = store.list(filter_label=label, limit=None)
        except CaseStoreError:  # (a courtesy note: the save itself went through)
            return ""
        others = sorted(r.id for r in rows if r.label == label and r.id != saved_id)
        if not others:
            return ""
        named = ", ".join(map(str, others[:3])) + (" and others" if len(others) > 3 else "")
        return (f" (saved case {named} has the same label)" if len(others) == 1
                else f" (saved cases {named} have the same label)")

    def _status_with_note(self, text: str, outdated: str | None) -> None:
        """``text``, and the note that the case's documents carry other answers, if
        there is one: lasting, as the note is."""
        self.status(text + (f"; {outdated}" if outdated else ""), lasting=outdated is not None)

    def _outdated_export(self) -> str | None:
        """When the saved case open now was last exported with other answers, the
        words that say so (exploratory test 18, finding 2: nothing told that the
        documents given out no longer matched the case)."""
        store, case_id, result = self.store, self.session.case_id, self.session.result()
        if store is None or case_id is None or result is None or self.session.modified:
            return None
        from core.casestore import CaseStoreError

        try:
            return store.outdated_export(case_id, result.case_sha256)
        except CaseStoreError:  # (a courtesy note: the audit view says what is wrong)
            return None

    # --- the case list ------------------------------------------------------------

    def open_case_list(self) -> None:
        from desktop import dialogs
        from desktop.case_list import CaseListDialog

        store = self.store
        if store is None:
            return
        dialog = CaseListDialog(store, self.parent, renderer=self.session.renderer,
                                undo_tokens=self.undo_tokens, open_id=self.session.case_id)
        dialog.open_requested.connect(
            lambda payload: None if self.open_saved(payload) else dialog.stay_open())
        dialog.new_case_requested.connect(
            lambda: None if self._new_case() else dialog.stay_open())
        dialogs.exec_dialog(dialog)

    def _new_case(self) -> bool:
        """An empty case, unless the user keeps the current one (False)."""
        if not self.may_discard():
            return False
        self.session.new()
        self.status("")  # "Exported …" was about the previous case (day review 3, C1)
        return True

    def open_saved(self, payload: dict[str, Any]) -> bool:
        """Load a saved case; if today's evidence gives another result, show both.
        False when the user keeps the current case instead."""
        if not self.may_discard():
            return False
        self._load_saved(payload)
        return True

    def _load_saved(self, payload: dict[str, Any], step: str | None = None) -> None:
        """Replace the session's case with a saved one (:meth:`CaseStore.opened`), at
        ``step`` if that case asks it (else at the first step).

        A damaged case (the case list has shown why, and the user chose to look at it)
        is loaded as a new, unsaved case: its row is never saved over, its saved result
        never shown as the result."""
        from core.case import CaseError, parse_case
        from core.result import ResultFormatError

        self.status("")  # a message about the previous case (day review 3, C1)
        try:
            case = parse_case(payload["case"])
        except CaseError as exc:
            from desktop import dialogs

            dialogs.error(self.parent, "Cannot load case", f"This case is not valid:\n{exc}")
            return
        if payload.get("damaged"):
            # kept nowhere yet: modified, as the window's title says (explore19, 10)
            self.session.load_case(case, modified=True)
            self.status(f"Opened the answers of DAMAGED saved case {payload['id']} as a new, "
                        "unsaved case: check them before saving")
            return
        self.session.load_case(case, case_id=payload["id"], revision=payload.get("revision"),
                               step=step)
        # which saved case this is, from the start (exploratory test 18, finding 7: a
        # duplicate opened looked like its original, the number said only after a save)
        outdated = self._outdated_export()
        self._status_with_note(f"Opened saved case {payload['id']}", outdated)
        if payload.get("result_differs") and payload.get("current_result"):
            try:
                saved = Result.from_dict(payload["result"])
            except ResultFormatError as exc:  # (it replaces the note: said again)
                self._status_with_note(f"The saved result cannot be shown: {exc}", outdated)
                return
            self.show_saved_result(saved, list(payload.get("differences", [])),
                                   bool(payload.get("words_only")))

    # --- export and audit (desktop.export_actions: loaded when first used) ---------

    @property
    def exports(self) -> Exports:
        """File ▸ Export PDF and the audit log (its module loads when first used)."""
        if self._exports is None:
            from desktop.export_actions import Exports

            self._exports = Exports(self)
        return self._exports

    @property
    def export_note(self) -> str | None:
        """Why the last export is not in the audit log, if it is not."""
        return self._exports.export_note if self._exports is not None else None

    def export_to(self, summary_path: Path, handout_path: Path | None,
                  clinician: str | None = None) -> list[Path]:
        """:meth:`desktop.export_actions.Exports.export_to`."""
        return self.exports.export_to(summary_path, handout_path, clinician)

    def export_pdf(self) -> None:
        """File ▸ Export PDF…: :meth:`desktop.export_actions.Exports.export_pdf`."""
        self.exports.export_pdf()

    def show_audit(self) -> None:
        """Tools ▸ Audit log…"""
        self.exports.show_audit()


def _differing(theirs: StoredCase, mine: Mapping[str, Any]) -> str:
    """The answers in which the version saved elsewhere differs from this window's, as
    lines to add to the conflict question (review C, M3: it did not say what differs)."""
    from core.case import CaseError
    from core.fields import FIELDS
    from core.questionnaire import answers_from_case

    try:
        other = answers_from_case(theirs.case())
    except CaseError:  # (its answers no longer read as a case: nothing to compare)
        return ""
    lines = [f"• {f.label}: {f.answer_text(other.get(f.path))} there, "
             f"{f.answer_text(mine.get(f.path))} here"
             for f in FIELDS if other.get(f.path) != mine.get(f.path)]
    return "\n\nWhat differs:\n" + "\n".join(lines) if lines else ""
