"""Installing packs for the machine (clinic IT), all in a temporary machine folder:
install, newer install, refused downgrade, allowed downgrade recorded, rollback, and
which pack the app then uses."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core import cli
from core.evidence import PackError, keys, load_evidence
from core.evidence import pack as pack_module
from core.evidence.install import (
    ENV_VAR,
    DowngradeRefused,
    InstallError,
    _verified,
    current_installed,
    install,
    installed,
    installed_in_order,
    log_entries,
    machine_folder,
    rollback,
)
from core.evidence.pack import bundled_pack
from tests.conftest import ROOT, copy_pack
from tests.pack_support import (
    BUNDLED,
    NEWER_NAME,
    NEWER_SEQUENCE,
    THROWAWAY,
    build_pack,
    edited_sources,
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
    key_id = THROWAWAY.public.key_id_hex
    # install: a pack newer than the bundled one, installed, current and used
    first = newer_pack(tmp_path / "a", sequence=NEW)
    assert cli.main(["evidence", "install", str(first)]) == 0
    assert "installed into" in capsys.readouterr().out
    assert current_installed().sequence == NEW  # type: ignore[union-attr]
    copied = machine / "packs" / NEWER_NAME
    assert sorted(p.name for p in copied.iterdir()) == [
        "evidence.manifest.json", "evidence.manifest.json.minisig", "evidence.sqlite"]
    assert stat.S_IMODE(copied.stat().st_mode) == 0o755  # readable by every user
    store = load_evidence()
    assert store.pack is not None and store.pack.folder == copied
    assert store.statements["et_her2"].text.startswith("NEWER WORDING.")

    # a newer pack again: installed, current, used by the app
    second = newer_pack(tmp_path / "b", sequence=NEW + 1, version="2099.1.2")
    second_name = f"{NEW + 1:06d}-2099.1.2"
    assert cli.main(["evidence", "install", str(second)]) == 0
    assert load_evidence().pack.sequence == NEW + 1  # type: ignore[union-attr]

    # an older sequence: refused, exit 2, nothing changed
    state = (machine / "state.json").read_bytes()
    assert cli.main(["evidence", "install", str(first)]) == 2
    err = capsys.readouterr().err
    assert f"is not newer than the installed sequence {NEW + 1}" in err
    assert "--allow-downgrade" in err
    assert (machine / "state.json").read_bytes() == state
    with pytest.raises(DowngradeRefused):
        install(first)
    # the current pack itself again: a reinstall (which repairs a damaged copy)
    assert cli.main(["evidence", "install", str(second)]) == 0
    assert (machine / "state.json").read_bytes() == state
    # a different pack with the current sequence: refused as not newer
    other = newer_pack(tmp_path / "c", sequence=NEW + 1, version="2099.1.3")
    assert cli.main(["evidence", "install", str(other)]) == 2
    assert "not newer than the installed sequence" in capsys.readouterr().err

    # an allowed downgrade: installed, and recorded as one (with the pack it replaced,
    # signer key included)
    assert cli.main(["evidence", "install", "--allow-downgrade", str(first)]) == 0
    assert current_installed().sequence == NEW  # type: ignore[union-attr]
    entries = log_entries()
    assert [e["action"] for e in entries] == ["install", "install", "reinstall", "downgrade"]
    assert entries[0]["replaced"] is None
    assert entries[-1]["allow_downgrade"] is True and entries[-1]["sequence"] == NEW
    assert entries[-1]["replaced"]["sequence"] == NEW + 1
    assert entries[-1]["replaced"]["key_id"] == key_id == entries[-1]["key_id"]
    assert all(e["time"] and e["user"] for e in entries)

    # rollback: back to the newer pack, recorded, the pack left stays on disk
    assert cli.main(["evidence", "rollback"]) == 0
    assert f"rolled back from sequence {NEW}" in capsys.readouterr().out
    assert current_installed().sequence == NEW + 1  # type: ignore[union-attr]
    rolled = log_entries()[-1]
    assert rolled["action"] == "rollback" and rolled["replaced"]["key_id"] == key_id
    assert copied.is_dir()
    assert load_evidence().pack.sequence == NEW + 1  # type: ignore[union-attr]

    # list: both packs, verified, the current one marked, and the pack in use
    assert cli.main(["evidence", "list"]) == 0
    out = capsys.readouterr().out
    assert f"bundled: sequence {OLD}, {BUNDLED.version}" in out and "installed in" in out
    assert f"* {second_name}: sequence {NEW + 1}, 2099.1.2" in out
    assert f"  {NEWER_NAME}: sequence {NEW}" in out
    assert out.count("verified, signer key") == 2
    assert f"in use: pack 2099.1.2 · sequence {NEW + 1}" in out and "note:" not in out
    rows = {r.name: r for r in installed()}
    assert rows[second_name].current and not rows[NEWER_NAME].current


def test_a_pack_not_newer_than_the_bundled_one_is_refused(
        machine: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The app would never use it (it takes an installed pack only when it is newer
    than its own), so it is refused even with --allow-downgrade: nothing is written."""
    for args in ([], ["--allow-downgrade"]):
        assert cli.main(["evidence", "install", *args, str(bundled_pack())]) == 2
        err = capsys.readouterr().err
        assert f"is not newer than the pack bundled with this app (sequence {OLD})" in err
        assert "would never use this one; nothing was changed" in err
    assert not machine.exists()


def test_after_an_app_upgrade_the_older_installed_pack_is_named_as_unused(
        machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An installed pack that the bundled one has overtaken (the app was upgraded) is
    not used, and `evidence list`, `evidence verify` and the store's notice say so."""
    install(newer_pack(tmp_path / "a", sequence=NEW))
    import core.evidence.pack as pack_module

    real = pack_module.pack_sequence
    monkeypatch.setattr(pack_module, "pack_sequence",
                        lambda folder: NEW + 3 if folder == bundled_pack() else real(folder))
    store = load_evidence()
    assert store.pack is not None and store.pack.folder == bundled_pack()
    assert store.notice == (f"the installed pack, sequence {NEW} (2099.1.1), is not newer "
                            f"than the bundled pack (sequence {NEW + 3}); using the bundled "
                            "pack")
    assert cli.main(["evidence", "list"]) == 0
    out = capsys.readouterr().out
    assert f"* {NEWER_NAME}" in out
    assert f"in use: pack {BUNDLED.version}" in out and "note: the installed pack" in out
    assert cli.main(["evidence", "verify"]) == 0
    assert "note: the installed pack, sequence" in capsys.readouterr().out


def test_a_damaged_installed_copy_is_replaced_by_installing_the_pack_again(
        machine: Path, tmp_path: Path) -> None:
    pack = newer_pack(tmp_path / "a", sequence=NEW)
    install(pack)
    flip(machine / "packs" / NEWER_NAME / "evidence.sqlite", 5000)
    assert load_evidence().pack.folder == bundled_pack()  # type: ignore[union-attr]
    install(pack)  # the very same pack again: a reinstall, not a downgrade
    store = load_evidence()
    assert store.pack is not None and store.pack.folder == machine / "packs" / NEWER_NAME
    assert store.notice is None
    entry = log_entries()[-1]
    assert entry["action"] == "reinstall" and entry["repaired"] is True
    assert sorted(p.name for p in (machine / "packs").iterdir()) == [NEWER_NAME]


def test_the_machine_folder_must_be_a_full_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A relative folder would differ with the working directory: IT would install
    into one folder and the app look in another."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENV_VAR, "relative/evidence")
    assert cli.main(["evidence", "install", str(bundled_pack())]) == 1
    assert f"{ENV_VAR} must name a folder by its full path" in capsys.readouterr().err
    assert not (tmp_path / "relative").exists()
    store = load_evidence()  # the app: the bundled pack, and why no installed one
    assert store.pack is not None and store.pack.folder == bundled_pack()
    assert store.notice is not None and "must name a folder by its full path" in store.notice


def test_a_machine_folder_that_is_a_file_is_not_called_a_permission_problem(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    trust(monkeypatch, *keys.embedded_keys(), THROWAWAY.public)
    afile = tmp_path / "afile"
    afile.write_text("")
    monkeypatch.setenv(ENV_VAR, str(afile))
    assert cli.main(["evidence", "install", str(newer_pack(tmp_path / "a"))]) == 1
    err = capsys.readouterr().err
    assert "cannot install in" in err and "administrator" not in err


@pytest.mark.skipif(os.name != "posix", reason="POSIX accounts")
def test_the_install_log_names_the_account_the_command_ran_as(
        machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Install review, finding 4: after a plain ``su`` USER and LOGNAME still name the
    admin while the install runs as root; the log named the admin."""
    import pwd

    monkeypatch.setenv("USER", "alice")
    monkeypatch.setenv("LOGNAME", "alice")
    monkeypatch.delenv("SUDO_USER", raising=False)
    install(newer_pack(tmp_path / "a"))
    assert log_entries()[-1]["user"] == pwd.getpwuid(os.geteuid()).pw_name != "alice"
    assert "sudo_user" not in log_entries()[-1]


def test_an_install_under_sudo_records_who_ran_it(
        machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUDO_USER", "it-admin-alice")
    install(newer_pack(tmp_path / "a"))
    assert log_entries()[-1]["sudo_user"] == "it-admin-alice"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_first_install_under_a_strict_umask_is_readable_by_every_user(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """IT review D1: under a hardened host's umask (077) the first install made the
    machine folders and state.json root's alone, and every clinician's app quietly
    used the bundled pack. Folders the install makes are 0755, state.json and the log
    0644; a folder that was there keeps the permissions IT gave it."""
    top = tmp_path / "var-lib"
    folder = top / "hrher2-aid" / "evidence"
    monkeypatch.setenv(ENV_VAR, str(folder))
    trust(monkeypatch, *keys.embedded_keys(), THROWAWAY.public)
    pack = newer_pack(tmp_path / "a", sequence=NEW)
    top.mkdir(mode=0o711)
    old = os.umask(0o077)
    try:
        install(pack)
    finally:
        os.umask(old)

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert [mode(p) for p in (folder.parent, folder, folder / "packs")] == [0o755] * 3
    assert mode(folder / "state.json") == mode(folder / "install.log") == 0o644
    assert mode(folder / "packs" / NEWER_NAME) == 0o755
    assert mode(top) == 0o711  # not the install's to change


def test_rollback_with_nothing_before_is_refused(machine: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["evidence", "rollback"]) == 1
    assert "nothing to roll back to" in capsys.readouterr().err
    install(newer_pack(tmp_path / "a"))
    with pytest.raises(InstallError, match="no pack was current before"):
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
    assert cli.main(["evidence", "verify"]) == 3  # the evidence used is sound, the
    out, err = capsys.readouterr()  # installed pack is not: IT monitors the exit code
    assert "note: the installed pack was not used" in out
    assert "an installed evidence pack fails its check or cannot be read" in err
    assert cli.main(["evidence", "list"]) == 3
    assert "FAILS ITS CHECK" in capsys.readouterr().out


def test_an_interrupted_copy_leaves_nothing_half_installed(
        machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy is verified in a hidden staging folder before it is renamed into place;
    a copy that breaks leaves the state and the packs folder as they were."""
    install(newer_pack(tmp_path / "first", sequence=NEW))
    newer = newer_pack(tmp_path / "n4", sequence=NEW + 1, version="2099.1.2")
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
    assert sorted(p.name for p in (machine / "packs").iterdir()) == [NEWER_NAME]


def test_what_a_killed_install_left_is_cleared_by_the_next(machine: Path,
                                                          tmp_path: Path) -> None:
    """A staging copy or a set-aside damaged copy from an install that was killed is
    hidden (list ignores it) and removed by the next install, which holds the lock."""
    install(newer_pack(tmp_path / "a", sequence=NEW))
    packs = machine / "packs"
    for name in (".incoming-abc", ".damaged-xyz"):
        (packs / name).mkdir()
        (packs / name / "evidence.sqlite").write_bytes(b"half")
    assert [r.name for r in installed()] == [NEWER_NAME]
    install(newer_pack(tmp_path / "b", sequence=NEW + 1, version="2099.1.2"))
    assert sorted(p.name for p in packs.iterdir()) == [NEWER_NAME, f"{NEW + 1:06d}-2099.1.2"]


def test_a_damaged_state_file_is_reported(machine: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    machine.mkdir()
    (machine / "state.json").write_text("{not json")
    assert cli.main(["evidence", "install", str(newer_pack(tmp_path / "a"))]) == 1
    err = capsys.readouterr().err
    assert "state.json cannot be read" in err and "move state.json aside" in err
    # the install guide it points to is on this machine (installed apps carry it too)
    guide = re.search(r"again; (\S+install\.md)\)", err)
    assert guide is not None and Path(guide.group(1)).is_file()
    # the app uses the bundled pack, and says why (About, evidence verify, --self-test)
    store = load_evidence()
    assert store.pack is not None and store.pack.folder == bundled_pack()
    assert store.notice is not None and "state.json cannot be read" in store.notice
    assert cli.main(["evidence", "verify"]) == 3
    assert "note: no installed pack was used" in capsys.readouterr().out
    install_dir = machine / "packs" / NEWER_NAME  # a pack installed before the damage
    shutil.copytree(newer_pack(tmp_path / "b"), install_dir)
    assert cli.main(["evidence", "list"]) == 1  # the packs listed, to install one again
    out, err = capsys.readouterr()
    assert f"  {NEWER_NAME}: sequence {NEW}" in out and "verified" in out
    assert "no installed pack is current" in err and "state.json cannot be read" in err


def test_a_state_file_nested_too_deep_is_reported_not_a_crash(
        machine: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review B, M3: a state.json nested 100,000 deep (any local user may create one
    where the folder lets them) ended every command and the window in "unexpected
    error". It cannot be read: the bundled pack is used, and said."""
    machine.mkdir()
    (machine / "state.json").write_text('{"format": "hrher2-aid.evidence-install/1", '
                                        '"history": ' + "[" * 100_000 + "]" * 100_000 + "}")
    store = load_evidence()
    assert store.pack is not None and store.pack.folder == bundled_pack()
    assert store.notice is not None
    assert "state.json cannot be read: nested too deeply" in store.notice
    assert cli.main(["evidence", "verify"]) == 3
    assert "note: no installed pack was used" in capsys.readouterr().out


@pytest.mark.parametrize("damage", ["emptied", "deleted", "folder gone", "nested too deep",
                                    "a number too large"])
def test_a_current_pack_whose_manifest_cannot_be_read_is_passed_over_and_said(
        machine: Path, tmp_path: Path, damage: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Red-team D1: like a damaged evidence file, never silently."""
    install(newer_pack(tmp_path / "a", sequence=NEW))
    install(newer_pack(tmp_path / "b", sequence=NEW + 1, version="2099.1.2"))
    current = machine / "packs" / f"{NEW + 1:06d}-2099.1.2"
    if damage == "emptied":
        (current / "evidence.manifest.json").write_bytes(b"")
    elif damage == "deleted":
        (current / "evidence.manifest.json").unlink()
    elif damage == "nested too deep":  # (review B, M3: these two were "unexpected error")
        (current / "evidence.manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    elif damage == "a number too large":
        manifest = current / "evidence.manifest.json"
        manifest.write_text(manifest.read_text().replace('"sources_through": 2022',
                                                         '"sources_through": 1e999'))
        assert "1e999" in manifest.read_text()
    else:
        shutil.rmtree(current)
    store = load_evidence()
    assert store.pack is not None and store.pack.sequence == NEW  # the one before it
    assert store.notice is not None
    assert store.notice.startswith(f"the installed pack {NEW + 1:06d}-2099.1.2 was not used")
    assert cli.main(["evidence", "verify"]) == 3
    assert "note: the installed pack" in capsys.readouterr().out


@pytest.mark.parametrize("damage", ["truncated", "claims sequence 99", "folder gone"])
def test_a_damaged_current_pack_blocks_neither_repair_nor_upgrade_nor_rollback(
        machine: Path, tmp_path: Path, damage: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Red-team D2: when the current pack is damaged, IT must be able to reinstall it,
    install a newer one, or roll back; an unverified manifest decides nothing."""
    install(newer_pack(tmp_path / "a", sequence=NEW))
    second = newer_pack(tmp_path / "b", sequence=NEW + 1, version="2099.1.2")
    install(second)
    current = machine / "packs" / f"{NEW + 1:06d}-2099.1.2"

    def damage_it() -> None:
        manifest = current / "evidence.manifest.json"
        if damage == "truncated":
            manifest.write_bytes(manifest.read_bytes()[:40])
        elif damage == "claims sequence 99":
            manifest.write_text(manifest.read_text().replace(f'"sequence": {NEW + 1}',
                                                             '"sequence": 99'))
        else:
            shutil.rmtree(current)

    damage_it()  # the repair: the same pack again
    assert cli.main(["evidence", "install", str(second)]) == 0, capsys.readouterr().err
    assert load_evidence().pack.sequence == NEW + 1  # type: ignore[union-attr]
    assert load_evidence().notice is None
    damage_it()  # a rollback: to the pack before, naming the damaged one left
    assert cli.main(["evidence", "rollback"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "which fails its check" in out or f"{NEW + 1:06d}-2099.1.2, which" in out
    assert load_evidence().pack.sequence == NEW  # type: ignore[union-attr]
    # the damaged copy, installed again: repaired and current
    assert cli.main(["evidence", "install", str(second)]) == 0, capsys.readouterr().err
    damage_it()  # a newer pack over a damaged current one
    third = newer_pack(tmp_path / "c", sequence=NEW + 2, version="2099.1.3")
    assert cli.main(["evidence", "install", str(third)]) == 0, capsys.readouterr().err
    assert load_evidence().pack.sequence == NEW + 2  # type: ignore[union-attr]
    assert "problem" in log_entries()[-1]["replaced"]  # the damaged pack it replaced


def test_an_install_log_that_cannot_be_written_does_not_say_not_installed(
        machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Red-team D3: a disk that fills between the switch and the log line: the pack is
    in use, so the message says it is installed, and that its log line is missing."""
    from core.evidence import machine as folder

    def full(_root: Path, _entry: dict[str, object]) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(folder, "record", full)
    assert cli.main(["evidence", "install", str(newer_pack(tmp_path / "a"))]) == 1
    err = capsys.readouterr().err
    assert "not installed" not in err
    assert "is now the current pack, but the install log could not be written" in err
    assert load_evidence().pack.sequence == NEW  # type: ignore[union-attr]


@pytest.mark.parametrize("entry", ["..", "../../elsewhere", "/tmp/x", "000009-a/../../b", 7])
def test_a_state_naming_anything_but_a_pack_folder_is_refused(
        machine: Path, entry: object) -> None:
    """Red-team W8: whoever can write state.json cannot point the app outside packs/."""
    machine.mkdir()
    (machine / "state.json").write_text(json.dumps(
        {"format": "hrher2-aid.evidence-install/1", "history": [entry]}))
    store = load_evidence()
    assert store.pack is not None and store.pack.folder == bundled_pack()
    assert store.notice is not None and "is not the name of an installed pack" in store.notice


def test_list_checks_the_bundled_pack_and_names_a_relative_folder(
        machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Red-team W6, D6: the bundled pack (the app's fallback) is checked like the others;
    a relative machine folder gets one line, not "unexpected error"."""
    assert cli.main(["evidence", "list"]) == 0
    out = capsys.readouterr().out
    assert f"bundled: sequence {OLD}, {BUNDLED.version}" in out and "; verified\n" in out
    tampered = tmp_path / "bundled"
    copy_pack(tampered)
    flip(tampered / "evidence.sqlite", 9000)
    monkeypatch.setattr("core.evidence.pack.bundled_pack", lambda: tampered)
    assert cli.main(["evidence", "list"]) == 3  # (install review, finding 6: it was 0)
    out, err = capsys.readouterr()
    assert f"({tampered}); FAILS ITS CHECK: evidence store has been altered" in out
    assert err == "hrher2-aid: a pack listed above FAILS ITS CHECK\n"
    monkeypatch.setattr("core.evidence.pack.bundled_pack", lambda: tmp_path / "none")
    assert cli.main(["evidence", "list"]) == 3  # (none to fall back to: a failure too)
    assert "bundled: none found in" in capsys.readouterr().out
    monkeypatch.setenv(ENV_VAR, "relative/folder")
    assert cli.main(["evidence", "list"]) == 1
    err = capsys.readouterr().err
    assert "must name a folder by its full path" in err and "unexpected" not in err


def test_list_says_a_failing_installed_pack_in_its_exit_code(
        machine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Install review, finding 6: the current installed pack failing its check gave exit
    0 (evidence verify: 3)."""
    install(newer_pack(tmp_path / "a"))
    assert cli.main(["evidence", "list"]) == 0
    capsys.readouterr()
    flip(machine / "packs" / NEWER_NAME / "evidence.sqlite", 9000)
    assert cli.main(["evidence", "list"]) == 3
    out, err = capsys.readouterr()
    assert f"* {NEWER_NAME}: " in out and "FAILS ITS CHECK" in out
    assert err == "hrher2-aid: a pack listed above FAILS ITS CHECK\n"


def test_list_names_a_pack_an_app_upgrade_superseded_without_failing(
        machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A pack installed before an app upgrade, which lacks an id the upgraded app needs,
    is genuine and intact: `evidence list` said it FAILS ITS CHECK and exited 3, as for a
    damaged pack (a clinic's monitoring would call IT for nothing). It is listed as
    superseded and not used, exit 0; the app uses the newer pack it bundles."""
    needed_now = pack_module.REQUIRED_IDS
    old_sources = edited_sources(
        tmp_path / "a", sequence=NEW, version="2099.1.1",
        replace=('id = "outside.her2_toxicity_sequential"', 'id = "outside.some_old_entry"'),
        changelog='[[entry]]\nversion = "2099.1.1"\ndate = "2099-01-01"\n'
                  'summary = "test"\nchanges = ["test"]\n')
    build_pack(tmp_path / "a" / "pack", THROWAWAY, old_sources)
    # the app before the upgrade did not need the id
    monkeypatch.setattr(pack_module, "REQUIRED_IDS",
                        needed_now - {"outside.her2_toxicity_sequential"})
    install(tmp_path / "a" / "pack")
    # the upgrade: this version needs the id and bundles a newer pack that has it
    monkeypatch.setattr(pack_module, "REQUIRED_IDS", needed_now)
    upgraded = newer_pack(tmp_path / "b", sequence=NEW + 1, version="2099.2.1")
    monkeypatch.setattr(pack_module, "bundled_pack", lambda: upgraded)
    assert cli.main(["evidence", "list"]) == 0
    out, err = capsys.readouterr()
    assert (f"* {NEWER_NAME}: sequence {NEW}, 2099.1.1, sources through ") in out
    assert ("; superseded, not used by this version of the app: evidence store is "
            "incomplete: ") in out
    assert "was made for an earlier version of hrher2-aid" in out
    assert "FAILS ITS CHECK" not in out and err == ""
    store = load_evidence()
    assert store.pack is not None and store.pack.sequence == NEW + 1
    assert not store.installed_pack_failed
    # a damaged pack beside it still fails the list
    flip(machine / "packs" / NEWER_NAME / "evidence.sqlite", 9000)
    assert cli.main(["evidence", "list"]) == 3
    assert f"* {NEWER_NAME}: sequence {NEW}, 2099.1.1" in capsys.readouterr().out


def test_verify_checks_the_bundled_pack_behind_an_installed_one(
        machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Install review, finding 1: with a sound installed pack in use, a damaged bundled
    pack (what the app falls back to; damaged program files) passed evidence verify."""
    install(newer_pack(tmp_path / "a"))
    tampered = tmp_path / "bundled"
    copy_pack(tampered)
    monkeypatch.setattr("core.evidence.pack.bundled_pack", lambda: tampered)
    assert cli.main(["evidence", "verify"]) == 0
    assert capsys.readouterr().out.startswith("evidence store OK\n")
    flip(tampered / "evidence.sqlite", 9000)
    assert cli.main(["evidence", "verify"]) == 3
    out, err = capsys.readouterr()
    assert out.startswith("evidence in use OK, but a pack on this machine FAILS ITS CHECK")
    assert f"pack folder: {machine / 'packs' / NEWER_NAME}\n" in out
    assert err.startswith("hrher2-aid: the evidence pack bundled with the app fails its "
                          "check: evidence store has been altered")
    assert err.endswith("(the program's files are damaged: reinstall the package)\n")
    # a pack named with --evidence is all that is checked
    assert cli.main(["evidence", "verify", "--evidence", str(machine / "packs" / NEWER_NAME)]) == 0


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
    from core.evidence import machine
    write_state = machine.write_state
    def held(*args):
        (flags / "holding").touch()
        while not (flags / "release").exists():
            time.sleep(0.01)
        write_state(*args)
    machine.write_state = held
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
        machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from filelock import FileLock

    import core.evidence.machine as inst  # where the folder's lock is held

    machine.mkdir()
    pack = newer_pack(tmp_path / "a")
    monkeypatch.setattr(inst, "LOCK_WAIT", 0.2)
    with FileLock(machine / inst.LOCK_NAME):  # another install, still running
        assert cli.main(["evidence", "install", str(pack)]) == 1
        assert cli.main(["evidence", "rollback"]) == 1
    err = capsys.readouterr().err
    # each says that it waits, then that it gave up
    assert err.count("waiting for another install or rollback to finish") == 2
    assert err.count("has not finished after") == 2 and "nothing was changed" in err
    assert current_installed() is None and log_entries() == []
    assert cli.main(["evidence", "install", str(pack)]) == 0  # once it is done


@pytest.mark.parametrize("damage", ["named pipe", "huge"])
def test_an_installed_manifest_that_is_a_pipe_or_huge_is_passed_over_at_once(
        machine: Path, tmp_path: Path, damage: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Review: the installed packs' manifests are read like any pack's (a regular file,
    of a bounded size): never a wait without end at start-up, never MemoryError."""
    install(newer_pack(tmp_path / "a", sequence=NEW))
    manifest = machine / "packs" / NEWER_NAME / "evidence.manifest.json"
    manifest.unlink()
    if damage == "named pipe":
        if not hasattr(os, "mkfifo"):
            pytest.skip("named pipes are POSIX only")
        os.mkfifo(manifest)
    else:
        manifest.write_bytes(b"")
        os.truncate(manifest, 1 << 34)  # sparse: 16 GiB
    store = load_evidence()
    assert store.pack is not None and store.pack.folder == bundled_pack()
    assert store.notice is not None and NEWER_NAME in store.notice
    assert cli.main(["evidence", "list"]) == 3
    assert "FAILS ITS CHECK" in capsys.readouterr().out


def test_a_repair_is_logged_with_the_damage_it_repaired(machine: Path, tmp_path: Path) -> None:
    """Review: "replaced" is the pack as it was before the fresh copy (with its problem),
    and a current pack whose folder was gone is a repair too."""
    pack = newer_pack(tmp_path / "a", sequence=NEW)
    install(pack)
    flip(machine / "packs" / NEWER_NAME / "evidence.sqlite", 5000)
    install(pack)
    entry = log_entries()[-1]
    assert entry["action"] == "reinstall" and entry["repaired"] is True
    assert "has been altered" in entry["replaced"]["problem"]
    # its signature still verifies: the log names its signer (it was "" before; IT review)
    assert entry["replaced"]["key_id"] == THROWAWAY.public.key_id_hex
    shutil.rmtree(machine / "packs" / NEWER_NAME)
    install(pack)
    entry = log_entries()[-1]
    assert entry["repaired"] is True and "problem" in entry["replaced"]
    assert load_evidence().pack.folder == machine / "packs" / NEWER_NAME  # type: ignore[union-attr]


def test_pack_folder_names_are_checked_before_anything_is_written(machine: Path,
                                                                  tmp_path: Path) -> None:
    """Review: a version that cannot name a folder is refused at install (and at build,
    core.evidence.sources), never written into state.json; a sequence of a million or
    more names a folder like any other."""
    from core.evidence.install import pack_folder_name

    info = BUNDLED._replace(sequence=11)
    with pytest.raises(InstallError, match="cannot name an installed pack's folder"):
        pack_folder_name(info._replace(version="2099.3 beta"))
    assert pack_folder_name(info._replace(sequence=1_000_000)) == \
        f"1000000-{BUNDLED.version}"
    big = newer_pack(tmp_path / "big", sequence=1_000_000)
    install(big)
    assert installed_in_order()[0].name == "1000000-2099.1.1"
    assert load_evidence().pack.sequence == 1_000_000  # type: ignore[union-attr]


def test_the_copy_must_be_the_pack_that_was_checked(machine: Path, tmp_path: Path) -> None:
    """Review: a pack folder swapped for another genuine pack while install waited for
    the lock is refused, not installed under the name of the one checked."""
    from core.evidence.install import _copy_in

    checked = _verified(newer_pack(tmp_path / "a", sequence=NEW))
    other = newer_pack(tmp_path / "b", sequence=NEW + 1, version="2099.1.2")
    packs = machine / "packs"
    packs.mkdir(parents=True)
    with pytest.raises(PackError, match="changed while the install waited"):
        _copy_in(other, packs, packs / NEWER_NAME, checked)
    assert list(packs.iterdir()) == []
