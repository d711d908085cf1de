"""PyInstaller run-time hook: the app's Qt-free start-up modules load before Qt.

A spec's own run-time hooks run before PyInstaller's, and its PySide6 hook imports
QtCore. Once PySide6 is loaded, its ``__feature__`` import hook runs Python code for
every import statement and looks for the source of every module an import names: from
source, desktop.app loads these modules before PySide6 for that reason; in the bundle
it is done here (3 million instructions fewer at start-up, measured with Valgrind).
Only start-up time depends on it: a module missing here is loaded later, as before.
"""


def _load() -> None:
    import contextlib
    import importlib
    import os

    if os.environ.get("HRHER2_BUNDLE_CHECK") == "1":
        return  # (CI's bundle check imports everything itself, and opens no window)
    for name in ("core.console", "core.evidence.early", "core.questionnaire", "core.result",
                 "core.session", "desktop.launcher", "desktop.system_libraries"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


_load()
del _load
