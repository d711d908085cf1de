"""PDF documents from one result: the clinician summary and the patient handout.

Qt-free; reportlab is imported here only, so ``recommend`` never loads it.

>>> from core.report import build_summary, write_documents   # doctest: +SKIP
"""

from __future__ import annotations

from core.report.errors import OutputError, OutputFailed, ReportError
from core.report.handout import build_handout
from core.report.handout_words import handout_paragraphs
from core.report.summary import build_summary
from core.report.template import DocumentInfo
from core.report.writing import write_documents

__all__ = [
    "DocumentInfo", "OutputError", "OutputFailed", "ReportError", "build_handout", "build_summary",
    "handout_paragraphs", "write_documents",
]
