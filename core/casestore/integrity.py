"""The case store's own hashes: one per saved case row, and the audit log's chain.

Both are SHA-256 over a canonical JSON array (UTF-8, no whitespace, non-ASCII kept)
whose first element names the format, so a hash can never be mistaken for another
kind. docs/formats.md ("Case store") documents them for anyone checking a store by hand.
(Entries cut off at the chain's end: :mod:`.audit_head`.)

A **case row** is checked twice when it is read:

1. ``case_sha256`` must be the SHA-256 of the stored ``answers`` text (the case's
   canonical JSON, exactly as saved) — the hash every exported document prints;
2. ``row_sha256`` must be the hash of the whole row (:func:`row_sha256`), which covers
   the stored result, label, dates and revision too.

>>> row = dict(id=1, label="A", setting="first_line", answers="{}", result="{}",
...            evidence_version="v", evidence_sha256=None, case_sha256=sha256_hex(b"{}"),
...            created="t", changed="t", revision=1)
>>> damage(row, row_sha256(row)) is None
True
>>> damage({**row, "answers": '{"x":1}'}, row_sha256(row))
'its answers do not match the case hash stored with them'

The **audit log** is a chain: each entry stores the hash of the entry before it
(:data:`GENESIS` for the first) and its own hash over its fields and that link, so
changing, removing or inserting an entry breaks the chain at that point. Entries cut
off at the end break no link: a head noted earlier (``since``) must still be in the
chain.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from core.digest import sha256_hex

ROW_FORMAT: Final = "hrher2-aid.case-row/1"
AUDIT_FORMAT: Final = "hrher2-aid.audit-entry/1"
GENESIS: Final = "0" * 64
#: The columns of a saved case that its hashes cover (and that the store reads).
ROW_FIELDS: Final = ("id", "label", "setting", "answers", "result", "evidence_version",
                     "evidence_sha256", "case_sha256", "created", "changed", "revision")
AUDIT_FIELDS: Final = ("id", "at", "kind", "files", "case_sha256", "evidence_version",
                       "case_id", "label")

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _digest(values: Sequence[Any]) -> str:
    return sha256_hex(_ENCODER.encode(list(values)).encode("utf-8"))


def row_sha256(row: Mapping[str, Any]) -> str:
    """Hash of one saved case row: ``["hrher2-aid.case-row/1", id, label, setting,
    case_sha256, SHA-256 of the result text, evidence_version, evidence_sha256, created,
    changed, revision]``. The answers are covered through ``case_sha256`` (checked
    against them first); hashing the texts' digests, not the texts, keeps a page of
    the case list cheap to check (no JSON escaping of kilobytes per row)."""
    result = row["result"]
    return _digest([ROW_FORMAT, row["id"], row["label"], row["setting"], row["case_sha256"],
                    sha256_hex(result.encode("utf-8")), row["evidence_version"],
                    row["evidence_sha256"], row["created"], row["changed"], row["revision"]])


def damage(row: Mapping[str, Any], stored_row_sha256: str | None) -> str | None:
    """Why the row cannot be trusted, or None when both hashes match."""
    answers = row["answers"]
    if not isinstance(answers, str) or row["case_sha256"] != sha256_hex(answers.encode("utf-8")):
        return "its answers do not match the case hash stored with them"
    if stored_row_sha256 is None:
        return "it has no row hash"
    try:
        expected = row_sha256(row)
    except (AttributeError, TypeError, ValueError):
        return "it holds values of the wrong type"
    if expected != stored_row_sha256:
        return "its saved result, label, dates or revision do not match the row hash"
    return None


def entry_sha256(entry: Mapping[str, Any], prev_sha256: str) -> str:
    """Hash of one audit entry, chained to the entry before it."""
    return _digest([AUDIT_FORMAT, *(entry[f] for f in AUDIT_FIELDS), prev_sha256])


@dataclass(frozen=True, slots=True)
class AuditCheck:
    """The outcome of walking the audit chain; ``broken_at`` is the first bad entry's id
    (None when the chain holds, or when only the head noted earlier is missing);
    ``added``: the entries after that head, and ``since_id`` the entry whose hash it is
    (None for :data:`GENESIS`, the empty log)."""

    entries: int
    head: str
    broken_at: int | None = None
    problem: str | None = None
    since_id: int | None = None
    added: int | None = None
    note: str | None = None  # said with the verdict, not a failure (the head record's)

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_chain(rows: Iterable[Mapping[str, Any]], since: str | None = None) -> AuditCheck:
    """Walk entries in id order (each a mapping with :data:`AUDIT_FIELDS`,
    ``prev_sha256`` and ``entry_sha256``); stop at the first broken link. ``since``: a
    head noted earlier (the hash of what was then the last entry, or :data:`GENESIS` for
    an empty log), which must still be in the chain.

    >>> e = dict(id=1, at="t", kind="report", files="[]", case_sha256="c",
    ...          evidence_version="v", case_id=None, label=None, prev_sha256=GENESIS)
    >>> e["entry_sha256"] = entry_sha256(e, GENESIS)
    >>> check_chain([e]).ok
    True
    >>> check_chain([{**e, "kind": "case-json"}]).problem
    'entry 1 was changed after it was written (its hash does not match its contents)'
    >>> check_chain([{**e, "files": b"edited"}]).broken_at  # a BLOB written by hand
    1
    >>> check_chain([e], since=GENESIS).added
    1
    >>> check_chain([], since=e["entry_sha256"]).problem[:46]
    'the head noted earlier is no longer in the log'
    """
    prev, count, prev_id = GENESIS, 0, None
    # where ``since`` is in the chain: the head before any entry, or after entry ``since_id``
    found, since_id, since_count = since == GENESIS, None, 0
    for row in rows:
        count += 1
        if row["prev_sha256"] != prev:
            after = f"entry {prev_id}" if prev_id is not None else "the start of the log"
            return AuditCheck(count, prev, row["id"],
                              f"entry {row['id']} does not follow {after} (an entry before it "
                              "was removed, inserted or changed)")
        try:
            expected = entry_sha256(row, prev)
        except (TypeError, ValueError):  # a BLOB or NaN put there by hand: an edit too
            expected = None
        if expected != row["entry_sha256"]:
            return AuditCheck(count, prev, row["id"],
                              f"entry {row['id']} was changed after it was written (its hash "
                              "does not match its contents)")
        prev, prev_id = row["entry_sha256"], row["id"]
        if not found and prev == since:
            found, since_id, since_count = True, prev_id, count
    if since is None:
        return AuditCheck(count, prev)
    if not found:
        return AuditCheck(count, prev, problem=(
            "the head noted earlier is no longer in the log: entries were removed from its "
            f"end, or the head was from another log ({count} entries remain, their chain "
            "intact)"))
    return AuditCheck(count, prev, since_id=since_id, added=count - since_count)
