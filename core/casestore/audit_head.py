"""The audit log's head, recorded beside the case store, so that entries cut off at the
end of the chain are found without a head noted by hand.

A hash chain shows an entry changed, removed or inserted before its last entry, but not
entries cut off at its end: what is left is a shorter, intact chain. The same happens when
an older copy of ``cases.sqlite`` is put back. So every export also writes, beside the
store, which entry was then the last and its hash (``cases.sqlite.audit-head.json``);
``audit verify`` then requires that entry to be still in the chain.

What the record can say, compared with the log (:func:`compare`):

- ``"in"``: the recorded entry is still there (the usual case);
- ``"cut"``: the same log (its first entry is the recorded one's), but the recorded entry
  is gone: entries were removed from its end, or an older copy of the store was put back;
- ``"other"``: another log (its first entry differs, or it is empty): the store was
  started anew or replaced. Not an error: deleting ``cases.sqlite`` starts anew.

The record is written only forward (a higher entry of the same log, or a new log), and
never over a ``"cut"`` record, so one more export does not erase what was found: someone
who has checked the store removes the record by hand (docs/formats.md). It sits in the
same folder as the store and whoever can edit the store can edit it too: it catches an
older copy put back and rows cut off by someone who did not also rewrite this file. A head
noted elsewhere (``audit verify --since``) stays the independent check.

>>> head = Head(first="a" * 64, entry=3, head="c" * 64, at="2026-12-02T10:00:00Z")
>>> compare(head, first="a" * 64, at_entry="c" * 64)
'in'
>>> compare(head, first="a" * 64, at_entry=None)
'cut'
>>> compare(head, first="b" * 64, at_entry=None)
'other'
>>> Head.from_json(head.to_json()) == head
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, TypeGuard

from core import atomic
from core.regular_file import read_regular_file

FORMAT: Final = "hrher2-aid.audit-head/1"
SUFFIX: Final = ".audit-head.json"
_LIMIT: Final = 4096  # the record is about 250 bytes; anything bigger is not ours

Comparison = Literal["in", "cut", "other"]


class HeadUnreadable(ValueError):
    """The file beside the store is not a head record this version can read."""


@dataclass(frozen=True, slots=True)
class Head:
    """The log's first entry hash, and the entry (id, hash, time) that was last."""

    first: str
    entry: int
    head: str
    at: str

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "first": self.first, "entry": self.entry,
                           "head": self.head, "at": self.at}, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Head:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # (nested too deep: not a record either)
            raise HeadUnreadable("it is not JSON") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise HeadUnreadable(f"it is not a {FORMAT} record")
        first, entry, head, at = (data.get(k) for k in ("first", "entry", "head", "at"))
        if not (_is_hash(first) and _is_hash(head) and type(entry) is int and entry >= 1
                and isinstance(at, str)):
            raise HeadUnreadable("its fields are missing or of the wrong kind")
        return cls(first, entry, head, at)


def _is_hash(value: object) -> TypeGuard[str]:
    return (isinstance(value, str) and len(value) == 64
            and all(c in "0123456789abcdef" for c in value))


def path_for(store: Path) -> Path:
    """Where the head of the store at ``store`` is recorded: beside it."""
    return store.with_name(store.name + SUFFIX)


def read(store: Path) -> Head | None:
    """The recorded head, or None when there is none. A file that is not a head record
    (or not a regular file: a FIFO would keep ``audit verify`` waiting) raises
    :class:`HeadUnreadable` saying why."""
    where = path_for(store)
    try:
        data = read_regular_file(where, _LIMIT + 1, "a head record")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise HeadUnreadable(exc.strerror or str(exc)) from None
    if len(data) > _LIMIT:
        raise HeadUnreadable("it is too large to be a head record")
    try:
        return Head.from_json(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise HeadUnreadable("it is not text") from None


def compare(recorded: Head, first: str | None, at_entry: str | None) -> Comparison:
    """``recorded`` against the log: ``first`` is the hash of the log's entry 1 (None for
    an empty log), ``at_entry`` the hash of its entry ``recorded.entry`` (None if there is
    no such entry)."""
    if first != recorded.first:
        return "other"
    return "in" if at_entry == recorded.head else "cut"


def write(store: Path, head: Head) -> None:
    """Record ``head`` beside the store (all or nothing). Raises OSError."""
    atomic.write_text(path_for(store), head.to_json())


__all__ = ["FORMAT", "SUFFIX", "Comparison", "Head", "HeadUnreadable", "compare", "path_for",
           "read", "write"]
