"""Signed evidence packs: building and signing one, and the check made before any use.

:func:`verify_pack` is the only way the app and the command line open evidence
(through :func:`load_evidence`). In order, a pack must have:

1. a minisign signature of its manifest by one of the embedded keys (:mod:`.keys`);
2. a manifest for this app (format, ``min_app_version``);
3. an evidence file whose whole-file SHA-256 and size are the manifest's (so a byte
   flipped anywhere, free pages included, or a truncated file is refused);
4. a store passing the SQLite checks of :func:`~core.evidence.store.open_store`
   (integrity check, tables, content hash) whose version and content hash are the
   manifest's;
5. completeness: every id the rules can emit has an entry, every citation resolves.

Any failure raises :class:`~core.evidence.manifest.PackError` (an ``EvidenceError``):
exit 3 on the command line, a refusal in the window, nothing recommended.

Re-signing the shipped pack after ``resources/evidence/`` changes: :mod:`.sign`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from core.evidence.manifest import (
    EVIDENCE_NAME,
    MANIFEST_NAME,
    PACK_FORMAT,
    SIGNATURE_NAME,
    PackError,
    PackInfo,
    PackSuperseded,
    manifest_bytes,
    parse_manifest,
    version_tuple,
)

# (re-exported: the pack commands and tests know it here; it lives in manifest, which
# the app loads before Qt)
from core.evidence.manifest import bundled_pack as bundled_pack
from core.evidence.minisign import PublicKey, SecretKey, SignatureError
from core.evidence.store import EvidenceError, EvidenceStore, open_store

# Every id the rules can emit (core/rules.py; a test keeps this list in step with it).
REQUIRED_IDS: Final = frozenset({
    # options, plan items and cautions: the contract's tables
    "chemo_her2", "et_her2", "continue_chemo_her2", "her2_et_maintenance", "sequential_et",
    "chemo_duration", "her2_until_progression", "et_maintenance_after_chemo",
    "avoid_et_alone", "ai_alone_short_pfs", "no_concurrent_et_chemo", "omits_her2_targeted",
    "et_her2_needs_selection", "et_her2_no_os_benefit", "electra_result",
    "pathway_crosstalk", "hr_subgroup_benefit", "non_visceral_benefit",
    "maintenance_evidence_limited", "chemo_too_short", "continue_her2_until_progression",
    "premenopausal_endocrine", "et_alone_selected_patients",
    # notes outside the source, and out-of-scope reasons
    "outside.multidisciplinary_review", "outside.her2_toxicity", "outside.next_her2_agent",
    "outside.not_endocrine_responsive", "outside.assess_endocrine_response",
    "outside.no_systemic_therapy", "outside.menopause_premenopausal",
    "outside.menopause_unknown", "outside.aggressive_progression_review",
    "outside.et_her2_chemo_not_possible", "outside.her2_toxicity_sequential",
    "scope.hr_negative", "scope.hr_unknown", "scope.her2_negative", "scope.her2_equivocal",
    "scope.her2_unknown",
})
PACK_SETTINGS: Final = "pack.toml"
CHANGELOG: Final = "changelog.toml"


def bundled_problem(store: EvidenceStore) -> str | None:
    """Why the pack bundled with the app fails its check, when ``store`` (the evidence in
    use) is an installed pack; None when it passes or is the pack in use (checked
    already). The app does not need it then, but it is what the app falls back to, and
    a damaged one means the program's files are (install review, finding 1)."""
    if store.pack is None or store.pack.folder == bundled_pack():
        return None
    try:
        verify_pack(bundled_pack())
    except EvidenceError as exc:
        return str(exc)
    return None


def _trusted(keys: Sequence[PublicKey] | None) -> Sequence[PublicKey]:
    if keys is not None:
        return keys
    from core.evidence.keys import embedded_keys

    return embedded_keys()


def pack_paths(path: Path) -> tuple[Path, Path, Path]:
    """(evidence file, manifest, signature) of a pack folder, or of a pack's evidence
    file (its manifest and signature beside it)."""
    try:
        folder = path.is_dir()
    except OSError:  # cannot be looked at (no permission, a name too long): taken as a
        folder = False  # file, whose check then says why (hostile review H4)
    evidence = path / EVIDENCE_NAME if folder else path
    return evidence, evidence.parent / MANIFEST_NAME, evidence.parent / SIGNATURE_NAME


#: the most a manifest (it carries the changelog) or a signature file may hold: a
#: bigger one is refused before it is read (a pack handed to IT may be hostile)
MANIFEST_LIMIT: Final = 1 << 20
SIGNATURE_LIMIT: Final = 1 << 16


def file_size(path: Path, what: str) -> int:
    """The size of ``path``, which must be a regular file: a named pipe or a device
    would make reading it wait forever, a folder cannot be read. Raises PackError."""
    import stat

    try:
        info = path.stat()
    except FileNotFoundError:
        raise PackError(f"{what} not found: {path}") from None
    except OSError as exc:
        raise PackError(f"{what} cannot be read: {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise PackError(f"{what} is not a regular file: {path}")
    return info.st_size


def _read_small(path: Path, what: str, limit: int) -> bytes:
    if file_size(path, what) > limit:
        raise PackError(f"{what} is too large to be genuine: {path} (over {limit} bytes)")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PackError(f"{what} cannot be read: {path}: {exc.strerror}") from None


def read_manifest(path: Path) -> PackInfo:
    """A manifest file, unverified (to list or compare; :func:`verify_pack` checks)."""
    return parse_manifest(_read_small(path, "evidence pack manifest", MANIFEST_LIMIT),
                          str(path))


def read_signed_manifest(path: Path, keys: Sequence[PublicKey] | None = None) -> PackInfo:
    """Steps 1-2: the manifest, after its signature verified with a trusted key."""
    evidence, manifest_path, signature_path = pack_paths(path)
    file_size(evidence, "evidence store")
    if not manifest_path.exists():
        raise PackError(f"not a signed evidence pack: {evidence}: no {MANIFEST_NAME} "
                        "beside it")
    manifest = _read_small(manifest_path, "evidence pack manifest", MANIFEST_LIMIT)
    if not signature_path.exists():
        raise PackError(f"evidence pack is unsigned: {signature_path} is missing")
    try:
        signature = _read_small(signature_path, "evidence pack signature",
                                SIGNATURE_LIMIT).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(f"evidence pack signature cannot be read: {signature_path}: "
                        f"{exc}") from None
    from core.evidence.minisign import verify

    try:
        verified = verify(manifest, signature, _trusted(keys))
    except SignatureError as exc:
        raise PackError(f"evidence pack signature check failed: {manifest_path}: {exc}") \
            from None
    info = parse_manifest(manifest, str(manifest_path))._replace(
        folder=evidence.parent, key_id=verified.key.key_id_hex)
    from core import __version__

    if version_tuple(__version__) < version_tuple(info.min_app_version):
        raise PackError(f"evidence pack {info.version} needs hrher2-aid "
                        f"{info.min_app_version} or later (this is {__version__}): "
                        f"{manifest_path}")
    return info


def verify_pack(path: Path, keys: Sequence[PublicKey] | None = None, *,
                to_compare: bool = False) -> EvidenceStore:
    """Open a pack (folder, or its evidence file) after all five checks; see the module.
    ``to_compare``: only to compare with another (``evidence diff``, the app's
    comparison): a genuine pack made before this version of the app needed one of its
    ids is read too (it is never used to recommend); everything else is checked."""
    path = Path(path)
    info = read_signed_manifest(path, keys)
    evidence = pack_paths(path)[0]
    size = file_size(evidence, "evidence store")
    if size != info.evidence_bytes:  # said before reading: the file may be huge
        raise PackError(f"evidence store has been altered: {evidence}: {size} bytes, not "
                        f"the signed {info.evidence_bytes} bytes")
    try:
        data = evidence.read_bytes()
    except OSError as exc:
        raise PackError(f"evidence store cannot be read: {evidence}: {exc.strerror}") \
            from None
    from core.digest import sha256_of_one

    actual = sha256_of_one(data)
    if len(data) != info.evidence_bytes or actual != info.evidence_sha256:
        raise PackError(
            f"evidence store has been altered: {evidence}: file SHA-256 {actual[:12]}… "
            f"({len(data)} bytes) is not the signed {info.evidence_sha256[:12]}… "
            f"({info.evidence_bytes} bytes)")
    store = open_store(evidence)
    if store.version != info.version or store.sha256 != info.content_sha256:
        raise PackError(f"evidence store {store.version} is not the one the manifest "
                        f"signs ({info.version}): {evidence}")
    check_complete(store, info, needed=frozenset() if to_compare else REQUIRED_IDS)
    store.pack = info
    return store


def check_complete(store: EvidenceStore, info: PackInfo | None = None,
                   needed: frozenset[str] = REQUIRED_IDS) -> None:
    """Step 5: every ``needed`` id has an entry; every citation and figure resolves.
    ``info``: the signed manifest's; a genuine pack older than the bundled one, made
    before this version of the app needed an id, is said to be that, not a damaged
    one."""
    missing = sorted(needed - store.statements.keys())
    if missing:
        why = ""
        bundled = pack_sequence(bundled_pack())
        if info is not None and info.sequence < bundled:
            why = (f" (evidence pack {info.version}, sequence {info.sequence}, was made for "
                   f"an earlier version of hrher2-aid; this version comes with sequence "
                   f"{bundled}: use that pack, or a newer one)")
        kind = PackSuperseded if why else PackError
        raise kind(f"evidence store is incomplete: {store.path}: no entry for "
                   f"{', '.join(missing)}{why}")
    for entry in store.statements.values():
        unknown = [n for n in entry.citations if n not in store.references]
        if unknown:
            raise PackError(f"evidence store is incomplete: {store.path}: {entry.id} "
                            f"cites missing reference {unknown[0]}")
    for figure in store.figures.values():
        if figure.citation not in store.references:
            raise PackError(f"evidence store is incomplete: {store.path}: figure "
                            f"{figure.id} cites missing reference {figure.citation}")
        if any(user not in store.statements for user in figure.used_by):
            raise PackError(f"evidence store is incomplete: {store.path}: figure "
                            f"{figure.id} is used by an entry that does not exist")


def load_evidence(path: Path | str | None = None,
                  keys: Sequence[PublicKey] | None = None) -> EvidenceStore:
    """The evidence the app uses, verified.

    With ``path`` (``--evidence``): that pack (its ``notice`` says so if it is older than
    the bundled pack). Otherwise the newest valid installed pack
    (:mod:`.install`: the current one, else those made current before it, newest first)
    that is newer than the bundled pack, else the bundled pack. An installed pack that
    fails its check is passed over; the store's ``notice`` says so (About and
    ``evidence verify`` show it).
    """
    bundled = bundled_pack()
    if path is not None:
        store = verify_pack(Path(path), keys)
        floor = pack_sequence(bundled)
        if store.pack is not None and store.pack.sequence < floor:
            # genuine, but superseded: install refuses it; named here, never silently used
            store.notice = (f"this pack, sequence {store.pack.sequence} "
                            f"({store.pack.version}), is older than the pack bundled "
                            f"with this app (sequence {floor})")
        return store
    from core.evidence.install import InstallError, installed_in_order, machine_folder

    floor = pack_sequence(bundled)
    notice, failed = None, False
    try:
        candidates = installed_in_order(machine_folder())
    except InstallError as exc:  # a machine folder named wrongly: said, never guessed
        notice, candidates, failed = f"no installed pack was used: {exc}", [], True
    for candidate in candidates:
        installed = candidate.info
        if installed is None:  # its manifest cannot be read: passed over, and said
            notice = notice or (f"the installed pack {candidate.name} was not used: "
                                f"{candidate.problem}")
            failed = True
            continue
        if installed.sequence <= floor:  # (after an app upgrade, say): never silently
            notice = notice or (f"the installed pack, sequence {installed.sequence} "
                                f"({installed.version}), is not newer than the bundled "
                                f"pack (sequence {floor})")
            continue
        try:
            store = verify_pack(installed.folder, keys)
        except EvidenceError as exc:
            notice = notice or f"the installed pack was not used: {exc}"
            failed = True
            continue
        store.notice, store.installed_pack_failed = notice, failed
        return store
    store = verify_pack(bundled, keys)
    store.notice = f"{notice}; using the bundled pack" if notice else None
    store.installed_pack_failed = failed
    return store


def pack_sequence(folder: Path) -> int:
    """A pack's sequence as its manifest says (unverified: only to compare)."""
    try:
        return read_manifest(folder / MANIFEST_NAME).sequence
    except PackError:
        return 0


# --- building (maintainers) --------------------------------------------------------------
def read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    with path.open("rb") as fh:
        return tomllib.load(fh)


def _sources_through(content: dict[str, Any]) -> int | None:
    """The newest reference's publication year: the store's ``sources_through`` if it
    records one, else the newest ``YYYY;`` (journal year) among the citations."""
    recorded = content["meta"].get("sources_through")
    if recorded is not None:
        return int(recorded)
    years = [int(y) for r in content["refs"] for y in re.findall(r"\b((?:19|20)\d\d);",
                                                                  r["citation"])]
    return max(years) if years else None


def build_manifest(evidence: Path, sources: Path,
                   settings: tuple[int, str, str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The manifest of a freshly built store, from ``pack.toml`` and ``changelog.toml``."""
    from core.digest import sha256_hex
    from core.evidence.sources import load_sources

    sequence, min_app_version, created, releases = settings
    content = load_sources(sources)
    data = evidence.read_bytes()
    store = open_store(evidence)
    return {
        "format": PACK_FORMAT,
        "evidence_version": store.version,
        "sequence": sequence,
        "sources_through": _sources_through(content),
        "min_app_version": min_app_version,
        "evidence_file": EVIDENCE_NAME,
        "evidence_bytes": len(data),
        "evidence_sha256": sha256_hex(data),
        "content_sha256": store.sha256,
        "created": created,
        "changelog": [{"version": str(r["version"]), "date": str(r["date"]),
                       "summary": str(r.get("summary", "")),
                       "changes": [str(c) for c in r.get("changes", [])]}
                      for r in releases],
    }


def build_pack(out: Path, key: SecretKey, sources: Path | None = None) -> PackInfo:
    """Build the store from ``sources`` into the folder ``out``, write its manifest and
    sign it. Deterministic: the same sources and key give the same three files."""
    from core.evidence.build import build_store
    from core.evidence.sources import SOURCES_DIR

    sources = sources or SOURCES_DIR
    out = Path(out)
    settings = pack_settings(sources)  # checked before anything is written, like the
    build_store(out / EVIDENCE_NAME, sources=sources)  # sources build_store reads first
    manifest = build_manifest(out / EVIDENCE_NAME, sources, settings)
    return sign_manifest(out, manifest, key)


def pack_settings(sources: Path) -> tuple[int, str, str, list[dict[str, Any]]]:
    """(sequence, min_app_version, created, changelog entries) from ``pack.toml`` and
    ``changelog.toml``; a missing file, bad TOML or a wrong value is a SourceError."""
    import tomllib

    from core.evidence.sources import SourceError

    name = PACK_SETTINGS  # the file a problem is in, for the message
    try:
        settings = read_toml(sources / PACK_SETTINGS)
        sequence = settings["sequence"]
        if type(sequence) is not int or sequence < 1:
            raise ValueError(f"sequence must be a whole number above 0 (got {sequence!r})")
        fixed = str(settings["min_app_version"]), str(settings["created"])
        name = CHANGELOG
        changelog = sources / CHANGELOG
        releases = read_toml(changelog).get("entry", []) if changelog.exists() else []
        return (sequence, *fixed, list(releases))
    except FileNotFoundError:
        raise SourceError(f"{name}: missing from {sources}") from None
    except (tomllib.TOMLDecodeError, KeyError, ValueError) as exc:
        raise SourceError(f"{name}: {exc}") from None


def sign_manifest(folder: Path, manifest: dict[str, Any], key: SecretKey) -> PackInfo:
    """Write ``manifest`` into the pack ``folder`` and sign it with ``key``."""
    from core.evidence.minisign import sign

    payload = manifest_bytes(manifest)
    comment = (f"hrher2-aid evidence pack {manifest['evidence_version']} sequence "
               f"{manifest['sequence']} evidence.sqlite sha256 {manifest['evidence_sha256']}")
    signature = sign(payload, key, comment,
                     untrusted_comment=f"hrher2-aid evidence pack {manifest['sequence']}")
    write_atomic(folder / MANIFEST_NAME, payload)
    write_atomic(folder / SIGNATURE_NAME, signature.encode("ascii"))
    return parse_manifest(payload, str(folder / MANIFEST_NAME))._replace(
        folder=folder, key_id=key.public.key_id_hex)


def write_atomic(path: Path, data: bytes) -> None:
    from core import atomic

    atomic.write_bytes(path, data)
