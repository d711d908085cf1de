"""Killing the writing process (SIGKILL) in the middle of saves never loses or tears a save.

A child process saves cases in a loop (new cases and updates of earlier ones) and
reports each save on a pipe before starting it ("B") and after it returned ("D").
It is killed at a random moment, 25 times over the same store file. After every
kill the store must open (quick_check), pass ``PRAGMA integrity_check``, hold every
save that had returned, and hold no torn row (answers and result from different saves).

What this does not test: a power cut (SIGKILL leaves the OS page cache intact);
``synchronous=FULL`` is what covers that, and it is not exercised here.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from core.casestore import CaseStore

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 25

WRITER = textwrap.dedent("""
    import random, sys
    sys.path.insert(0, sys.argv[2])
    from core.case import parse_case
    from core.casestore import CaseStore
    from core.evidence import open_store
    from core.result import Renderer

    renderer = Renderer(open_store())
    store = CaseStore.open(sys.argv[1])
    rng = random.Random(int(sys.argv[3]))
    mine = {}  # id -> the revision this writer last saved
    n = 0
    while True:
        n += 1
        case = parse_case({
            "format": "hrher2-aid.case/1", "label": f"r{sys.argv[3]} n{n}",
            "receptors": {"hr": "positive", "her2": "positive"},
            "setting": rng.choice(["first_line", "progression"]),
            "endocrine_responsive": rng.choice(["yes", "no", "unknown"]),
            "disease": {"visceral": rng.random() < 0.5, "symptomatic": rng.random() < 0.5},
        })
        target = rng.choice(sorted(mine)) if mine and rng.random() < 0.4 else None
        print("B", target if target is not None else "new", case.sha256(), flush=True)
        saved = store.save(case, renderer.result_for(case), target,
                           revision=mine.get(target))
        mine[saved.id] = saved.revision
        print("D", saved.id, case.sha256(), flush=True)
""")


def run_round(path: Path, seed: int, rng: random.Random) -> list[list[str]]:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(ROOT), str(seed)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[list[str]] = []
    first_done = threading.Event()

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if not line.endswith("\n"):
                break  # cut short by the kill: that report never completed
            lines.append(line.split())
            if line.startswith("D"):
                first_done.set()

    thread = threading.Thread(target=reader)
    thread.start()
    if not first_done.wait(60):
        # say why (a writer that died shows its traceback), and leave no pipe open
        proc.kill()
        _out, err = proc.communicate(timeout=10)
        thread.join(10)
        pytest.fail(f"writer never saved; its stderr:\n{err[-2000:]}")
    time.sleep(rng.uniform(0.0, 0.25))
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    thread.join(10)
    assert proc.returncode == -signal.SIGKILL
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    proc.stderr.close()
    return lines


def expected_after(lines: list[list[str]], expected: dict[int, set[str]]) -> None:
    """Fold one round's log into {id: the shas its row may hold now}."""
    pending_update: tuple[int, str] | None = None
    for kind, target, sha in lines:
        if kind == "B":
            pending_update = None if target == "new" else (int(target), sha)
        else:
            expected[int(target)] = {sha}
            pending_update = None
    if pending_update is not None:  # killed during (or just after) an update of that id
        case_id, sha = pending_update
        expected[case_id] = expected[case_id] | {sha}


def check_store(path: Path, expected: dict[int, set[str]]) -> None:
    with CaseStore.open(path) as store:  # quick_check at open would raise CaseStoreCorrupt
        assert store.integrity_ok()
        assert [r.id for r in store.list(limit=None) if r.damaged] == []  # hashes hold
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = {r[0]: r[1:] for r in raw.execute(
            "SELECT id, answers, result, case_sha256 FROM cases")}
    finally:
        raw.close()
    for answers, result, sha in rows.values():  # no torn row anywhere
        assert hashlib.sha256(answers.encode()).hexdigest() == sha
        assert json.loads(result)["case_sha256"] == sha
    for case_id, shas in expected.items():  # every save that returned is there
        assert case_id in rows, f"saved case {case_id} lost"
        assert rows[case_id][2] in shas, f"saved case {case_id} holds an unexpected version"


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_sigkill_during_repeated_saves_loses_nothing(tmp_path):
    path = tmp_path / "cases.sqlite"
    rng = random.Random(20261126)
    expected: dict[int, set[str]] = {}
    confirmed = 0
    for seed in range(ROUNDS):
        lines = run_round(path, seed, rng)
        confirmed += sum(1 for line in lines if line[0] == "D")
        expected_after(lines, expected)
        check_store(path, expected)
    assert confirmed > ROUNDS  # the kills really landed among many saves
    assert os.path.exists(path) and not list(tmp_path.glob("*.corrupt-*"))
