"""Opening and saving one session's case file: File ▸ Open, Save, Save as, and the
question asked before unsaved changes are replaced.

:class:`CaseFiles` receives the :class:`~core.session.CaseSession` (never the window),
the session's :class:`~desktop.records.CaseRecords` (Save also keeps a complete case in
the case list), a parent widget for its dialogs and the window's status bar. The
session reads and writes the file (atomically, refusing one changed elsewhere); this
module asks the user what to do when something stands in the way, and says what was
done. It loads when a file action is first used, never at start-up.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from core.session import CaseSession, SessionError
from desktop import dialogs, recent_files
from desktop.records import NOTHING_TO_SAVE, CaseRecords

#: why an incomplete case is saved as a file
DRAFT_NOTE = "the case list keeps complete cases only"
DRAFT_TITLE = f"Save draft file ({DRAFT_NOTE})"


def copy_name(path: Path) -> Path:
    """A name beside ``path`` that is not taken: ``name-copy.json``, ``name-copy-2.json``...

    >>> copy_name(Path("/nonexistent/case.json")).name
    'case-copy.json'
    """
    for n in range(1, 1000):
        candidate = path.with_name(f"{path.stem}-copy{'' if n == 1 else f'-{n}'}{path.suffix}")
        if not candidate.exists():
            return candidate
    return path.with_name(f"{path.stem}-copy{path.suffix}")


class CaseFiles:
    """The file actions of one session; their dialogs open over ``parent``."""

    def __init__(self, session: CaseSession, records: CaseRecords, parent: QWidget) -> None:
        self.session = session
        self.records = records
        self.parent = parent

    def _status(self, text: str, *, lasting: bool = False) -> None:
        """Through the window's status line (it goes once the answers change);
        ``lasting``: till then (a note that the documents exported from the case are
        out of date)."""
        self.records.status(text, lasting=lasting)

    # --- opening ------------------------------------------------------------------

    def open_chosen(self) -> None:
        """File ▸ Open: ask (unsaved changes first), then open the chosen file."""
        if not self.may_discard_changes():
            return
        name = dialogs.ask_open_path(self.parent, "Open case")
        if name is not None:
            self.open(Path(name))

    def open(self, path: str | Path) -> bool:
        """Open a case file (or a draft) without a dialog; a malformed one is refused
        with its reason (an error message) and the current case kept."""
        try:
            self.session.open_file(path)
        except SessionError as exc:
            dialogs.error(self.parent, "Cannot open case",
                          f"{exc}\n\nThe current case is unchanged.")
            return False
        recent_files.remember(Path(path))
        # what is open, as for a saved case (review C, L3: nothing was said), replacing
        # any message about the previous case
        what = "draft" if not self.session.is_complete() else "case file"
        if self.session.file_is_read_only():  # said now, not first at Save (day review 3, W12)
            self._status(f"Opened {what}: {Path(path).name} is marked read-only, so Save "
                         "will ask for another file name.", lasting=True)  # (review 20)
        else:
            self._status(f"Opened {what} {Path(path).name}")
        return True

    def open_recent(self, path: Path) -> bool:
        """File ▸ Open recent: the file (unsaved changes asked about first); one no
        longer there is said so and taken off the list."""
        if not self.may_discard_changes():
            return False
        if not path.is_file():
            recent_files.forget(path)
            dialogs.error(self.parent, "Cannot open case",
                          f"{path} is no longer there (moved, renamed or deleted), so it "
                          "is taken off the list of recent files. The current case is "
                          "unchanged.")
            return False
        return self.open(path)

    def _reopen_their_version(self, path: Path) -> bool:
        """Open the file as the other window or program left it, on the step the user
        was at if that version asks it; this session's changes are not saved (False)."""
        step = self.session.step
        if self.open(path):
            if step != self.session.step and step in {s.id for s in self.session.steps()}:
                self.session.go_to(step)
            self._status(f"Opened the version of {path.name} saved elsewhere; your changes "
                         "were not saved")
        return False

    # --- saving -------------------------------------------------------------------

    def save(self) -> bool:
        """Keep the case on the workstation (the case list), and in its file if it has
        one. With no usable case store, or for a draft, save it as a file instead."""
        session = self.session
        if not self._savable():
            return False
        replace = False
        if session.file_is_read_only():  # asked before anything is saved anywhere
            if not dialogs.ask_save_elsewhere(
                    self.parent, "Case file is read-only",
                    f"{session.path} is marked read-only, so Save cannot replace it. "
                    "Nothing has been saved yet."):
                return False
            return self._save_to_chosen_file(keep=True)
        if session.file_changed_elsewhere():
            choice = dialogs.ask_file_changed(
                self.parent, "Case file changed elsewhere",
                f"{session.path} was changed by another window or program since this case "
                "was opened or saved here. Saving would replace that change.")
            if choice == "save_as":
                return self._save_to_chosen_file(keep=True)
            if choice == "reload" and session.path is not None:
                return self._reopen_their_version(session.path)
            if choice != "replace":
                return False
            replace = True
        kept = self.records.keep() if session.is_complete() else None
        if kept is False:
            return False
        if session.path is not None:
            return self._write(session.path, note=self.records.kept_note if kept else None,
                               replace_changed=replace, kept=bool(kept))
        if kept is None:  # not kept (no store, or a draft): a file instead
            return self._save_to_chosen_file(keep=False)
        self._status(self.records.kept_note or f"Saved in the case list, as saved case "
                                               f"{session.case_id}",
                     lasting=self.records.kept_outdated)
        return True

    def save_as(self) -> bool:
        if not self._savable():
            return False
        return self._save_to_chosen_file(keep=True)

    def _save_to_chosen_file(self, *, keep: bool) -> bool:
        """Ask for a file and write the case there (and keep it in the case list when
        ``keep``: not again after Save has just tried and the user was told why not)."""
        from core.atomic import is_read_only
        from desktop.export import safe_stem

        session = self.session
        complete = session.is_complete()
        # a draft's name says it is one (review C, M6: "case.json", under a bare "Save
        # draft case", with no word on why the case list was not used)
        name = safe_stem(session.answer("label")) + ("" if complete else "-draft")
        start = (str(copy_name(session.path)) if session.path and session.file_is_read_only()
                 else str(session.path) if session.path else f"{name}.json")
        title = "Save case" if complete else DRAFT_TITLE
        chosen = dialogs.ask_save_path(self.parent, title, start=start)
        if chosen is None:
            return False
        path = Path(chosen)
        if path.suffix == "":
            path = path.with_suffix(".json")
        if is_read_only(path):  # said before the case list is touched (day review 3, D2)
            dialogs.error(self.parent, "Cannot save case", f"{path} is marked read-only, so "
                          "it is not replaced. Nothing was saved; choose another name.")
            return False
        outcome = self.records.keep() if keep and session.is_complete() else None
        if outcome is False:
            return False
        kept = bool(outcome)  # (None: no usable case list; never said to be kept then)
        # the file dialog has asked before replacing a file that exists
        return self._write(path, replace_changed=True, kept=kept,
                           note=self.records.kept_note if kept else None)

    def _savable(self) -> bool:
        """An answer given but refused (a label the reports cannot print) is never
        saved, not even in a draft: say which and why. Unanswered questions are fine
        (the case saves as a draft)."""
        refused = self.session.refused()
        if not refused:
            return True
        dialogs.error(self.parent, "Cannot save case", "These answers cannot be kept: "
                      + ", ".join(f"{f.label} ({problem})" for f, problem in refused) + ".")
        return False

    def _write(self, path: Path, *, note: str | None = None,
               replace_changed: bool = False, kept: bool = False) -> bool:
        """Write the case file; ``note``: what saving to the case list did, if it is
        worth saying; ``kept``: the case list has just saved it. (A file changed
        elsewhere meanwhile is refused, with the reason.)"""
        draft = not self.session.is_complete()
        try:
            self.session.save_file(path, replace_changed=replace_changed)
        except SessionError as exc:
            also = (f"\n\nThe case is kept in the case list (saved case "
                    f"{self.session.case_id}); only its file was not written."
                    if kept and self.session.case_id is not None else "")
            dialogs.error(self.parent, "Cannot save case", f"{exc}{also}")
            return False
        recent_files.remember(path)
        saved = (f"Saved a draft in {path} ({DRAFT_NOTE}: reopen it with File ▸ Open "
                 "recent)" if draft else f"Saved {path}")
        if note and note.startswith(NOTHING_TO_SAVE):  # the file is written all the same
            # (review C, L2: "No changes to save: … Saved <file>" said both)
            note = note.removeprefix(NOTHING_TO_SAVE)
            note = note[:1].upper() + note[1:]
        self._status(f"{note}. {saved}" if note else saved,
                     lasting=kept and self.records.kept_outdated)
        return True

    # --- replacing the case ---------------------------------------------------------

    def may_discard_changes(self) -> bool:
        """True when the current case may be replaced or the window closed: asks
        (save / discard / cancel) only when there are unsaved changes."""
        if not self.session.modified:
            return True
        answer: str = dialogs.ask_save_discard_cancel(
            self.parent, "Unsaved changes", "This case has unsaved changes. Save them first?"
            + ("" if self.session.is_complete() else " (It is not complete: it will be "
               "saved as a draft file.)"))
        if answer == "save":
            return self.save()
        return answer == "discard"
