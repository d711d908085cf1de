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

from desktop.launcher import main  # noqa: E402 - the settings above must come first

if __name__ == "__main__":
    raise SystemExit(main())
