"""Installing evidence packs into the machine-wide folder (clinic IT), offline.

The folder, its state, log and lock: :mod:`core.evidence.machine`.

A pack is copied into a hidden temporary folder beside ``packs/``, verified there,
and renamed into place; ``state.json`` is then replaced atomically. A reader
therefore sees the old state or the new one, never a half-copied pack. Previous
packs stay on disk, so :func:`rollback` needs no copy. One install or rollback runs
at a time (an operating-system lock on ``.lock``, which the system releases if the
process dies): a second one waits, then decides on the state the first one left, so
two installs at once can neither lose one from the history nor downgrade unasked.

>>> import tempfile
>>> current_installed(Path(tempfile.mkdtemp())) is None
True
"""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from core.evidence import machine
from core.evidence.machine import (  # the folder's own files; names kept for callers
    ENV_VAR,
    LOCK_WAIT,
    LOG_NAME,
    STATE_NAME,
    InstallError,
    install_guide,
    log_entries,
    machine_folder,
    make_shared_folder,
)
from core.evidence.manifest import (
    MANIFEST_NAME,
    PACK_FILES,
    PackError,
    PackInfo,
    PackSuperseded,
)


class NotLogged(InstallError):
    """The change was made (the state switched: the app uses the new current pack), but
    its line could not be added to the install log."""


class DowngradeRefused(InstallError):
    """The pack is not newer than the installed one (and no ``--allow-downgrade``), or
    not newer than the pack bundled with the app (which the app would use instead)."""


class InstalledPack(NamedTuple):
    name: str
    info: PackInfo | None  # None: the manifest cannot be read
    problem: str | None  # why it fails its check (or why its manifest cannot be read)
    current: bool
    #: genuine but made for an earlier version of the app (``problem`` says which id it
    #: lacks): never used, and not a damaged pack
    superseded: bool = False


def _manifest(folder: Path) -> PackInfo:
    """An installed pack's manifest, unverified; read like any pack's (a regular file of a
    bounded size: a named pipe or a huge file is a PackError, never a wait or MemoryError)."""
    from core.evidence.pack import read_manifest

    return read_manifest(folder / MANIFEST_NAME)


def current_installed(root: Path | None = None) -> PackInfo | None:
    """The current installed pack's manifest, unverified (the caller verifies it), or
    None when nothing is installed or the folder cannot be read."""
    root = root or machine_folder()
    try:
        history = machine.history(root)
        return _manifest(root / "packs" / history[-1]) if history else None
    except (InstallError, PackError):
        return None


def installed_in_order(root: Path | None = None) -> list[InstalledPack]:
    """The packs made current, the current one first, each with its manifest (unverified:
    the caller verifies) or, if that cannot be read, why not (``problem``); empty when
    nothing is installed. Raises InstallError if the install state cannot be read."""
    root = root or machine_folder()
    packs = []
    for name in reversed(history := machine.history(root)):
        try:
            info: PackInfo | None = _manifest(root / "packs" / name)
            problem = None
        except PackError as exc:  # (read_manifest turns every OSError into one)
            info, problem = None, str(exc)
        packs.append(InstalledPack(name, info, problem, name == history[-1]))
    return packs


def _describe(info: PackInfo) -> dict[str, Any]:
    return {"sequence": info.sequence, "version": info.version, "key_id": info.key_id,
            "evidence_sha256": info.evidence_sha256}


def _identity(folder: Path) -> dict[str, Any]:
    """An installed pack, for the log: as verified (with its signer key) when it passes
    its check, else as its manifest says, with the reason it fails."""
    from core.evidence.pack import read_signed_manifest
    from core.evidence.store import EvidenceError

    try:
        return _describe(_verified(folder))
    except EvidenceError as exc:
        problem = str(exc)
    try:  # its signature may still verify (an altered evidence file): the signer is known
        return {**_describe(read_signed_manifest(folder)), "problem": problem}
    except EvidenceError:
        pass
    try:
        return {**_describe(_manifest(folder)), "problem": problem}
    except PackError:
        return {"folder": folder.name, "problem": problem}


def install(pack: Path, *, allow_downgrade: bool = False, root: Path | None = None,
            on_wait: Callable[[], None] | None = None, bundled: int | None = None
            ) -> PackInfo:
    """Verify ``pack`` and make it the current installed pack; return its identity.

    Raises :class:`~core.evidence.manifest.PackError` if the pack fails its check,
    :class:`DowngradeRefused` if its sequence is not newer than the installed one's
    (unless ``allow_downgrade``; an allowed downgrade is recorded in the log) or not
    newer than the bundled pack's (the app would never use it: refused even with
    ``allow_downgrade``), and :class:`InstallError` if the folder cannot be written.
    An installed copy of the same pack that no longer passes its check is replaced by
    a fresh copy (``"repaired": true`` in the log). ``bundled``: the bundled pack's
    sequence to compare with (default: read from the bundled pack's manifest).
    """
    from core.evidence.pack import bundled_pack, pack_sequence

    root = root or machine_folder()
    info = _verified(Path(pack))
    pack_folder_name(info)  # a version that cannot name a folder: refused here, first
    floor = pack_sequence(bundled_pack()) if bundled is None else bundled
    if info.sequence <= floor:
        raise DowngradeRefused(
            f"pack sequence {info.sequence} ({info.version}) is not newer than the pack "
            f"bundled with this app (sequence {floor}); the app uses an installed pack only "
            "when it is newer than its own, so it would never use this one; nothing was "
            "changed")
    with machine.one_at_a_time(root, "install", on_wait):
        return _install_verified(Path(pack), info, allow_downgrade, root)


def _install_verified(pack: Path, info: PackInfo, allow_downgrade: bool, root: Path
                      ) -> PackInfo:
    """:func:`install` once ``pack`` has passed its check (holding the lock)."""
    from core.evidence.pack import verify_pack
    from core.evidence.store import EvidenceError

    history = machine.history(root)
    name = pack_folder_name(info)
    # Compared with the newest pack made current that still passes its check: a damaged
    # current pack (or a manifest edited to claim a higher sequence) must not block its
    # own repair or a newer pack; an unverified manifest is no reason to refuse.
    sound = _newest_sound(root, history)
    # the very pack that is current, installed again (to repair its copy): no downgrade
    again = bool(history) and history[-1] == name
    downgrade = sound is not None and info.sequence <= sound.sequence and not again
    if downgrade and not allow_downgrade:
        assert sound is not None
        raise DowngradeRefused(
            f"pack sequence {info.sequence} ({info.version}) is not newer than the "
            f"installed sequence {sound.sequence} ({sound.version}); nothing was "
            "changed (use --allow-downgrade to install it anyway; it is recorded)")
    packs = root / "packs"
    target = packs / name
    repaired = False
    try:
        make_shared_folder(packs)
        _remove_leftovers(packs)
        # what it replaces, as it is now (before any copy: a repair logs the damage)
        previous = _identity(packs / history[-1]) if history else None
        if target.exists():
            try:
                other = _manifest(target).evidence_sha256 != info.evidence_sha256
            except PackError:
                other = False  # an unreadable copy: checked (and replaced) below
            if other:
                raise InstallError(f"another pack with sequence {info.sequence} is "
                                   f"already installed: {target}")
            try:
                verify_pack(target)
            except EvidenceError:
                # The installed copy of this very pack was altered or damaged: the
                # pack given has passed its check, so a fresh copy replaces it.
                _copy_in(pack, packs, target, info)
                repaired = True
        else:
            _copy_in(pack, packs, target, info)
            repaired = again  # the current pack's own folder was gone
        machine.write_state(root, [n for n in history if n != name] + [name])
    except OSError as exc:
        raise InstallError(f"cannot install into {root}: {machine.os_problem(exc)}") from None
    action = "reinstall" if again else "downgrade" if downgrade else "install"
    _log(root, {"action": action, **_describe(info), "replaced": previous,
                "allow_downgrade": allow_downgrade, **({"repaired": True} if repaired else {})},
         done=f"installed: {info.label()} is now the current pack")
    return info._replace(folder=target)


def _newest_sound(root: Path, history: list[str]) -> PackInfo | None:
    """The newest pack made current that passes its check, if any."""
    from core.evidence.store import EvidenceError

    for name in reversed(history):
        try:
            return _verified(root / "packs" / name)
        except EvidenceError:
            continue
    return None


def _log(root: Path, entry: dict[str, Any], done: str) -> None:
    """Record a change already made; if the log cannot be written, say that it was made
    (never "not installed" for a pack the app now uses)."""
    try:
        machine.record(root, entry)
    except OSError as exc:
        raise NotLogged(f"{done}, but the install log could not be written: "
                        f"{machine.os_problem(exc)} ({root / LOG_NAME})") from None


def _remove_leftovers(packs: Path) -> None:
    """Hidden folders an install killed midway left behind (its staging copy, or a
    damaged copy set aside). Called only under the lock: no install is using them."""
    import shutil

    for folder in packs.iterdir():
        if folder.name.startswith((".incoming-", ".damaged-")) and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def _copy_in(pack: Path, packs: Path, target: Path, info: PackInfo) -> None:
    """Copy ``pack``'s files into ``target`` (replacing a damaged copy there): staged in
    a hidden folder beside it, verified there, then renamed into place. The copy must be
    the pack ``info`` describes (the one checked before the lock was taken: a folder
    swapped for another genuine pack meanwhile is refused)."""
    import shutil
    import tempfile

    from core.evidence.pack import pack_paths, verify_pack

    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=packs))
    aside = None
    try:
        source = pack_paths(pack)[0].parent
        for file_name in PACK_FILES:
            shutil.copyfile(source / file_name, staging / file_name)
            os.chmod(staging / file_name, 0o644)
        os.chmod(staging, 0o755)
        copied = verify_pack(staging).pack  # the copy, not only the original
        if copied is None or (copied.sequence, copied.evidence_sha256) != (
                info.sequence, info.evidence_sha256):
            raise PackError(f"{source} changed while the install waited: it is no longer "
                            f"the pack that was checked (sequence {info.sequence}); nothing "
                            "was changed")
        if target.exists():  # (a folder cannot be renamed over another on Windows)
            aside = Path(tempfile.mkdtemp(prefix=".damaged-", dir=packs))
            os.rename(target, aside / target.name)
        os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)


def _verified(folder: Path) -> PackInfo:
    """The identity of the pack in ``folder`` once it passed every check."""
    from core.evidence.pack import verify_pack

    info = verify_pack(folder).pack
    assert info is not None  # verify_pack sets it
    return info


def rollback(root: Path | None = None, on_wait: Callable[[], None] | None = None
             ) -> tuple[str, PackInfo]:
    """Make the pack that was current before the current one current again; return
    (the pack left, described; the pack now current). The pack left stays on disk,
    and may be damaged (a reason to roll back). If the pack to go back to fails its
    check, its EvidenceError is raised and nothing changes."""
    root = root or machine_folder()
    if not root.is_dir():  # (nothing installed: the lock would create the folder)
        raise InstallError(f"nothing to roll back to in {root}: no pack installed")
    with machine.one_at_a_time(root, "roll back", on_wait):
        history = machine.history(root)
        if not history:
            raise InstallError(f"nothing to roll back to in {root}: no pack installed")
        if len(history) < 2:
            # (packs/ may hold more: those rolled back from; install one to use it again)
            raise InstallError(f"nothing to roll back to in {root}: no pack was current "
                               f"before {history[-1]} (a pack in packs/ that was rolled "
                               "back from can be installed again)")
        back = _verified(root / "packs" / history[-2])
        replaced = _identity(root / "packs" / history[-1])
        try:
            machine.write_state(root, history[:-1])
        except OSError as exc:
            raise InstallError(f"cannot roll back in {root}: {machine.os_problem(exc)} "
                               f"({exc.filename})") from None
        _log(root, {"action": "rollback", **_describe(back), "replaced": replaced},
             done=f"rolled back: {back.label()} is now the current pack")
    return _said(replaced, history[-1]), back


def _said(identity: dict[str, Any], name: str) -> str:
    """An :func:`_identity` for a person: which pack, and what is wrong with it (then
    set off by commas, for "rolled back from …, which fails its check, to …")."""
    what = (f"sequence {identity['sequence']} ({identity['version']})"
            if "sequence" in identity else name)
    return f"{what}, which fails its check," if "problem" in identity else what


def pack_folder_name(info: PackInfo) -> str:
    """The folder an installed pack lives in: its sequence (six digits or more) and its
    version. Raises InstallError for a version that cannot name a folder."""
    name = f"{info.sequence:06d}-{info.version}"
    if not machine.PACK_NAME.fullmatch(name):
        raise InstallError(f"pack version {info.version!r} cannot name an installed pack's "
                           "folder (letters, digits and . _ + - only); nothing was changed")
    return name


def installed(root: Path | None = None, *, unreadable_state: bool = False
              ) -> list[InstalledPack]:
    """Every pack in the folder, oldest sequence first, each checked. With
    ``unreadable_state``, a state.json that cannot be read marks none as current
    instead of raising (to list the packs IT can install again)."""
    from core.evidence.store import EvidenceError

    root = root or machine_folder()
    try:
        history = machine.history(root)
    except InstallError:
        if not unreadable_state:
            raise
        history = []  # none is current: the state that says which cannot be read
    folder = root / "packs"
    names = sorted(p.name for p in folder.iterdir()
                   if p.is_dir() and not p.name.startswith(".")) if folder.is_dir() else []
    rows = []
    for name in names:
        superseded = False
        try:
            info: PackInfo | None = _verified(folder / name)
            problem = None
        except EvidenceError as exc:
            problem, superseded = str(exc), isinstance(exc, PackSuperseded)
            try:
                info = _manifest(folder / name)
            except PackError:
                info = None
        rows.append(InstalledPack(name, info, problem, bool(history) and history[-1] == name,
                                  superseded))
    return rows


__all__ = ["ENV_VAR", "LOCK_WAIT", "LOG_NAME", "STATE_NAME", "DowngradeRefused",
           "InstallError", "InstalledPack", "NotLogged", "current_installed", "install",
           "install_guide", "installed", "installed_in_order", "log_entries",
           "machine_folder", "make_shared_folder", "pack_folder_name", "rollback"]
