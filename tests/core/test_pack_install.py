"""Installing packs for the machine (clinic IT), all in a temporary machine folder:
install, newer install, refused downgrade, allowed downgrade recorded, rollback, and
which pack the app then uses."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core import cli
from core.evidence import PackError, keys, load_evidence
from core.evidence.install import (
    ENV_VAR,
    DowngradeRefused,
    InstallError,
    current_installed,
    install,
    installed,
    log_entries,
    machine_folder,
    rollback,
)
from core.evidence.pack import bundled_pack
from tests.conftest import ROOT
from tests.pack_support import (
    BUNDLED,
    NEWER_NAME,
    NEWER_SEQUENCE,
    SHIPPED_NAME,
    THROWAWAY,
    flip,
    newer_pack,
    trust,
)

OLD, NEW = BUNDLED.sequence, NEWER_SEQUENCE


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty machine folder; this process trusts the embedded keys and a throwaway one
    (standing in for the maintainers' key on newer packs)."""
    folder = tmp_path / "machine"
    monkeypatch.setenv(ENV_VAR, str(folder))
    trust(monkeypatch, *keys.embedded_keys(), THROWAWAY.public)
    return folder


def test_machine_folder_per_os(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert machine_folder() == Path("/var/lib/hrher2-aid/evidence")
    monkeypatch.setattr("sys.platform", "darwin")
    assert machine_folder() == Path("/Library/Application Support/hrher2-aid/evidence")
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setenv("PROGRAMDATA", "D:\\Data")
    assert machine_folder() == Path("D:\\Data") / "hrher2-aid" / "evidence"
    monkeypatch.setenv(ENV_VAR, "/elsewhere")
    assert machine_folder() == Path("/elsewhere")


def test_install_newer_downgrade_and_rollback(machine: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    # install: the shipped pack
    assert cli.main(["evidence", "install", str(bundled_pack())]) == 0
    assert "installed into" in capsys.readouterr().out
    first = current_installed()
    assert first is not None and first.sequence == OLD
    copied = machine / "packs" / SHIPPED_NAME
    assert sorted(p.name for p in copied.iterdir()) == [
        "evidence.manifest.json", "evidence.manifest.json.minisig", "evidence.sqlite"]
    assert stat.S_IMODE(copied.stat().st_mode) == 0o755  # readable by every user
    # not newer than the bundled one: the app keeps using the bundled pack
    assert load_evidence().pack.folder == bundled_pack()  # type: ignore[union-attr]

    # a newer pack: installed, current, and used by the app
    newer = newer_pack(tmp_path / "n4")
    assert cli.main(["evidence", "install", str(newer)]) == 0
    store = load_evidence()
    assert store.pack is not None and store.pack.sequence == NEW
    assert store.pack.folder == machine / "packs" / NEWER_NAME
    assert store.statements["et_her2"].text.startswith("NEWER WORDING.")

    # the same or an older sequence again: refused, exit 2, nothing changed
    state = (machine / "state.json").read_bytes()
    for again in (bundled_pack(), newer):
        assert cli.main(["evidence", "install", str(again)]) == 2
        err = capsys.readouterr().err
        assert f"is not newer than the installed sequence {NEW}" in err
        assert "--allow-downgrade" in err
    assert (machine / "state.json").read_bytes() == state
    with pytest.raises(DowngradeRefused):
        install(bundled_pack())

    # an allowed downgrade: installed, and recorded as one
    assert cli.main(["evidence", "install", "--allow-downgrade", str(bundled_pack())]) == 0
    assert current_installed().sequence == OLD  # type: ignore[union-attr]
    entries = log_entries()
    assert [e["action"] for e in entries] == ["install", "install", "downgrade"]
    assert entries[-1]["allow_downgrade"] is True and entries[-1]["sequence"] == OLD
    assert entries[-1]["replaced"]["sequence"] == NEW
    assert all(e["time"] and e["user"] for e in entries)

    # rollback: back to the newer pack, recorded, the pack left stays on disk
    assert cli.main(["evidence", "rollback"]) == 0
    assert f"rolled back from sequence {OLD}" in capsys.readouterr().out
    assert current_installed().sequence == NEW  # type: ignore[union-attr]
    assert log_entries()[-1]["action"] == "rollback"
    assert copied.is_dir()
    assert load_evidence().pack.sequence == NEW  # type: ignore[union-attr]

    # list: both packs, verified, the current one marked
    assert cli.main(["evidence", "list"]) == 0
    out = capsys.readouterr().out
    assert f"bundled: sequence {OLD}, {BUNDLED.version}" in out and "installed in" in out
    assert f"* {NEWER_NAME}: sequence {NEW}, 2099.1.1" in out
    assert f"  {SHIPPED_NAME}: sequence {OLD}" in out
    assert out.count("verified, signer key") == 2
    rows = {r.name: r for r in installed()}
    assert rows[NEWER_NAME].current and not rows[SHIPPED_NAME].current


def test_rollback_with_nothing_before_is_refused(machine: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["evidence", "rollback"]) == 1
    assert "nothing to roll back to" in capsys.readouterr().err
    install(bundled_pack())
    with pytest.raises(InstallError, match="one pack installed"):
        rollback()


def test_a_damaged_pack_is_not_installed(machine: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    newer = newer_pack(tmp_path / "n4")
    flip(newer / "evidence.sqlite", 5000)
    assert cli.main(["evidence", "install", str(newer)]) == 3
    assert "has been altered" in capsys.readouterr().err
    assert current_installed() is None
    assert not (machine / "packs").exists() or not any((machine / "packs").iterdir())
    assert log_entries() == []


def test_the_newest_valid_installed_pack_is_used(machine: Path, tmp_path: Path) -> None:
    """Two newer packs installed; the current one damaged later: the app uses the one
    installed before it (still newer than the bundled one) and says why."""
    install(newer_pack(tmp_path / "a", sequence=NEW))
    install(newer_pack(tmp_path / "b", sequence=NEW + 1, version="2099.1.2"))
    assert load_evidence().pack.sequence == NEW + 1  # type: ignore[union-attr]
    flip(machine / "packs" / f"{NEW + 1:06d}-2099.1.2" / "evidence.sqlite", 5000)
    store = load_evidence()
    assert store.pack is not None and store.pack.sequence == NEW
    assert store.notice is not None and "has been altered" in store.notice


def test_an_installed_pack_damaged_later_is_passed_over_with_a_notice(
        machine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    install(newer_pack(tmp_path / "n4"))
    flip(machine / "packs" / NEWER_NAME / "evidence.sqlite", 5000)
    store = load_evidence()
    assert store.pack is not None and store.pack.folder == bundled_pack()
    assert store.notice is not None and "installed pack was not used" in store.notice
    assert cli.main(["evidence", "verify"]) == 0
    assert "note: the installed pack was not used" in capsys.readouterr().out
    assert cli.main(["evidence", "list"]) == 0
    assert "FAILS ITS CHECK" in capsys.readouterr().out


def test_an_interrupted_copy_leaves_nothing_half_installed(
        machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy is verified in a hidden staging folder before it is renamed into place;
    a copy that breaks leaves the state and the packs folder as they were."""
    install(bundled_pack())
    newer = newer_pack(tmp_path / "n4")
    state = (machine / "state.json").read_bytes()
    import shutil

    real_copy = shutil.copyfile

    def broken_copy(src: str | os.PathLike[str], dst: str | os.PathLike[str],
                    **kwargs: object) -> object:
        result = real_copy(src, dst)
        if str(dst).endswith("evidence.sqlite"):
            Path(dst).write_bytes(Path(dst).read_bytes()[:1000])  # disk full, say
        return result

    monkeypatch.setattr(shutil, "copyfile", broken_copy)
    with pytest.raises(PackError):
        install(newer)
    assert (machine / "state.json").read_bytes() == state
    assert sorted(p.name for p in (machine / "packs").iterdir()) == [SHIPPED_NAME]


def test_a_damaged_state_file_is_reported(machine: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    machine.mkdir()
    (machine / "state.json").write_text("{not json")
    assert cli.main(["evidence", "install", str(bundled_pack())]) == 1
    assert "state.json cannot be read" in capsys.readouterr().err
    # the app itself ignores an unreadable install and uses the bundled pack
    assert load_evidence().pack.folder == bundled_pack()  # type: ignore[union-attr]


# One `evidence install` in a process of its own: trusts the throwaway key (argv[3]); with
# "hold", it stops just before writing the state until the file "release" appears; a
# process waiting for the folder's lock says so with the file "waiting".
INSTALLER = """
import sys, time
from pathlib import Path
root, pack, pub, role, flags = sys.argv[1:6]
sys.path.insert(0, sys.argv[6])
import filelock
from core.evidence import keys
from core.evidence import install as inst
from core.evidence.minisign import parse_public_key
trusted = parse_public_key(Path(pub).read_text())
keys.embedded_keys = lambda: (trusted,)
flags = Path(flags)
if role == "hold":
    write_state = inst._write_state
    def held(*args):
        (flags / "holding").touch()
        while not (flags / "release").exists():
            time.sleep(0.01)
        write_state(*args)
    inst._write_state = held
else:
    acquire = filelock.FileLock.acquire
    def waiting(self, *args, **kwargs):
        (flags / "waiting").touch()
        return acquire(self, *args, **kwargs)
    filelock.FileLock.acquire = waiting
try:
    print("installed", inst.install(Path(pack), root=Path(root)).sequence)
except inst.DowngradeRefused:
    print("refused")
"""


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def test_two_installs_at_once_neither_lose_one_nor_downgrade(tmp_path: Path) -> None:
    """Two processes install at the same moment: a newer pack (A, held just before it
    writes the state) and an older one (B). B waits for A's install to finish, then
    sees A's pack and refuses its own as a downgrade: nothing lost from the history, no
    downgrade nobody asked for, one install in the log."""
    newest = newer_pack(tmp_path / "a", sequence=NEW + 1, version="2099.1.2")
    older = newer_pack(tmp_path / "b", sequence=NEW)
    pub = tmp_path / "throwaway.pub"
    pub.write_text(THROWAWAY.public.to_text())
    root, flags = tmp_path / "machine", tmp_path / "flags"
    flags.mkdir()

    def start(pack: Path, role: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", INSTALLER, str(root), str(pack), str(pub), role,
             str(flags), str(ROOT)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)

    a = start(newest, "hold")
    b: subprocess.Popen[str] | None = None
    try:
        _wait_for((flags / "holding").exists, "A to hold the state")
        b = start(older, "go")
        # B reaches the lock (and waits there) or, without one, finishes on its own
        _wait_for(lambda: b.poll() is not None or (flags / "waiting").exists(), "B")
        time.sleep(0.2)
        (flags / "release").touch()
        out_a, err_a = a.communicate(timeout=60)
        out_b, err_b = b.communicate(timeout=60)
    finally:
        for proc in (a, b):
            if proc is not None and proc.poll() is None:
                proc.kill()
    assert a.returncode == 0 and b.returncode == 0, err_a + err_b
    assert out_a.split() == ["installed", str(NEW + 1)]
    assert out_b.split() == ["refused"]
    current = current_installed(root)
    assert current is not None and current.sequence == NEW + 1
    assert [e["action"] for e in log_entries(root)] == ["install"]


def test_an_install_kept_waiting_too_long_says_so_and_changes_nothing(
        machine: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from filelock import FileLock

    import core.evidence.install as inst

    machine.mkdir()
    monkeypatch.setattr(inst, "LOCK_WAIT", 0.2)
    with FileLock(machine / inst.LOCK_NAME):  # another install, still running
        assert cli.main(["evidence", "install", str(bundled_pack())]) == 1
        assert cli.main(["evidence", "rollback"]) == 1
    err = capsys.readouterr().err
    assert err.count("another install or rollback") == 2 and "nothing was changed" in err
    assert current_installed() is None and log_entries() == []
    assert cli.main(["evidence", "install", str(bundled_pack())]) == 0  # once it is done
