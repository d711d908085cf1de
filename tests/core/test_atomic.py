"""core.atomic: the one writer of every file the app makes (case JSON, PDFs, CSV)."""

from __future__ import annotations

import doctest
import os
import stat

import pytest

import core.atomic
from core import atomic


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_doctests_pass():
    assert doctest.testmod(core.atomic).failed == 0


def test_writes_new_file_with_ordinary_mode(tmp_path):
    target = tmp_path / "case.json"
    assert atomic.write_text(target, "{}\n") == target
    assert target.read_text() == "{}\n"
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert _names(tmp_path) == ["case.json"]


def test_replacing_keeps_the_old_files_mode(tmp_path):
    target = tmp_path / "summary.pdf"
    target.write_bytes(b"old")
    target.chmod(0o600)
    atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_symlink_at_the_old_predictable_temp_name_is_never_followed(tmp_path):
    """The old Save-as wrote ``.NAME.tmp`` and followed a symlink planted there."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / ".case.json.tmp").symlink_to(victim)
    atomic.write_text(tmp_path / "case.json", "{}")
    assert victim.read_text() == "precious"
    assert (tmp_path / "case.json").read_text() == "{}"


def test_temp_names_are_unpredictable_and_created_exclusively(tmp_path, monkeypatch):
    """Every write draws a new random name, and a name that exists (even a dangling
    symlink) is never opened: mkstemp's O_EXCL makes creation fail and redraw."""
    seen = []
    real = core.atomic.tempfile.mkstemp

    def spy(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        seen.append(name)
        return fd, name

    monkeypatch.setattr(core.atomic.tempfile, "mkstemp", spy)
    for _ in range(3):
        atomic.write_text(tmp_path / "a.json", "x")
    assert len(set(seen)) == 3
    assert all(os.path.dirname(n) == str(tmp_path) for n in seen)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(FileExistsError):
        os.open(dangling, os.O_CREAT | os.O_EXCL | os.O_WRONLY)  # what mkstemp does
    assert not (tmp_path / "nowhere").exists()


def test_a_symlink_at_the_target_is_replaced_not_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "out.csv"
    link.symlink_to(victim)
    atomic.write_text(link, "a,b\r\n")
    assert victim.read_text() == "precious"
    assert not link.is_symlink()
    assert link.read_bytes() == b"a,b\r\n"


def test_failure_while_writing_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "case.json"
    target.write_text("old")

    def full(*_a):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        atomic.write_text(target, "new")
    assert target.read_text() == "old"
    assert _names(tmp_path) == ["case.json"]


def test_failed_replace_removes_the_temp(tmp_path, monkeypatch):
    target = tmp_path / "case.json"

    def refuse(*_a):
        raise OSError(16, "Device or resource busy")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="busy"):
        atomic.write_text(target, "new")
    assert _names(tmp_path) == []


def test_file_and_folder_are_flushed(tmp_path, monkeypatch):
    synced = []
    real = os.fsync

    def spy(fd):
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    atomic.write_text(tmp_path / "x.json", "{}")
    assert synced == [False, True]  # the file's data, then the folder's entry


def test_staged_file_replaces_only_on_commit(tmp_path):
    target = tmp_path / "h.pdf"
    target.write_bytes(b"old")
    staged = atomic.stage(target, b"new")
    assert target.read_bytes() == b"old"
    staged.commit()
    assert target.read_bytes() == b"new"
    atomic.stage(target, b"newer").discard()
    assert _names(tmp_path) == ["h.pdf"]
    assert target.read_bytes() == b"new"


def test_a_read_only_file_is_never_replaced(tmp_path):
    """Left alone in the last review: Save replaced a case file marked read-only
    (replacing needs only a writable folder on Linux), even as the machine's
    administrator. Now it is refused, and nothing is left behind."""
    target = tmp_path / "filed.json"
    target.write_text("filed\n")
    target.chmod(0o444)
    with pytest.raises(atomic.ReadOnlyFile, match="read-only"):
        atomic.write_text(target, "new\n")
    assert target.read_text() == "filed\n"
    assert _names(tmp_path) == ["filed.json"]
    # a link to a read-only file is itself replaced (never written through), as before
    link = tmp_path / "link.json"
    link.symlink_to(target)
    atomic.write_text(link, "new\n")
    assert not link.is_symlink() and target.read_text() == "filed\n"
    target.chmod(0o644)
    atomic.write_text(target, "new\n")
    assert target.read_text() == "new\n"
