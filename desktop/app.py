"""Start the desktop application (replaced by the full main window in issue 3)."""

from __future__ import annotations

import sys


def run(args: list[str]) -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("HR+/HER2+ decision aid")
    window.show()
    return app.exec()
