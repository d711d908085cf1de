"""The main window: questionnaire beside the live recommendation, the evidence
browser, the File / Tools / Help menus, opening and saving cases.

Hooks for features wired in later: :meth:`MainWindow.add_file_action` puts an
action in the File menu (before Quit); :meth:`current_case`, :meth:`current_result`
and :meth:`load_case_dict` give them the case and its result.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget, QVBoxLayout, QWidget

from core import atomic
from core import questionnaire as q
from core.case import Case, CaseError, parse_case, read_case_file
from core.evidence import EvidenceStore
from core.result import Renderer, Result
from desktop.questionnaire_view import QuestionnaireView
from desktop.result_view import ResultView

if TYPE_CHECKING:
    from desktop.evidence_browser import EvidenceBrowser
    from desktop.help import UserGuideDialog
    from desktop.records import CaseRecords

APP_TITLE = "HR+/HER2+ decision aid"


def _dialogs() -> ModuleType:
    """desktop.dialogs, loaded on first use (the message-box classes are not needed
    to show the first screen). Tests patch that module's functions."""
    import desktop.dialogs

    return desktop.dialogs


class MainWindow(QMainWindow):
    _guide: UserGuideDialog | None = None  # Help ▸ User guide, made when first opened

    def __init__(self, store: EvidenceStore | None, evidence_error: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.store = store
        self.evidence_error = evidence_error
        self.renderer = Renderer(store) if store is not None else None
        self.path: Path | None = None
        #: the case's id in the workstation's case store, once saved or opened there
        self.case_id: int | None = None
        #: keeps a saved case on the workstation (set by desktop.records); returns None
        #: when there is no store to keep it in, False when keeping it failed
        self.save_hook: Callable[[Case, Result], bool | None] | None = None
        self.records: CaseRecords | None = None

        self.questionnaire = QuestionnaireView(self)
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

        self.questionnaire.answers_changed.connect(self._answers_changed)
        self.questionnaire.finished.connect(self.result_view.browser.setFocus)
        self._build_menus()
        self.resize(1260, 780)
        self._update_result()
        self._set_modified(False)
        if evidence_error:
            self.statusBar().showMessage("Evidence store error: no recommendation is shown.")

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
        # Later features (Export PDF…, Case list…) go between here and Quit.
        self._hooks_end = self.file_menu.addSeparator()
        self.file_menu.addAction(self._action("&Quit", self.close, "Ctrl+Q"))
        tools = self.tools_menu = bar.addMenu("&Tools")
        tools.addAction(self._action("&Evidence browser",
                                     lambda: self.tabs.setCurrentIndex(1), "Ctrl+E"))
        tools.addAction(self._action("&Settings…", self.show_settings))
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
        """The validated case when every required answer is given, else None."""
        if not q.is_complete(self.questionnaire.answers):
            return None
        try:
            return parse_case(q.case_dict(self.questionnaire.answers))
        except CaseError:
            return None

    def current_result(self) -> Result | None:
        """The result shown now (in or out of scope), or None."""
        return self.result_view.result

    def load_case_dict(self, data: dict[str, Any], path: Path | None = None) -> bool:
        """Load a case object's answers; an invalid case is refused with its reason
        and the current case kept. Returns whether it was loaded."""
        try:
            answers = q.answers_from_dict(data)
        except CaseError as exc:
            _dialogs().error(self, "Cannot load case", f"This case is not valid:\n{exc}")
            return False
        self.path = path
        self.case_id = None
        self.questionnaire.set_answers(answers)
        self._set_modified(False)
        self.statusBar().clearMessage()  # a message about the previous case
        return True

    def _answers_changed(self) -> None:
        self._update_result()
        self._set_modified(True)

    def _update_result(self) -> None:
        answers = self.questionnaire.answers
        if self.renderer is None:
            self.result_view.show_error(self.evidence_error or "no evidence store")
            return
        scope = q.scope_decision(answers)
        if scope is not None:
            self.result_view.show_result(self.renderer.render(scope, ""))
            return
        case = self.current_case()
        if case is None:
            self.result_view.show_incomplete(q.missing(answers))
        else:
            self.result_view.show_result(self.renderer.result_for(case))

    def _set_modified(self, modified: bool) -> None:
        label = self.questionnaire.answers.get("label") or "Untitled case"
        self.setWindowTitle(f"{label}[*] — {APP_TITLE}")
        self.setWindowModified(modified)

    # --- file actions -----------------------------------------------------------

    def new_case(self) -> None:
        if self.may_discard_changes():
            self.path = None
            self.case_id = None
            self.questionnaire.set_answers({})
            self._set_modified(False)
            self.statusBar().clearMessage()  # "Exported …" was about the previous case

    def open_case(self) -> None:
        if not self.may_discard_changes():
            return
        name = _dialogs().ask_open_path(self, "Open case")
        if name is not None:
            self.open_path(Path(name))

    def open_path(self, path: Path) -> bool:
        """Open a case file; a malformed one is refused and the current case kept."""
        try:
            case = read_case_file(path)
        except OSError as exc:
            _dialogs().error(self, "Cannot open case", f"{path}:\n{exc.strerror or exc}")
            return False
        except CaseError as exc:
            _dialogs().error(self, "Cannot open case",
                          f"{path.name} is not a valid case file:\n{exc}\n\n"
                          "The current case is unchanged.")
            return False
        return self.load_case_dict(case.to_dict(), path)

    def save_case(self) -> bool:
        """Keep the case on the workstation (the case list), and in its file if it has
        one. With no usable case store, save it as a file instead."""
        case = self._complete_case()
        if case is None:
            return False
        kept = self._keep(case)
        if kept is False:
            return False
        if self.path is not None:
            return self._write(self.path, case)
        if kept is None:
            return self.save_case_as()
        self._set_modified(False)
        self.statusBar().showMessage("Saved in the case list", 5000)
        return True

    def _keep(self, case: Case) -> bool | None:
        if self.save_hook is None or self.renderer is None:
            return None
        return self.save_hook(case, self.renderer.result_for(case))

    def save_case_as(self) -> bool:
        case = self._complete_case()
        if case is None:
            return False
        label = self.questionnaire.answers.get("label") or "case"
        start = str(self.path) if self.path else f"{label}.json"
        name = _dialogs().ask_save_path(self, "Save case", start=start)
        if name is None:
            return False
        path = Path(name)
        if path.suffix == "":
            path = path.with_suffix(".json")
        if self._keep(case) is False:
            return False
        return self._write(path, case)

    def _complete_case(self) -> Case | None:
        """The case to save, or None after telling the user what is still missing."""
        answers = self.questionnaire.answers
        missing = q.missing(answers)
        if missing and q.scope_decision(answers) is None:
            # an answer given but refused (a label the reports cannot print) says why
            needed = [f.label if f.path not in answers
                      else f"{f.label} ({f.problem(answers.get(f.path))})" for f in missing]
            _dialogs().error(self, "Cannot save case", "The case is not complete yet. Still "
                          f"needed: {', '.join(needed)}.")
            return None
        try:
            return parse_case(q.case_dict(self.questionnaire.answers))
        except CaseError as exc:
            _dialogs().error(self, "Cannot save case",
                          f"The case is not complete yet:\n{exc}")
            return None

    def _write(self, path: Path, case: Case) -> bool:
        text = json.dumps(case.to_dict(), indent=2, ensure_ascii=False) + "\n"
        try:
            # a failed save never leaves a half-written case where the old one was
            atomic.write_text(path, text)
        except OSError as exc:
            _dialogs().error(self, "Cannot save case", f"{path}:\n{exc.strerror or exc}")
            return False
        self.path = path
        self._set_modified(False)
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def may_discard_changes(self) -> bool:
        """True when the current case may be replaced or the window closed: asks
        (save / discard / cancel) only when there are unsaved changes. Call it before
        load_case_dict when replacing the case from elsewhere (e.g. a case list)."""
        if not self.isWindowModified():
            return True
        answer: str = _dialogs().ask_save_discard_cancel(
            self, "Unsaved changes", "This case has unsaved changes. Save them first?")
        if answer == "save":
            return self.save_case()
        return answer == "discard"

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.may_discard_changes():
            event.accept()
        else:
            event.ignore()

    # --- dialogs ----------------------------------------------------------------

    def show_settings(self) -> None:
        from desktop.settings_dialog import SettingsDialog

        _dialogs().exec_dialog(SettingsDialog(self))

    def show_user_guide(self) -> None:
        """The user guide in a window of its own, beside the app (not modal)."""
        from desktop.help import UserGuideDialog

        if self._guide is None:
            self._guide = UserGuideDialog(self)
        self._guide.show()
        self._guide.activateWindow()  # a second time: brings the open guide forward

    def show_shortcuts(self) -> None:
        from desktop.help import ShortcutsDialog

        _dialogs().exec_dialog(ShortcutsDialog(self.menuBar().actions(), self))

    def show_changelog(self) -> None:
        from desktop.changelog_dialog import ChangelogDialog

        _dialogs().exec_dialog(ChangelogDialog(self.store, self.evidence_error, self))

    def show_about(self) -> None:
        from desktop.about_dialog import AboutDialog

        _dialogs().exec_dialog(AboutDialog(self.store, self.evidence_error, self))
