"""Before Qt loads: can the window open on this X display? Qt-free, and cheap.

On a minimal Debian, Qt's xcb plugin fails to load when a library it links to is
missing, and Qt then aborts (exit 134) naming ``libxcb-cursor0`` whatever library is
really missing. :func:`window_problem` finds the missing ones first and says, in one
line, which they are and how to install them::

    >>> window_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux")  # no screen needed
    >>> print(window_problem({"DISPLAY": ":0"}, "linux", cache=b""))  # doctest: +ELLIPSIS
    the window cannot open: Qt's X11 (xcb) plugin needs libEGL.so.1, ... sudo apt install ...

Where a library is looked for: the dynamic linker's cache (``/etc/ld.so.cache``, which
``ldconfig`` rebuilds whenever a package installs a library), ``LD_LIBRARY_PATH`` and
the application's own folder. A system without that cache (not glibc-based) is not
checked: Qt's own message is all there is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

LD_CACHE = Path("/etc/ld.so.cache")

#: What Qt's xcb platform plugin (and QtGui under it) links to and the Debian packages
#: that provide it. ``tests/desktop/test_system_libraries.py`` checks this table against
#: the plugin's own DT_NEEDED entries and against packaging/deb/depends.txt.
XCB_LIBRARIES: dict[str, str] = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
}


def uses_xcb(env: Mapping[str, str]) -> bool:
    """Whether Qt will open its window through the xcb plugin (X11 or XWayland)."""
    platform = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if platform:
        return platform == "xcb"
    # Unset: Qt tries Wayland first on a Wayland session, else xcb.
    return not env.get("WAYLAND_DISPLAY")


def missing_libraries(cache: bytes, folders: Iterable[Path],
                      sonames: Iterable[str] = XCB_LIBRARIES) -> list[str]:
    """The sonames found neither in the linker cache's bytes nor in ``folders``.

    >>> missing_libraries(b"\\0libxcb.so.1\\0/usr/lib/libxcb.so.1\\0", [],
    ...                   ["libxcb.so.1", "libxcb-xkb.so.1"])
    ['libxcb-xkb.so.1']
    """
    folders = list(folders)
    missing = []
    for soname in sonames:
        # The cache's string table holds each soname NUL-terminated, and its path.
        if f"/{soname}\0".encode() in cache or f"\0{soname}\0".encode() in cache:
            continue
        if any((folder / soname).exists() for folder in folders):
            continue
        missing.append(soname)
    return missing


def _own_folders(env: Mapping[str, str]) -> list[Path]:
    folders = [Path(p) for p in env.get("LD_LIBRARY_PATH", "").split(":") if p]
    bundle = getattr(sys, "_MEIPASS", None)  # a PyInstaller bundle carries some libraries
    if bundle:
        folders.append(Path(bundle))
    return folders


def window_problem(env: Mapping[str, str] | None = None, platform: str | None = None,
                   cache: bytes | None = None) -> str | None:
    """Why the window cannot open here, in one line; None when nothing stands in its way
    (or when it cannot be told: not Linux, not xcb, no linker cache)."""
    env = os.environ if env is None else env
    if not (platform or sys.platform).startswith("linux") or not uses_xcb(env):
        return None
    if not env.get("DISPLAY"):
        return ("no X display to open the window on (DISPLAY is not set); to check the "
                "installation without a screen: QT_QPA_PLATFORM=offscreen hrher2-aid "
                "--self-test")
    if cache is None:
        try:
            cache = LD_CACHE.read_bytes()
        except OSError:
            return None
    missing = missing_libraries(cache, _own_folders(env))
    if not missing:
        return None
    packages = sorted({XCB_LIBRARIES[m] for m in missing})
    return (f"the window cannot open: Qt's X11 (xcb) plugin needs {', '.join(missing)}, "
            f"which this system lacks; install them with: sudo apt install "
            f"{' '.join(packages)}")
