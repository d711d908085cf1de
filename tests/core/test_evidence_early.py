"""The evidence check in a checker process (core.evidence.early): the same verdict as the
check in the app's own process, and the app's own check whenever no verdict comes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core.evidence import EvidenceError, EvidenceStore, load_evidence
from core.evidence import early as early_module
from core.evidence.early import EarlyCheck
from tests.conftest import copy_pack


def _checked_here(path: Path | None) -> EvidenceStore | str:
    try:
        return load_evidence(path)
    except EvidenceError as exc:
        return str(exc)


def _checked_by_checker(path: Path | None) -> EvidenceStore | str:
    check = EarlyCheck.start(str(path) if path is not None else None, allowed=True)
    assert check is not None
    try:
        return check.result()
    except EvidenceError as exc:
        return str(exc)


def _same_store(a: EvidenceStore, b: EvidenceStore) -> None:
    assert (a.path, a.version, a.sha256, a.sources_through, a.title) == \
        (b.path, b.version, b.sha256, b.sources_through, b.title)
    assert a.statements == b.statements and a.references == b.references
    assert a.figures == b.figures and a.changelog == b.changelog
    assert a.pack == b.pack and a.notice == b.notice
    assert a.search_plan("herceptin") == b.search_plan("herceptin")


def test_the_checker_gives_the_store_the_app_would_check_itself(
        monkeypatch: pytest.MonkeyPatch) -> None:
    expected = load_evidence()
    # The verdict must come from the checker: the check here is made to fail.
    import core.evidence.pack

    monkeypatch.setattr(core.evidence.pack, "load_evidence",
                        lambda *a, **k: pytest.fail("checked in the app's process"))
    store = _checked_by_checker(None)
    assert isinstance(store, EvidenceStore)
    _same_store(store, expected)
    assert store.pack is not None and store.pack.key_id == expected.pack.key_id  # type: ignore[union-attr]


def test_the_checker_checks_the_pack_it_is_given(tmp_path: Path) -> None:
    path = copy_pack(tmp_path / "pack")
    store = _checked_by_checker(path)
    assert isinstance(store, EvidenceStore) and store.path == path
    _same_store(store, load_evidence(path))


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) - 100] ^= 0x01  # free space near the end: only the file hash sees it
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["flipped", "unsigned", "truncated", "missing"])
def test_a_pack_failing_its_check_gets_the_same_refusal_from_the_checker(
        tmp_path: Path, damage: str) -> None:
    path = copy_pack(tmp_path / damage)
    if damage == "flipped":
        _flip_a_byte(path)
    elif damage == "unsigned":
        (path.parent / "evidence.manifest.json.minisig").unlink()
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:4096])
    else:
        path.unlink()
    here = _checked_here(path)
    assert isinstance(here, str)
    assert _checked_by_checker(path) == here


@pytest.mark.parametrize("checker", [
    "import os; os._exit(9)",                          # killed before it answered
    "import sys; sys.stdout.write('not a verdict')",  # an answer that is not a verdict
    "import marshal, sys; sys.stdout.buffer.write(marshal.dumps(('other/1', 'ok')))",
])
def test_without_a_verdict_the_app_checks_the_pack_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checker: str) -> None:
    monkeypatch.setattr(early_module, "checker_command",
                        lambda: [sys.executable, "-c", checker])
    good = _checked_by_checker(None)
    assert isinstance(good, EvidenceStore)
    _same_store(good, load_evidence())
    altered = copy_pack(tmp_path / "altered")
    _flip_a_byte(altered)
    refusal = _checked_by_checker(altered)
    assert isinstance(refusal, str) and refusal == _checked_here(altered)


def test_a_checker_that_cannot_start_leaves_the_check_to_the_app(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(early_module, "checker_command", lambda: [str(tmp_path / "nothing")])
    assert EarlyCheck.start(None, allowed=True) is None


def test_an_environment_posix_spawn_refuses_leaves_the_check_to_the_app(
        tmp_path: Path) -> None:
    """Started with a variable that has no name in its environment (``env =x
    hrher2-aid``), the app went down with a traceback: posix_spawn raised ValueError
    ("illegal environment variable name"). The app checks in-process instead; a real
    process, the command line and the window's self-test."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    for args in (["evidence", "verify"], ["--self-test"]):
        done = subprocess.run(["env", "=x", sys.executable, "-m", "desktop", *args],
                              capture_output=True, text=True, env=env, timeout=120,
                              cwd=Path(__file__).resolve().parents[2])
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr


def test_no_checker_where_it_is_no_help(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second process helps only with a second CPU to run on; Windows has neither
    fork nor posix_spawn (and starting a process there is slow); the installed bundle
    is forked (run again, it would load Qt before any of the app's code), on Linux
    only, and only while it runs a single thread."""
    assert EarlyCheck.start(None, allowed=False) is None
    assert EarlyCheck.start("", allowed=True) is None  # --evidence="": refused in-process
    monkeypatch.setattr(early_module.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert early_module.how_to_start() == "spawn"
    monkeypatch.setattr(early_module.sys, "frozen", True, raising=False)
    monkeypatch.setattr(early_module.sys, "platform", "linux")
    monkeypatch.setattr(early_module.os, "listdir", lambda path: ["1"])
    assert early_module.how_to_start() == "fork"
    monkeypatch.setattr(early_module.os, "listdir", lambda path: ["1", "2"])
    assert early_module.how_to_start() is None  # another thread runs
    monkeypatch.setattr(early_module.sys, "platform", "darwin")
    assert early_module.how_to_start() is None
    monkeypatch.setattr(early_module.sys, "frozen", False)
    monkeypatch.delattr(early_module.os, "posix_spawn")
    assert early_module.how_to_start() is None
    monkeypatch.setattr(early_module.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert early_module.how_to_start() is None
    assert EarlyCheck.start(None) is None


FORKED = """
import sys
from core.evidence.early import EarlyCheck
from core.evidence import EvidenceError, load_evidence
path = sys.argv[1] or None
check = EarlyCheck.start(path, how="fork")
assert check is not None
try:
    store = check.result()
except EvidenceError as exc:
    print("refused", exc)
else:
    here = load_evidence(path)
    print("ok", store.statements == here.statements and store.pack == here.pack
          and store.version == here.version)
"""


def test_a_forked_checker_gives_the_same_verdict(tmp_path: Path) -> None:
    """The installed bundle's way (run in a fresh single-threaded process, as the
    bundle is when the launcher forks)."""
    import os
    import subprocess

    root = Path(__file__).resolve().parents[2]
    altered = copy_pack(tmp_path / "altered")
    _flip_a_byte(altered)
    answers = []
    for path in ("", str(altered)):
        done = subprocess.run([sys.executable, "-c", FORKED, path], cwd=root, env=dict(os.environ),
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        answers.append(done.stdout.strip())
    assert answers[0] == "ok True"
    assert answers[1] == f"refused {_checked_here(altered)}"


def test_a_checker_whose_app_has_gone_ends_quietly() -> None:
    """An app that failed after starting its checker (or was closed) leaves the checker
    a closed pipe: it ends without a traceback on the app's terminal."""
    import os
    import subprocess

    command = early_module.checker_command()
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read the verdict
    done = subprocess.run(command, stdout=write_end, stderr=subprocess.PIPE, text=True,
                          env={**os.environ, early_module.CHILD_ENV: ""}, timeout=60)
    os.close(write_end)
    assert done.returncode == 0 and done.stderr == ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are set on Linux")
def test_the_checker_ends_before_the_app_reads_its_verdict() -> None:
    """The verdict (about 80 KiB) fits in the pipe, so the checker writes it and ends
    while the app is still loading Qt; in a 64 KiB pipe it waited for the app to read,
    and the app then waited for it to write the rest and end."""
    import os
    import time

    check = EarlyCheck.start(None, allowed=True)
    assert check is not None
    exited = None
    deadline = time.monotonic() + 60
    while exited is None and time.monotonic() < deadline:
        # WNOWAIT: seen to have ended, still there for result() to wait for
        exited = os.waitid(os.P_PID, check._pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        time.sleep(0.01)
    assert exited is not None, "the checker did not end until its verdict was read"
    assert exited.si_status == 0
    assert isinstance(check.result(), EvidenceStore)
