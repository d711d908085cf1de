"""Retake the screenshots in this folder from the real window under Xvfb.

    python docs/screenshots/take.py          # starts its own Xvfb via xvfb-run

Needs xvfb (xvfb-run) and ImageMagick's ``import``. The window is driven to each
screen with real answers, then the X screen is captured (not Qt's offscreen
platform, so fonts, styles and rendering are what a clinic's X server shows).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCREEN = "1300x840x24"


def _reexec_under_xvfb() -> None:
    if not shutil.which("xvfb-run"):
        raise SystemExit("xvfb-run not found: apt-get install -y xvfb imagemagick")
    cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {SCREEN}", sys.executable, __file__, "--inner"]
    raise SystemExit(subprocess.call(cmd, cwd=ROOT))


def main() -> None:
    if "--inner" not in sys.argv:
        _reexec_under_xvfb()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    sys.path.insert(0, str(ROOT))
    # Settings go to a throwaway folder: screenshots never touch the user's settings.
    settings_dir = tempfile.mkdtemp(prefix="hrher2-shots-")
    os.environ["HRHER2_AID_DATA_DIR"] = settings_dir  # and saved cases too
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop.about_dialog import AboutDialog
    from desktop.app import _application, create_main_window
    from desktop.settings_dialog import SettingsDialog

    app = _application()

    def settle() -> None:
        for _ in range(5):
            app.processEvents()
        subprocess.run(["sleep", "0.3"], check=True)
        app.processEvents()

    def shoot(widget: QWidget, name: str) -> None:
        settle()
        g = widget.frameGeometry()
        out = HERE / f"{name}.png"
        subprocess.run(["import", "-window", "root", "-crop",
                        f"{g.width()}x{g.height()}+{g.x()}+{g.y()}", "+repage", str(out)],
                       check=True)
        print(f"wrote {out.relative_to(ROOT)}")

    window = create_main_window()
    window.move(0, 0)
    window.show()
    shoot(window, "01_questionnaire_start")

    base = {"receptors.hr": "positive", "receptors.her2": "positive",
            "disease.visceral": False, "disease.symptomatic": False,
            "disease.visceral_crisis": False, "disease.rapidly_progressive": False,
            "menopausal_status": "postmenopausal", "planned_regimen": False,
            "label": "Case A"}
    window.questionnaire.set_answers({**base, "setting": "first_line",
                                      "chemotherapy.contraindicated": False,
                                      "chemotherapy.declined": False})
    for _ in range(3):
        window.questionnaire.go_next()
    window.result_view.show_citation("chemo_her2", 4)
    shoot(window, "02_first_line_result")

    window.questionnaire.set_answers({
        **base, "setting": "after_induction", "label": "Case B",
        "chemotherapy.months_given": 3, "chemotherapy.maximal_response": False,
        "chemotherapy.unacceptable_toxicity": False,
        "her2_therapy.unacceptable_toxicity": False, "planned_regimen": True,
        "planned_regimen.chemotherapy": False, "planned_regimen.endocrine": True,
        "planned_regimen.her2_targeted": False, "menopausal_status": "unknown"})
    for _ in range(6):
        window.questionnaire.go_next()
    shoot(window, "03_after_induction_warnings")

    window.questionnaire.set_answers({"receptors.hr": "positive", "receptors.her2": "equivocal"})
    shoot(window, "04_out_of_scope")

    window.tabs.setCurrentIndex(1)
    window.evidence_browser.search.setText("pertuzumab")
    window.evidence_browser.run_search()
    shoot(window, "05_evidence_browser")
    window.tabs.setCurrentIndex(0)

    settings = SettingsDialog(window)
    settings.edits["report/clinician_name"].setText("Dr A. Example")
    settings.edits["report/institution"].setText("Example Oncology Clinic")
    settings.move(40, 40)
    settings.show()
    shoot(settings, "06_settings")
    settings.reject()

    about = AboutDialog(window.store, None, window)
    about.move(40, 40)
    about.show()
    shoot(about, "07_about")
    about.close()

    _shoot_records(window, shoot, Path(settings_dir))

    broken = Path(settings_dir) / "broken.sqlite"
    data = (ROOT / "resources" / "evidence.sqlite").read_bytes()
    # One altered letter in a statement: the store's content hash no longer matches.
    broken.write_bytes(data.replace(b"preferred first-line", b"preferred first-lime", 1))
    window.setWindowModified(False)
    window.close()
    failing = create_main_window(evidence_path=broken)
    failing.move(0, 0)
    failing.show()
    shoot(failing, "08_evidence_error")
    failing.setWindowModified(False)
    failing.close()
    shutil.rmtree(settings_dir, ignore_errors=True)
    QApplication.quit()


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
    for data in cases:
        case = parse_case(data)
        store.save(case, renderer.result_for(case))
    old = build_older_evidence(folder, "2026.06.1")
    old_case = parse_case({**base, "label": "Clinic 09 / D", "setting": "first_line"})
    old_id = store.save(old_case, old.result_for(old_case)).id
    store.record_export("2026-11-26T09:30:00Z", ["/home/clinic/summary-A.pdf",
                                                 "/home/clinic/handout-A.pdf"],
                        parse_case(cases[0]).sha256(), renderer.evidence.version)

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
