"""Frozen entry point: the ``hrher2-aid`` command inside the PyInstaller bundle.

Kept tiny so that the spec's Analysis starts from the same ``main`` as the console
script in pyproject.toml.
"""

import os
import sys

# The bundle lives under a read-only, package-owned folder (/opt/hrher2-aid); a run
# as root must not leave __pycache__ there, or purging the package leaves files behind.
sys.dont_write_bytecode = True

# The Linux bundle carries Qt's xcb platform plugin only (no Wayland client libraries).
# On a Wayland desktop Qt would first look for its wayland plugin and print a warning
# before falling back to xcb (XWayland); go straight to xcb when an X display exists.
if (sys.platform.startswith("linux") and "QT_QPA_PLATFORM" not in os.environ
        and os.environ.get("DISPLAY")):
    os.environ["QT_QPA_PLATFORM"] = "xcb"


def bundle_check() -> int:
    """Import every module of the app and its lazily used libraries, then exit.

    For CI (packaging/ci-deb.sh runs it with HRHER2_BUNDLE_CHECK=1): a module the bundle
    lacks would otherwise only fail when a clinician first uses that feature. Then a
    case is saved in a new case store in a temporary folder and read back (schema
    creation, row hash and audit chain included), and the bundled evidence pack is
    installed into a temporary machine folder (its check, the copy, the folder's lock).
    Opens no window; touches no user data.
    """
    import importlib
    import pkgutil

    count = 0
    for name in ("core", "desktop", "resources", "reportlab", "sqlite_utils", "platformdirs",
                 "filelock"):
        package = importlib.import_module(name)
        count += 1
        for info in pkgutil.walk_packages(getattr(package, "__path__", []), f"{name}."):
            if info.name.endswith("__main__") or ".tests" in info.name:
                continue  # __main__ would run the program
            if name in ("core", "desktop", "resources"):
                importlib.import_module(info.name)
                count += 1
    import tempfile
    from pathlib import Path

    from core.case import parse_case
    from core.casestore import CaseStore
    from core.evidence import load_evidence
    from core.evidence.install import current_installed, install
    from core.evidence.pack import bundled_pack
    from core.result import Renderer

    case = parse_case({"format": "hrher2-aid.case/1", "setting": "first_line",
                       "receptors": {"hr": "positive", "her2": "positive"},
                       "disease": {"visceral": True, "symptomatic": False}})
    with tempfile.TemporaryDirectory() as folder:
        store = CaseStore.open(Path(folder) / "cases.sqlite")
        case_id = store.save(case, Renderer(load_evidence()).result_for(case)).id
        stored = store.get(case_id)
        saved = stored.case_sha256 if stored.damaged is None else "damaged"
        store.close()
    if saved != case.sha256():
        print("bundle check FAILED: the saved case did not read back")
        return 1
    # The bundle holds no pack newer than its own, and install refuses one that is not
    # (the app would never use it). To run the whole install in the frozen app (verify,
    # lock, copy, state, log), the check installs the bundled pack as if the app had
    # bundled an older one (sequence 0).
    with tempfile.TemporaryDirectory() as folder:
        sequence = install(bundled_pack(), root=Path(folder), bundled=0).sequence
        now = current_installed(Path(folder))
    if now is None or now.sequence != sequence:
        print("bundle check FAILED: the bundled pack did not install")
        return 1
    print(f"bundle check OK: {count} modules imported, a case saved and read back, "
          f"evidence pack {sequence} installed")
    return 0


if os.environ.get("HRHER2_BUNDLE_CHECK") == "1":
    raise SystemExit(bundle_check())

from desktop.launcher import main  # noqa: E402 - the settings above must come first

if __name__ == "__main__":
    raise SystemExit(main())
