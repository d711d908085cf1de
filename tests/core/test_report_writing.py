"""Safe writing: temp file + os.replace; clear errors; nothing left behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from core.report import OutputError, write_documents


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_writes_every_document_and_nothing_else(tmp_path):
    a, b = tmp_path / "summary.pdf", tmp_path / "handout.pdf"
    assert write_documents({a: b"%PDF-a", b: b"%PDF-b"}) == [a, b]
    assert a.read_bytes() == b"%PDF-a" and b.read_bytes() == b"%PDF-b"
    assert _listing(tmp_path) == ["handout.pdf", "summary.pdf"]


def test_a_new_file_gets_the_ordinary_mode_not_the_temp_files_private_one(tmp_path):
    target = tmp_path / "s.pdf"
    write_documents({target: b"x"})
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_replacing_keeps_the_mode_of_the_old_file(tmp_path):
    target = tmp_path / "s.pdf"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_documents({target: b"new"})
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(OutputError, match="does not exist") as caught:
        write_documents({tmp_path / "nope" / "s.pdf": b"x"})
    assert "\n" not in str(caught.value)
    assert _listing(tmp_path) == []


def test_a_folder_as_target_is_refused(tmp_path):
    with pytest.raises(OutputError, match="is a folder"):
        write_documents({tmp_path: b"x"})


def test_a_file_as_folder_is_refused(tmp_path):
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(OutputError, match="not a folder"):
        write_documents({tmp_path / "file" / "s.pdf": b"x"})


def test_same_target_twice_is_refused(tmp_path):
    (tmp_path / "sub").mkdir()
    with pytest.raises(OutputError, match="different files"):
        write_documents({tmp_path / "a.pdf": b"x", tmp_path / "sub" / ".." / "a.pdf": b"y"})
    with pytest.raises(OutputError, match="different files"):  # pairs: no dict to hide it
        write_documents([(tmp_path / "a.pdf", b"x"), (tmp_path / "a.pdf", b"y")])


def test_names_differing_only_in_case_are_one_file(tmp_path):
    """Hostile review H10: on Windows, macOS and USB sticks x.pdf and X.pdf are one
    file, and the handout would silently replace the summary."""
    with pytest.raises(OutputError, match="differing only in upper and lower case"):
        write_documents([(tmp_path / "case.pdf", b"x"), (tmp_path / "CASE.pdf", b"y")])
    assert _listing(tmp_path) == []


def _in_unprivileged_child(action) -> int:
    """Run ``action`` in a forked child without root rights (root ignores file modes)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        code = 99
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            code = action()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.fixture
def open_tmp():
    """A temporary folder an unprivileged user can reach (pytest's tmp_path is 0700)."""
    path = Path(tempfile.mkdtemp(prefix="report-ro-"))
    path.chmod(0o755)
    yield path
    for sub in path.iterdir():
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(path)


def test_read_only_folder_gives_a_clear_error_and_leaves_old_files_intact(open_tmp):
    tmp_path = open_tmp
    folder = tmp_path / "ro"
    folder.mkdir()
    existing = folder / "summary.pdf"
    existing.write_bytes(b"%PDF-old complete file")
    tmp_path.chmod(0o755)
    folder.chmod(0o555)
    existing.chmod(0o644)
    ok_elsewhere = tmp_path / "other"
    ok_elsewhere.mkdir(mode=0o777)
    ok_elsewhere.chmod(0o777)

    def attempt() -> int:
        try:
            write_documents({ok_elsewhere / "handout.pdf": b"new handout",
                             existing: b"%PDF-new"})
        except OutputError as exc:
            return 0 if "permission denied" in str(exc) and str(existing) in str(exc) else 2
        return 1

    try:
        assert _in_unprivileged_child(attempt) == 0
    finally:
        folder.chmod(0o755)
    assert existing.read_bytes() == b"%PDF-old complete file"
    assert _listing(folder) == ["summary.pdf"]
    # the other document of the same export was not written either
    assert _listing(ok_elsewhere) == []


def test_a_failed_write_leaves_the_existing_file_intact(tmp_path, monkeypatch):
    target = tmp_path / "summary.pdf"
    target.write_bytes(b"%PDF-old")

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OutputError, match="No space left"):
        write_documents({target: b"%PDF-new"})
    assert target.read_bytes() == b"%PDF-old"
    assert _listing(tmp_path) == ["summary.pdf"]


def test_a_failed_move_removes_the_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "summary.pdf"
    target.write_bytes(b"%PDF-old")

    def refuse(*_args, **_kwargs):
        raise OSError(16, "Device or resource busy")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError, match="busy"):
        write_documents({target: b"%PDF-new"})
    assert target.read_bytes() == b"%PDF-old"
    assert _listing(tmp_path) == ["summary.pdf"]


@pytest.mark.parametrize("fails", ["moving the old handout aside", "putting the new one in"])
def test_both_documents_or_neither_when_the_handout_cannot_be_replaced(tmp_path, monkeypatch,
                                                                       fails):
    """Hostile review H2: when the handout could not be replaced (a file another
    program holds open on Windows, one marked immutable), the summary had already been
    replaced: the pair on disk named two different reference codes."""
    summary, handout = tmp_path / "summary.pdf", tmp_path / "handout.pdf"
    summary.write_bytes(b"%PDF-old summary")
    handout.write_bytes(b"%PDF-old handout")
    real_replace = os.replace

    def locked_handout(src, dst, *args, **kwargs):
        moving_aside = Path(src) == handout
        putting_in = Path(dst) == handout and str(src).endswith(".part")
        if (moving_aside if fails.startswith("moving") else putting_in):
            raise PermissionError(13, "Permission denied", str(src))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", locked_handout)
    with pytest.raises(OutputError) as caught:
        write_documents({summary: b"%PDF-new summary", handout: b"%PDF-new handout"})
    assert str(caught.value).startswith(f"{handout}: cannot be replaced (Permission denied)")
    assert "neither document was changed" in str(caught.value)
    assert summary.read_bytes() == b"%PDF-old summary"
    assert handout.read_bytes() == b"%PDF-old handout"
    assert _listing(tmp_path) == ["handout.pdf", "summary.pdf"]


def test_an_immutable_handout_leaves_the_summary_alone(tmp_path):
    """The same with a real immutable file (Linux ``chattr +i``, where the file
    system and privileges allow it)."""
    import subprocess

    summary, handout = tmp_path / "summary.pdf", tmp_path / "handout.pdf"
    summary.write_bytes(b"%PDF-old summary")
    handout.write_bytes(b"%PDF-old handout")
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(handout)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not possible here")
    try:
        with pytest.raises(OutputError, match="neither document was changed"):
            write_documents({summary: b"%PDF-new summary", handout: b"%PDF-new handout"})
        assert summary.read_bytes() == b"%PDF-old summary"
        assert _listing(tmp_path) == ["handout.pdf", "summary.pdf"]
    finally:
        subprocess.run(["chattr", "-i", str(handout)], check=False)


def test_an_old_document_that_cannot_be_put_back_is_named(tmp_path, monkeypatch):
    """Diff review R11: when putting an old file back failed too, the message still
    said neither document was changed; it now names where the old one is kept."""
    summary, handout = tmp_path / "summary.pdf", tmp_path / "handout.pdf"
    summary.write_bytes(b"%PDF-old summary")
    handout.write_bytes(b"%PDF-old handout")
    real_replace = os.replace
    monkeypatch.setattr("time.sleep", lambda _s: None)

    def stuck(src, dst, *args, **kwargs):
        if Path(dst) == handout and str(src).endswith(".part"):
            raise PermissionError(13, "Permission denied", str(src))
        if Path(dst) == summary and str(src).endswith(".old"):
            raise PermissionError(13, "Permission denied", str(src))  # cannot go back
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", stuck)
    with pytest.raises(OutputError) as caught:
        write_documents({summary: b"%PDF-new summary", handout: b"%PDF-new handout"})
    message = str(caught.value)
    assert "neither document was changed" not in message
    assert "the old summary.pdf is kept as" in message
    kept = [p for p in tmp_path.iterdir() if p.name.endswith(".old")]
    assert len(kept) == 1 and kept[0].read_bytes() == b"%PDF-old summary"
    assert kept[0].name in message
