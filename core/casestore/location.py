"""Where the case store lives, and whether that place can hold it.

The path is an explicit argument, else ``$HRHER2_AID_DATA_DIR/cases.sqlite``, else
``cases.sqlite`` in platformdirs' ``user_data_dir("hrher2-aid")``. A data folder
that cannot work gets one :class:`DataFolderError` naming the problem, before
anything is created:

>>> import os; os.environ[DATA_DIR_ENV] = "relative/dir"
>>> try:
...     default_path()
... except DataFolderError as exc:
...     print(str(exc).split(";")[0])
HRHER2_AID_DATA_DIR is 'relative/dir', a relative path
>>> del os.environ[DATA_DIR_ENV]
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Final

from core.casestore.errors import DataFolderError

STORE_FILENAME: Final = "cases.sqlite"
DATA_DIR_ENV: Final = "HRHER2_AID_DATA_DIR"
# Longest file name the store needs beside itself: "<name>.corrupt-<stamp>-<n>-wal".
_LONGEST_SUFFIX: Final = len(".corrupt-20261201T000000Z-99-wal")


def default_path() -> Path:
    """Where the store lives unless told otherwise (raises :class:`DataFolderError`)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        folder = Path(override)
        if not folder.is_absolute():
            raise DataFolderError(
                folder,
                f"{DATA_DIR_ENV} is {override!r}, a relative path; it would mean a different "
                f"folder depending on where the app is started (here: {folder.absolute()}). "
                "Set it to a full path; nothing was saved.")
        return folder / STORE_FILENAME
    from platformdirs import user_data_dir

    return Path(user_data_dir("hrher2-aid", appauthor=False)) / STORE_FILENAME


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # e.g. a name too long to look up
        return False


def _name_max(folder: Path) -> int:
    probe = folder
    while not _exists(probe) and probe != probe.parent:
        probe = probe.parent
    try:
        return int(os.pathconf(probe, "PC_NAME_MAX"))
    except (AttributeError, OSError, ValueError):  # Windows has no pathconf
        return 255


def _too_long(path: Path) -> DataFolderError:
    limit = _name_max(path.parent)
    longest = max(path.parts, key=len)
    return DataFolderError(
        path,
        f"The data folder {path.parent} cannot hold the case store: a name in it has "
        f"{len(longest)} characters and this system allows at most {limit} "
        f"(less the {_LONGEST_SUFFIX} the store needs for its own files). Choose a "
        "shorter folder; nothing was saved.")


def check_folder(path: Path) -> None:
    """Make sure the store's folder exists and is a folder; create it if needed.

    A folder that cannot be created because its parent is read-only is left to the
    caller (the store then opens read-only or says so); every other problem is a
    :class:`DataFolderError`.
    """
    folder = path.parent
    limit = _name_max(folder)
    if any(len(part.encode("utf-8", "surrogateescape")) > limit for part in folder.parts) or \
            len(path.name) + _LONGEST_SUFFIX > limit:
        raise _too_long(path)
    try:
        info = folder.stat()
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise DataFolderError(
            path, f"The data folder {folder} cannot be used: a part of it is a file, not a "
                  "folder. Choose another folder; nothing was saved.") from None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise _too_long(path) from None
        raise DataFolderError(path, f"The data folder {folder} cannot be used "
                                    f"({exc.strerror}); nothing was saved.") from None
    if info is not None:
        if not stat.S_ISDIR(info.st_mode):
            kind = "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) \
                else "a file"
            raise DataFolderError(
                path, f"The data folder {folder} is {kind}, not a folder, so the case store "
                      f"cannot be kept there. Choose a folder (check {DATA_DIR_ENV}); "
                      "nothing was saved.")
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise DataFolderError(
            path, f"The data folder {folder} cannot be used: a part of it is a file, not a "
                  "folder. Choose another folder; nothing was saved.") from None
    except PermissionError:
        return  # the caller reports a folder it cannot write
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise _too_long(path) from None
        if exc.errno in (errno.ENOTDIR, errno.EEXIST):
            raise DataFolderError(
                path, f"The data folder {folder} cannot be used: a part of it is a file, not "
                      "a folder. Choose another folder; nothing was saved.") from None
        if exc.errno == errno.EROFS:
            return
        raise DataFolderError(path, f"The data folder {folder} cannot be created "
                                    f"({exc.strerror}); nothing was saved.") from None
