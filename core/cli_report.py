"""``hrher2-aid report``: the clinician summary (and the patient handout) of one case as
PDF files. Qt-free zone. Loaded when the command line is parsed, not by the app's start;
reportlab loads only when a report is written.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from core.case_json import loads_case
from core.cli import UsageError, evidence_for, read_input_bytes
from core.console import EXIT_OK, EXIT_OTHER, one_line
from core.console import fail as _fail
from core.console import say as _write
from core.printable import CLINICIAN_MAX, INSTITUTION_MAX, check_text
from core.result import Renderer


def cmd_report(args: argparse.Namespace) -> int:
    """Write the clinician summary (and optionally the patient handout) of one case."""
    # Imported here so that ``recommend`` and the app's start-up never load reportlab.
    from core.report import (
        DocumentInfo,
        OutputError,
        OutputFailed,
        ReportError,
        build_handout,
        build_summary,
    )
    from core.report import write_documents as write_pdfs

    outputs = [(args.output, "-o"), *([(args.handout, "--handout")] if args.handout else [])]
    for name, option in outputs:
        _check_output_name(name, option, args)
    case = loads_case(read_input_bytes(args.case))
    check_text("label", case.label)
    check_text("--clinician", args.clinician, CLINICIAN_MAX)
    check_text("--institution", args.institution, INSTITUTION_MAX)
    store = evidence_for(args, say_notice=True)
    result = Renderer(store).result_for(case)
    info = DocumentInfo(clinician=args.clinician, institution=args.institution,
                        label_on_handout=args.handout_label)
    if args.handout and Path(args.handout).resolve() == Path(args.output).resolve():
        raise UsageError("--handout must name a different file from -o")
    try:
        documents = [(Path(args.output), build_summary(case, result, info))]
        if args.handout:
            documents.append((Path(args.handout), build_handout(case, result, info)))
        written = write_pdfs(documents)
    except OutputFailed as exc:  # a full disk is no usage error (install.md, exit codes)
        return _fail(f"the report was not written: {exc}", EXIT_OTHER)
    except OutputError as exc:
        raise UsageError(str(exc)) from None
    except ReportError as exc:
        return _fail(f"the report was not written: {exc}", EXIT_OTHER)
    for path in written:
        _write(f"{one_line(str(path))}\n")
    return EXIT_OK


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve() or os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _check_output_name(name: str, option: str, args: argparse.Namespace) -> None:
    """Refuse an output that would replace an input, or that names no PDF file."""
    from core.evidence import default_store_path

    inputs = [(args.case, "the input case file"),
              (getattr(args, "evidence", None) or str(default_store_path()),
               "the evidence store")]
    for path, what in inputs:
        if path != "-" and _same_file(name, path):
            raise UsageError(f"{option} {name}: is {what}; the PDF would replace it "
                             "(choose another name)")
    if name.endswith(("/", os.sep)):
        raise UsageError(f"{option} {name}: names a folder; give a file name ending in .pdf")
    if not name.lower().endswith(".pdf"):
        raise UsageError(f"{option} {name}: the document is a PDF; give a name ending in .pdf")
