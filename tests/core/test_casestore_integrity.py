"""Saved cases that cannot silently change (issue 12): conflicts between writers,
damaged rows, the audit chain, and fresh stores created by many processes at once.

Every test works on real SQLite files, and the concurrency tests on real processes.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from core.case import parse_case
from core.casestore import CaseConflict, CaseDamaged, CaseStore
from core.casestore.files import export_case
from core.cli import main as cli_main
from core.evidence import open_store
from core.result import Renderer

ROOT = Path(__file__).resolve().parents[2]
CASE: dict[str, Any] = {
    "format": "hrher2-aid.case/1", "label": "shared case",
    "receptors": {"hr": "positive", "her2": "positive"}, "setting": "after_induction",
    "disease": {"visceral": True, "symptomatic": False},
    "chemotherapy": {"months_given": 3, "maximal_response": True},
}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(open_store())


def save_new(path: Path, renderer: Renderer, data: dict[str, Any]) -> int:
    case = parse_case(data)
    with CaseStore.open(path) as store:
        return store.save(case, renderer.result_for(case)).id


# --- two writers --------------------------------------------------------------------------

EDITOR = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[2])
    from core.case import parse_case
    from core.casestore import CaseConflict, CaseStore
    from core.evidence import open_store
    from core.result import Renderer

    renderer = Renderer(open_store())
    store = CaseStore.open(sys.argv[1])
    stored = store.get(1)                      # the app opens saved case 1
    answers = dict(stored.answers, label=sys.argv[3])
    print("opened", flush=True)
    sys.stdin.readline()                       # ... the user edits, then presses Save
    case = parse_case(answers)
    try:
        saved = store.save(case, renderer.result_for(case), stored.id,
                           revision=stored.revision)
        print("saved", saved.id, saved.revision, flush=True)
    except CaseConflict as conflict:           # the user picks "save mine as a copy"
        print("conflict", conflict.theirs.label, flush=True)
        copy = store.save(case, renderer.result_for(case))
        print("copy", copy.id, flush=True)
    store.close()
""")


def test_lost_update_two_processes_second_save_gets_a_conflict_not_an_overwrite(
        tmp_path, renderer):
    """Issue 12: "Saves carry the revision they started from; a second writer gets a
    conflict with a choice (reload theirs, or save mine as a copy). No lost update."
    Two real processes open case 1; A saves, then B saves."""
    path = tmp_path / "cases.sqlite"
    assert save_new(path, renderer, CASE) == 1
    procs = [subprocess.Popen([sys.executable, "-c", EDITOR, str(path), str(ROOT), label],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for label in ("edit by A", "edit by B")]
    try:
        for proc in procs:  # both have read revision 1 before either saves
            assert proc.stdout is not None and proc.stdout.readline() == "opened\n"
        out = []
        for proc in procs:  # A saves and exits, then B saves
            stdout, stderr = proc.communicate("save\n", timeout=60)
            assert proc.returncode == 0, stderr
            out.append(stdout.split())
    finally:
        for proc in procs:
            proc.kill() if proc.poll() is None else None
    assert out[0] == ["saved", "1", "2"]
    assert out[1][:3] == ["conflict", "edit", "by"] and out[1][3] == "A"  # theirs shown
    copy_id = int(out[1][-1])
    with CaseStore.open(path) as store:
        assert store.get(1).label == "edit by A" and store.get(1).revision == 2  # kept
        assert store.get(copy_id).label == "edit by B" and copy_id != 1  # mine, as a copy
        assert store.count() == 2


def test_conflict_carries_theirs_and_a_stale_revision_never_writes(tmp_path, renderer):
    path = tmp_path / "cases.sqlite"
    case = parse_case(CASE)
    with CaseStore.open(path) as a, CaseStore.open(path) as b:
        first = a.save(case, renderer.result_for(case))
        theirs = parse_case({**CASE, "label": "theirs"})
        b.save(theirs, renderer.result_for(theirs), first.id, revision=first.revision)
        mine = parse_case({**CASE, "label": "mine"})
        with pytest.raises(CaseConflict, match="changed elsewhere") as info:
            a.save(mine, renderer.result_for(mine), first.id, revision=first.revision)
        assert info.value.theirs.label == "theirs" and info.value.theirs.revision == 2
        assert a.get(first.id).label == "theirs"
        with pytest.raises(ValueError, match="revision"):  # an update must say its base
            a.save(mine, renderer.result_for(mine), first.id)


# --- damaged rows -------------------------------------------------------------------------

def flip_bit(path: Path, old: bytes, new: bytes) -> None:
    """Change one byte of the file in place (one bit: old ^ new is a power of two)."""
    assert len(old) == len(new)
    diff = [a ^ b for a, b in zip(old, new, strict=True) if a != b]
    assert len(diff) == 1 and diff[0] & (diff[0] - 1) == 0
    data = bytearray(path.read_bytes())
    assert data.count(old) == 1
    at = data.index(old)
    data[at:at + len(old)] = new
    path.write_bytes(bytes(data))


def test_damaged_case_row_with_a_flipped_bit_is_marked_and_never_used(tmp_path, renderer):
    """Issue 12: flipping one bit in cases.sqlite (months 3 -> 7) passes quick_check;
    the row's stored case hash must reveal it: marked damaged in the list and when
    opened, shown, never silently used."""
    path = tmp_path / "cases.sqlite"
    case_id = save_new(path, renderer, CASE)
    other = save_new(path, renderer, {**CASE, "label": "intact",
                                            "setting": "first_line", "chemotherapy": {}})
    flip_bit(path, b'"months_given":3', b'"months_given":7')  # '3' 0x33 -> '7' 0x37
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA quick_check").fetchall() == [("ok",)]  # SQLite sees nothing
    raw.close()
    with CaseStore.open(path) as store:
        rows = {r.id: r for r in store.list()}
        assert rows[case_id].damaged and "case hash" in rows[case_id].damaged
        assert rows[other].damaged is None
        got = store.get(case_id)
        assert got.damaged and got.answers["chemotherapy"]["months_given"] == 7  # shown
        payload = store.opened(case_id, renderer)
        assert payload["damaged"] and payload["result_differs"] is False  # not compared
        for use in (lambda: export_case(store, case_id, tmp_path / "out.json"),
                    lambda: store.duplicate(case_id),
                    lambda: store.compare_with_current(case_id, renderer),
                    lambda: store.save(parse_case(CASE), renderer.result_for(parse_case(CASE)),
                                       case_id, revision=got.revision)):
            with pytest.raises(CaseDamaged, match="damaged"):
                use()
        assert not (tmp_path / "out.json").exists() and store.count() == 2


def test_damaged_result_label_or_revision_is_caught_by_the_row_hash(tmp_path, renderer):
    """The case hash covers the answers; the row hash covers the rest of the row."""
    path = tmp_path / "cases.sqlite"
    case_id = save_new(path, renderer, CASE)
    with CaseStore.open(path) as store:
        result = store.get(case_id).result
    status = result["options"][0]["status"]
    raw = sqlite3.connect(path)
    raw.execute("UPDATE cases SET result = replace(result, ?, ?) WHERE id = ?",
                (f'"status": "{status}"', '"status": "forged"', case_id))
    raw.commit()
    raw.close()
    with CaseStore.open(path) as store:
        assert "row hash" in (store.list()[0].damaged or "")
        with pytest.raises(CaseDamaged):
            store.get_intact(case_id)


@pytest.mark.parametrize("result", ["{not json", "[" * 100_000 + "]" * 100_000])
def test_an_unreadable_result_keeps_the_readable_answers(tmp_path, renderer, result):
    """Hostile review W4: a row whose result is not JSON lost its intact answers too,
    so "Open as a new, unsaved case" said "format: required field is missing". Review
    B, L6: one nested 100,000 deep raised RecursionError wherever the row was read."""
    path = tmp_path / "cases.sqlite"
    case_id = save_new(path, renderer, CASE)
    raw = sqlite3.connect(path)
    raw.execute("UPDATE cases SET result = ? WHERE id = ?", (result, case_id))
    raw.commit()
    raw.close()
    with CaseStore.open(path) as store:
        got = store.get(case_id)
        assert store.opened(case_id, renderer)["damaged"]
        assert store.find_intact(parse_case(CASE).sha256()) is None
    assert got.damaged and parse_case(got.answers) == parse_case(CASE) and got.result == {}


# --- the audit chain ----------------------------------------------------------------------

def test_audit_chain_verifies_and_reports_the_first_broken_link(tmp_path, capsys):
    """Issue 12: the audit log is append-only and hash-chained; `hrher2-aid audit
    verify` reports the first broken link."""
    path = tmp_path / "cases.sqlite"
    with CaseStore.open(path) as store:
        for i in range(1, 6):
            store.record_export(None, [f"/r{i}.pdf"], f"{i:064x}", "2026.12.1", case_id=i,
                                label=f"case {i}")
        check = store.verify_audit()
        assert check.ok and check.entries == 5
    assert cli_main(["audit", "verify", "--store", str(path)]) == 0
    out = capsys.readouterr().out
    assert "audit log OK" in out and "entries: 5" in out and check.head in out

    raw = sqlite3.connect(path)
    for sql in ("UPDATE audit SET files = '[\"/x.pdf\"]' WHERE id = 3",
                "DELETE FROM audit WHERE id = 2"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute(sql)
    # Someone with the sqlite3 tool removes the guard and edits entry 3:
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("UPDATE audit SET files = '[\"/elsewhere.pdf\"]' WHERE id = 3")
    raw.commit()
    assert cli_main(["audit", "verify", "--store", str(path)]) == 1
    err = capsys.readouterr().err
    assert "BROKEN at entry 3" in err and "changed after it was written" in err
    # ... or puts it back and removes entry 2 instead: entry 3 no longer follows entry 1
    raw.execute("UPDATE audit SET files = '[\"/r3.pdf\"]' WHERE id = 3")
    raw.execute("DROP TRIGGER audit_no_delete")
    raw.execute("DELETE FROM audit WHERE id = 2")
    raw.commit()
    raw.close()
    assert cli_main(["audit", "verify", "--store", str(path)]) == 1
    err = capsys.readouterr().err
    assert "BROKEN at entry 3" in err and "does not follow entry 1" in err
    with CaseStore.open(path) as store:  # the chain goes on after a check
        assert store.verify_audit().broken_at == 3


@pytest.mark.parametrize("column", ["files", "label", "case_sha256", "kind", "at"])
def test_a_blob_written_into_the_audit_log_is_a_broken_link_not_a_crash(tmp_path, capsys,
                                                                        column):
    """Hostile review W2: a BLOB put in an audit column by hand gave "unexpected error:
    TypeError" from audit verify, and the audit view and its CSV export raised."""
    from core.casestore.files import export_audit_csv

    path = tmp_path / "cases.sqlite"
    with CaseStore.open(path) as store:
        for i in range(1, 4):
            store.record_export(None, [f"/r{i}.pdf"], f"{i:064x}", "2026.12.1", case_id=i,
                                label=f"case {i}")
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute(f"UPDATE audit SET {column} = X'00ff' WHERE id = 2")
    raw.commit()
    raw.close()
    assert cli_main(["audit", "verify", "--store", str(path)]) == 1
    err = capsys.readouterr().err
    assert "BROKEN at entry 2" in err and "unexpected" not in err
    with CaseStore.open(path) as store:
        entries = store.list_audit()
        assert len(entries) == 3 and all(isinstance(e.kind, str) for e in entries)
        export_audit_csv(store, tmp_path / "audit.csv")
    assert "(not text: edited outside the app)" in (tmp_path / "audit.csv").read_text()


def test_audit_verify_since_a_noted_head_finds_entries_cut_off_at_the_end(tmp_path, capsys):
    """Removing the last entries breaks no link: a head noted earlier must still be in
    the chain (``audit verify --since HEAD``)."""
    path = tmp_path / "cases.sqlite"
    with CaseStore.open(path) as store:
        empty_head = store.verify_audit().head
        for i in range(1, 6):
            store.record_export(None, [f"/r{i}.pdf"], f"{i:064x}", "2026.12.1")
        noted = store.verify_audit().head  # what IT wrote down after entry 5
        for i in range(6, 8):
            store.record_export(None, [f"/r{i}.pdf"], f"{i:064x}", "2026.12.1")
    assert cli_main(["audit", "verify", "--store", str(path), "--since", noted.upper()]) == 0
    out = capsys.readouterr().out
    assert "since: entry 5, still in the chain; 2 entries after it" in out
    assert cli_main(["audit", "verify", "--store", str(path), "--since", empty_head]) == 0
    assert "since: the empty log, still in the chain; 7 entries after it" in (
        capsys.readouterr().out)

    raw = sqlite3.connect(path)  # someone removes the guard and the last four entries,
    raw.execute("DROP TRIGGER audit_no_delete")
    raw.execute("DELETE FROM audit WHERE id > 3")
    raw.commit()
    raw.close()
    (tmp_path / "cases.sqlite.audit-head.json").unlink()  # and the head recorded beside it
    assert cli_main(["audit", "verify", "--store", str(path)]) == 0  # every link holds
    assert "entries: 3" in capsys.readouterr().out
    assert cli_main(["audit", "verify", "--store", str(path), "--since", noted]) == 1
    err = capsys.readouterr().err
    assert "audit log INCOMPLETE" in err and "no longer in the log" in err
    assert "3 entries remain" in err
    with CaseStore.open(path, read_only=True) as store:
        check = store.verify_audit(noted)
    assert not check.ok and check.broken_at is None and check.entries == 3


def test_audit_verify_since_refuses_what_is_not_a_head(tmp_path, capsys):
    path = tmp_path / "cases.sqlite"
    CaseStore.open(path).close()
    assert cli_main(["audit", "verify", "--store", str(path), "--since", "abc123"]) == 2
    err = capsys.readouterr().err
    assert "'abc123' is not a head printed by 'audit verify'" in err
    assert err.count("\n") == 1  # one line, no traceback


def test_audit_verify_without_a_store_says_so(tmp_path, capsys):
    missing = tmp_path / "none" / "cases.sqlite"
    assert cli_main(["audit", "verify", "--store", str(missing)]) == 1
    assert "no case store" in capsys.readouterr().err
    assert not missing.parent.exists()  # checking never creates a store


def test_audit_verify_in_a_data_folder_that_is_a_file_says_so(tmp_path, capsys, monkeypatch):
    """Acceptance review A6: HRHER2_AID_DATA_DIR=/dev/null said "there is no case store
    at /dev/null/cases.sqlite" (exit 1), not what is wrong."""
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    monkeypatch.setenv("HRHER2_AID_DATA_DIR", str(not_a_folder))
    assert cli_main(["audit", "verify"]) == 2
    assert f"{not_a_folder} is not a folder" in capsys.readouterr().err


@pytest.mark.parametrize("content", [b'{"format": "hrher2-aid.case/1"}\n', b"%PDF-1.4\n" * 50,
                                     b"SQLite format 3\x00" + b"\xff" * 4000])
def test_audit_verify_never_moves_the_file_it_is_given(tmp_path, capsys, content):
    """Hostile review D2: `audit verify --store mycase.json` moved the user's own file
    aside as a "damaged case store". A checking command only reads."""
    mine = tmp_path / "mycase.json"
    mine.write_bytes(content)
    assert cli_main(["audit", "verify", "--store", str(mine)]) == 1
    err = capsys.readouterr().err
    assert "not checked" in err and "unchanged" in err or "not a case store" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mycase.json"]
    assert mine.read_bytes() == content


def test_audit_verify_of_a_name_too_long_says_so_in_one_short_line(tmp_path, capsys):
    """Hostile review W8: "unexpected error: OSError: [Errno 36] File name too long",
    with the whole name."""
    assert cli_main(["audit", "verify", "--store", str(tmp_path / ("a" * 5000))]) == 1
    err = capsys.readouterr().err
    assert "the audit log was not checked" in err and "unexpected" not in err
    assert len(err) < 200


# --- many processes create the store at once ----------------------------------------------

OPENER = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, sys.argv[2])
    from core.casestore import CaseStore
    go = sys.argv[3]
    while not os.path.exists(go):     # every process is started and imported: now open
        time.sleep(0.001)
    try:
        store = CaseStore.open(sys.argv[1])   # the default 5 s busy timeout
        assert store.count() == 0 and store.verify_audit().ok and not store.read_only
        store.close()
        print("ok")
    except Exception as exc:
        print("FAILED", type(exc).__name__, exc)
""")


@pytest.mark.slow
def test_100_processes_creating_a_fresh_store_at_once_all_succeed(tmp_path):
    """Issue 12: creating a fresh store is safe when several processes start at once
    (today 8 of 10 pairs fail "locked"). 100 real processes open the same missing store
    at the same moment; each must get a complete, writable store."""
    path = tmp_path / "data" / "cases.sqlite"
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, str(path), str(ROOT), str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for _ in range(100)]
    time.sleep(1.0)
    go.touch()
    outputs = [p.communicate(timeout=300)[0].strip() for p in procs]
    failures = [o for o in outputs if o != "ok"]
    assert failures == [], f"{len(failures)} of 100 failed, e.g. {failures[:3]}"
    with CaseStore.open(path) as store:
        store.record_export(None, ["x.pdf"], "0" * 64, "v")
        assert store.verify_audit().entries == 1 and store.integrity_ok()
    assert sorted(p.name for p in path.parent.iterdir()
                  if not p.name.endswith(("-wal", "-shm"))) == [
        "cases.sqlite", "cases.sqlite.audit-head.json"]


# --- files that are not a case store (issue 13, item 8) ----------------------------------

def _foreign_sqlite(path: Path) -> None:
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT)")
    raw.execute("INSERT INTO patients (name) VALUES ('someone else''s data')")
    raw.commit()
    raw.close()


@pytest.mark.parametrize("kind", ["zero_byte", "foreign_sqlite", "foreign_app_id"])
def test_empty_or_foreign_file_at_the_store_path_is_refused_and_left_as_it_was(
        tmp_path, kind):
    """Issue 13 item 8: a zero-byte cases.sqlite, or a foreign SQLite file, must be
    refused with a message and the file left exactly as it was: no new tables, no WAL
    switch, no side files."""
    from core.casestore import CaseStoreForeign

    path = tmp_path / "cases.sqlite"
    if kind == "zero_byte":
        path.write_bytes(b"")
    else:
        _foreign_sqlite(path)
        if kind == "foreign_app_id":
            raw = sqlite3.connect(path)
            raw.execute("PRAGMA application_id = 1234")
            raw.commit()
            raw.close()
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    with pytest.raises(CaseStoreForeign) as info:
        CaseStore.open(path)
    message = str(info.value)
    assert str(path) in message and "left exactly as it is" in message
    assert ("empty (0 bytes)" in message) == (kind == "zero_byte")
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.sqlite"]  # nothing beside


# --- data folders that cannot work (issue 13, item 13) -----------------------------------

@pytest.mark.parametrize("kind", ["dev_null", "name_of_300_characters", "relative"])
def test_unusable_data_folder_gets_one_clear_message(tmp_path, monkeypatch, kind):
    """Issue 13 item 13: HRHER2_AID_DATA_DIR=/dev/null, a 300-character data folder and
    a relative path each get one clear message (a CaseStoreError naming the problem,
    never a bare OSError), and nothing is created."""
    from core.casestore import DATA_DIR_ENV, CaseStoreError, DataFolderError

    monkeypatch.chdir(tmp_path)
    value, expected = {
        "dev_null": ("/dev/null", "is a device, not a folder"),
        "name_of_300_characters": (str(tmp_path / ("d" * 300)), "has 300 characters"),
        "relative": ("clinic-data", "a relative path"),
    }[kind]
    monkeypatch.setenv(DATA_DIR_ENV, value)
    with pytest.raises(CaseStoreError) as info:
        CaseStore.open()
    assert isinstance(info.value, DataFolderError)
    assert expected in str(info.value) and "nothing was saved" in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing made anywhere


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_named_pipes_where_the_store_and_install_state_go_never_hang(tmp_path):
    """Hostile review W5: a named pipe at cases.sqlite (audit verify, the window's first
    Save) or at the evidence folder's state.json (every start, evidence verify and
    list) kept the reader waiting for a writer for good."""
    os.mkfifo(tmp_path / "cases.sqlite")
    machine = tmp_path / "machine"
    machine.mkdir()
    os.mkfifo(machine / "state.json")
    env = {**os.environ, "HRHER2_AID_EVIDENCE_DIR": str(machine)}
    root = str(Path(__file__).resolve().parents[2])
    audit = subprocess.run([sys.executable, "-m", "core.cli", "audit", "verify", "--store",
                            str(tmp_path / "cases.sqlite")], cwd=root, env=env,
                           capture_output=True, text=True, timeout=60)
    assert audit.returncode == 1 and "not a regular file" in audit.stderr
    verify = subprocess.run([sys.executable, "-m", "core.cli", "evidence", "verify"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert verify.returncode == 3 and "not a regular file" in verify.stdout
