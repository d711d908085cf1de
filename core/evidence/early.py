"""The evidence check, started in a second process as the app starts.

Every start checks the evidence pack before anything is recommended
(:func:`core.evidence.pack.load_evidence`: signature, whole-file SHA-256, SQLite checks,
completeness). Run in the app's process, that check and what it loads (PyNaCl, SQLite)
come on top of loading Qt and building the window. So the launcher, as its first step,
starts a checker process that runs the very same check on another CPU while the app
loads Qt, and hands back its verdict through a pipe: the verified rows and the pack's
identity, or the check's error message. The window is made only once the verdict is
in: nothing is recommended before the check has passed.

The checker is this program (this interpreter on this source tree, or a fork of the
installed bundle), run by the same user: its verdict is the check's own. Without a
verdict (the checker could not start, was killed, or its answer was cut short) the app
runs the check itself. Where a second process is no help or not safe
(:func:`how_to_start`: Windows, a macOS bundle, a single usable CPU),
:meth:`EarlyCheck.start` returns ``None`` and the app checks in-process.

>>> EarlyCheck.start(None, allowed=False) is None
True
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

# (the app needs it for the verdict; imported here, before PySide6, it loads in a third
# of the time: see desktop.app)
from core.evidence.manifest import PackInfo, Release

if TYPE_CHECKING:
    from core.evidence.store import EvidenceStore

#: set in the checker's environment: the pack to check ("" for the one the app uses)
CHILD_ENV: Final = "HRHER2_AID_EVIDENCE_CHECKER"
#: the verdict's format (checker and app are the same program, but say so)
VERDICT: Final = "hrher2-aid.early-check/1"


def how_to_start() -> str | None:
    """How a checker is started here, if one helps: only with another CPU to run on.

    ``"spawn"``: this interpreter on this source tree, by ``posix_spawn`` (Linux,
    macOS), which is safe in any process and costs the app well under a millisecond.
    ``"fork"``: the installed (PyInstaller) bundle on Linux, forked as it starts, while
    it runs no thread but this one (a fork copies only the calling thread: a lock
    another thread held would never be released). The bundle is not run again as a
    checker: every start of it loads Qt (PyInstaller's PySide6 run-time hook, before
    any of the app's code), and the checker would then take longer than the check.
    ``None``: Windows (no fork, and starting a process is slow), macOS bundles (a fork
    after Qt has loaded Apple's frameworks is unsafe), a single usable CPU.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if cpus < 2:
        return None
    if not getattr(sys, "frozen", False):
        return "spawn" if hasattr(os, "posix_spawn") else None
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return None
    try:
        return "fork" if len(os.listdir("/proc/self/task")) == 1 else None
    except OSError:
        return None


def checker_command() -> list[str]:
    """This interpreter, run as the checker on this source tree."""
    root = str(Path(__file__).resolve().parents[2])
    # -P: not the current folder on the module path (a stray json.py there must not
    # stand in for the standard library's in the checker). os._exit once the verdict is
    # sent: the app reads until the pipe closes, and the interpreter's orderly shutdown
    # (13 ms measured, with nothing to flush or clean up) would only keep it waiting.
    return [sys.executable, "-P", "-c",
            f"import os, sys; sys.path.insert(0, {root!r}); "
            "from core.evidence.early import child_main; os._exit(child_main())"]


def verdict(path: str | None) -> bytes:
    """The check's verdict, as the checker sends it: ``(VERDICT, "ok", path, rows, pack,
    notice)`` or ``(VERDICT, "error", message)``, in :mod:`marshal` format (plain
    values only: the app rebuilds the named tuples)."""
    from core.evidence.errors import EvidenceError
    from core.evidence.pack import load_evidence

    try:
        store = load_evidence(Path(path) if path is not None else None)
    except EvidenceError as exc:
        return marshal.dumps((VERDICT, "error", str(exc)))
    pack = store.pack
    assert pack is not None  # load_evidence verified a pack
    plain_pack = (str(pack.folder), *pack[1:9], tuple(tuple(r) for r in pack.changelog),
                  pack.key_id)
    answer: Any = (VERDICT, "ok", str(store.path), store.content, plain_pack, store.notice)
    return marshal.dumps(answer)


def _send(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def child_main() -> int:
    """The spawned checker: check the pack named in :data:`CHILD_ENV`, write the verdict
    to standard output (the app's pipe). An app that has gone (it failed to start, or
    was closed) leaves nobody to answer: the checker then ends quietly."""
    with contextlib.suppress(BrokenPipeError):
        _send(1, verdict(os.environ.get(CHILD_ENV) or None))
    return 0


def _widen(pipe: int) -> None:
    """Room in the pipe for the whole verdict (about 80 KiB; Linux gives 64 KiB): the
    checker then writes it and ends while the app is still loading Qt, and the app reads
    it at once. In 64 KiB the checker waited for the app to read, and the app then
    waited for the checker to wake, write the rest and end: 1.9 ms of start-up. (Linux
    only: elsewhere the pipe stays as it is.)"""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 1 << 20)


class EarlyCheck:
    """A check running in the checker process; :meth:`result` waits for its verdict."""

    def __init__(self, pid: int, pipe: int, path: str | None) -> None:
        self._pid, self._pipe, self.path = pid, pipe, path

    @classmethod
    def start(cls, path: str | None, *, allowed: bool | None = None,
              how: str | None = None) -> EarlyCheck | None:
        """Start the checker for the pack at ``path`` (None: the one the app would use);
        None where it does not help or cannot start. ``allowed``, ``how``: the
        caller's say (else :func:`how_to_start` decides)."""
        if allowed is False or path == "":
            return None  # (an empty path is the in-process check's to refuse, as it names it)
        how = how or (how_to_start() if allowed is None else "spawn")
        if how not in ("spawn", "fork"):
            return None
        read_end, write_end = os.pipe()
        _widen(read_end)
        try:
            if how == "fork":
                pid = os.fork()
                if pid == 0:  # the checker: answer, and leave without the app's exit code
                    status = 1
                    try:
                        os.close(read_end)
                        _send(write_end, verdict(path))
                        status = 0
                    finally:
                        os._exit(status)
            else:
                command = checker_command()
                actions: list[tuple[int, ...]] = [(os.POSIX_SPAWN_DUP2, write_end, 1)]
                if read_end != 1:  # (with the app's stdout closed the pipe's read end is
                    # fd 1, which the dup2 has already replaced: closing it would close
                    # the checker's answer channel: hostile review H5)
                    actions.append((os.POSIX_SPAWN_CLOSE, read_end))
                pid = os.posix_spawn(command[0], command, {**os.environ, CHILD_ENV: path or ""},
                                     file_actions=actions)
        # (ValueError: posix_spawn refuses an environment the app was started with that
        # holds a variable with no name, as `env =x hrher2-aid` gives: checked in-process)
        except (OSError, ValueError):
            os.close(read_end)
            return None
        finally:
            os.close(write_end)
        return cls(pid, read_end, path)

    def _receive(self) -> Any:
        chunks = []
        try:
            while chunk := os.read(self._pipe, 1 << 16):
                chunks.append(chunk)
        finally:
            os.close(self._pipe)
            os.waitpid(self._pid, 0)
        try:
            answer = marshal.loads(b"".join(chunks))
        except (EOFError, ValueError, TypeError):
            return None
        return answer if isinstance(answer, tuple) and answer[:1] == (VERDICT,) else None

    def result(self) -> EvidenceStore:
        """The verified store, or the check's :class:`EvidenceError`. Without a verdict
        from the checker, the check runs here."""
        from core.evidence.errors import EvidenceError

        answer = self._receive()
        if answer is None:
            from core.evidence.pack import load_evidence

            return load_evidence(Path(self.path) if self.path is not None else None)
        if answer[1] == "error":
            raise EvidenceError(answer[2])
        return _rebuilt(*answer[2:])


def _rebuilt(path: str, rows: dict[str, Any], pack: tuple[Any, ...],
             notice: str | None) -> EvidenceStore:
    from core.evidence.store import EvidenceStore

    store = EvidenceStore(Path(path), rows)
    store.pack = PackInfo._make(
        [Path(pack[0]), *pack[1:9], tuple(Release(*r) for r in pack[9]), pack[10]])
    store.notice = notice
    return store
