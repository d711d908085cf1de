"""The evidence store: complete, traceable, and refused whenever it is not intact."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from core.evidence import EvidenceError, EvidenceStore, default_store_path, open_store
from core.evidence.build import build_store
from core.evidence.sources import SOURCES_DIR, content_sha256, load_sources
from tests.conftest import ROOT

OPTION_IDS = ["chemo_her2", "et_her2", "continue_chemo_her2", "her2_et_maintenance",
              "sequential_et"]
PLAN_IDS = ["chemo_duration", "her2_until_progression", "et_maintenance_after_chemo"]
CAUTION_IDS = {
    "avoid_et_alone": "warning", "ai_alone_short_pfs": "note",
    "no_concurrent_et_chemo": "warning", "omits_her2_targeted": "warning",
    "et_her2_needs_selection": "warning", "et_her2_no_os_benefit": "note",
    "electra_result": "note", "pathway_crosstalk": "note", "hr_subgroup_benefit": "note",
    "non_visceral_benefit": "note", "maintenance_evidence_limited": "note",
    "chemo_too_short": "warning", "continue_her2_until_progression": "warning",
    "premenopausal_endocrine": "warning", "et_alone_selected_patients": "note",
}
CONTRACT_SOURCES = {  # the "source" column of the contract's tables
    "chemo_her2": [1, 4], "et_her2": [1, 2], "continue_chemo_her2": [1],
    "her2_et_maintenance": [1], "sequential_et": [1], "chemo_duration": [1],
    "her2_until_progression": [1], "et_maintenance_after_chemo": [1],
    "avoid_et_alone": [1, 2], "ai_alone_short_pfs": [1], "no_concurrent_et_chemo": [1],
    "omits_her2_targeted": [1], "et_her2_needs_selection": [1, 3],
    "et_her2_no_os_benefit": [1], "electra_result": [2], "pathway_crosstalk": [3],
    "hr_subgroup_benefit": [4], "non_visceral_benefit": [4],
    "maintenance_evidence_limited": [1], "chemo_too_short": [1],
    "continue_her2_until_progression": [1], "premenopausal_endocrine": [1, 2],
    "et_alone_selected_patients": [1],
}
SOURCE_TEXT = (SOURCES_DIR / "source.txt").read_text(encoding="utf-8")
REFERENCES_TEXT = (SOURCES_DIR / "references.md").read_text(encoding="utf-8")
# A number standing alone: not part of a name such as HER2, EGF30008 or a DOI.
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])")


def test_contract_ids_match_the_documented_tables() -> None:
    """The id lists above are the tables of docs/formats.md (the project's own account of
    the decision contract), with the same severities and sources."""
    contract = ROOT / "docs" / "formats.md"
    rows = re.findall(r"^\| `([a-z0-9_]+)` \|(.*)$", contract.read_text(), flags=re.M)
    table = {rid: rest for rid, rest in rows}
    for rid in OPTION_IDS + PLAN_IDS + list(CAUTION_IDS):
        cells = [c.strip() for c in table[rid].split("|")]
        assert [int(n) for n in cells[-2].split(",")] == CONTRACT_SOURCES[rid], rid
        if rid in CAUTION_IDS:
            assert cells[0] == CAUTION_IDS[rid], rid


def test_every_contract_id_has_an_entry(store: EvidenceStore) -> None:
    for rid in OPTION_IDS + PLAN_IDS + list(CAUTION_IDS):
        assert rid in store.statements, f"no evidence entry for contract id {rid}"
        entry = store.statements[rid]
        assert entry.text and entry.title
        assert list(entry.citations) == CONTRACT_SOURCES[rid], rid
    assert [s.id for s in store.of_kind("option")] == OPTION_IDS
    assert [s.id for s in store.of_kind("plan")] == PLAN_IDS
    assert [s.id for s in store.of_kind("caution")] == list(CAUTION_IDS)
    for rid, severity in CAUTION_IDS.items():
        assert store.statements[rid].severity == severity


def test_every_id_the_rules_can_emit_has_an_entry(store: EvidenceStore) -> None:
    from core import rules

    code = Path(rules.__file__).read_text()
    emitted = set(re.findall(r'"((?:outside|scope)\.[a-z0-9_]+)"', code))
    emitted |= {f"outside.menopause_{s}" for s in ("premenopausal", "unknown")}
    emitted |= {f"scope.hr_{v}" for v in ("negative", "unknown")}
    emitted |= {f"scope.her2_{v}" for v in ("negative", "equivocal", "unknown")}
    missing = sorted(i for i in emitted if i not in store.statements)
    assert not missing


def test_every_citation_resolves(store: EvidenceStore) -> None:
    assert sorted(store.references) == [1, 2, 3, 4]
    for entry in store.statements.values():
        for n in entry.citations:
            assert n in store.references, f"{entry.id} cites missing reference {n}"
    for figure in store.figures.values():
        assert figure.citation in store.references
        assert all(user in store.statements for user in figure.used_by)


def test_references_carry_the_resolved_citations(store: EvidenceStore) -> None:
    for n, ref in store.references.items():
        assert f"| {n} | {ref.citation} |" in REFERENCES_TEXT


def _displayed_texts(store: EvidenceStore) -> list[tuple[str, str]]:
    texts = []
    for entry in store.statements.values():
        for text in (entry.title, entry.text, *entry.rationale):
            texts.append((entry.id, text))
        for key, value in entry.extra.items():
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str):
                    texts.append((f"{entry.id}.{key}", text))
        for harm in entry.extra.get("harms", []):
            texts += [(f"{entry.id}.{harm['id']}", harm[k]) for k in ("text", "plain", "basis")]
    for figure in store.figures.values():
        for text in (figure.trial, figure.measure, figure.value, figure.context):
            texts.append((figure.id, text))
    for log in store.changelog:
        texts += [(f"changelog {log.version}", t) for t in (log.summary, *log.changes)]
    # what the evidence browser shows of the search table: its notes, and the first name
    # of each drug or topic it says lies outside the source
    table = json.loads({r["key"]: r["value"] for r in store.content["meta"]}["synonyms"])
    texts += [("synonyms", g["note"]) for g in table["synonyms"]]
    texts += [("synonyms", names[0])
              for names in table["not_covered"] + table.get("not_discussed", [])]
    return texts


def test_every_displayed_number_is_in_the_source_or_references(store: EvidenceStore) -> None:
    known = set(NUMBER.findall(SOURCE_TEXT)) | set(NUMBER.findall(REFERENCES_TEXT))
    for where, text in _displayed_texts(store):
        for number in NUMBER.findall(text):
            assert number in known, f"{where}: number {number} is in neither source"


def test_the_number_check_can_fail() -> None:
    """The checker really sees invented numbers (and not the digits inside names)."""
    assert NUMBER.findall("HR 0.42 with HER2 and EGF30008, 57 patients") == ["0.42", "57"]


def test_cited_entries_quote_the_source_verbatim(store: EvidenceStore) -> None:
    flat = " ".join(SOURCE_TEXT.split())
    for entry in store.statements.values():
        if entry.kind in ("option", "plan", "caution"):
            assert entry.source, entry.id
            for quote in entry.source:
                assert " ".join(quote.split()) in flat, f"{entry.id}: quote not in source"
        else:
            assert not entry.citations, f"{entry.id} lies outside the source"


def test_an_entry_outside_the_source_that_gives_its_words_gives_them_verbatim(
        store: EvidenceStore) -> None:
    """Review A, M1: at progression with HER2-targeted therapy ruled out, the source is
    not silent but speaks twice, and not as one; the entry gives both sentences as the
    source words them (outside-source entries carry no citation: contract 1.1), then
    what it leaves open."""
    flat = " ".join(SOURCE_TEXT.split())
    text = store.statements["outside.her2_toxicity_sequential"].text
    for said in ("sequential hormonal therapy should be offered to patients with "
                 "endocrine-responsive disease after progression on initial therapy",
                 "avoid using endocrine therapy alone in HR+HER2+ MBC patients, as PFS is "
                 "significantly shorter compared to combination approaches"):
        assert said in text
        assert said[0].upper() + said[1:] in flat
    assert text.endswith("It does not say which of the two applies when HER2-targeted "
                         "therapy cannot be given, so this aid lists no option here.")


def test_every_harm_is_a_cited_confirmed_fact(store: EvidenceStore) -> None:
    """Harm statements per option: confirmed facts only, each with its citation; where
    the sources give none, the care team explains (the option's harms note)."""
    options = store.of_kind("option")
    assert options
    for option in options:
        harms = store.harms(option.id)
        assert harms, option.id  # every option lists at least the ASCO heart advice
        assert "care team will explain" in option.extra["plain_harms_note"], option.id
        for harm in harms:
            assert harm.citations and set(harm.citations) <= set(store.references), harm.id
            assert harm.text and harm.plain and harm.basis, harm.id
    # the harms named in references.md's addendum as confirmed, and only those papers
    assert "Confirmed" in REFERENCES_TEXT and "Swain 2013" in REFERENCES_TEXT
    assert {h.id for o in options for h in store.harms(o.id)} == {
        "cleopatra_common", "cleopatra_severe", "cleopatra_heart", "asco_heart",
        "tandem_severe", "egf30008_common"}


STRENGTH_WORDS = ("preferred first-line approach in most cases", "can be considered",
                  "should be offered", "reasonable approach", "optimal duration")


def test_status_sentences_use_the_sources_strength_words(store: EvidenceStore) -> None:
    """Every option states the source's own strength in its own words; a consider option
    is never called preferred or a first choice."""
    flat_source = " ".join(SOURCE_TEXT.split()).lower()
    assert all(w in flat_source for w in STRENGTH_WORDS)
    for option in store.of_kind("option"):
        sentences = {k: v for k, v in option.extra.items() if k.startswith("strength_")}
        assert sentences, option.id
        for key, sentence in sentences.items():
            assert any(w in sentence.lower() for w in STRENGTH_WORDS), (option.id, sentence)
            assert option.extra[f"plain_{key}"], (option.id, key)
        for key in ("strength_consider", "plain_strength_consider"):
            if key in option.extra:
                words = option.extra[key].lower()
                assert "considered" in words and "first choice" not in words, option.id
                assert "preferred" not in words, option.id


def test_no_text_says_first_choice(store: EvidenceStore) -> None:
    """No text anywhere calls an option the source only says "can be considered" the
    "first choice" (nor any other option: the source never says it)."""
    for where, text in _displayed_texts(store):
        assert "first choice" not in text.lower(), where


def test_the_numbers_the_addendum_keeps_out_stay_out(store: EvidenceStore) -> None:
    """The subgroup hazard ratios are never labelled as PFS; ref 3 is never quoted for
    a trial figure; the unconfirmed 0.96 never appears."""
    for where, text in _displayed_texts(store):
        for ratio in ("0.72", "0.55", "1.11"):
            if ratio in text:
                assert "PFS" not in text and "progression-free" not in text, where
        assert not re.search(r"(?<![-\d.])0\.96", text), where  # (a CI's "0.53-0.96" is fine)
    for figure in store.figures.values():
        assert figure.citation != 3, figure.id


def test_changelog_and_currency(store: EvidenceStore) -> None:
    """The newest changelog entry is this version; the evidence states its currency."""
    assert store.changelog[0].version == store.version
    assert store.changelog[0].changes
    assert store.sources_through == 2022
    assert len({e.version for e in store.changelog}) == len(store.changelog)


def test_shipped_store_matches_its_sources(store: EvidenceStore) -> None:
    """resources/evidence.sqlite is rebuilt whenever a source changes."""
    assert store.sha256 == content_sha256(load_sources()), \
        "rebuild the store: python -m core.evidence.build"


def test_build_is_reproducible(tmp_path: Path, store: EvidenceStore) -> None:
    out = tmp_path / "e.sqlite"
    assert build_store(out) == store.sha256
    assert out.read_bytes() == default_store_path().read_bytes()
    with sqlite3.connect(out) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


@pytest.mark.parametrize(("query", "expected"), [
    ("AI", {"ai_alone_short_pfs", "et_her2", "electra_result"}),
    ("aromatase inhibitor", {"ai_alone_short_pfs", "et_her2"}),
    ("letrozole", {"electra_result", "et_her2", "ai_alone_short_pfs"}),
    ("trastuzumab", {"chemo_her2", "et_her2", "her2_until_progression"}),
    ("pertuzumab", {"chemo_her2", "hr_subgroup_benefit", "non_visceral_benefit"}),
    ("lapatinib", {"et_her2", "ai_alone_short_pfs", "her2_until_progression"}),
    # the questionnaire's own spelling ("Oestrogen and/or progesterone receptor status")
    ("oestrogen", {"et_alone_selected_patients", "hr_subgroup_benefit", "scope.hr_negative"}),
    ("PgR", {"et_alone_selected_patients", "hr_subgroup_benefit"}),
])
def test_synonyms_find_their_statements(store: EvidenceStore, query: str,
                                        expected: set[str]) -> None:
    """The synonym table in the evidence: "AI", "aromatase inhibitor", "letrozole",
    "trastuzumab", "pertuzumab", "lapatinib" find their statements."""
    found = {h.statement.id for h in store.search(query)}
    assert expected <= found
    if query == "AI":
        assert not [s for s in found if s.startswith("scope.")]  # "AI" is not "aid"


@pytest.mark.parametrize("query", ["trastuzumab deruxtecan", "T-DXd", "Tucatinib",
                                   "neratinib", "T-DM1", "palbociclib"])
def test_drugs_the_source_does_not_cover_are_named(store: EvidenceStore, query: str) -> None:
    plan = store.search_plan(query)
    assert plan.not_covered and not plan.match
    assert store.search(query) == []


def test_drugs_named_only_by_class_carry_a_note(store: EvidenceStore) -> None:
    plan = store.search_plan("fulvestrant")
    assert plan.notes and "does not name" in plan.notes[0]
    assert "sequential_et" in {h.statement.id for h in store.search("fulvestrant")}


def test_search_uses_the_full_text_index(store: EvidenceStore) -> None:
    hits = [h.statement.id for h in store.search("eLEcTRA letrozole")]
    assert hits[0] == "electra_result"
    assert "pathway_crosstalk" in [h.statement.id for h in store.search("crosstalk")]
    assert [h.statement.id for h in store.search("progress")]  # prefix match
    assert store.search("zebrafish") == []
    assert len(store.search("")) == len(store.statements)
    assert store.search('"unbalanced AND (') is not None  # odd syntax is no error


@pytest.mark.parametrize("query", ["eLEcTRA letrozole", "crosstalk", "progress", "chemo",
                                   "trastuzumab", "visceral", "survival", "cardiac",
                                   "side effects"])
def test_search_finds_what_the_shipped_index_finds_in_the_same_order(
        store: EvidenceStore, query: str) -> None:
    """Search runs on an index built in memory from the verified rows; it must give
    the hits and snippets of the index shipped in the file (core.evidence.build): a
    shipped file built before the index changed fails here."""
    match = store.search_plan(query).match
    conn = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    try:
        shipped = conn.execute(
            "SELECT id, snippet(statements_fts, -1, '[', ']', '…', 16) FROM statements_fts "
            "WHERE statements_fts MATCH ? ORDER BY rank LIMIT 50", (match,)).fetchall()
    finally:
        conn.close()
    assert shipped
    assert [(h.statement.id, h.snippet) for h in store.search(query)] == shipped


def test_search_finds_every_option_by_the_words_of_its_harms(store: EvidenceStore) -> None:
    """Clinical audit 4, finding 11: "heart" and "side effects" found nothing, though
    every option lists cardiac and other harms. Each harm's words now find its option,
    and the snippet shows where they matched."""
    options = [s for s in store.of_kind("option") if store.harms(s.id)]
    assert len(options) == len(store.of_kind("option"))
    for option in options:
        for harm in store.harms(option.id):
            words = " ".join(harm.text.split()[:4])
            assert option.id in [h.statement.id for h in store.search(words)], (option.id, words)
    hit = next(h for h in store.search("neutropenia") if h.statement.id == "chemo_her2")
    assert "[neutropenia]" in hit.snippet


@pytest.mark.parametrize(("query", "words"), [
    ("heart", ("heart", "left ventricular", "cardiac")),
    ("cardiac", ("left ventricular", "heart", "cardiac")),
    ("LVEF", ("ejection fraction", "heart", "cardiac", "left ventricular")),
    ("heart failure", ("heart failure", "heart", "cardiac", "left ventricular")),
    ("side effects", ("adverse event", "toxicity", "safety")),
    ("adverse events", ("adverse event", "toxicity", "safety")),
    ("diarrhea", ("diarrhoea",)), ("hair loss", ("alopecia",)),
])
def test_a_clinicians_words_for_harms_find_the_options_that_list_them(
        store: EvidenceStore, query: str, words: tuple[str, ...]) -> None:
    """Every option whose harms use the word (the first of ``words``) is found by the
    clinician's word for it (the synonym table, synonyms.toml), and every statement
    found uses one of the words it stands for."""
    def searched(sid: str) -> str:
        st = store.statements[sid]
        return " ".join([st.title, st.text, *st.rationale,
                         *(h.text for h in store.harms(sid))]).lower()

    listing = {s.id for s in store.of_kind("option")
               if any(words[0] in h.text.lower() for h in store.harms(s.id))}
    assert listing
    hits = {h.statement.id for h in store.search(query)}
    assert listing <= hits
    for sid in hits:
        assert any(w in searched(sid) for w in words), (query, sid)


def test_a_drug_named_only_by_class_is_not_said_to_share_aromatase_inhibitor_evidence(
        store: EvidenceStore) -> None:
    """Clinical audit 4, finding 11: the note for tamoxifen and fulvestrant said every
    statement found speaks of endocrine therapy in general, yet some speak of aromatase
    inhibitors only (et_her2). The note says so, and those statements name them."""
    for drug in ("tamoxifen", "fulvestrant"):
        note = store.search_plan(drug).notes[0]
        assert "does not name this drug" in note
        assert "aromatase inhibitors only" in note
    assert "et_her2" in {h.statement.id for h in store.search("tamoxifen")}
    assert "aromatase inhibitor" in store.statements["et_her2"].text.lower()


def test_search_never_reads_the_file_again_after_its_check(tmp_path: Path) -> None:
    """Replaced while the app runs (an upgrade under an open window, or on purpose):
    what is searched and shown is still what was checked."""
    path = tmp_path / "evidence.sqlite"
    shutil.copy(default_store_path(), path)
    checked = open_store(path)
    path.write_bytes(b"FORGED: not the store that was checked" * 100)
    hits = checked.search("trastuzumab")
    assert hits and all("FORGED" not in h.snippet for h in hits)
    assert all(h.statement is checked.statements[h.statement.id] for h in hits)


def test_opens_from_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copy(default_store_path(), folder / "evidence.sqlite")
    (folder / "evidence.sqlite").chmod(stat.S_IRUSR)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        store = open_store(folder / "evidence.sqlite")
        assert store.search("trastuzumab")
        assert sorted(p.name for p in folder.iterdir()) == ["evidence.sqlite"]
    finally:
        folder.chmod(stat.S_IRWXU)


# --- refused stores -----------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "evidence.sqlite"
    shutil.copy(default_store_path(), target)
    return target


def test_missing_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="evidence store not found"):
        open_store(tmp_path / "nope.sqlite")


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="is not a file"):
        open_store(tmp_path)


@pytest.mark.parametrize("keep", [0, 100, 4096, 20_000])
def test_truncated_store_is_refused(tmp_path: Path, keep: int) -> None:
    path = _copy(tmp_path)
    path.write_bytes(path.read_bytes()[:keep])
    with pytest.raises(EvidenceError):
        open_store(path)


def test_random_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evidence.sqlite"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(EvidenceError, match="cannot be opened|corrupt|not an evidence"):
        open_store(path)


def test_altered_statement_is_refused(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE statements SET text = replace(text, '0.72', '0.42') "
                     "WHERE id = 'hr_subgroup_benefit'")
    with pytest.raises(EvidenceError, match="has been altered"):
        open_store(path)


def test_altered_reference_is_refused(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE refs SET citation = 'Someone else' WHERE n = 2")
    with pytest.raises(EvidenceError, match="has been altered"):
        open_store(path)


def test_flipped_byte_is_refused(tmp_path: Path) -> None:
    """A bit flip inside a data page is caught by the integrity check or the hash."""
    path = _copy(tmp_path)
    data = bytearray(path.read_bytes())
    index = data.find(b"electra_result", 4096)
    assert index > 0
    data[index + 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(EvidenceError):
        open_store(path)


def test_missing_table_is_refused(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE figures")
    with pytest.raises(EvidenceError, match="table 'figures' is missing"):
        open_store(path)


def test_other_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE x (y)")
    with pytest.raises(EvidenceError, match="not an evidence store"):
        open_store(path)


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("harms.toml", "citations = [1]\nbasis = \"ASCO", "citations = []\nbasis = \"ASCO",
     "needs citations"),
    # (the version this release has, whatever it is: {version} is read from meta.toml)
    ("changelog.toml", 'version = "{version}"', 'version = "0.0.0-not-this"', "first entry"),
    ("meta.toml", "sources_through = 2022", "sources_through = 2026", "sources_through"),
    ("statements.toml", 'harms = ["asco_heart"]\n', "", "needs harms"),
    # contributor review: a statement without a title crashed the build (KeyError)
    ("statements.toml", 'title = "Chemotherapy + HER2-targeted therapy"\n', "",
     r"statements.toml: chemo_her2: missing title \(each \[\[statement\]\] needs id, kind"),
    ("figures.toml", "used_by = ", "usedby = ", r"figures.toml: .*: missing used_by"),
    ("references.toml", "[[reference]]", "[[reference]\n", "references.toml: not valid TOML"),
])
def test_build_refuses_incomplete_supplements(tmp_path: Path, file: str, old: str, new: str,
                                              message: str) -> None:
    """A harm without a citation, a changelog that does not name this version, a wrong
    currency year, an option without harms, an entry without a key it needs or a file
    that is not TOML: the store is not built, and the message names the file."""
    import tomllib

    from core.evidence.sources import SourceError

    src = tmp_path / "src"
    shutil.copytree(SOURCES_DIR, src)
    text = (src / file).read_text()
    old = old.replace("{version}", tomllib.loads((src / "meta.toml").read_text())["version"])
    assert old in text
    (src / file).write_text(text.replace(old, new, 1))
    with pytest.raises(SourceError, match=message):
        build_store(tmp_path / "e.sqlite", sources=src)


def test_the_build_command_names_a_source_problem_in_one_line(tmp_path: Path) -> None:
    """Contributor review: following the README's statement recipe (which did not name
    ``title``), ``python -m core.evidence.build`` ended in a KeyError traceback."""
    src = tmp_path / "src"
    shutil.copytree(SOURCES_DIR, src)
    statements = src / "statements.toml"
    statements.write_text(statements.read_text().replace(
        'title = "Chemotherapy + HER2-targeted therapy"\n', "", 1))
    done = subprocess.run([sys.executable, "-m", "core.evidence.build",
                           str(tmp_path / "e.sqlite"), str(src)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "python -m core.evidence.build: statements.toml: chemo_her2: missing title (each "
        "[[statement]] needs id, kind, order, title, text)"]
    assert not (tmp_path / "e.sqlite").exists()


def test_the_build_command_answers_help_and_writes_nothing(tmp_path: Path) -> None:
    """Contributor review 4: ``python -m core.evidence.build --help`` wrote a store named
    ``--help`` in the current folder instead of saying how the command is used."""
    done = subprocess.run([sys.executable, "-m", "core.evidence.build", "--help"],
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python -m core.evidence.build [-h] [OUT] [SOURCES]")
    assert "unsigned" in done.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("entry", "added"), [
    ('id = "outside.multidisciplinary_review"\n', 'source = ["a quote"]\n'),
    ('id = "scope.hr_negative"\n', 'source = ["a quote"]\n'),
    ('id = "scope.hr_negative"\n', "citations = [1]\n"),
])
def test_an_entry_on_what_the_source_does_not_cover_quotes_and_cites_nothing(
        tmp_path: Path, entry: str, added: str) -> None:
    """Docs review M2: the build refused a citation on an outside or scope entry (which
    says what the source does not cover, or when the aid does not apply) but took a
    source quote there."""
    from core.evidence.sources import SourceError
    from tests.pack_support import edited_sources

    src = edited_sources(tmp_path, replace=(entry, entry + added))
    with pytest.raises(SourceError, match="entries carry no citation and no source quote"):
        load_sources(src)


def test_a_paper_named_in_a_clinician_text_says_where_to_find_it(store: EvidenceStore) -> None:
    """Explore19, finding 5: the documents named trial papers by author and year alone,
    and no reference list holds them. Where a clinician text names one, it gives the
    journal or PMID that references.md gives (the handout keeps author and year)."""
    named = re.compile(r"\b([A-Z][a-z]+) (20\d\d)\b(,? ?(J Clin Oncol \d+:\d+-\d+|PMID \d+))?")
    clinician = [(sid, t) for sid, entry in store.statements.items()
                 for t in (entry.text, *entry.rationale,
                           *(h["text"] for h in entry.extra.get("harms", [])))]
    clinician += [(f.id, f.context) for f in store.figures.values()]
    checked = 0
    for where, text in clinician:
        for author, year, _, locator in named.findall(text):
            if author not in ("Kaufman", "Johnston", "Swain"):
                continue
            checked += 1
            assert locator, f"{where}: {author} {year} without where to find it"
            page = locator.rsplit(":", 1)[-1] if locator.startswith("J Clin") else locator
            assert page.split("-")[0].split()[-1] in REFERENCES_TEXT, (where, locator)
    assert checked >= 6
