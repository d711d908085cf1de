"""The main window: questionnaire beside the live recommendation, the evidence
browser, the File / Tools / Help menus, opening and saving cases.

The case itself lives in :attr:`MainWindow.session` (a Qt-free
:class:`core.session.CaseSession`); the views observe it through one
:class:`~desktop.session_adapter.SessionAdapter`. Saving to the case list, export and
the case list are :class:`desktop.records.CaseRecords`, and opening and saving the case
file :class:`desktop.case_files.CaseFiles`; both receive the session, not the window.

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
from core.session import CaseSession
from desktop.questionnaire_view import QuestionnaireView
from desktop.records import STATUS_MS, CaseRecords
from desktop.result_view import ResultView
from desktop.session_adapter import SessionAdapter
from desktop.style import mark_focus

if TYPE_CHECKING:
    from desktop.case_files import CaseFiles
    from desktop.evidence_browser import EvidenceBrowser
    from desktop.help import UserGuideDialog

APP_TITLE = "HR+/HER2+ decision aid"


class MainWindow(QMainWindow):
    _guide: UserGuideDialog | None = None  # Help ▸ User guide, made when first opened
    _files: CaseFiles | None = None  # File ▸ Open, Save…: made when first used

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
        self._status_answers: dict[str, Any] | None = None  # (see _status)
        self._lasting = ""  # the lasting message shown now, if any (see _status)
        self._loads_shown = self.session.loads  # (see _session_changed)
        #: the case list, saving to it, export and the audit log (receive the session)
        self.records = CaseRecords(self.session, self, status=self._status,
                                   may_discard=self.may_discard_changes,
                                   show_saved_result=self._show_saved_result,
                                   save=self.save_case)

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
        # No frame round the tab's page: Qt's raster engine fills a line longer than
        # about 96 pixels on a pool of threads it starts for it, and the frame's sides
        # were the first window's only such lines (two threads started and waited on at
        # the first paint: 3 M instructions and 50 context switches; in time, within
        # the noise: 0.2 to 1 ms in paired runs of 61 to 101 rounds).
        self.tabs.setDocumentMode(True)
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
        # Qt puts a hovered menu item's status tip in place of the message, and an empty
        # one as the pointer leaves: a lasting note was gone for good once the pointer
        # crossed the menu bar, on the way to the audit log (explore19, 1)
        self.statusBar().messageChanged.connect(self._restore_lasting)
        self._session_changed()
        if evidence_error:  # (the result pane says why; a hovered menu no longer wipes it)
            self._status("Evidence store error: no recommendation is shown.", lasting=True)
        elif store is not None and store.installed_pack_failed:
            # never a silent fall-back to older evidence (review B, M2: only Help ▸ About
            # said it); desktop.app says it in a message too
            self._status(f"Evidence {store.version} is in use: an evidence update installed "
                         "on this computer failed its check (Help ▸ About says why).",
                         lasting=True)

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
        # The text is set apart: QAction(text, parent) is also tried as QAction(QIcon,
        # text), which builds the QIcon class at start-up (see QuestionnaireView).
        action = QAction(self)
        action.setText(text)
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
        self.file_menu.addAction(self._action("&New case", self.new_case, std.New))
        self.file_menu.addAction(self._action("&Open case file…", self.open_case, std.Open))
        # case files opened or saved lately, drafts among them (filled as it opens)
        self.recent_menu = self.file_menu.addMenu("Open &recent")
        self.recent_menu.setObjectName("recent_menu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        for text, slot, key in (("&Save", self.save_case, std.Save),
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
        self._status("")  # a message about the previous case
        return True

    def _session_changed(self) -> None:
        session = self.session
        if session.loads != self._loads_shown:
            # a case replaced (new, opened, reloaded) is shown: from the Evidence tab,
            # New case looked like doing nothing, and put the focus on a hidden
            # question that a Space then answered (review C, M2)
            self._loads_shown = session.loads
            self.tabs.setCurrentIndex(0)
        if self._status_answers is not None and self._status_answers != session.answers:
            self._status("")
        if session.renderer is None:
            self.result_view.show_error(self.evidence_error or "no evidence store")
        else:
            result = session.result()
            if result is not None:
                if result is not self.result_view.result:
                    self.result_view.show_result(result)
            else:
                self.result_view.show_incomplete(session.still_needed(),
                                                 session.scope_result())
        label = session.answer("label") or "Untitled case"
        # "[*]" is Qt's unsaved-changes marker; doubled, it is shown as typed (hostile
        # review H11: a label holding it garbled the title)
        self.setWindowTitle(f"{label.replace('[*]', '[*][*]')}[*] — {APP_TITLE}")
        self.setWindowModified(session.modified)

    def _status(self, text: str, *, lasting: bool = False) -> None:
        """Say ``text`` in the status bar for 8 s, or, ``lasting``, until the answers
        change or another message replaces it (a note that the documents exported from
        the case carry other answers: review 19, L6)."""
        self._lasting = text if lasting else ""
        self.statusBar().showMessage(text, 0 if lasting else STATUS_MS)
        # the answers the message speaks of: it goes once they change (exploratory test
        # 18, finding 2: "Exported …" stayed beside a result that had since changed)
        self._status_answers = dict(self.session.answers) if text else None

    def _restore_lasting(self, message: str) -> None:
        if not message and self._lasting:
            self.statusBar().showMessage(self._lasting)

    def _show_saved_result(self, saved: Result, differences: list[str],
                           words_only: bool = False) -> None:
        self.result_view.show_comparison(saved, differences, words_only=words_only)

    # --- file actions -----------------------------------------------------------

    def new_case(self) -> None:
        if self.may_discard_changes():
            self.session.new()
            self._status("")  # "Exported …" was about the previous case
            # the first question, wherever the focus was (the result, say): Tab from
            # there once led to the tab bar, and an arrow key to the Evidence tab
            first = self.questionnaire.current_page.first_input()
            if first is not None:
                first.setFocus()

    @property
    def files(self) -> CaseFiles:
        """Opening and saving the case file (its module loads when first used)."""
        if self._files is None:
            from desktop.case_files import CaseFiles

            self._files = CaseFiles(self.session, self.records, self)
        return self._files

    def open_case(self) -> None:
        self.files.open_chosen()

    def _fill_recent_menu(self) -> None:
        from desktop import recent_files

        recent_files.fill_menu(self.recent_menu, self.files.open_recent, self._status)

    def open_case_file(self, path: str | Path) -> bool:
        """Open a case file (or a draft) without a dialog; a malformed one is refused
        with its reason (an error message) and the current case kept."""
        return self.files.open(path)

    open_path = open_case_file

    def save_case(self) -> bool:
        """Keep the case in the case list, and in its file if it has one (or as a file:
        :meth:`desktop.case_files.CaseFiles.save`)."""
        return self.files.save()

    def save_case_as(self) -> bool:
        return self.files.save_as()

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
        return not self.session.modified or self.files.may_discard_changes()

    def setWindowModified(self, modified: bool) -> None:  # noqa: N802 - Qt API
        """Also the session's flag: a test or a check that clears it clears both."""
        self.session.modified = modified
        super().setWindowModified(modified)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.may_discard_changes():
            event.accept()
            if self._guide is not None:  # (a window of its own: see show_user_guide)
                self._guide.close()
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

            # no parent: a dialog with one stays above it, over the questions, once the
            # user clicks back into the case (review C, L8); it closes with the window
            self._guide = UserGuideDialog(None)
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
