"""The ``evidence`` commands for signed packs (issue 12): pack, install, list, rollback,
diff, and the pack lines of ``evidence verify``. Qt-free; :mod:`core.cli` wires them in.

Exit codes as in :mod:`core.cli`: 3 when a pack fails its check (raised as an
``EvidenceError``), 2 for a refused downgrade or a bad key file, 1 when the machine
folder cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# (a path's line break is escaped where it is written, with one_line; what say()
# escapes, escape sequences in labels or statement texts, is shown, never obeyed)
from core.console import EXIT_EVIDENCE, EXIT_INVALID, EXIT_OK, EXIT_OTHER, one_line
from core.console import fail as _fail
from core.console import say as _out
from core.evidence import EvidenceStore, verify_pack


def verify_lines(store: EvidenceStore) -> str:
    """The pack lines ``evidence verify`` prints after the store's own."""
    pack = store.pack
    if pack is None:
        return "pack: none (not opened as a signed pack)\n"
    text = (f"pack sequence: {pack.sequence}\nsigner key: {pack.key_id}\n"
            f"sources through: {pack.through}\ncreated: {pack.created}\n"
            f"pack folder: {one_line(str(pack.folder))}\n")
    if store.notice:
        text += f"note: {store.notice}\n"
    return text


def cmd_pack(args: argparse.Namespace) -> int:
    """Build and sign a pack from resources/evidence (maintainers)."""
    from core.evidence.keys import embedded_keys
    from core.evidence.minisign import SignatureError, parse_secret_key
    from core.evidence.pack import build_pack

    try:
        key = parse_secret_key(Path(args.key).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SignatureError) as exc:
        return _fail(f"{args.key}: not a usable minisign secret key: {exc}", EXIT_INVALID)
    from core.evidence.sources import SourceError

    try:
        info = build_pack(Path(args.output), key,
                          Path(args.sources) if args.sources else None)
    except SourceError as exc:
        return _fail(f"the evidence sources are not valid: {exc}; no pack was written",
                     EXIT_INVALID)
    except OSError as exc:
        # a missing sources file, or an output that is a file or cannot be written
        return _fail(f"no complete pack was written: {exc.strerror or exc}"
                     f"{f' ({exc.filename})' if exc.filename else ''}", EXIT_OTHER)
    _out(f"{one_line(str(info.folder))}\n{info.label()}\n")
    if key.public not in embedded_keys():
        _out(f"note: key {key.public.key_id_hex} is not embedded in this app, which "
             "will refuse this pack\n")
    return EXIT_OK


def _waiting() -> None:
    from core.evidence.install import LOCK_WAIT

    sys.stderr.write(f"hrher2-aid: waiting for another install or rollback to finish "
                     f"(up to {LOCK_WAIT:.0f} s)...\n")
    sys.stderr.flush()


def cmd_install(args: argparse.Namespace) -> int:
    from core.evidence.install import (
        DowngradeRefused,
        InstallError,
        NotLogged,
        install,
        machine_folder,
    )

    try:
        info = install(Path(args.pack), allow_downgrade=args.allow_downgrade,
                       on_wait=_waiting)
    except DowngradeRefused as exc:
        return _fail(f"not installed: {exc}", EXIT_INVALID)
    except NotLogged as exc:  # installed, and in use: only its log line is missing
        return _fail(str(exc), EXIT_OTHER)
    except InstallError as exc:
        return _fail(f"not installed: {exc}", EXIT_OTHER)
    _out(f"installed into {one_line(str(machine_folder()))}: {info.label()}\n")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from core.evidence import EvidenceError
    from core.evidence.install import InstallError, installed, machine_folder
    from core.evidence.manifest import MANIFEST_NAME, PackError, parse_manifest
    from core.evidence.pack import bundled_pack

    try:
        folder = machine_folder()
    except InstallError as exc:
        return _fail(f"cannot list the installed packs: {exc}", EXIT_OTHER)
    state_problem = None
    try:
        try:
            rows = installed()
        except InstallError as exc:  # state.json: said, and the packs listed all the same
            state_problem = str(exc)
            rows = installed(unreadable_state=True)
    except (InstallError, OSError) as exc:
        return _fail(f"cannot list {folder}: {exc}", EXIT_OTHER)
    bundled = bundled_pack()
    failing = any(row.problem and not row.superseded for row in rows)
    try:
        shipped = parse_manifest((bundled / MANIFEST_NAME).read_bytes(), str(bundled))
    except (OSError, PackError):  # (what the app falls back to: a failure like any)
        _out(f"bundled: none found in {one_line(str(bundled))}\n")
        failing = True
    else:
        # checked like the installed ones: the app falls back to it
        try:
            verify_pack(bundled)
            state = "verified"
        except EvidenceError as exc:
            state, failing = f"FAILS ITS CHECK: {exc}", True
        _out(f"bundled: sequence {shipped.sequence}, {shipped.version} ({one_line(str(bundled))}); "
             f"{state}\n")
    _out(f"installed in {one_line(str(folder))}: {len(rows)}\n")
    for row in rows:
        mark = "*" if row.current else " "
        what = (f"sequence {row.info.sequence}, {row.info.version}, sources through "
                f"{row.info.sources_through}, created {row.info.created}"
                if row.info else "manifest unreadable")
        if row.superseded:  # (after an app upgrade: not damaged, and never used)
            state = f"superseded, not used by this version of the app: {row.problem}"
        elif row.problem:
            state = f"FAILS ITS CHECK: {row.problem}"
        else:
            state = f"verified, signer key {row.info.key_id if row.info else '?'}"
        _out(f"{mark} {one_line(row.name)}: {what}; {state}\n")
    if rows and state_problem is None:
        _out("(* = current: the installed pack the app takes first, if it is newer than "
             "the bundled one)\n")
    _out(_in_use())
    if state_problem is not None:
        return _fail(f"no installed pack is current: {state_problem}", EXIT_OTHER)
    if failing:  # (exit 3, as evidence verify's: a pack here fails its check)
        return _fail("a pack listed above FAILS ITS CHECK", EXIT_EVIDENCE)
    return EXIT_OK


def _in_use() -> str:
    """Which pack the app uses now, checked as at every start (and why, if not the
    current installed one)."""
    from core.evidence import EvidenceError, load_evidence

    try:
        store = load_evidence()
    except EvidenceError as exc:
        return f"in use: none: {exc}\n"
    pack = store.pack
    where = one_line(str(store.path.parent))
    text = f"in use: {pack.label() if pack else store.version} ({where})\n"
    return text + (f"note: {store.notice}\n" if store.notice else "")


def cmd_rollback(args: argparse.Namespace) -> int:
    from core.evidence.install import InstallError, NotLogged, rollback

    try:
        left, back = rollback(on_wait=_waiting)
    except NotLogged as exc:  # rolled back: only its log line is missing
        return _fail(str(exc), EXIT_OTHER)
    except InstallError as exc:
        return _fail(f"not rolled back: {exc}", EXIT_OTHER)
    _out(f"rolled back from {one_line(str(left))} to {back.label()}\n")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    """Two packs compared; with one, the pack the app uses now against it (what would
    change if it were installed), so IT need not know where the bundled pack lives."""
    from core.evidence import load_evidence
    from core.evidence.diff import diff_stores, diff_text

    # (a genuine pack from before this version of the app is compared too)
    if args.new is None:
        old, new = load_evidence(), verify_pack(Path(args.old), to_compare=True)
        named = ("the pack in use", one_line(args.old))
    else:
        old, new = (verify_pack(Path(args.old), to_compare=True),
                    verify_pack(Path(args.new), to_compare=True))
        named = (one_line(args.old), one_line(args.new))
    note = ""
    if old.pack is not None and new.pack is not None and old.pack.sequence > new.pack.sequence:
        # always from the older to the newer, as the app's view shows it, and said
        # (review B, L2: a reversed diff read as if it were right)
        note = (f"note: {named[0]} (sequence {old.pack.sequence}) is newer than "
                f"{named[1]} (sequence {new.pack.sequence}); shown from the older to the "
                "newer" + ("; installing it would be a downgrade" if args.new is None
                           else "") + "\n")
        old, new = new, old
    _out(note + diff_text(diff_stores(old, new)))
    return EXIT_OK


def add_commands(actions: argparse._SubParsersAction,  # type: ignore[type-arg]
                 unused: argparse.ArgumentParser) -> None:
    """Register the pack commands under ``evidence``; ``unused``: the parent parser of
    the option they read no evidence from, --evidence, refused when given."""
    pack = actions.add_parser("pack", parents=[unused],
                              help="build and sign a pack from resources/evidence")
    pack.add_argument("--key", required=True, metavar="KEY",
                      help="minisign secret key (unencrypted)")
    pack.add_argument("-o", "--output", required=True, metavar="PACK",
                      help="folder to write the pack into")
    pack.add_argument("--sources", metavar="DIR", help=argparse.SUPPRESS)
    pack.set_defaults(func=cmd_pack)

    inst = actions.add_parser("install", parents=[unused],
                              help="verify a pack and install it for this machine")
    inst.add_argument("pack", metavar="PACK", help="pack folder")
    inst.add_argument("--allow-downgrade", action="store_true",
                      help="install even if it is not newer (recorded in the log)")
    inst.set_defaults(func=cmd_install, evidence_consequence="nothing was installed")

    lst = actions.add_parser("list", parents=[unused], help="list the installed packs")
    lst.set_defaults(func=cmd_list)

    back = actions.add_parser("rollback", parents=[unused],
                              help="make the previously installed pack current again")
    back.set_defaults(func=cmd_rollback, evidence_consequence="nothing was changed")

    diff = actions.add_parser("diff", parents=[unused],
                              help="statements added, changed and removed between packs")
    diff.add_argument("old", metavar="A", help="older pack folder (alone: the pack to "
                                               "compare with the one the app uses now)")
    diff.add_argument("new", metavar="B", nargs="?", help="newer pack folder")
    diff.set_defaults(func=cmd_diff)
