"""A case store that is locked, read-only or corrupt: a clear error naming the file,
nothing lost, and a corrupt store kept aside (never silently replaced)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.case import parse_case
from core.casestore import (
    CaseNotFound,
    CaseStore,
    CaseStoreCorrupt,
    CaseStoreError,
    CaseStoreLocked,
    CaseStoreReadOnly,
    schema,
)
from core.casestore.times import now_iso
from core.evidence import open_store
from core.result import Renderer

ROOT = Path(__file__).resolve().parents[2]
CASE = {"format": "hrher2-aid.case/1", "label": "L",
        "receptors": {"hr": "positive", "her2": "positive"}, "setting": "first_line",
        "disease": {"visceral": True, "symptomatic": False}}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(open_store())


def fill(path: Path, renderer: Renderer, n: int) -> list[int]:
    with CaseStore.open(path) as store:
        ids = []
        for i in range(n):
            case = parse_case({**CASE, "label": f"case {i}"})
            ids.append(store.save(case, renderer.result_for(case)).id)
    return ids


# --- locked -----------------------------------------------------------------------------

HOLDER = textwrap.dedent("""
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    if sys.argv[2] == "exclusive":
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
    else:
        conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE cases SET label = label")
    print("holding", flush=True)
    sys.stdin.readline()
    conn.execute("ROLLBACK")
""")


def hold_lock(path: Path, how: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), how],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


def release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("\n")
    proc.stdin.close()
    assert proc.wait(timeout=10) == 0
    assert proc.stdout is not None
    proc.stdout.close()


def test_save_while_another_process_writes_says_locked_and_loses_nothing(tmp_path, renderer):
    path = tmp_path / "cases.sqlite"
    ids = fill(path, renderer, 3)
    store = CaseStore.open(path, busy_timeout=0.2)
    proc = hold_lock(path, "immediate")
    try:
        case = parse_case({**CASE, "label": "new"})
        with pytest.raises(CaseStoreLocked) as info:
            store.save(case, renderer.result_for(case))
        assert str(path) in str(info.value) and "another program" in str(info.value)
        assert [r.id for r in store.list()] == ids[::-1]  # reading still works (WAL)
        with pytest.raises(CaseStoreLocked):
            store.delete(ids[0])
    finally:
        release(proc)
    new_id = store.save(case, renderer.result_for(case)).id  # works once the lock is gone
    assert store.count() == 4 and store.get(new_id).label == "new"
    store.close()


def test_open_while_another_process_writes_still_reads(tmp_path, renderer):
    path = tmp_path / "cases.sqlite"
    ids = fill(path, renderer, 2)
    proc = hold_lock(path, "immediate")
    try:
        with CaseStore.open(path, busy_timeout=0.2) as store:  # no write needed to open
            assert [r.id for r in store.list()] == ids[::-1]
            assert not store.read_only
    finally:
        release(proc)


def test_open_purges_deletions_a_crashed_session_left(tmp_path, renderer):
    path = tmp_path / "cases.sqlite"
    keep, old, recent = fill(path, renderer, 3)
    raw = sqlite3.connect(path)
    raw.execute("UPDATE cases SET deleted_token = 't1', deleted_at = '2020-01-01T00:00:00Z' "
                "WHERE id = ?", (old,))
    raw.execute("UPDATE cases SET deleted_token = 't2', deleted_at = ? WHERE id = ?",
                (now_iso(), recent))
    raw.commit()
    raw.close()
    with CaseStore.open(path) as store:
        assert [r.id for r in store.list()] == [keep]
        assert store.undelete("t2") == recent  # a young deletion may be another window's
        with pytest.raises(CaseNotFound):
            store.undelete("t1")


def test_open_while_another_process_holds_an_exclusive_lock(tmp_path, renderer):
    path = tmp_path / "cases.sqlite"
    fill(path, renderer, 2)
    proc = hold_lock(path, "exclusive")
    try:
        with pytest.raises(CaseStoreLocked, match="in use by another program") as info:
            CaseStore.open(path, busy_timeout=0.2)
        assert str(path) in str(info.value)
    finally:
        release(proc)
    assert path.exists() and not list(tmp_path.glob("*.corrupt-*"))  # locked is not corrupt
    with CaseStore.open(path) as store:
        assert store.count() == 2


# --- read-only ----------------------------------------------------------------------------

def test_read_only_open_reads_but_refuses_writes(tmp_path, renderer):
    """``read_only=True`` opens with SQLite's mode=ro: a real read-only connection."""
    path = tmp_path / "cases.sqlite"
    ids = fill(path, renderer, 2)
    before = path.read_bytes()
    with CaseStore.open(path, read_only=True) as store:
        assert store.read_only and [r.id for r in store.list()] == ids[::-1]
        assert store.get(ids[0]).label == "case 0"
        case = parse_case(CASE)
        for attempt in (lambda: store.save(case, renderer.result_for(case)),
                        lambda: store.delete(ids[0]), lambda: store.duplicate(ids[0]),
                        lambda: store.record_export(None, ["x.pdf"], "a" * 64, "v")):
            with pytest.raises(CaseStoreReadOnly, match="read-only") as info:
                attempt()
            assert str(path) in str(info.value)
    assert path.read_bytes() == before


def open_in_child(path: Path, uid: int | None) -> dict[str, object]:
    """Open the store in a forked child (as ``uid`` when given) and report what it saw:
    read_only, labels and the outcome of a save, or ``error`` when the open failed.

    A fork, not a new interpreter: the interpreter lives under /root, which the
    unprivileged user cannot read, so everything the child needs is imported here first.
    """
    import json

    case = parse_case(CASE)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        code = 0
        try:
            os.close(read_fd)
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            try:
                store = CaseStore.open(path)
            except CaseStoreError as exc:
                os.write(write_fd, json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode())
                os._exit(0)
            out: dict[str, object] = {"read_only": store.read_only,
                                      "labels": [r.label for r in store.list()]}
            try:
                store.save(case, {"case_sha256": case.sha256(), "evidence": {"version": "v"}})
                out["save"] = "saved"
            except CaseStoreError as exc:
                out["save"] = f"{type(exc).__name__}: {exc}"
            store.close()
            os.write(write_fd, json.dumps(out).encode())
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            os.write(write_fd, json.dumps({"crash": repr(exc)}).encode())
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    result: dict[str, object] = json.loads(data)
    return result


def read_only_folder(path: Path) -> int | None:
    """chmod the store's folder and what it holds read-only; the uid to open the store
    as (nobody if root)."""
    uid = None
    for file in path.parent.iterdir():
        if os.getuid() == 0:
            os.chown(file, 65534, 65534)
        file.chmod(0o444)
    if os.getuid() == 0:
        uid = 65534
        os.chown(path.parent, uid, uid)
    path.parent.chmod(0o555)
    return uid


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {file.name: file.read_bytes() for file in folder.iterdir()}


@pytest.fixture
def ro_folder() -> Iterator[Path]:
    """A new folder under the system temporary folder (pytest's tmp_path lies under a
    root-only folder that ``nobody`` cannot enter); writable again, then removed, after
    the test."""
    folder = Path(tempfile.mkdtemp(prefix="hrher2-ro-"))
    yield folder
    folder.chmod(0o755)
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX permissions")
def test_store_made_read_only_by_permissions(renderer, ro_folder):
    """chmod the file and its folder, then open as a user the permissions apply to.

    Tests run as root here, and root ignores file modes; so when root, the opening
    process drops to the unprivileged user ``nobody`` (real permission checks, a real
    read-only folder, a WAL store without its -shm file).
    """
    path = ro_folder / "cases.sqlite"
    fill(path, renderer, 3)
    assert not Path(f"{path}-wal").exists()  # close() folded the WAL into the file
    uid = read_only_folder(path)
    before = path.read_bytes()
    out = open_in_child(path, uid)
    assert "crash" not in out, out
    assert out["read_only"] is True
    assert sorted(out["labels"]) == ["case 0", "case 1", "case 2"]  # type: ignore[arg-type]
    assert str(out["save"]).startswith("CaseStoreReadOnly: ")
    assert str(path) in str(out["save"])
    assert path.read_bytes() == before
    assert sorted(p.name for p in ro_folder.iterdir()) == ["cases.sqlite"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX permissions")
def test_corrupt_store_in_a_read_only_folder_is_reported_and_left_alone(ro_folder):
    path = ro_folder / "cases.sqlite"
    garbage = os.urandom(4096)
    path.write_bytes(garbage)
    out = open_in_child(path, read_only_folder(path))
    assert str(out.get("error", "")).startswith("CaseStoreCorrupt: "), out
    assert "could not be kept aside" in str(out["error"]) and str(path) in str(out["error"])
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in ro_folder.iterdir()) == ["cases.sqlite"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX permissions")
def test_no_store_in_a_read_only_folder_says_it_cannot_be_created(ro_folder):
    path = ro_folder / "cases.sqlite"
    out = open_in_child(path, read_only_folder(path))
    assert str(out.get("error", "")).startswith("CaseStoreReadOnly: "), out
    assert "cannot be created" in str(out["error"]) and str(path) in str(out["error"])
    assert list(ro_folder.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX permissions")
def test_changes_left_in_the_wal_of_a_read_only_folder_are_named_not_lost(ro_folder, renderer):
    """A writer that ended without closing (a crash, a power cut) leaves its last
    changes in the -wal file; in a folder that cannot be written SQLite cannot apply
    them, and reading the main file alone would show an older state as if current."""
    path = ro_folder / "cases.sqlite"
    fill(path, renderer, 2)
    pid = os.fork()
    if pid == 0:  # the writer: one change committed, then gone without closing
        try:
            conn = sqlite3.connect(path, isolation_level=None)
            conn.execute("PRAGMA wal_autocheckpoint=0")
            conn.execute("UPDATE cases SET label = 'changed' WHERE label = 'case 0'")
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 0
    Path(f"{path}-shm").unlink()  # (the index SQLite rebuilds from the WAL)
    before = _folder_bytes(ro_folder)
    out = open_in_child(path, read_only_folder(path))
    error = str(out.get("error", ""))
    assert error.startswith("CaseStoreReadOnly: "), out
    assert f"latest changes are still in {wal}" in error and "nothing was changed" in error
    assert _folder_bytes(ro_folder) == before


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX permissions")
def test_an_older_store_in_a_read_only_folder_is_not_upgraded(ro_folder, renderer):
    """An upgrade writes; in a read-only folder the store is refused, not half-read."""
    path = ro_folder / "cases.sqlite"
    fill(path, renderer, 1)
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {schema.CURRENT - 1}")
    raw.commit()
    raw.close()
    before = _folder_bytes(ro_folder)
    out = open_in_child(path, read_only_folder(path))
    error = str(out.get("error", ""))
    assert error.startswith("CaseStoreReadOnly: "), out
    assert "needs an upgrade" in error and str(path) in error
    assert _folder_bytes(ro_folder) == before


def test_busy_timeout_waits_for_a_short_lock(tmp_path, renderer):
    path = tmp_path / "cases.sqlite"
    fill(path, renderer, 1)
    store = CaseStore.open(path, busy_timeout=10)
    proc = hold_lock(path, "immediate")
    timer = threading.Timer(0.5, release, (proc,))
    timer.start()
    try:
        case = parse_case({**CASE, "label": "after wait"})
        started = time.perf_counter()
        case_id = store.save(case, renderer.result_for(case)).id
        assert time.perf_counter() - started >= 0.3  # it did wait, then succeeded
        assert store.get(case_id).label == "after wait"
    finally:
        timer.join()
        store.close()


# --- corrupt -------------------------------------------------------------------------------

def test_garbage_file_is_kept_aside_and_a_new_store_started_only_after(tmp_path):
    path = tmp_path / "cases.sqlite"
    garbage = os.urandom(8192)
    path.write_bytes(garbage)
    with pytest.raises(CaseStoreCorrupt) as info:
        CaseStore.open(path)
    moved = info.value.moved_to
    assert moved is not None and moved.parent == tmp_path
    assert moved.name.startswith("cases.sqlite.corrupt-")
    assert str(moved) in str(info.value) and str(path) in str(info.value)
    assert moved.read_bytes() == garbage  # kept byte for byte
    assert not path.exists()  # not replaced by the failed open
    with CaseStore.open(path) as store:  # the next open starts a new, empty store
        assert store.count() == 0
    assert moved.read_bytes() == garbage


def test_damaged_pages_in_a_real_store_are_detected_and_kept(tmp_path, renderer):
    path = tmp_path / "cases.sqlite"
    fill(path, renderer, 60)
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    data[3 * page: 5 * page] = os.urandom(2 * page)  # smash two pages in the middle
    path.write_bytes(bytes(data))
    with pytest.raises(CaseStoreCorrupt, match="damaged") as info:
        CaseStore.open(path)
    moved = info.value.moved_to
    assert moved is not None and moved.read_bytes() == bytes(data)
    assert str(moved) in str(info.value)
    with CaseStore.open(path) as store:
        assert store.count() == 0
    assert sorted(p.name.split(".corrupt-")[0] for p in tmp_path.glob("*.corrupt-*")) == [
        "cases.sqlite"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB file system of its own (tmpfs): room for some of a new store, not all.
    Needs the right to mount (root, outside most containers); else skipped, said."""
    folder = tmp_path / "small"
    folder.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("a small tmpfs needs root on Linux")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_new_store_on_a_nearly_full_disk_is_not_called_damaged(small_disk):
    """Review B, L4: on a nearly full disk a new store was linked into place before its
    tables had left the write-ahead log; it then read as "damaged … IT may be able to
    recover cases", kept aside as .corrupt, though it never held a case. The disk is
    said to be full, and nothing is left behind."""
    path = small_disk / "data" / "cases.sqlite"
    with pytest.raises(CaseStoreError) as err:
        CaseStore.open(path)
    assert not isinstance(err.value, CaseStoreCorrupt)
    assert "full" in str(err.value) and "damaged" not in str(err.value)
    assert sorted(p.name for p in path.parent.iterdir()) == []
