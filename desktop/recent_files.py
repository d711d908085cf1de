"""Case files opened or saved lately, for File ▸ Open recent.

The case list keeps complete cases only: a draft (a case not yet complete, saved as a
file) was listed nowhere, so an interrupted case was easy to lose track of (review C,
M6). The files this user opened or saved last are kept in the settings file, newest
first, drafts among them. Only their paths are kept; what a file holds is read when it
is opened, as for any case file.

Stored as one JSON text: QSettings' INI lists read back as a single text when they hold
one item, and as nothing when empty.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Final

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from desktop import settings

KEY: Final = "state/recent_case_files"
#: how many are kept
LIMIT: Final = 8


def load() -> list[Path]:
    """The paths kept, newest first (files since moved or deleted among them: the menu
    shows what is there when it opens). Nothing when the settings file cannot be used
    or holds something else under the key."""
    qs = settings.store()
    if qs is None:
        return []
    try:
        value = json.loads(str(qs.value(KEY, "[]")))
    except (ValueError, RecursionError):
        return []
    if not isinstance(value, list):
        return []
    return [Path(p) for p in value if isinstance(p, str) and p][:LIMIT]


def _store(paths: list[Path]) -> None:
    qs = settings.store()
    if qs is None:
        return  # a settings file that cannot be used (settings.problem): not kept
    qs.setValue(KEY, json.dumps([str(p) for p in paths[:LIMIT]], ensure_ascii=False))
    qs.sync()


def _same(a: Path, b: Path) -> bool:
    return a == b or a.resolve() == b.resolve()


def remember(path: Path) -> None:
    """``path`` first in the list (once), the oldest dropped beyond :data:`LIMIT`."""
    path = path.absolute()
    _store([path, *(p for p in load() if not _same(p, path))])


def forget(path: Path | None = None) -> None:
    """Take ``path`` off the list (a file no longer there); None: clear the list."""
    _store([] if path is None else [p for p in load() if not _same(p, path)])


def fill_menu(menu: QMenu, open_path: Callable[[Path], object],
              status: Callable[[str], object]) -> None:
    """File ▸ Open recent as the files are now (filled each time it opens): the ones
    still there, newest first, each with its full path as a tip, then a way to clear
    the list; ``open_path`` opens one, ``status`` says what was done."""
    menu.clear()
    paths = [p for p in load() if p.is_file()]
    for n, path in enumerate(paths, 1):
        action = QAction(menu)
        # (its number is its Alt+key; an & in a file name is shown as it is)
        action.setText(f"&{n} {path.name.replace('&', '&&')}")
        action.setStatusTip(str(path))
        action.setToolTip(str(path))
        action.triggered.connect(lambda _checked=False, p=path: open_path(p))
        menu.addAction(action)
    if not paths:
        menu.addAction("No case files opened or saved yet").setEnabled(False)
        return
    menu.addSeparator()

    def clear() -> None:
        forget()
        status("The list of recent case files is cleared (the files themselves are kept)")

    menu.addAction("Clear this list").triggered.connect(lambda _checked=False: clear())
