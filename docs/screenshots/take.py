"""Retake the screenshots in this folder from the real window under Xvfb.

    python docs/screenshots/take.py          # starts its own Xvfb runs via xvfb-run

Needs xvfb (xvfb-run) and ImageMagick's ``import``. The window is driven to each
screen with real answers, then the X screen is captured (not Qt's offscreen
platform, so fonts, styles and rendering are what a clinic's X server shows).

Three runs, each on its own X screen:

* ``01``-``15``: 100 % on a 1300x840 screen (the window at its preferred size);
* ``20``-``22``: 100 %, the window at the smallest supported size, 900x600;
* ``30``-``34``: 200 % (``QT_SCALE_FACTOR=2``) on a 1600x1000 screen, i.e. 800x500
  logical pixels: every window is fitted to that screen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RUNS = {  # name: (X screen, Qt scale factor)
    "full": ("1300x840x24", "1"),
    "small": ("1300x840x24", "1"),
    "scaled": ("1600x1000x24", "2"),
}


def _reexec_under_xvfb() -> None:
    if not shutil.which("xvfb-run"):
        raise SystemExit("xvfb-run not found: apt-get install -y xvfb imagemagick")
    for run, (screen, scale) in RUNS.items():
        cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {screen}", sys.executable, __file__,
               "--inner", run]
        code = subprocess.call(cmd, cwd=ROOT, env={**os.environ, "QT_SCALE_FACTOR": scale})
        if code:
            raise SystemExit(code)
    raise SystemExit(0)


BASE = {"receptors.hr": "positive", "receptors.her2": "positive",
        "disease.visceral": False, "disease.symptomatic": False,
        "disease.visceral_crisis": False, "disease.rapidly_progressive": False,
        "menopausal_status": "postmenopausal", "planned_regimen": False,
        "label": "Case A"}
FIRST_LINE = {**BASE, "setting": "first_line", "chemotherapy.contraindicated": False,
              "chemotherapy.declined": False}
AFTER_INDUCTION = {
    **BASE, "setting": "after_induction", "label": "Case B",
    "chemotherapy.months_given": 3, "chemotherapy.maximal_response": False,
    "chemotherapy.unacceptable_toxicity": False,
    "her2_therapy.unacceptable_toxicity": False, "planned_regimen": True,
    "planned_regimen.chemotherapy": False, "planned_regimen.endocrine": True,
    "planned_regimen.her2_targeted": False, "menopausal_status": "unknown"}


def main() -> None:
    if "--inner" not in sys.argv:
        _reexec_under_xvfb()
    run = sys.argv[sys.argv.index("--inner") + 1]
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    sys.path.insert(0, str(ROOT))
    # Settings go to a throwaway folder: screenshots never touch the user's settings.
    settings_dir = tempfile.mkdtemp(prefix="hrher2-shots-")
    os.environ["HRHER2_AID_DATA_DIR"] = settings_dir  # and saved cases too
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop.app import _application

    app = _application()

    def settle() -> None:
        for _ in range(5):
            app.processEvents()
        subprocess.run(["sleep", "0.3"], check=True)
        app.processEvents()

    def shoot(widget: QWidget, name: str) -> None:
        settle()
        # frameGeometry is in logical pixels; the X screen in device pixels
        ratio = widget.devicePixelRatioF()
        g = widget.frameGeometry()
        w, h = round(g.width() * ratio), round(g.height() * ratio)
        x, y = round(g.x() * ratio), round(g.y() * ratio)
        out = HERE / f"{name}.png"
        subprocess.run(["import", "-window", "root", "-crop", f"{w}x{h}+{x}+{y}",
                        "+repage", str(out)], check=True)
        print(f"wrote {out.relative_to(ROOT)}")

    {"full": _full, "small": _small, "scaled": _scaled}[run](shoot, Path(settings_dir))
    shutil.rmtree(settings_dir, ignore_errors=True)
    QApplication.quit()


def _drive(window: Any, answers: dict[str, Any], steps: int) -> None:
    window.session.load(answers)
    for _ in range(steps):
        window.questionnaire.go_next()


def _dialog(dialog: Any, shoot: Callable[[Any, str], None], name: str) -> None:
    """A dialog as the app shows it: fitted to the screen (desktop.dialogs.exec_dialog)."""
    from desktop.window_state import fit_to_screen

    fit_to_screen(dialog)
    dialog.move(20, 20)
    fit_to_screen(dialog)
    dialog.show()
    shoot(dialog, name)
    dialog.close()


def _full(shoot: Callable[[Any, str], None], folder: Path) -> None:
    from desktop.about_dialog import AboutDialog
    from desktop.app import create_main_window
    from desktop.export import ExportDialog, suggested_names
    from desktop.help import ShortcutsDialog, UserGuideDialog
    from desktop.settings_dialog import SettingsDialog

    window = create_main_window()
    window.move(0, 0)
    window.show()
    shoot(window, "01_questionnaire_start")

    _drive(window, FIRST_LINE, 3)
    window.result_view.show_citation("chemo_her2", 1)
    shoot(window, "02_first_line_result")

    _drive(window, AFTER_INDUCTION, 6)
    shoot(window, "03_after_induction_warnings")

    window.session.load({"receptors.hr": "positive", "receptors.her2": "equivocal"})
    shoot(window, "04_out_of_scope")

    window.tabs.setCurrentIndex(1)
    window.evidence_browser.search.setText("pertuzumab")
    window.evidence_browser.run_search()
    shoot(window, "05_evidence_browser")
    window.tabs.setCurrentIndex(0)

    settings = SettingsDialog(window)
    settings.edits["report/clinician_name"].setText("Dr A. Example")
    settings.edits["report/institution"].setText("Example Oncology Clinic")
    _dialog(settings, shoot, "06_settings")

    _dialog(AboutDialog(window.store, None, window), shoot, "07_about")

    _shoot_records(window, shoot, folder)

    _drive(window, FIRST_LINE, 0)
    case, result = window.session.case(), window.session.result()
    summary, handout = suggested_names(case, result)
    exports = folder / "Documents"
    exports.mkdir()
    _dialog(ExportDialog(window, str(exports), summary, handout), shoot, "12_export")
    guide = UserGuideDialog(window)
    guide.resize(900, 720)
    _dialog(guide, shoot, "13_user_guide")
    _dialog(ShortcutsDialog(window.menuBar().actions(), window), shoot,
            "14_keyboard_shortcuts")

    # the plan against another answer: chemotherapy stopped for toxicity, then planned
    _drive(window, {**AFTER_INDUCTION, "label": "Case C",
                    "chemotherapy.unacceptable_toxicity": True,
                    "planned_regimen.chemotherapy": True, "planned_regimen.endocrine": False,
                    "planned_regimen.her2_targeted": True}, 6)
    browser = window.result_view.browser
    browser.find("Plan check")  # (scrolls it into view)
    cursor = browser.textCursor()
    cursor.clearSelection()
    browser.setTextCursor(cursor)
    shoot(window, "15_answer_check")

    from tests.conftest import copy_pack

    broken = copy_pack(folder / "broken-pack")
    data = broken.read_bytes()
    # One altered letter in a statement: the pack's hash and signature no longer match.
    broken.write_bytes(data.replace(b"first-line", b"first-lime", 1))
    window.setWindowModified(False)
    window.close()
    failing = create_main_window(evidence_path=broken)
    failing.move(0, 0)
    failing.show()
    shoot(failing, "08_evidence_error")
    failing.setWindowModified(False)
    failing.close()


def _small(shoot: Callable[[Any, str], None], folder: Path) -> None:
    """The smallest supported window, 900x600, at 100 %."""
    from desktop.app import create_main_window

    window = create_main_window()
    window.move(0, 0)
    window.resize(900, 600)
    window.show()
    _drive(window, AFTER_INDUCTION, 1)
    shoot(window, "20_small_900x600_question")
    _drive(window, AFTER_INDUCTION, 7)
    shoot(window, "21_small_900x600_warnings")
    window.result_view.show_warnings()
    caution = next(c for c in window.session.result().cautions if c.citations)
    window.result_view.show_citation(caution.id, caution.citations[0])
    shoot(window, "22_small_900x600_citation")
    window.setWindowModified(False)
    window.close()


def _scaled(shoot: Callable[[Any, str], None], folder: Path) -> None:
    """200 % on a 1600x1000 screen: 800x500 logical pixels for every window."""
    from desktop.app import create_main_window
    from desktop.case_list import CaseListDialog
    from desktop.export import ExportDialog, suggested_names
    from desktop.settings_dialog import SettingsDialog

    window = create_main_window()
    window.show()
    shoot(window, "30_scaled_200_start")
    _drive(window, AFTER_INDUCTION, 1)
    shoot(window, "31_scaled_200_question")
    _drive(window, AFTER_INDUCTION, 7)
    shoot(window, "32_scaled_200_warnings")
    from core.casestore import CaseStore

    store = CaseStore.open()
    case, result = window.session.case(), window.session.result()
    store.save(case, result)
    _dialog(CaseListDialog(store, window, renderer=window.renderer), shoot,
            "33_scaled_200_saved_cases")
    summary, handout = suggested_names(case, result)
    exports = folder / "Documents"
    exports.mkdir()
    _dialog(ExportDialog(window, str(exports), summary, handout), shoot,
            "34_scaled_200_export")
    _dialog(SettingsDialog(window), shoot, "35_scaled_200_settings")
    store.close()
    window.setWindowModified(False)
    window.close()


def _shoot_records(window: Any, shoot: Any, folder: Path) -> None:
    """The saved-cases list, a case saved under older evidence, and the audit log."""
    from core.case import parse_case
    from core.casestore import CaseStore
    from desktop.audit_view import AuditDialog
    from desktop.case_list import CaseListDialog
    from tests.conftest import build_older_evidence

    store = CaseStore.open()
    renderer = window.renderer
    base = {"format": "hrher2-aid.case/1", "menopausal_status": "postmenopausal",
            "receptors": {"hr": "positive", "her2": "positive"},
            "disease": {"visceral": True, "symptomatic": False}}
    cases = [
        {**base, "label": "Clinic 12 / A", "setting": "first_line"},
        {**base, "label": "Clinic 12 / B", "setting": "after_induction",
         "chemotherapy": {"months_given": 5, "maximal_response": False}},
        {**base, "label": "Clinic 14 / C", "setting": "progression",
         "endocrine_responsive": "yes"},
    ]
    ids = []
    for data in cases:
        case = parse_case(data)
        ids.append(store.save(case, renderer.result_for(case)).id)
    old = build_older_evidence(folder, "2026.06.1")
    old_case = parse_case({**base, "label": "Clinic 09 / D", "setting": "first_line"})
    old_id = store.save(old_case, old.result_for(old_case)).id
    store.record_export("2026-11-26T09:30:00Z", ["/home/clinic/summary-A.pdf",
                                                 "/home/clinic/handout-A.pdf"],
                        parse_case(cases[0]).sha256(), renderer.evidence.version,
                        case_id=ids[0], label="Clinic 12 / A")
    # B exported, then changed and saved again: the audit log says its export is out of date
    first_b = parse_case(cases[1])
    store.record_export("2026-11-27T14:05:00Z", ["/home/clinic/summary-B.pdf",
                                                 "/home/clinic/handout-B.pdf"],
                        first_b.sha256(), renderer.evidence.version,
                        case_id=ids[1], label="Clinic 12 / B")
    changed_b = parse_case({**cases[1], "chemotherapy": {"months_given": 6,
                                                         "maximal_response": True}})
    store.save(changed_b, renderer.result_for(changed_b), ids[1],
               revision=store.get(ids[1]).revision)

    dialog = CaseListDialog(store, window, renderer=renderer)
    dialog.move(40, 40)
    dialog.show()
    shoot(dialog, "09_saved_cases")
    dialog.reject()

    window.setWindowModified(False)  # no "unsaved changes?" question in a screenshot run
    window.records.open_saved(store.opened(old_id, renderer))
    shoot(window, "10_older_evidence_both_results")

    audit = AuditDialog(store, window)
    audit.move(40, 40)
    audit.show()
    shoot(audit, "11_audit_log")
    audit.close()
    window.setWindowModified(False)
    store.close()


if __name__ == "__main__":
    main()
