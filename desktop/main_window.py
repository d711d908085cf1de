"""The main window: questionnaire beside the live recommendation, the evidence
browser, the File / Tools / Help menus, opening and saving cases.

The case itself lives in :attr:`MainWindow.session` (a Qt-free
:class:`core.session.CaseSession`); the views observe it through one
:class:`~desktop.session_adapter.SessionAdapter`. Saving to the case list, export and
the case list are :class:`desktop.records.CaseRecords`, which receives the session.

Automation hooks (tests and outside checks use them): ``window.session``,
:meth:`MainWindow.open_case_file` and :meth:`MainWindow.export_documents`. Hooks for
features wired in later: :meth:`MainWindow.add_file_action` puts an action in the File
menu (before Quit).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget, QVBoxLayout, QWidget

from core.case import Case, CaseError, parse_case
from core.evidence import EvidenceStore
from core.questionnaire import answers_from_case
from core.result import Renderer, Result
from core.session import CaseSession, SessionError
from desktop.questionnaire_view import QuestionnaireView
from desktop.records import CaseRecords
from desktop.result_view import ResultView
from desktop.session_adapter import SessionAdapter
from desktop.style import mark_focus

if TYPE_CHECKING:
    from desktop.evidence_browser import EvidenceBrowser
    from desktop.help import UserGuideDialog

APP_TITLE = "HR+/HER2+ decision aid"


def _copy_name(path: Path) -> Path:
    """A name beside ``path`` that is not taken: ``name-copy.json``, ``name-copy-2.json``..."""
    for n in range(1, 1000):
        candidate = path.with_name(f"{path.stem}-copy{'' if n == 1 else f'-{n}'}{path.suffix}")
        if not candidate.exists():
            return candidate
    return path.with_name(f"{path.stem}-copy{path.suffix}")


class MainWindow(QMainWindow):
    _guide: UserGuideDialog | None = None  # Help ▸ User guide, made when first opened

    def __init__(self, store: EvidenceStore | None, evidence_error: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.store = store
        self.evidence_error = evidence_error
        #: the case being worked on (all of its state)
        self.session = CaseSession(Renderer(store) if store is not None else None,
                                   evidence_error)
        self.adapter = SessionAdapter(self.session, self)
        #: the case list, saving to it, export and the audit log (receive the session)
        self.records = CaseRecords(self.session, self, status=self._status,
                                   may_discard=self.may_discard_changes,
                                   show_saved_result=self._show_saved_result)

        self.questionnaire = QuestionnaireView(self.session, self.adapter, self)
        self.result_view = ResultView(store, self)
        self.questionnaire.tab_after = [self.result_view.browser, self.result_view.citation]
        # No arguments: QSplitter(parent) resolves against the (Qt.Orientation, parent)
        # overload, which loads the whole Qt namespace (~20 ms). addTab reparents it.
        case_tab = QSplitter()
        case_tab.setObjectName("case_tab")
        case_tab.addWidget(self.questionnaire)
        case_tab.addWidget(self.result_view)
        case_tab.setStretchFactor(0, 1)
        case_tab.setStretchFactor(1, 1)
        case_tab.setSizes([700, 560])
        case_tab.setChildrenCollapsible(False)
        # The evidence browser is built when its tab is first opened (start-up speed).
        self._evidence_browser: EvidenceBrowser | None = None
        self._evidence_tab = QWidget(self)
        QVBoxLayout(self._evidence_tab).setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        self.tabs.setAccessibleName("Case and evidence")
        self.tabs.addTab(case_tab, "&Case")
        self.tabs.addTab(self._evidence_tab, "&Evidence")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)

        self.adapter.changed.connect(self._session_changed)
        self.questionnaire.finished.connect(self.result_view.browser.setFocus)
        self._build_menus()
        mark_focus()  # the keyboard focus plain to see, in every window
        self.resize(1260, 780)
        # the status bar from the start: made at the first message, it pushed Back and
        # Next up under the mouse (day review 3, C7)
        self.statusBar()
        self._session_changed()
        if evidence_error:
            self.statusBar().showMessage("Evidence store error: no recommendation is shown.")

    # --- compatibility views of the session ----------------------------------------

    @property
    def renderer(self) -> Renderer | None:
        return self.session.renderer

    @property
    def path(self) -> Path | None:
        return self.session.path

    @path.setter
    def path(self, path: Path | None) -> None:
        self.session.path = path

    @property
    def case_id(self) -> int | None:
        return self.session.case_id

    @property
    def evidence_browser(self) -> EvidenceBrowser:
        if self._evidence_browser is None:
            from desktop.evidence_browser import EvidenceBrowser

            self._evidence_browser = EvidenceBrowser(self.store, self._evidence_tab)
            layout = self._evidence_tab.layout()
            assert layout is not None
            layout.addWidget(self._evidence_browser)
            self._evidence_browser.show()  # added after the window was shown
        return self._evidence_browser

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self._evidence_tab:
            self.evidence_browser.search.setFocus()

    # --- menus ------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], Any],
                shortcut: QKeySequence.StandardKey | str | None = None) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, str):
            # setShortcuts, not setShortcut: the latter's overloads load the whole Qt
            # namespace (~20 ms) just to resolve the argument type.
            action.setShortcuts([QKeySequence(shortcut)])
        elif shortcut is not None:
            action.setShortcuts(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.file_menu.setObjectName("file_menu")
        std = QKeySequence.StandardKey
        for text, slot, key in (("&New case", self.new_case, std.New),
                                ("&Open case file…", self.open_case, std.Open),
                                ("&Save", self.save_case, std.Save),
                                ("Save &as file…", self.save_case_as, std.SaveAs)):
            self.file_menu.addAction(self._action(text, slot, key))
        self.file_menu.addAction(self._action("Saved &cases…", self.records.open_case_list,
                                              "Ctrl+L"))
        # Not Ctrl+P: that is Print everywhere else, and this writes files.
        self.file_menu.addAction(self._action("&Export PDF…", self.records.export_pdf,
                                              "Ctrl+Shift+E"))
        # Later features go between here and Quit.
        self._hooks_end = self.file_menu.addSeparator()
        self.file_menu.addAction(self._action("&Quit", self.close, "Ctrl+Q"))
        tools = self.tools_menu = bar.addMenu("&Tools")
        tools.addAction(self._action("&Evidence browser",
                                     lambda: self.tabs.setCurrentIndex(1), "Ctrl+E"))
        tools.addAction(self._action("Compare evidence &packs…", self.show_evidence_changes))
        tools.addAction(self._action("&Settings…", self.show_settings))
        tools.addAction(self._action("&Audit log…", self.records.show_audit))
        help_menu = self.help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&User guide", self.show_user_guide, std.HelpContents))
        help_menu.addAction(self._action("&Keyboard shortcuts", self.show_shortcuts,
                                         "Ctrl+/"))
        help_menu.addAction(self._action("&What changed in the evidence",
                                         self.show_changelog))
        help_menu.addSeparator()
        help_menu.addAction(self._action("&About", self.show_about))

    def add_file_action(self, text: str, slot: Callable[[], Any],
                        shortcut: str | None = None) -> QAction:
        """Add an action to the File menu, above Quit (one line per later feature)."""
        action = self._action(text, slot, shortcut)
        self.file_menu.insertAction(self._hooks_end, action)
        return action

    def add_tools_action(self, text: str, slot: Callable[[], Any]) -> QAction:
        """Add an action at the end of the Tools menu."""
        action = self._action(text, slot)
        self.tools_menu.addAction(action)
        return action

    # --- the case ---------------------------------------------------------------

    def current_case(self) -> Case | None:
        """The session's validated case when complete, else None."""
        return self.session.case()

    def current_result(self) -> Result | None:
        """The session's result (in or out of scope, with its case hash), or None."""
        return self.session.result()

    def load_case_dict(self, data: dict[str, Any], path: Path | None = None) -> bool:
        """Load a case object's answers; an invalid case is refused with its reason
        and the current case kept. Returns whether it was loaded."""
        try:
            case = parse_case(data)
        except CaseError as exc:
            from desktop import dialogs

            dialogs.error(self, "Cannot load case", f"This case is not valid:\n{exc}")
            return False
        self.session.load(answers_from_case(case), path=path)
        self.statusBar().clearMessage()  # a message about the previous case
        return True

    def _session_changed(self) -> None:
        session = self.session
        if session.renderer is None:
            self.result_view.show_error(self.evidence_error or "no evidence store")
        else:
            result = session.result()
            if result is not None:
                if result is not self.result_view.result:
                    self.result_view.show_result(result)
            else:
                self.result_view.show_incomplete(session.missing(), session.scope_result())
        label = session.answer("label") or "Untitled case"
        # "[*]" is Qt's unsaved-changes marker; doubled, it is shown as typed (hostile
        # review H11: a label holding it garbled the title)
        self.setWindowTitle(f"{label.replace('[*]', '[*][*]')}[*] — {APP_TITLE}")
        self.setWindowModified(session.modified)

    def _status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _show_saved_result(self, saved: Result, differences: list[str]) -> None:
        self.result_view.show_comparison(saved, differences)

    # --- file actions -----------------------------------------------------------

    def new_case(self) -> None:
        if self.may_discard_changes():
            self.session.new()
            self.statusBar().clearMessage()  # "Exported …" was about the previous case
            # the first question, wherever the focus was (the result, say): Tab from
            # there once led to the tab bar, and an arrow key to the Evidence tab
            first = self.questionnaire.current_page.first_input()
            if first is not None:
                first.setFocus()

    def open_case(self) -> None:
        if not self.may_discard_changes():
            return
        from desktop import dialogs

        name = dialogs.ask_open_path(self, "Open case")
        if name is not None:
            self.open_case_file(Path(name))

    def open_case_file(self, path: str | Path) -> bool:
        """Open a case file (or a draft) without a dialog; a malformed one is refused
        with its reason (an error message) and the current case kept."""
        try:
            self.session.open_file(path)
        except SessionError as exc:
            from desktop import dialogs

            dialogs.error(self, "Cannot open case", f"{exc}\n\nThe current case is unchanged.")
            return False
        self.statusBar().clearMessage()  # a message about the previous case
        if self.session.file_is_read_only():  # said now, not first at Save (day review 3, W12)
            self.statusBar().showMessage(f"{Path(path).name} is marked read-only: Save will "
                                         "ask for another file name.")
        return True

    open_path = open_case_file

    def save_case(self) -> bool:
        """Keep the case on the workstation (the case list), and in its file if it has
        one. With no usable case store, or for a draft, save it as a file instead."""
        session = self.session
        if not self._savable():
            return False
        replace = False
        if session.file_is_read_only():  # asked before anything is saved anywhere
            from desktop import dialogs

            if not dialogs.ask_save_elsewhere(
                    self, "Case file is read-only",
                    f"{session.path} is marked read-only, so Save cannot replace it. "
                    "Nothing has been saved yet."):
                return False
            return self._save_to_chosen_file(keep=True)
        if session.file_changed_elsewhere():
            from desktop import dialogs

            choice = dialogs.ask_file_changed(
                self, "Case file changed elsewhere",
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
                                               f"{session.case_id}")
        return True

    def _reopen_their_version(self, path: Path) -> bool:
        """Open the file as the other window or program left it, on the step the user
        was at if that version asks it; this session's changes are not saved (False)."""
        step = self.session.step
        if self.open_case_file(path):
            if step != self.session.step and step in {s.id for s in self.session.steps()}:
                self.session.go_to(step)
            self._status(f"Opened the version of {path.name} saved elsewhere; your changes "
                         "were not saved")
        return False

    def save_case_as(self) -> bool:
        if not self._savable():
            return False
        return self._save_to_chosen_file(keep=True)

    def _save_to_chosen_file(self, *, keep: bool) -> bool:
        """Ask for a file and write the case there (and keep it in the case list when
        ``keep``: not again after Save has just tried and the user was told why not)."""
        from core.atomic import is_read_only
        from desktop import dialogs

        session = self.session
        label = session.answer("label") or "case"
        start = (str(_copy_name(session.path)) if session.path and session.file_is_read_only()
                 else str(session.path) if session.path else f"{label}.json")
        title = "Save case" if session.is_complete() else "Save draft case"
        name = dialogs.ask_save_path(self, title, start=start)
        if name is None:
            return False
        path = Path(name)
        if path.suffix == "":
            path = path.with_suffix(".json")
        if is_read_only(path):  # said before the case list is touched (day review 3, D2)
            dialogs.error(self, "Cannot save case", f"{path} is marked read-only, so it is "
                          "not replaced. Nothing was saved; choose another name.")
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
        from desktop import dialogs

        dialogs.error(self, "Cannot save case", "These answers cannot be kept: "
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
            from desktop import dialogs

            also = (f"\n\nThe case is kept in the case list (saved case "
                    f"{self.session.case_id}); only its file was not written."
                    if kept and self.session.case_id is not None else "")
            dialogs.error(self, "Cannot save case", f"{exc}{also}")
            return False
        saved = f"Saved {'a draft in ' if draft else ''}{path}"
        self._status(f"{note}. {saved}" if note else saved)
        return True

    def export_documents(self, summary_path: str | Path,
                         handout_path: str | Path | None) -> list[Path]:
        """Export the summary and the handout without a dialog (and record it in the
        audit log); returns the paths written. Raises :class:`core.session.NotReady`
        or :class:`core.report.ReportError`."""
        return self.records.export_to(Path(summary_path),
                                      Path(handout_path) if handout_path else None)

    def may_discard_changes(self) -> bool:
        """True when the current case may be replaced or the window closed: asks
        (save / discard / cancel) only when there are unsaved changes."""
        if not self.session.modified:
            return True
        from desktop import dialogs

        answer: str = dialogs.ask_save_discard_cancel(
            self, "Unsaved changes", "This case has unsaved changes. Save them first?"
            + ("" if self.session.is_complete() else " (It is not complete: it will be "
               "saved as a draft file.)"))
        if answer == "save":
            return self.save_case()
        return answer == "discard"

    def setWindowModified(self, modified: bool) -> None:  # noqa: N802 - Qt API
        """Also the session's flag: a test or a check that clears it clears both."""
        self.session.modified = modified
        super().setWindowModified(modified)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.may_discard_changes():
            event.accept()
        else:
            event.ignore()

    # --- dialogs ----------------------------------------------------------------

    def show_settings(self) -> None:
        from desktop import dialogs
        from desktop.settings_dialog import SettingsDialog

        dialogs.exec_dialog(SettingsDialog(self))

    def show_evidence_changes(self) -> None:
        """Tools ▸ Compare evidence packs… (its module loads when chosen)."""
        from desktop import dialogs
        from desktop.evidence_changes import EvidenceChangesDialog

        dialogs.exec_dialog(EvidenceChangesDialog(self.store, self))

    def show_user_guide(self) -> None:
        """The user guide in a window of its own, beside the app (not modal)."""
        from desktop.help import UserGuideDialog

        if self._guide is None:
            from desktop.window_state import fit_to_screen

            self._guide = UserGuideDialog(self)
            fit_to_screen(self._guide)
        self._guide.show()
        self._guide.activateWindow()  # a second time: brings the open guide forward

    def show_shortcuts(self) -> None:
        from desktop import dialogs
        from desktop.help import ShortcutsDialog

        dialogs.exec_dialog(ShortcutsDialog(self.menuBar().actions(), self))

    def show_changelog(self) -> None:
        from desktop import dialogs
        from desktop.changelog_dialog import ChangelogDialog

        dialogs.exec_dialog(ChangelogDialog(self.store, self.evidence_error, self))

    def show_about(self) -> None:
        from desktop import dialogs
        from desktop.about_dialog import AboutDialog

        dialogs.exec_dialog(AboutDialog(self.store, self.evidence_error, self))
