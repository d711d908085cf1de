"""Signed evidence packs: what the app refuses, the shipped pack, minisign compatibility."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import cli
from core.evidence import (
    PackError,
    keys,
    load_evidence,
    minisign,
    open_store,
    verify_pack,
)
from core.evidence.manifest import MANIFEST_NAME, SIGNATURE_NAME, parse_manifest
from core.evidence.pack import REQUIRED_IDS, build_pack, bundled_pack
from tests.conftest import ROOT, copy_pack
from tests.core.strategies import case_dicts
from tests.core.test_case import BASE
from tests.core.test_cli import cli as cli_process
from tests.core.test_cli import write
from tests.pack_support import (
    BUNDLED,
    DAMAGE,
    NEWER_SEQUENCE,
    THROWAWAY,
    damaged_pack,
    edited_sources,
    flip,
    free_space_offset,
    newer_pack,
    trust,
)

# The maintainers' re-sign command (core/evidence/sign.py, README "Signed evidence packs");
# no test touches the maintainers' keys.
RESIGN = "python -m core.evidence.sign --key <the maintainers' current key>"


# --- the shipped pack ----------------------------------------------------------------
def test_the_shipped_pack_verifies_with_an_embedded_key() -> None:
    store = load_evidence()
    assert store.pack is not None, "the shipped store is not a signed pack"
    assert store.pack.key_id in {k.key_id_hex for k in keys.embedded_keys()}
    assert store.pack.folder == bundled_pack() and store.notice is None


def test_the_shipped_pack_is_not_stale(tmp_path: Path) -> None:
    """The manifest built from today's resources/evidence (with any key: the manifest does
    not depend on it) equals the shipped one, and the shipped signature verifies."""
    shipped = bundled_pack()
    try:
        verify_pack(shipped)
    except PackError as exc:
        pytest.fail(f"the shipped pack does not verify ({exc}): re-sign it: {RESIGN}")
    fresh = build_pack(tmp_path / "fresh", THROWAWAY)
    built = json.loads((fresh.folder / MANIFEST_NAME).read_text())
    ours = json.loads((shipped / MANIFEST_NAME).read_text())
    # the whole-file hash depends on the SQLite library that wrote the file; the content
    # hash and every other field must agree wherever the test runs
    for field in ("evidence_sha256", "evidence_bytes"):
        built.pop(field), ours.pop(field)
    assert built == ours, f"the shipped pack is stale (resources/evidence changed): {RESIGN}"


def test_building_a_pack_is_deterministic(tmp_path: Path) -> None:
    first = build_pack(tmp_path / "a", THROWAWAY).folder
    second = build_pack(tmp_path / "b", THROWAWAY).folder
    for name in ("evidence.sqlite", MANIFEST_NAME, SIGNATURE_NAME):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_embedded_keys_are_the_published_ones() -> None:
    """docs/keys holds the public keys IT checks packs with; they are the embedded ones."""
    published = sorted((ROOT / "docs" / "keys").glob("*.pub"))
    assert [p.name for p in published] == ["evidence-2026.pub", "evidence-next.pub"]
    assert [minisign.parse_public_key(p.read_text()) for p in published] == \
        list(keys.embedded_keys())


def test_required_ids_cover_every_id_the_rules_can_emit() -> None:
    from core import rules

    code = Path(rules.__file__).read_text()
    emitted = set(re.findall(r'"((?:outside|scope)\.[a-z0-9_]+)"', code))
    emitted |= {m for m in re.findall(r'"([a-z0-9_]+)"', code) if m in _statement_ids()}
    emitted |= {f"outside.menopause_{s}" for s in ("premenopausal", "unknown")}
    emitted |= {f"scope.hr_{v}" for v in ("negative", "unknown")}
    emitted |= {f"scope.her2_{v}" for v in ("negative", "equivocal", "unknown")}
    assert not sorted(emitted - REQUIRED_IDS), \
        "add these ids to core.evidence.pack.REQUIRED_IDS"
    assert _statement_ids() >= REQUIRED_IDS


def _emitted(decision: object) -> set[str]:
    from core.rules import Decision

    assert isinstance(decision, Decision)
    return {*decision.scope, *(oid for oid, _status in decision.options), *decision.plan,
            *decision.cautions, *decision.outside}


def test_every_id_the_rules_emit_for_any_case_is_required_of_a_pack() -> None:
    """By behaviour, not by reading the rules' source: over every combination of the
    main answers, each id a decision holds is one a pack must have (so a rule whose id
    has no statement is refused at the pack check, never a KeyError while rendering)."""
    from core.rules import decide
    from tests.core.report_support import all_cases

    seen: set[str] = set()
    for case in all_cases():
        seen |= _emitted(decide(case))
    assert not sorted(seen - REQUIRED_IDS), "add these ids to core.evidence.pack.REQUIRED_IDS"
    assert len(seen) > 30


@settings(max_examples=400, deadline=None)
@given(data=case_dicts())
def test_every_id_emitted_for_a_random_case_is_required_of_a_pack(data: dict) -> None:
    """The same for random valid case files (defaults left out, odd months)."""
    from core.case import parse_case
    from core.rules import decide

    assert _emitted(decide(parse_case(data))) <= REQUIRED_IDS


def _statement_ids() -> set[str]:
    return set(open_store().statements)


# --- refusals ---------------------------------------------------------------------------
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_pack_is_refused_with_exit_3(
        damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = damaged_pack(damage, tmp_path / "pack", monkeypatch)
    expected = DAMAGE[damage][1]
    with pytest.raises(PackError, match=expected):
        verify_pack(path)
    case = str(write(tmp_path, BASE))
    for args in (["recommend", case], ["evidence", "verify"]):
        assert cli.main([*args, "--evidence", str(path)]) == 3, args
        out, err = capsys.readouterr()
        assert out == "" and expected in err
        assert ("nothing was recommended" in err) == (args[0] == "recommend")


@pytest.mark.parametrize("damage", ["wrong_key", "flipped_free_space"])
def test_a_real_process_exits_3(damage: str, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = damaged_pack(damage, tmp_path / "pack", monkeypatch)
    run = cli_process("recommend", str(write(tmp_path, BASE)), "--evidence", str(path.parent))
    assert run.returncode == 3 and run.stdout == b""
    assert DAMAGE[damage][1].encode() in run.stderr


def test_free_space_is_covered_by_the_signature_not_by_the_content_hash(
        tmp_path: Path) -> None:
    """The issue's case: a byte flipped in the unused part of a page passes the store's own
    checks; the whole-file SHA-256 in the signed manifest refuses it."""
    evidence = copy_pack(tmp_path)
    flip(evidence, free_space_offset(evidence), 0xFF)
    assert open_store(evidence).version  # SQLite and the content hash see nothing
    with pytest.raises(PackError, match="has been altered"):
        verify_pack(evidence)


_SHIPPED = (bundled_pack() / "evidence.sqlite").read_bytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offset=st.integers(0, len(_SHIPPED) - 1), mask=st.integers(1, 255))
def test_a_byte_flipped_anywhere_is_refused(offset: int, mask: int) -> None:
    """Rule (issue 12): "flipped byte anywhere in the file (including free space)" ->
    refused before anything is recommended."""
    with tempfile.TemporaryDirectory() as folder:
        evidence = copy_pack(Path(folder))
        flip(evidence, offset, mask)
        with pytest.raises(PackError, match="has been altered"):
            verify_pack(evidence)


def test_an_older_unsigned_store_is_refused(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A store without a signed manifest (like those before packs, 2026.11.x): exit 3."""
    from tests.conftest import build_older_evidence

    build_older_evidence(tmp_path, "2025.01.1-test")
    old = tmp_path / "old.sqlite"
    assert open_store(old).version == "2025.01.1-test"  # a sound store, only unsigned
    assert cli.main(["evidence", "verify", "--evidence", str(old)]) == 3
    assert "not a signed evidence pack" in capsys.readouterr().err


def test_an_altered_manifest_or_trusted_comment_is_refused(tmp_path: Path) -> None:
    evidence = copy_pack(tmp_path)
    manifest = tmp_path / MANIFEST_NAME
    manifest.write_text(re.sub(r'"sequence": \d+', '"sequence": 99',
                                            manifest.read_text()))
    with pytest.raises(PackError, match="does not match the signed file"):
        verify_pack(evidence)
    copy_pack(tmp_path)
    signature = tmp_path / SIGNATURE_NAME
    lines = signature.read_text().splitlines()
    lines[2] += " (edited)"
    signature.write_text("\n".join(lines) + "\n")
    with pytest.raises(PackError, match="trusted comment has been altered"):
        verify_pack(evidence)


def test_a_pack_for_a_newer_app_is_refused(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    trust(monkeypatch, THROWAWAY.public)
    src = newer_pack(tmp_path)
    manifest = json.loads((src / MANIFEST_NAME).read_text())
    manifest["min_app_version"] = "99.0"
    from core.evidence.pack import sign_manifest

    sign_manifest(src, manifest, THROWAWAY)
    with pytest.raises(PackError, match="needs hrher2-aid 99.0 or later"):
        verify_pack(src)


def test_the_next_key_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a rotation, packs are signed with the next key; apps embed it already. Here a
    throwaway key stands in for it, in second place."""
    current = keys.embedded_keys()[0]
    trust(monkeypatch, current, THROWAWAY.public)
    store = verify_pack(newer_pack(tmp_path))
    assert store.pack is not None and store.pack.key_id == THROWAWAY.public.key_id_hex


def test_an_older_genuine_pack_given_by_path_is_named_as_older(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """``--evidence`` with a superseded genuine pack (one from the history, say): used as
    asked, but never silently: install would refuse it."""
    trust(monkeypatch, *keys.embedded_keys(), THROWAWAY.public)
    old = newer_pack(tmp_path, sequence=1, version="2026.11.9")
    store = load_evidence(old)
    assert store.notice is not None and "older than the pack bundled" in store.notice
    assert cli.main(["evidence", "verify", "--evidence", str(old)]) == 0
    assert "note: this pack, sequence 1 (2026.11.9), is older" in capsys.readouterr().out
    assert load_evidence(bundled_pack()).notice is None  # the bundled one itself: no note
    # Hostile review H9: recommend and report used it without a word
    case = tmp_path / "case.json"
    case.write_text(json.dumps(BASE), encoding="utf-8")
    for args in (["recommend", str(case)],
                 ["report", str(case), "-o", str(tmp_path / "s.pdf")]):
        assert cli.main([*args, "--evidence", str(old)]) == 0
        assert "note: this pack, sequence 1 (2026.11.9), is older" in capsys.readouterr().err


@pytest.mark.parametrize(("sequence", "older"), [(1, True), (NEWER_SEQUENCE, False)])
def test_a_genuine_pack_made_before_an_id_was_needed_is_named_as_older(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sequence: int, older: bool) -> None:
    """A signed pack from before this version of the app needed an id (pack 21 lacks
    outside.her2_toxicity_sequential, which 2026.12.19 added) is refused as incomplete,
    and said to be older, made for an earlier version, and which pack to use: IT would
    otherwise take it for a damaged one. A newer pack without the id is only
    incomplete."""
    trust(monkeypatch, *keys.embedded_keys(), THROWAWAY.public)
    src = edited_sources(tmp_path, sequence=sequence, version="2026.11.9",
                         replace=('id = "outside.her2_toxicity_sequential"',
                                  'id = "outside.some_old_entry"'),
                         changelog='[[entry]]\nversion = "2026.11.9"\ndate = "2026-11-09"\n'
                                   'summary = "test"\nchanges = ["test"]\n')
    build_pack(tmp_path / "pack", THROWAWAY, src)
    with pytest.raises(PackError) as raised:
        verify_pack(tmp_path / "pack")
    message = str(raised.value)
    assert message.startswith("evidence store is incomplete: ")
    assert "no entry for outside.her2_toxicity_sequential" in message
    said = (f"(evidence pack 2026.11.9, sequence 1, was made for an earlier version of "
            f"hrher2-aid; this version comes with sequence {BUNDLED.sequence}: use that "
            "pack, or a newer one)")
    assert message.endswith(said) if older else "earlier version" not in message
    # Compared, it is read: what changed since is what IT wants to see (evidence diff,
    # the app's comparison); never used to recommend (load_evidence refuses it)
    assert verify_pack(tmp_path / "pack", to_compare=True).pack is not None
    with pytest.raises(PackError):
        load_evidence(tmp_path / "pack")


def test_evidence_diff_compares_a_pack_from_before_an_id_was_needed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    trust(monkeypatch, *keys.embedded_keys(), THROWAWAY.public)
    src = edited_sources(tmp_path, sequence=1, version="2026.11.9",
                         replace=('id = "outside.her2_toxicity_sequential"',
                                  'id = "outside.some_old_entry"'),
                         changelog='[[entry]]\nversion = "2026.11.9"\ndate = "2026-11-09"\n'
                                   'summary = "test"\nchanges = ["test"]\n')
    build_pack(tmp_path / "old", THROWAWAY, src)
    assert cli.main(["evidence", "diff", str(tmp_path / "old"), str(bundled_pack())]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"evidence 2026.11.9 (sequence 1) -> {BUNDLED.version} "
                          f"(sequence {BUNDLED.sequence})")
    assert "  statement outside.her2_toxicity_sequential" in out.split("changed:")[0]
    assert "  statement outside.some_old_entry" in out.split("removed:")[1]


@pytest.mark.parametrize(("sequence", "version", "says"), [
    (99, None, "raise 'version' in resources/evidence/meta.toml"),
    (None, "2099.9.9", "raise 'sequence'"),
    (99, "2099.9.9", "not a trusted key"),
])
def test_resigning_refuses_before_it_writes_anything(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sequence: int | None,
        version: str | None, says: str) -> None:
    """The maintainers' re-sign step (core.evidence.sign): changed evidence needs a new
    sequence and a new version, and a key this app does not embed is refused, all
    before the shipped pack is touched."""
    from core.evidence import sign, sources

    shipped = tmp_path / "shipped"
    copy_pack(shipped)
    before = {p.name: p.read_bytes() for p in shipped.iterdir()}
    changelog = None if version is None else (
        f'[[entry]]\nversion = "{version}"\ndate = "2099-01-01"\nsummary = "test"\n'
        'changes = ["et_her2: reworded"]\n')
    edited = edited_sources(tmp_path, sequence=sequence, version=version, changelog=changelog,
                            replace=('text = "An aromatase inhibitor',
                                     'text = "Reworded. An aromatase inhibitor'))
    monkeypatch.setattr(sources, "SOURCES_DIR", edited)
    monkeypatch.setattr(sign, "bundled_pack", lambda: shipped)
    key_file = tmp_path / "throwaway.key"
    key_file.write_text(THROWAWAY.to_text())
    with pytest.raises(PackError, match=re.escape(says)):
        sign.resign_shipped(key_file)
    assert {p.name: p.read_bytes() for p in shipped.iterdir()} == before


# --- minisign ---------------------------------------------------------------------------
def test_minisign_round_trip_and_foreign_key() -> None:
    text = minisign.sign(b"data", THROWAWAY, "comment")
    assert minisign.verify(b"data", text, [THROWAWAY.public]).trusted_comment == "comment"
    with pytest.raises(minisign.SignatureError, match="does not match"):
        minisign.verify(b"datA", text, [THROWAWAY.public])
    with pytest.raises(minisign.SignatureError, match="not a trusted key"):
        minisign.verify(b"data", text, [minisign.generate_key().public])
    with pytest.raises(minisign.SignatureError, match="not a minisign signature"):
        minisign.verify(b"data", "untrusted comment: x\n", [THROWAWAY.public])
    assert minisign.parse_secret_key(THROWAWAY.to_text()) == THROWAWAY


@pytest.mark.parametrize(("pack_toml", "says"), [
    ("sequence = \n", "pack.toml:"),
    ('sequence = "x"\nmin_app_version = "0.1.0"\ncreated = "2026-12-02"\n',
     "sequence must be a whole number"),
    (None, "pack.toml: missing"),
])
def test_pack_with_a_bad_pack_toml_fails_with_one_message_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], pack_toml: str | None,
        says: str) -> None:
    key_file = tmp_path / "test.key"
    key_file.write_text(THROWAWAY.to_text())
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "resources/evidence", sources)
    if pack_toml is None:
        (sources / "pack.toml").unlink()
    else:
        (sources / "pack.toml").write_text(pack_toml)
    out = tmp_path / "pack"
    assert cli.main(["evidence", "pack", "--key", str(key_file), "-o", str(out),
                     "--sources", str(sources)]) == 2
    err = capsys.readouterr().err
    assert says in err and "unexpected" not in err and not out.exists()


def test_a_version_that_cannot_name_a_folder_is_refused_at_build(tmp_path: Path) -> None:
    from core.evidence.sources import SourceError, load_sources

    with pytest.raises(SourceError, match="version must be letters, digits"):
        load_sources(edited_sources(tmp_path, version="2099.3 beta", changelog=(
            '[[entry]]\nversion = "2099.3 beta"\ndate = "2099-01-01"\nsummary = "t"\n'
            'changes = ["x"]\n')))


def test_pack_from_bad_sources_or_to_a_file_fails_with_one_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A maintainer's mistake gets one line naming it, not "unexpected error"."""
    key_file = tmp_path / "test.key"
    key_file.write_text(THROWAWAY.to_text())
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "resources/evidence", sources)
    statements = sources / "statements.toml"
    statements.write_text(statements.read_text().replace('kind = "option"',
                                                         'kind = "optionx"', 1))
    out = tmp_path / "pack"
    assert cli.main(["evidence", "pack", "--key", str(key_file), "-o", str(out),
                     "--sources", str(sources)]) == 2
    err = capsys.readouterr().err
    assert "evidence sources are not valid" in err and "unknown kind 'optionx'" in err
    assert "unexpected" not in err and not out.exists()
    taken = tmp_path / "a-file"
    taken.write_text("")
    assert cli.main(["evidence", "pack", "--key", str(key_file), "-o", str(taken)]) == 1
    err = capsys.readouterr().err
    assert "no complete pack was written" in err and str(taken) in err
    assert "unexpected" not in err


@pytest.mark.skipif(shutil.which("minisign") is None,
                    reason="Debian's minisign is not installed (.ci/run installs it)")
def test_the_minisign_command_verifies_a_pack_made_here(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    key_file, pub_file = tmp_path / "test.key", tmp_path / "test.pub"
    key_file.write_text(THROWAWAY.to_text())
    pub_file.write_text(THROWAWAY.public.to_text())
    out = tmp_path / "pack"
    assert cli.main(["evidence", "pack", "--key", str(key_file), "-o", str(out)]) == 0
    assert "is not embedded in this app" in capsys.readouterr().out
    done = subprocess.run(["minisign", "-V", "-p", str(pub_file), "-m",
                           str(out / MANIFEST_NAME)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    info = parse_manifest((out / MANIFEST_NAME).read_bytes(), "pack")
    assert f"sequence {info.sequence}" in done.stdout and info.evidence_sha256 in done.stdout
    # and the shipped pack, with the published key, as IT checks it
    done = subprocess.run(["minisign", "-V", "-p", str(ROOT / "docs/keys/evidence-2026.pub"),
                           "-m", str(bundled_pack() / MANIFEST_NAME)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    # a manifest changed by one character fails minisign too
    (out / MANIFEST_NAME).write_text((out / MANIFEST_NAME).read_text().replace("3", "4", 1))
    done = subprocess.run(["minisign", "-V", "-p", str(pub_file), "-m",
                           str(out / MANIFEST_NAME)], capture_output=True, text=True,
                          check=False)
    assert done.returncode != 0


@pytest.mark.skipif(shutil.which("minisign") is None,
                    reason="Debian's minisign is not installed (.ci/run installs it)")
def test_a_key_and_signature_made_by_minisign_work_here(tmp_path: Path) -> None:
    done = subprocess.run(["minisign", "-G", "-W", "-p", str(tmp_path / "k.pub"), "-s",
                           str(tmp_path / "k.key")], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    (tmp_path / "m").write_bytes(b"message\n")
    subprocess.run(["minisign", "-S", "-s", str(tmp_path / "k.key"), "-m",
                    str(tmp_path / "m"), "-t", "made by minisign"], check=True,
                   capture_output=True)
    public = minisign.parse_public_key((tmp_path / "k.pub").read_text())
    verified = minisign.verify(b"message\n", (tmp_path / "m.minisig").read_text(), [public])
    assert verified.trusted_comment == "made by minisign"
    assert minisign.parse_secret_key((tmp_path / "k.key").read_text()).public == public


def test_evidence_verify_names_the_pack(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["evidence", "verify"]) == 0
    out = capsys.readouterr().out
    info = load_evidence().pack
    assert info is not None
    assert f"version: {info.version}" in out and f"pack sequence: {info.sequence}" in out
    assert f"signer key: {info.key_id}" in out
    assert f"sources through: {info.sources_through}" in out


def test_evidence_diff_lists_what_changed_with_the_changelog(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    trust(monkeypatch, *keys.embedded_keys(), THROWAWAY.public)
    newer = newer_pack(tmp_path)
    assert cli.main(["evidence", "diff", str(bundled_pack()), str(newer)]) == 0
    out = capsys.readouterr().out
    assert f"evidence {BUNDLED.version} (sequence {BUNDLED.sequence}) -> 2099.1.1 " \
        f"(sequence {BUNDLED.sequence + 1})" in out
    assert "added: 0" in out and "removed: 0" in out
    assert "  statement et_her2 (text)" in out
    assert "2099.1.1 (2099-01-01): test release" in out
    assert "- et_her2: reworded for the test" in out
    # with one pack: compared with the pack the app uses now (here the bundled one)
    assert cli.main(["evidence", "diff", str(newer)]) == 0
    assert capsys.readouterr().out == out
    # the newer pack named first: shown from the older to the newer all the same, and
    # said (review B, L2: a reversed diff read as if it were right)
    assert cli.main(["evidence", "diff", str(newer), str(bundled_pack())]) == 0
    reversed_out = capsys.readouterr().out
    assert reversed_out == (f"note: {newer} (sequence {BUNDLED.sequence + 1}) is newer than "
                            f"{bundled_pack()} (sequence {BUNDLED.sequence}); shown from the "
                            "older to the newer\n" + out)
    # an older pack than the one in use: a downgrade, said
    monkeypatch.setenv("HRHER2_AID_EVIDENCE_DIR", str(tmp_path / "machine"))
    from core.evidence.install import install

    install(newer)
    assert cli.main(["evidence", "diff", str(bundled_pack())]) == 0
    assert capsys.readouterr().out.startswith(
        f"note: the pack in use (sequence {BUNDLED.sequence + 1}) is newer than "
        f"{bundled_pack()} (sequence {BUNDLED.sequence}); shown from the older to the "
        "newer; installing it would be a downgrade\n")
    # a damaged pack cannot be compared
    flip(newer / "evidence.sqlite", 100)
    assert cli.main(["evidence", "diff", str(bundled_pack()), str(newer)]) == 3


def test_a_missing_signature_library_refuses_the_pack(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken installation (PyNaCl absent from a bundle) refuses; it never skips the check."""
    import sys

    monkeypatch.setitem(sys.modules, "nacl.signing", None)
    with pytest.raises(PackError, match="Ed25519 is unavailable"):
        verify_pack(bundled_pack())
