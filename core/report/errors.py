"""Errors of the report package (kept apart so importing them loads no reportlab)."""

from __future__ import annotations


class ReportError(Exception):
    """A document could not be made (for example a character the font cannot print)."""


class OutputError(ReportError):
    """A document could not be written where asked: missing or unwritable folder.

    The message is one line naming the path and the problem; nothing is left behind.
    """


class OutputFailed(OutputError):
    """The folder was right but the write itself failed: a full disk, a disk quota, an
    input/output error. Not the user's input (the command line exits 1, not 2)."""
