"""The audit log's head recorded beside the case store (core.casestore.audit_head):
entries cut off at the end of the chain, or an older copy of the store put back, are
found by ``audit verify`` without a head noted by hand; a store started anew, two
processes exporting at once or an unusable record never raise a false alarm.

Real SQLite files, the real command line, real processes.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.casestore import CaseStore, audit_head
from core.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]


def _export(path: Path, first: int, last: int) -> None:
    with CaseStore.open(path) as store:
        for i in range(first, last + 1):
            store.record_export(None, [f"/r{i}.pdf"], f"{i:064x}", "2026.12.6", case_id=i,
                                label=f"case {i}")


def _verify(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli_main(["audit", "verify", "--store", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _cut_after(path: Path, keep: int) -> None:
    raw = sqlite3.connect(path)  # someone removes the guard and the last entries
    raw.execute("DROP TRIGGER audit_no_delete")
    raw.execute("DELETE FROM audit WHERE id > ?", (keep,))
    raw.commit()
    raw.close()


def test_every_export_records_the_head_beside_the_store(tmp_path):
    path = tmp_path / "cases.sqlite"
    _export(path, 1, 3)
    recorded = audit_head.read(path)
    with CaseStore.open(path, read_only=True) as store:
        check = store.verify_audit()
    assert recorded is not None and recorded.entry == 3 and recorded.head == check.head
    assert audit_head.path_for(path).name == "cases.sqlite.audit-head.json"
    assert check.ok and check.note is None


def test_entries_cut_off_at_the_end_are_found_and_stay_found(tmp_path, capsys):
    """Removing the last entries breaks no link; the head recorded at the last export
    is gone from the chain, so ``audit verify`` says the log is incomplete (exit 1),
    and one more export does not erase that."""
    path = tmp_path / "cases.sqlite"
    _export(path, 1, 5)
    _cut_after(path, 3)
    code, said = _verify(path, capsys)
    assert code == 1 and "audit log INCOMPLETE" in said
    assert "no longer holds entry 5" in said and "entries were removed from it" in said
    assert "3 entries now" in said

    _export(path, 6, 6)  # the next export, as entry 4: the finding stays
    code, said = _verify(path, capsys)
    assert code == 1 and "no longer holds entry 5" in said and "4 entries now" in said

    audit_head.path_for(path).unlink()  # accounted for: the record is removed by hand
    code, said = _verify(path, capsys)
    assert code == 0 and "note: no head is recorded beside the store yet" in said
    _export(path, 7, 7)
    code, said = _verify(path, capsys)
    assert code == 0 and "entries: 5" in said and "note:" not in said


def test_an_older_copy_of_the_store_put_back_is_found(tmp_path, capsys):
    path = tmp_path / "cases.sqlite"
    _export(path, 1, 2)  # closing folds the WAL in: the file alone is a whole copy
    shutil.copy(path, tmp_path / "backup.sqlite")
    _export(path, 3, 4)
    shutil.copy(tmp_path / "backup.sqlite", path)
    code, said = _verify(path, capsys)
    assert code == 1 and "no longer holds entry 4" in said
    assert "an older or other copy of the case store was put in its place" in said


def test_a_store_started_anew_is_a_note_not_an_alarm(tmp_path, capsys):
    """Deleting cases.sqlite starts anew: the record names another log; said, exit 0,
    and the first export of the new log replaces the record."""
    path = tmp_path / "cases.sqlite"
    _export(path, 1, 3)
    path.unlink()
    _export(path, 1, 0)  # opened (created), nothing exported yet
    code, said = _verify(path, capsys)
    assert code == 0 and "entries: 0" in said
    assert "records another audit log (3 entries" in said and "started anew" in said
    _export(path, 1, 1)
    code, said = _verify(path, capsys)
    assert code == 0 and "entries: 1" in said and "note:" not in said


def test_two_processes_exporting_at_once_raise_no_false_alarm(tmp_path, capsys):
    """Each process records the head it wrote; whichever record lands last names an
    entry that is in the chain, so the log checks out."""
    path = tmp_path / "cases.sqlite"
    _export(path, 1, 1)
    script = textwrap.dedent(f"""
        import sys
        from core.casestore import CaseStore
        with CaseStore.open({str(path)!r}, busy_timeout=30) as store:
            for i in range(15):
                store.record_export(None, [f"/p{{sys.argv[1]}}-{{i}}.pdf"], "a" * 64, "v")
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)], cwd=ROOT)
             for n in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    code, said = _verify(path, capsys)
    assert code == 0 and "entries: 46" in said and "note:" not in said


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_an_unusable_record_is_named_never_waited_on_and_never_stops_an_export(
        tmp_path, capsys):
    path = tmp_path / "cases.sqlite"
    _export(path, 1, 2)
    record = audit_head.path_for(path)
    record.unlink()
    os.mkfifo(record)  # a reader would wait for a writer for good
    code, said = _verify(path, capsys)
    assert code == 0 and "cannot be read (is a named pipe (FIFO)" in said

    record.unlink()
    record.write_text('{"format": "hrher2-aid.audit-head/1", "entry": "3"}')
    code, said = _verify(path, capsys)
    assert code == 0 and "cannot be read (its fields are missing or of the wrong kind)" in said
    _export(path, 3, 3)  # a good record replaces it
    assert audit_head.read(path) is not None and _verify(path, capsys)[0] == 0

    record.unlink()
    record.mkdir()  # the record cannot be written: the export is still in the log
    _export(path, 4, 4)
    code, said = _verify(path, capsys)
    assert code == 0 and "entries: 4" in said and "cannot be read (is a folder" in said


def test_an_emptied_log_beside_older_cases_is_found_and_stays_found(tmp_path, capsys):
    """Diff review R3: an empty log was taken for a store started anew, so emptying the
    log (or putting back a copy from before its first export) passed, and the next
    export erased the record. A store started anew holds no case older than the
    recorded entry; this one does."""
    from core.case import parse_case
    from core.evidence import open_store
    from core.result import Renderer
    from tests.core.test_case import BASE

    path = tmp_path / "cases.sqlite"
    case = parse_case(BASE)
    with CaseStore.open(path) as store:
        store.save(case, Renderer(open_store()).result_for(case))
    _export(path, 1, 3)
    _cut_after(path, 0)
    code, said = _verify(path, capsys)
    assert code == 1 and "no longer holds entry 3" in said
    _export(path, 4, 4)  # a new first entry: still the finding, not "another log"
    code, said = _verify(path, capsys)
    assert code == 1 and "no longer holds entry 3" in said


def test_a_record_nested_too_deep_is_unreadable_not_a_crash(tmp_path, capsys):
    """Diff review R6: a deeply nested JSON head file raised RecursionError from audit
    verify, and from the export after its entry was committed."""
    path = tmp_path / "cases.sqlite"
    _export(path, 1, 1)
    audit_head.path_for(path).write_text("[" * 2000 + "]" * 2000)
    code, said = _verify(path, capsys)
    assert code == 0 and "cannot be read (it is not JSON)" in said
    _export(path, 2, 2)  # no exception; a good record replaces it
    assert audit_head.read(path) is not None


def test_a_file_name_that_is_not_utf8_is_recorded(tmp_path):
    """Diff review R7: SQLite refused the name (UnicodeEncodeError) after the documents
    were written."""
    path = tmp_path / "cases.sqlite"
    odd = os.fsdecode(os.fsencode(str(tmp_path)) + b"/nu\xff/s.pdf")
    with CaseStore.open(path) as store:
        store.record_export(None, [odd], "a" * 64, "v")
        (entry,) = store.list_audit()
    assert entry.files == (str(tmp_path) + "/nu\\xff/s.pdf",)
