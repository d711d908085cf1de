"""The command line (contract section 4). Qt-free zone: nothing here imports Qt.

Exit codes: 0 success; 2 invalid input; 3 evidence store missing, corrupt or
altered; 1 anything else. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO, NoReturn, TextIO

from core.case import CaseError
from core.case_json import MAX_CASE_BYTES, loads_case, read_case_bytes
from core.console import EXIT_EVIDENCE, EXIT_INVALID, EXIT_OK, EXIT_OTHER, one_line
from core.console import fail as _fail
from core.console import say as _write
from core.evidence import EvidenceError, EvidenceStore, load_evidence
from core.evidence.currency import currency_sentence
from core.printable import UnprintableText
from core.result import Renderer

PROG = "hrher2-aid"
ERROR_FORMAT = "hrher2-aid.error/1"


APP_USAGE = f"""\
with no command, the desktop application:
  {PROG} [CASE.json]      open the window (and the case in CASE.json)
  {PROG} --self-test      open the window, check the evidence store, print one line, exit
  (both take --evidence PATH)

exit codes:
  0  success
  1  anything else (the message says what)
  2  invalid input or usage: one line on stderr naming the problem
  3  the evidence store is missing, corrupt or altered: nothing is recommended
"""


class UsageError(Exception):
    """Bad command-line usage or an input file that cannot be read (exit 2)."""


class _Parser(argparse.ArgumentParser):
    #: the subcommands (or actions) under this parser, by name
    commands: dict[str, _Parser]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = {}

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{PROG} --help')")

    def _print_message(self, message: str, file: Any = None) -> None:
        # argparse swallows a failed write: --help to a full disk passed for printed
        # (diff review R8); here the failure reaches main(), which says so
        if message:
            (file or sys.stderr).write(message)


def _open_input(name: str) -> BinaryIO:
    """An input file opened for reading, or standard input for ``-``; a file that
    cannot be opened is a :class:`UsageError` saying why."""
    if name == "-":
        return sys.stdin.buffer
    try:
        if Path(name).is_dir():
            raise UsageError(f"{name}: is a folder, not a case file")
        return open(name, "rb")  # noqa: SIM115 - the callers close it
    except FileNotFoundError:
        raise UsageError(f"{name}: file not found") from None
    except PermissionError:
        raise UsageError(f"{name}: permission denied") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot be read ({exc.strerror})") from None


def read_input_bytes(name: str) -> bytes:
    """A case's bytes from a file, or ``-`` for stdin (bounded: see read_case_bytes)."""
    source = _open_input(name)
    try:
        return read_case_bytes(source)
    except OSError as exc:
        raise UsageError(f"{name}: cannot be read ({exc.strerror})") from None
    finally:
        if source is not sys.stdin.buffer:
            source.close()


def evidence_for(args: argparse.Namespace, *, say_notice: bool = False) -> EvidenceStore:
    """The verified evidence ``--evidence`` names, or the app's. ``say_notice``: a note
    on the evidence used (an older pack named with --evidence, an installed pack passed
    over) goes to stderr, so a recommendation or report never rests on it unsaid."""
    # SUPPRESS default: --evidence may stand before or after the subcommand
    path = getattr(args, "evidence", None)
    if path is not None and not path.strip():
        raise UsageError("--evidence needs a PATH (it was empty)")
    store = load_evidence(Path(path) if path is not None else None)
    if say_notice and store.notice:
        sys.stderr.write(f"{PROG}: note: {one_line(store.notice)}\n")
    return store


def cmd_recommend(args: argparse.Namespace) -> int:
    if args.batch:
        return _recommend_batch(args)
    if args.case is None:
        raise UsageError("recommend needs CASE.json, '-' for standard input, or --batch FILE")
    data = read_input_bytes(args.case)
    case = loads_case(data)
    renderer = Renderer(evidence_for(args, say_notice=True))
    _write(renderer.result_for(case).to_json(indent=2) + "\n", escape=False)
    return EXIT_OK


def _recommend_batch(args: argparse.Namespace) -> int:
    """One result (or error) line per case line. Every line is read with a bound: a
    line longer than a case can be (a device such as /dev/zero, a binary file) stops
    the batch with an error line and a message, instead of filling the memory."""
    renderer = Renderer(evidence_for(args, say_notice=True))
    out = sys.stdout
    failed = False
    source = _open_input(args.batch)
    buffer: list[str] = []
    json_line = renderer.json_line
    limit = MAX_CASE_BYTES + 2  # a case and its CR LF

    def error_line(number: int, message: str) -> str:
        return json.dumps({"format": ERROR_FORMAT, "line": number, "error": message},
                          ensure_ascii=False)

    try:
        number = 0
        while raw := _read_line(source, limit, args.batch):
            number += 1
            if len(raw) == limit and not raw.endswith(b"\n"):
                message = (f"line {number} is longer than a case can be "
                           f"({MAX_CASE_BYTES:,} bytes); the rest of "
                           f"{'standard input' if args.batch == '-' else args.batch} was not read")
                buffer.append(error_line(number, message))
                _flush(out, buffer)
                return _fail(message, EXIT_INVALID)
            try:
                buffer.append(json_line(loads_case(raw.rstrip(b"\r\n"))))
            except CaseError as exc:
                failed = True
                buffer.append(error_line(number, str(exc)))
            if len(buffer) >= 4096:
                _flush(out, buffer)
        _flush(out, buffer)
    except (CaseError, UsageError, EvidenceError, MemoryError, ValueError, LookupError):
        _flush(out, buffer)  # what was answered is not lost with the line that failed
        raise
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    return EXIT_INVALID if failed else EXIT_OK


def _read_line(source: BinaryIO, limit: int, name: str) -> bytes:
    try:
        return source.readline(limit)
    except OSError as exc:
        raise UsageError(f"{name}: cannot be read ({exc.strerror or exc}); "
                         "the lines before were answered") from None


def _flush(out: TextIO, buffer: list[str]) -> None:
    if buffer:
        out.write("\n".join(buffer) + "\n")
        buffer.clear()
    out.flush()


def cmd_evidence_verify(args: argparse.Namespace) -> int:
    store = evidence_for(args)
    from core.cli_evidence import verify_lines
    from core.evidence.pack import bundled_problem

    problems = []
    if store.installed_pack_failed:
        # the evidence above is sound, but this machine's installed pack is not: a
        # monitoring script that goes by the exit code must notice (see the note)
        problems.append("an installed evidence pack fails its check or cannot be read; "
                        "the app uses the pack above instead (see the note)")
    bundled = None if getattr(args, "evidence", None) is not None else bundled_problem(store)
    if bundled is not None:
        problems.append(f"the evidence pack bundled with the app fails its check: {bundled} "
                        "(the program's files are damaged: reinstall the package)")
    # Two hashes, named apart: IT compares the file's with sha256sum and minisign's
    # trusted comment; the content's is the one the PDFs and About print.
    file_hash = f"file sha256: {store.pack.evidence_sha256}\n" if store.pack else ""
    # (the first line is the verdict, for a script that reads it rather than the exit code)
    first = ("evidence store OK" if not problems else
             "evidence in use OK, but a pack on this machine FAILS ITS CHECK (said below)")
    _write(f"{first}\npath: {one_line(str(store.path))}\nversion: {store.version}\n"
           f"{file_hash}content sha256: {store.sha256}\n"
           f"{currency_sentence(store.version, store.sources_through)}\n{verify_lines(store)}")
    for problem in problems:
        _fail(problem, EXIT_EVIDENCE)
    return EXIT_EVIDENCE if problems else EXIT_OK


def cmd_version(args: argparse.Namespace) -> int:
    """The app's version and the evidence store's (checked, as at every start)."""
    from core import __version__

    try:
        store = evidence_for(args)
    except EvidenceError as exc:
        _write(f"{PROG} {__version__}\n")
        return _fail(f"evidence store: {exc}", EXIT_EVIDENCE)
    _write(f"{PROG} {__version__}, evidence {store.version}\n")
    return EXIT_OK


def _needs_action(command: str, actions: Sequence[str]) -> int:
    raise UsageError(f"'{command}' needs an action: {', '.join(actions)} "
                     f"(e.g. '{PROG} {command} {actions[0]}')")


def build_parser() -> _Parser:
    common = _Parser(add_help=False)
    common.add_argument("--evidence", metavar="PATH", default=argparse.SUPPRESS,
                        help="use another evidence pack (recommend, report, "
                             "evidence verify, --version)")
    # The commands that read no evidence take it only to refuse it in words (main), and
    # do not offer it in their help.
    unused = _Parser(add_help=False)
    unused.add_argument("--evidence", metavar="PATH", default=argparse.SUPPRESS,
                        help=argparse.SUPPRESS)
    parser = _Parser(prog=PROG, parents=[common],
                     formatter_class=argparse.RawDescriptionHelpFormatter,
                     description="Decision aid for HR-positive, HER2-positive metastatic "
                                 "breast cancer. With no command, opens the desktop app.",
                     epilog=APP_USAGE)
    parser.add_argument("-V", "--version", action="store_true",
                        help="print the app's version and the evidence version, and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    rec = sub.add_parser("recommend", parents=[common], help="print the result JSON of a case")
    rec.add_argument("case", nargs="?", metavar="CASE.json", help="case file, or - for stdin")
    rec.add_argument("--batch", metavar="CASES.jsonl",
                     help="one case a line in, one result a line out")
    rec.set_defaults(func=cmd_recommend, evidence_consequence="nothing was recommended",
                     reads_evidence=True)

    rep = sub.add_parser("report", parents=[common],
                         help="write the PDF summary (and patient handout) of a case")
    rep.add_argument("case", metavar="CASE.json", help="case file, or - for stdin")
    rep.add_argument("-o", "--output", metavar="OUT.pdf", required=True,
                     help="where to write the clinician summary")
    rep.add_argument("--handout", metavar="HANDOUT.pdf",
                     help="also write the plain-language patient handout here")
    rep.add_argument("--handout-label", action="store_true",
                     help="print the case label on the patient handout too (off by default)")
    rep.add_argument("--clinician", metavar="NAME", help="clinician named on the documents")
    rep.add_argument("--institution", metavar="NAME",
                     help="institution named on the documents")
    from core.cli_report import cmd_report

    rep.set_defaults(func=cmd_report, evidence_consequence="nothing was written",
                     reads_evidence=True)

    ev = sub.add_parser("evidence", parents=[common], help="evidence store commands")
    ev_sub = ev.add_subparsers(dest="evidence_command", metavar="ACTION",
                               parser_class=_Parser)
    # No action given: say which there are (the list is read when it is needed).
    ev.set_defaults(func=lambda _args: _needs_action("evidence", list(ev.commands)))
    verify = ev_sub.add_parser(
        "verify", parents=[common], help="check the evidence store and print its version",
        description="Check the evidence pack the app uses, as at every start, and print "
                    "what it is. Exit 3 if it fails its check, and also when a pack "
                    "installed on this machine fails its check or cannot be read (the "
                    "output names the sound pack used instead, and why).")
    verify.set_defaults(func=cmd_evidence_verify, reads_evidence=True)
    from core.cli_evidence import add_commands as add_pack_commands

    add_pack_commands(ev_sub, unused)
    _add_audit_commands(sub, unused)
    parser.commands, ev.commands = sub.choices, ev_sub.choices
    return parser


def _add_audit_commands(sub: argparse._SubParsersAction[_Parser], unused: _Parser) -> None:
    from core.cli_audit import cmd_audit_verify, parse_head

    audit = sub.add_parser("audit", parents=[unused], help="case store audit log commands")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION",
                                     parser_class=_Parser)
    audit.set_defaults(func=lambda _args: _needs_action("audit", list(audit_sub.choices)))
    verify = audit_sub.add_parser(
        "verify", parents=[unused],
        help="check the audit log's hash chain; reports the first broken link")
    verify.add_argument("--store", metavar="CASES.sqlite",
                        help="the case store to check (default: the user's)")
    verify.add_argument("--since", metavar="HEAD", type=parse_head,
                        help="a head printed by an earlier check: it must still be in the "
                             "chain (entries cut off at the end break no link)")
    verify.set_defaults(func=cmd_audit_verify)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code. Never lets a traceback out."""
    if sys.stdout is None or sys.stderr is None:  # started with them closed (`>&-`)
        return _without_output()
    if hasattr(sys.stdout, "reconfigure"):
        # surrogateescape: a file name that is not UTF-8 prints as its own bytes
        # (hostile review H6: strict UTF-8 raised after the PDFs were written)
        sys.stdout.reconfigure(encoding="utf-8", errors="surrogateescape")
    args: argparse.Namespace | None = None
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as done:  # --help, or argparse's own usage error
            sys.stdout.flush()  # (a full disk must not pass for a printed help)
            return int(done.code or 0) if not isinstance(done.code, str) else EXIT_INVALID
        if args.version:
            code: int = cmd_version(args)
        elif not getattr(args, "func", None):
            raise UsageError(f"no command given (see '{PROG} --help')")
        elif ("evidence" in vars(args) and not getattr(args, "reads_evidence", False)
              and _command_name(args) not in ("evidence", "audit")):  # (no action: said)
            # (docs review M4: "evidence diff --evidence OLD NEW" compared NEW with the
            # pack in use, without a word)
            raise UsageError(f"--evidence is not used by '{_command_name(args)}': only "
                             "recommend, report, evidence verify and --version read "
                             "another evidence pack")
        else:
            code = args.func(args)
        sys.stdout.flush()  # here, where a closed pipe is caught (below)
        return code
    except CaseError as exc:
        return _fail(f"invalid case: {exc}", EXIT_INVALID)
    except UsageError as exc:
        return _fail(str(exc), EXIT_INVALID)
    except UnprintableText as exc:
        return _fail(f"{exc}; nothing was written", EXIT_INVALID)
    except EvidenceError as exc:
        # what did not happen depends on the command: verify only reports the problem
        consequence = getattr(args, "evidence_consequence", None)
        return _fail(f"{exc}; {consequence}" if consequence else str(exc), EXIT_EVIDENCE)
    except BrokenPipeError:
        # the reader went away (`| head -1`): nothing more to say, and the interpreter's
        # own flush at exit must not print "Exception ignored ... BrokenPipeError"
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OTHER
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_OTHER)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EIO, errno.EBADF):  # stdout on a full disk...
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return _fail(f"the output could not be written ({exc.strerror})", EXIT_OTHER)
        return _fail(f"unexpected error: {type(exc).__name__}: {exc}", EXIT_OTHER)
    except Exception as exc:  # noqa: BLE001 - the contract forbids tracebacks
        return _fail(f"unexpected error: {type(exc).__name__}: {exc}", EXIT_OTHER)


def _command_name(args: argparse.Namespace) -> str:
    """The command as typed, its action included ("evidence diff")."""
    words = [args.command, getattr(args, "evidence_command", None),
             getattr(args, "audit_command", None)]
    return " ".join(w for w in words if w)


def _without_output() -> int:
    """Standard output or error closed: nothing can be printed, so nothing is done (a
    recommendation no one can read is not given); said on whichever is still open."""
    for stream in (sys.stderr, sys.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.write(f"{PROG}: standard output or error is closed; nothing was done\n")
                stream.flush()
    return EXIT_OTHER


if __name__ == "__main__":
    raise SystemExit(main())
