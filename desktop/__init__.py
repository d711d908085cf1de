"""The desktop application (PySide6 Qt Widgets). Views only: core/ decides.

``desktop.create_main_window`` is loaded lazily, so that importing this package (as
the console launcher does for command-line use) never loads Qt.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "create_main_window":
        from desktop.app import create_main_window

        return create_main_window
    raise AttributeError(f"module 'desktop' has no attribute {name!r}")
