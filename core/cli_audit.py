"""The ``audit`` command (issue 12): ``audit verify`` walks the case store's audit log,
a hash chain, and reports the first broken link. Qt-free zone: nothing here imports Qt.

Exit 0 when the chain holds (it prints the number of entries and the head hash), 1 when
it is broken, incomplete or there is no store, 2 for a malformed ``--since`` head or a
data folder that is a file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.console import EXIT_INVALID, EXIT_OK, EXIT_OTHER, fail, one_line, say


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Walk the case store's audit chain; exit 1 at the first broken link (or no store)."""
    from core.casestore import DATA_DIR_ENV, CaseStore, CaseStoreError, default_path

    try:
        path = Path(args.store) if args.store else default_path()
        folder = path.parent
        if folder.exists() and not folder.is_dir():  # (acceptance review A6)
            return fail(f"{folder} is not a folder, so there is no case store in it to "
                        f"check (is {DATA_DIR_ENV} set to a file?)", EXIT_INVALID)
        if not path.exists():
            return fail(f"there is no case store at {path}, so there is no audit log to "
                        "check", EXIT_OTHER)
        with CaseStore.open(path, read_only=True) as store:
            check = store.verify_audit(args.since)
    except CaseStoreError as exc:
        return fail(f"the audit log was not checked: {exc}", EXIT_OTHER)
    except OSError as exc:  # a name too long for the system, say (not shown: it is long)
        return fail(f"the audit log was not checked: the case store's path cannot be used "
                    f"({exc.strerror or exc})", EXIT_OTHER)
    if check.broken_at is not None:
        return fail(f"audit log BROKEN at entry {check.broken_at}: {check.problem} "
                    f"({path}; {check.entries - 1} entries before it are intact)", EXIT_OTHER)
    if not check.ok:
        return fail(f"audit log INCOMPLETE: {check.problem} ({path})", EXIT_OTHER)
    since = ""
    if args.since is not None:
        where = "the empty log" if check.since_id is None else f"entry {check.since_id}"
        since = f"since: {where}, still in the chain; {check.added} entries after it\n"
    note = f"note: {check.note}\n" if check.note else ""
    say(f"audit log OK\npath: {one_line(str(path))}\nentries: {check.entries}\n"
        f"head: {check.head}\n{since}{note}")
    return EXIT_OK


def parse_head(text: str) -> str:
    """A head printed by ``audit verify``: 64 hexadecimal digits."""
    head = text.strip().lower()
    if len(head) != 64 or not all(c in "0123456789abcdef" for c in head):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a head printed by 'audit verify' (64 hexadecimal digits)")
    return head
