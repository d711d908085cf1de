"""The machine-wide evidence folder: where it is, what it holds, who may read it.

The folder (:func:`machine_folder`; ``HRHER2_AID_EVIDENCE_DIR`` overrides it)::

    packs/000004-2026.12.1/   one folder per installed pack (its three files), kept
    state.json                which packs were made current, in order (the last is used)
    install.log               one JSON line per install, downgrade and rollback
    .lock                     held by an install or rollback while it runs

This module reads and writes the folder's own files (the state, the log, the lock),
made readable by every user whatever the administrator's umask; installing and rolling
back packs is :mod:`core.evidence.install`'s.

>>> import tempfile
>>> history(Path(tempfile.mkdtemp()))
[]
"""

import errno
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from core.regular_file import read_regular_file

ENV_VAR: Final = "HRHER2_AID_EVIDENCE_DIR"


STATE_FORMAT: Final = "hrher2-aid.evidence-install/1"


STATE_NAME: Final = "state.json"


LOG_NAME: Final = "install.log"


LOCK_NAME: Final = ".lock"
#: how long an install or rollback waits for one already running (seconds)


#: how long an install or rollback waits for one already running (seconds)
LOCK_WAIT: Final = 120.0
#: an installed pack's folder: its sequence (6 digits) and its evidence version


#: an installed pack's folder: its sequence (6 digits) and its evidence version
PACK_NAME: Final = re.compile(r"\d{6,}-[0-9A-Za-z][0-9A-Za-z._+-]*")


def install_guide() -> str:
    """Where IT can read the install guide (docs/install.md) on this machine: installed
    apps carry it as resources/guide/install.md."""
    import resources

    here = Path(resources.__file__).parent
    for path in (here / "guide" / "install.md", here.parent / "docs" / "install.md"):
        if path.is_file():
            return str(path)
    return "docs/install.md"


def _state_help() -> str:
    return (" (the folders in packs/ are not changed by this: move state.json aside, then "
            f"install the pack to use again, which checks it again; {install_guide()})")


class InstallError(Exception):
    """The machine folder cannot be read or written, or its state is damaged."""


def machine_folder() -> Path:
    """Where installed packs live: the environment variable, else the OS's machine-wide
    data folder (Linux ``/var/lib``, Windows ``%ProgramData%``, macOS
    ``/Library/Application Support``)."""
    override = os.environ.get(ENV_VAR)
    if override:
        # A relative folder would be a different folder for each working directory:
        # IT would install into one, and the app, started elsewhere, never see it.
        if not Path(override).is_absolute():
            raise InstallError(f"{ENV_VAR} must name a folder by its full path "
                               f"(got '{override}')")
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("PROGRAMDATA") or r"C:\ProgramData")
        return base / "hrher2-aid" / "evidence"
    if sys.platform == "darwin":
        return Path("/Library/Application Support/hrher2-aid/evidence")
    return Path("/var/lib/hrher2-aid/evidence")


def history(root: Path) -> list[str]:
    """The packs made current, oldest first (``state.json``); [] when none is. Raises
    :class:`InstallError`, with recovery steps, for a state that cannot be used."""
    try:
        # only a regular file (a named pipe would keep every start of the app waiting)
        raw = json.loads(read_regular_file(root / STATE_NAME, 1 << 20).decode("utf-8"))
    except FileNotFoundError:
        return []
    except PermissionError as exc:
        # not damage: moving it aside would not help (its folder's permissions, or the
        # umask it was made under, keep this user out)
        raise InstallError(f"{root / STATE_NAME} cannot be read: {exc.strerror or exc} "
                           "(an administrator can make it and its folder readable by "
                           f"every user: {install_guide()})") from None
    except (OSError, ValueError, RecursionError) as exc:  # (nested too deep: review B, M3)
        reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
        raise InstallError(f"{root / STATE_NAME} cannot be read: {reason}{_state_help()}") \
            from None
    if not isinstance(raw, dict) or raw.get("format") != STATE_FORMAT \
            or not isinstance(raw.get("history"), list):
        raise InstallError(f"{root / STATE_NAME} is not an install state ({STATE_FORMAT})"
                           f"{_state_help()}")
    for name in raw["history"]:
        # only folders of packs/ (never "..", a path, or another folder)
        if not isinstance(name, str) or not PACK_NAME.fullmatch(name):
            raise InstallError(f"{root / STATE_NAME} is not an install state: {name!r} "
                               f"is not the name of an installed pack{_state_help()}")
    return list(raw["history"])


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def _account() -> str:
    """The account the command runs as: on POSIX the effective user's name, not the
    USER or LOGNAME a shell passed on (after a plain ``su`` they still name the admin
    while the command runs as root: install review, finding 4)."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, AttributeError):  # Windows: the signed-in user
        import getpass

        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown"
    except KeyError:  # a uid with no account name
        return f"uid {os.geteuid()}"


def record(root: Path, entry: dict[str, Any]) -> None:
    """Append one line to the install log (opened for appending: never rewritten).
    Under sudo the user is root; who ran sudo is recorded beside it."""
    user = _account()
    who: dict[str, Any] = {"user": user}
    if os.environ.get("SUDO_USER") and os.environ["SUDO_USER"] != user:
        who["sudo_user"] = os.environ["SUDO_USER"]
    line = json.dumps({"time": _now(), **who, **entry}, ensure_ascii=False)
    new = not (root / LOG_NAME).exists()
    with open(root / LOG_NAME, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    if new:
        _readable_by_all(root / LOG_NAME, 0o644)


def make_shared_folder(folder: Path) -> None:
    """Make ``folder`` and the missing folders above it readable by every user, whatever
    the umask: under a hardened host's umask (027, 077) they would be root's alone, and
    every clinician's app would quietly fall back to the bundled pack. A folder that
    exists keeps its permissions (IT may have chosen them). Raises OSError."""
    missing = []
    level = folder
    while not level.exists() and level.parent != level:
        missing.append(level)
        level = level.parent
    folder.mkdir(parents=True, exist_ok=True)
    for made in reversed(missing):
        _readable_by_all(made, 0o755)


def _readable_by_all(path: Path, mode: int) -> None:
    if os.name == "posix":  # (Windows: the folder's inherited permissions decide)
        os.chmod(path, mode)


def os_problem(exc: OSError) -> str:
    """An OSError for a message; only a refused permission is an administrator's job."""
    text = exc.strerror or str(exc)
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return f"{text} (this needs an administrator)"
    return text


@contextmanager
def one_at_a_time(root: Path, doing: str, on_wait: Callable[[], None] | None = None
                   ) -> Iterator[None]:
    """Hold the machine folder's lock (waiting up to :data:`LOCK_WAIT` for another
    install or rollback to finish, after calling ``on_wait`` to say so) while the state
    is read, decided on and written."""
    from filelock import FileLock, Timeout

    try:
        make_shared_folder(root)
        lock = FileLock(root / LOCK_NAME, timeout=LOCK_WAIT, mode=0o644)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait is not None:
                on_wait()
            lock.acquire()
    except Timeout:
        raise InstallError(f"cannot {doing} now: another install or rollback in {root} "
                           f"has not finished after {LOCK_WAIT:.0f} s; nothing was "
                           "changed") from None
    except OSError as exc:
        raise InstallError(f"cannot {doing} in {root}: {os_problem(exc)}") from None
    try:
        yield
    finally:
        lock.release()


def write_state(root: Path, history: list[str]) -> None:
    from core import atomic

    data = json.dumps({"format": STATE_FORMAT, "history": history}, indent=2) + "\n"
    atomic.write_text(root / STATE_NAME, data, mode=0o644)  # read by every user's app


def log_entries(root: Path | None = None) -> list[dict[str, Any]]:
    """The install log, oldest first."""
    root = root or machine_folder()
    try:
        lines = (root / LOG_NAME).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise InstallError(f"{root / LOG_NAME} cannot be read: {exc.strerror}") from None
    return [json.loads(line) for line in lines if line.strip()]


__all__ = ["ENV_VAR", "LOCK_NAME", "LOCK_WAIT", "LOG_NAME", "PACK_NAME", "STATE_FORMAT",
           "STATE_NAME", "InstallError", "history", "install_guide", "log_entries",
           "machine_folder", "make_shared_folder", "one_at_a_time", "os_problem", "record",
           "write_state"]
