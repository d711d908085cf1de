"""The command line, run as a user runs it: a real process, real files, exit codes."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.evidence import default_store_path
from tests.conftest import ROOT, copy_pack
from tests.core.test_case import BASE, with_


def cli(*args: str, stdin: bytes | None = None,
        prelude: str = "") -> subprocess.CompletedProcess[bytes]:
    """Run the real ``hrher2-aid`` entry point (desktop.launcher) in a fresh interpreter."""
    code = (f"import sys\n{prelude}\nfrom desktop.launcher import main\n"
            "code = main(sys.argv[1:])\n"
            "assert 'PySide6' not in sys.modules, 'the command line loaded Qt'\n"
            "assert 'reportlab' not in sys.modules or sys.argv[1] == 'report'\n"
            "sys.exit(code)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code, *args], input=stdin,
                          capture_output=True, cwd=ROOT, env=env, timeout=120, check=False)


def write(tmp_path: Path, case: Any, name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(case), encoding="utf-8")
    return path


def test_recommend_file(tmp_path: Path) -> None:
    run = cli("recommend", str(write(tmp_path, BASE)))
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["format"] == "hrher2-aid.result/1"
    assert [o["id"] for o in result["options"]] == ["chemo_her2", "et_her2"]
    assert run.stderr == b""


def test_recommend_stdin_matches_file(tmp_path: Path) -> None:
    from_file = cli("recommend", str(write(tmp_path, BASE)))
    from_stdin = cli("recommend", "-", stdin=json.dumps(BASE).encode())
    assert from_stdin.returncode == 0
    assert from_stdin.stdout == from_file.stdout


@pytest.mark.parametrize(("content", "message"), [
    (b"", b"empty input"),
    (b"not json", b"not valid JSON"),
    (b"[]", b"must be a JSON object"),
    (json.dumps(with_("chemotherapy.months_given", True)).encode(),
     b"chemotherapy.months_given: must be a number or null (got a boolean)"),
    (json.dumps(with_("setting", "after_induction")).encode(),
     b"chemotherapy.months_given: required when setting is after_induction"),
    (b'{"format": "hrher2-aid.case/1", "x": NaN}', b"NaN is not a JSON number"),
    (b"[" * 50_000, b"nested too deeply"),
    (os.urandom(3000), b"invalid case"),
])
def test_invalid_input_is_one_line_exit_2(tmp_path: Path, content: bytes,
                                          message: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    run = cli("recommend", str(path))
    assert run.returncode == 2
    assert run.stdout == b""
    assert message in run.stderr
    assert run.stderr.count(b"\n") == 1 and b"Traceback" not in run.stderr


@pytest.mark.parametrize("batch", [False, True], ids=["case", "batch"])
def test_missing_path_and_folder(tmp_path: Path, batch: bool) -> None:
    option = ["--batch"] if batch else []
    missing = cli("recommend", *option, str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and b"file not found" in missing.stderr
    folder = cli("recommend", *option, str(tmp_path))
    assert folder.returncode == 2 and b"is a folder" in folder.stderr


def test_fifty_megabytes(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.write(b'{"label": "' + b"x" * (50 * 1024 * 1024) + b'"}')
    run = cli("recommend", str(big))
    assert run.returncode == 2 and b"input too large" in run.stderr
    piped = cli("recommend", "-", stdin=big.read_bytes())
    assert piped.returncode == 2 and b"input too large" in piped.stderr


def test_a_device_without_end_is_refused() -> None:
    """/dev/zero has no size and no end: it is read only up to the limit."""
    run = cli("recommend", "/dev/zero")
    assert run.returncode == 2 and b"input too large" in run.stderr


def test_usage_errors_exit_2() -> None:
    for args in (["recommend"], ["recommend", "--frobnicate"], ["evidence"]):
        run = cli(*args)
        assert run.returncode == 2, args
        assert b"Traceback" not in run.stderr and run.stderr.count(b"\n") == 1


@pytest.mark.parametrize("args", [["evidence", "list"], ["evidence", "diff", "resources"],
                                  ["evidence", "rollback"], ["audit", "verify"]])
def test_evidence_given_to_a_command_that_does_not_read_it_is_refused(
        capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    """Docs review M4: every command took --evidence, and those that do not read it
    ignored it without a word ("evidence diff --evidence OLD NEW" compared NEW with the
    pack in use)."""
    from core.cli import main

    assert main([*args, "--evidence", "/nonexistent/pack"]) == 2
    err = capsys.readouterr().err
    assert f"--evidence is not used by '{' '.join(args[:2])}'" in err
    assert main(["evidence", "verify", "--evidence", "/nonexistent/pack"]) == 3


@pytest.mark.parametrize("args", [["evidence", "list"], ["evidence", "diff"],
                                  ["evidence", "install"], ["evidence", "pack"],
                                  ["evidence", "rollback"], ["audit", "verify"], ["audit"]])
def test_a_command_that_does_not_read_evidence_does_not_offer_it(
        capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    """Its help listed --evidence, which it then refused."""
    from core.cli import main

    assert main([*args, "--help"]) == 0
    assert "--evidence" not in capsys.readouterr().out
    assert main(["recommend", "--help"]) == 0
    assert "--evidence PATH" in capsys.readouterr().out


def test_batch(tmp_path: Path) -> None:
    cases = [BASE, with_("setting", "progression"), with_("receptors.hr", "negative")]
    lines = [json.dumps(c) for c in cases]
    lines.insert(1, "{broken")
    lines.insert(3, "")
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = cli("recommend", "--batch", str(path))
    assert run.returncode == 2
    out = [json.loads(line) for line in run.stdout.decode().splitlines()]
    assert len(out) == 5
    assert out[1] == {"format": "hrher2-aid.error/1", "line": 2,
                      "error": out[1]["error"]} and "not valid JSON" in out[1]["error"]
    assert out[3]["line"] == 4 and "empty input" in out[3]["error"]
    single = json.loads(cli("recommend", str(write(tmp_path, cases[1]))).stdout)
    assert out[2] == single
    assert out[4]["in_scope"] is False


def test_batch_all_valid_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(BASE) + "\r\n" + json.dumps(BASE), encoding="utf-8")
    run = cli("recommend", "--batch", str(path))
    assert run.returncode == 0
    first, second = run.stdout.decode().splitlines()
    assert first == second


def test_evidence_verify() -> None:
    run = cli("evidence", "verify")
    assert run.returncode == 0
    text = run.stdout.decode()
    assert str(default_store_path()) in text and "version: " in text
    # both hashes, named apart: the whole file's (as sha256sum prints it) and the content's
    file_hash = hashlib.sha256(default_store_path().read_bytes()).hexdigest()
    assert f"file sha256: {file_hash}\n" in text and "content sha256: " in text
    # the version is not a date: verify says what the evidence rests on, and up to when
    assert "sources through: 2022" in text
    assert "citing publications up to 2022; later trials are not included." in text


def test_tampered_store_exits_3(tmp_path: Path) -> None:
    store = copy_pack(tmp_path / "pack")
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE statements SET text = 'Give anything.' WHERE id = 'chemo_her2'")
    case = str(write(tmp_path, BASE))
    for args in (["recommend", case], ["recommend", "--batch", case], ["evidence", "verify"]):
        run = cli(*args, "--evidence", str(store))
        assert run.returncode == 3, args
        assert run.stdout == b""
        assert b"has been altered" in run.stderr
        # verify recommends nothing: it says only what is wrong (issue 13, item 15)
        assert (b"nothing was recommended" in run.stderr) == (args[0] == "recommend")
    before = cli("--evidence", str(tmp_path / "missing.sqlite"), "recommend", case)
    assert before.returncode == 3 and b"not found" in before.stderr


NO_NETWORK = """
def _deny(event, args):
    if event.startswith("socket.") :
        raise SystemExit(f"network access attempted: {event} {args!r}")
sys.addaudithook(_deny)
"""


def test_recommend_opens_no_socket(tmp_path: Path) -> None:
    case = str(write(tmp_path, BASE))
    for args in (["recommend", case], ["recommend", "--batch", case], ["evidence", "verify"]):
        run = cli(*args, prelude=NO_NETWORK)
        assert run.returncode == 0, run.stderr
        assert b"network access" not in run.stdout + run.stderr


def test_the_socket_guard_works() -> None:
    """The guard above really stops a program that reaches for the network."""
    run = subprocess.run([sys.executable, "-c", "import sys\n" + NO_NETWORK +
                          "import socket\nsocket.socket()\n"],
                         capture_output=True, timeout=60, check=False)
    assert run.returncode != 0 and b"network access attempted" in run.stderr


def _run_with_stdout(stdout: Any, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The real entry point with standard output closed (None) or sent somewhere."""
    closed = stdout is None
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args], cwd=ROOT, timeout=120, check=False,
        stdout=subprocess.DEVNULL if closed else stdout, stderr=subprocess.PIPE,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        preexec_fn=(lambda: os.close(1)) if closed else None)  # noqa: PLW1509


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["recommend", "CASE"], ["--version"], ["--self-test"],
                                  ["--help"], ["recommend", "--help"]])
def test_a_closed_or_full_standard_output_is_one_line_not_a_traceback(
        tmp_path: Path, args: list[str]) -> None:
    """Hostile review H5: stdout closed gave "unexpected error: AttributeError" (and a
    traceback from the evidence checker, whose answer channel was closed by mistake);
    stdout on a full disk gave a traceback; neither may pass for success."""
    case = str(write(tmp_path, BASE))
    argv = [case if a == "CASE" else a for a in args]
    with open("/dev/full", "wb") as full:
        for run in (_run_with_stdout(None, *argv), _run_with_stdout(full, *argv)):
            lines = [line for line in run.stderr.decode().splitlines()
                     if "propagateSizeHints" not in line]
            assert run.returncode == 1, run.stderr
            assert len(lines) == 1 and lines[0].startswith("hrher2-aid: "), run.stderr
            assert "unexpected" not in lines[0]


def test_a_file_name_that_is_not_utf8_is_printed_as_its_own_bytes(tmp_path: Path) -> None:
    """Hostile review H6: `report` wrote both PDFs, then failed "unexpected error:
    UnicodeEncodeError" printing their names (stdout was strict UTF-8)."""
    folder = os.fsencode(tmp_path) + b"/nu\xff"
    os.mkdir(folder)
    target = folder + b"/s.pdf"
    run = subprocess.run([sys.executable, "-m", "desktop", "report",
                          str(write(tmp_path, BASE)), "-o", os.fsdecode(target)],
                         cwd=ROOT, capture_output=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout == target + b"\n" and os.path.exists(target)


def test_a_path_with_an_escape_sequence_is_shown_not_obeyed_on_standard_output(
        tmp_path: Path) -> None:
    """What a person reads on standard output (here the evidence path that ``evidence
    verify`` prints) says what a name holds; it never sends the terminal an escape
    sequence (one could retitle the window, recolour or erase what was printed) or an
    extra line. Standard error was made one line per message before (core.console)."""
    store = copy_pack(tmp_path / "ev\x1b]0;pwned\x07\nfolder")
    run = cli("evidence", "verify", "--evidence", str(store))
    assert run.returncode == 0, run.stderr
    text = run.stdout.decode()
    assert "\x1b" not in text and "\x07" not in text
    shown = str(store).replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace("\n", "\\n")
    assert f"path: {shown}\n" in text
