"""Frozen entry point: the ``hrher2-aid`` command inside the PyInstaller bundle.

Kept tiny so that the spec's Analysis starts from the same ``main`` as the console
script in pyproject.toml.
"""

import sys

# The bundle lives under a read-only, package-owned folder (/opt/hrher2-aid); a run
# as root must not leave __pycache__ there, or purging the package leaves files behind.
sys.dont_write_bytecode = True

from desktop.launcher import main  # noqa: E402 - the flag must be set before imports

if __name__ == "__main__":
    raise SystemExit(main())
