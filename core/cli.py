"""The command line (contract section 4). Qt-free zone: nothing here imports Qt.

Exit codes: 0 success; 2 invalid input; 3 evidence store missing, corrupt or
altered; 1 anything else. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, NoReturn

from core.case import CaseError, loads_case, read_case_bytes
from core.evidence import EvidenceError, EvidenceStore, open_store
from core.result import Renderer

EXIT_OK, EXIT_OTHER, EXIT_INVALID, EXIT_EVIDENCE = 0, 1, 2, 3
PROG = "hrher2-aid"
ERROR_FORMAT = "hrher2-aid.error/1"


class UsageError(Exception):
    """Bad command-line usage or an input file that cannot be read (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{PROG} --help')")


def _open_input(name: str) -> BinaryIO:
    """An input file opened for reading, or standard input for ``-``; a file that
    cannot be opened is a :class:`UsageError` saying why."""
    if name == "-":
        return sys.stdin.buffer
    if Path(name).is_dir():
        raise UsageError(f"{name}: is a folder, not a case file")
    try:
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


def _evidence(args: argparse.Namespace) -> EvidenceStore:
    # SUPPRESS default: --evidence may stand before or after the subcommand
    path = getattr(args, "evidence", None)
    return open_store(Path(path) if path else None)


def cmd_recommend(args: argparse.Namespace) -> int:
    if args.batch:
        return _recommend_batch(args)
    if args.case is None:
        raise UsageError("recommend needs CASE.json, '-' for standard input, or --batch FILE")
    data = read_input_bytes(args.case)
    case = loads_case(data)
    renderer = Renderer(_evidence(args))
    _write(renderer.result_for(case).to_json(indent=2) + "\n")
    return EXIT_OK


def _recommend_batch(args: argparse.Namespace) -> int:
    renderer = Renderer(_evidence(args))
    out = sys.stdout
    failed = False
    source = _open_input(args.batch)
    buffer: list[str] = []
    json_line = renderer.json_line
    try:
        for number, raw in enumerate(source, start=1):
            try:
                buffer.append(json_line(loads_case(raw.rstrip(b"\r\n"))))
            except CaseError as exc:
                failed = True
                buffer.append(json.dumps(
                    {"format": ERROR_FORMAT, "line": number, "error": str(exc)},
                    ensure_ascii=False))
            if len(buffer) >= 4096:
                out.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            out.write("\n".join(buffer) + "\n")
        out.flush()
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    return EXIT_INVALID if failed else EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Write the clinician summary (and optionally the patient handout) of one case."""
    # Imported here so that ``recommend`` and the app's start-up never load reportlab.
    from core.report import DocumentInfo, OutputError, ReportError, build_handout, build_summary
    from core.report import write_documents as write_pdfs

    case = loads_case(read_input_bytes(args.case))
    store = _evidence(args)
    result = Renderer(store).result_for(case)
    info = DocumentInfo(clinician=args.clinician, institution=args.institution)
    if args.handout and Path(args.handout).resolve() == Path(args.output).resolve():
        raise UsageError("--handout must name a different file from -o")
    try:
        documents = {Path(args.output): build_summary(case, result, info)}
        if args.handout:
            documents[Path(args.handout)] = build_handout(case, result, store, info)
        written = write_pdfs(documents)
    except OutputError as exc:
        raise UsageError(str(exc)) from None
    except ReportError as exc:
        return _fail(f"the report was not written: {exc}", EXIT_OTHER)
    for path in written:
        _write(f"{path}\n")
    return EXIT_OK


def cmd_evidence_verify(args: argparse.Namespace) -> int:
    store = _evidence(args)
    _write(f"evidence store OK\npath: {store.path}\nversion: {store.version}\n"
           f"sha256: {store.sha256}\n")
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Walk the case store's audit chain; exit 1 at the first broken link (or no store)."""
    from core.casestore import CaseStore, CaseStoreError, default_path

    try:
        path = Path(args.store) if args.store else default_path()
        if not path.exists():
            return _fail(f"there is no case store at {path}, so there is no audit log to "
                         "check", EXIT_OTHER)
        with CaseStore.open(path, read_only=True) as store:
            check = store.verify_audit()
    except CaseStoreError as exc:
        return _fail(f"the audit log was not checked: {exc}", EXIT_OTHER)
    if not check.ok:
        return _fail(f"audit log BROKEN at entry {check.broken_at}: {check.problem} "
                     f"({path}; {check.entries - 1} entries before it are intact)", EXIT_OTHER)
    _write(f"audit log OK\npath: {path}\nentries: {check.entries}\nhead: {check.head}\n")
    return EXIT_OK


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--evidence", metavar="PATH", default=argparse.SUPPRESS,
                        help="use another evidence store")
    parser = _Parser(prog=PROG, parents=[common],
                     description="Decision aid for HR-positive, HER2-positive metastatic "
                                 "breast cancer. With no command, opens the desktop app.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    rec = sub.add_parser("recommend", parents=[common], help="print the result JSON of a case")
    rec.add_argument("case", nargs="?", metavar="CASE.json", help="case file, or - for stdin")
    rec.add_argument("--batch", metavar="CASES.jsonl",
                     help="one case a line in, one result a line out")
    rec.set_defaults(func=cmd_recommend)

    rep = sub.add_parser("report", parents=[common],
                         help="write the PDF summary (and patient handout) of a case")
    rep.add_argument("case", metavar="CASE.json", help="case file, or - for stdin")
    rep.add_argument("-o", "--output", metavar="OUT.pdf", required=True,
                     help="where to write the clinician summary")
    rep.add_argument("--handout", metavar="HANDOUT.pdf",
                     help="also write the plain-language patient handout here")
    rep.add_argument("--clinician", metavar="NAME", help="clinician named on the documents")
    rep.add_argument("--institution", metavar="NAME",
                     help="institution named on the documents")
    rep.set_defaults(func=cmd_report)

    ev = sub.add_parser("evidence", parents=[common], help="evidence store commands")
    ev_sub = ev.add_subparsers(dest="evidence_command", metavar="ACTION",
                               parser_class=_Parser, required=True)
    verify = ev_sub.add_parser("verify", parents=[common],
                               help="check the evidence store and print its version")
    verify.set_defaults(func=cmd_evidence_verify)
    _add_audit_commands(sub, common)
    return parser


def _add_audit_commands(sub: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    audit = sub.add_parser("audit", parents=[common], help="case store audit log commands")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION",
                                     parser_class=_Parser, required=True)
    verify = audit_sub.add_parser(
        "verify", parents=[common],
        help="check the audit log's hash chain; reports the first broken link")
    verify.add_argument("--store", metavar="CASES.sqlite",
                        help="the case store to check (default: the user's)")
    verify.set_defaults(func=cmd_audit_verify)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code. Never lets a traceback out."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    try:
        args = build_parser().parse_args(argv)
        if not getattr(args, "func", None):
            raise UsageError(f"no command given (see '{PROG} --help')")
        code: int = args.func(args)
        return code
    except CaseError as exc:
        return _fail(f"invalid case: {exc}", EXIT_INVALID)
    except UsageError as exc:
        return _fail(str(exc), EXIT_INVALID)
    except EvidenceError as exc:
        return _fail(f"{exc}; nothing was recommended", EXIT_EVIDENCE)
    except BrokenPipeError:
        return EXIT_OTHER
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_OTHER)
    except Exception as exc:  # noqa: BLE001 - the contract forbids tracebacks
        return _fail(f"unexpected error: {type(exc).__name__}: {exc}", EXIT_OTHER)


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"{PROG}: {message}\n")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
