"""The case store on real SQLite files: saving, listing, undo, files, audit, migration."""

from __future__ import annotations

import copy
import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.case import parse_case
from core.casestore import (
    DATA_DIR_ENV,
    CaseNotFound,
    CaseStore,
    CaseStoreTooNew,
    Saved,
    default_path,
    schema,
)
from core.casestore.files import export_audit_csv, export_case, export_many, import_files
from core.casestore.records import reworded
from core.evidence import open_store
from core.result import Renderer, Result
from tests.conftest import build_older_evidence
from tests.core import casestore_legacy as legacy

ROOT = Path(__file__).resolve().parents[2]


def case_data(label: str | None = "A", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "hrher2-aid.case/1", "label": label,
        "receptors": {"hr": "positive", "her2": "positive"}, "setting": "first_line",
        "disease": {"visceral": False, "symptomatic": False},
    }
    data.update(overrides)
    return data


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(open_store())


@pytest.fixture
def store(tmp_path: Path):
    s = CaseStore.open(tmp_path / "cases.sqlite")
    yield s
    s.close()


def save(store: CaseStore, renderer: Renderer, label: str | None = "A", **kw: Any) -> int:
    case = parse_case(case_data(label, **kw))
    return store.save(case, renderer.result_for(case)).id


def test_save_get_roundtrip_keeps_answers_result_and_evidence(store, renderer):
    case = parse_case(case_data("Mrs X 1"))
    result = renderer.result_for(case)
    case_id = store.save(case, result).id
    got = store.get(case_id)
    assert got.answers == case.to_dict()
    assert got.result == result.to_dict(complete=True)  # the words shown, too
    assert got.case().sha256() == case.sha256() == got.case_sha256
    assert (got.evidence_version, got.evidence_sha256) == (renderer.evidence.version,
                                                         renderer.evidence.sha256)
    assert got.label == "Mrs X 1" and got.setting == "first_line"
    assert got.created == got.changed


def test_save_with_id_updates_and_keeps_created(store, renderer):
    case_id = save(store, renderer, "old")
    before = store.get(case_id)
    case = parse_case(case_data("new", setting="progression", endocrine_responsive="yes"))
    saved = store.save(case, renderer.result_for(case), case_id, revision=before.revision)
    assert saved == Saved(case_id, before.revision + 1)
    after = store.get(case_id)
    assert after.label == "new" and after.setting == "progression"
    assert after.created == before.created and after.changed > before.changed
    assert store.count() == 1


def test_saving_an_unchanged_case_writes_nothing(store, renderer):
    """No new revision for the same case and result: another window's later save of
    it is then no conflict over nothing (it raised one before)."""
    case = parse_case(case_data("same"))
    result = renderer.result_for(case)
    first = store.save(case, result)
    before = store.get(first.id)
    again = store.save(case, result, first.id, revision=first.revision)
    assert again == Saved(first.id, first.revision, written=False)
    assert store.get(first.id) == before  # not even the "changed" time moved
    elsewhere = parse_case(case_data("changed elsewhere"))
    assert store.save(elsewhere, renderer.result_for(elsewhere), first.id,
                      revision=first.revision).written


def test_find_intact_finds_the_latest_copy_of_a_case(store, renderer):
    case = parse_case(case_data("twin"))
    result = renderer.result_for(case)
    older, newer = store.save(case, result), store.save(case, result)
    save(store, renderer, "other")
    found = store.find_intact(case.sha256())
    assert found is not None and found.id == newer.id != older.id
    store.delete(newer.id)
    found = store.find_intact(case.sha256())
    assert found is not None and found.id == older.id
    assert store.find_intact("0" * 64) is None


def test_save_refuses_a_result_of_another_case(store, renderer):
    other = renderer.result_for(parse_case(case_data("other")))
    with pytest.raises(ValueError, match="does not belong"):
        store.save(parse_case(case_data("mine")), other)
    assert store.count() == 0


def test_list_filters_by_label_and_sorts(store, renderer):
    ids = [save(store, renderer, label) for label in ("Alpha", "beta", "ALPHA two", "50%_x")]
    assert [r.id for r in store.list()] == ids[::-1]
    assert [r.id for r in store.list(order="changed_asc")] == ids
    assert {r.label for r in store.list(filter_label="alpha")} == {"Alpha", "ALPHA two"}
    # LIKE wildcards in the filter are taken literally
    assert [r.label for r in store.list(filter_label="%_")] == ["50%_x"]
    assert [r.label for r in store.list(order="label_asc")] == [
        "50%_x", "Alpha", "ALPHA two", "beta"]
    assert len(store.list(limit=2, offset=1)) == 2 and store.count("alpha") == 2
    with pytest.raises(ValueError):
        store.list(order="id; DROP TABLE cases")


def test_duplicate_copies_under_a_new_id(store, renderer):
    case_id = save(store, renderer, "orig")
    copy_id = store.duplicate(case_id)
    assert copy_id != case_id
    a, b = store.get(case_id), store.get(copy_id)
    assert (a.answers, a.result) == (b.answers, b.result)
    with pytest.raises(CaseNotFound):
        store.duplicate(9999)


def test_delete_undo_within_session_and_purge_at_close(tmp_path, renderer):
    path = tmp_path / "cases.sqlite"
    store = CaseStore.open(path)
    keep, gone, back = (save(store, renderer, n) for n in ("keep", "gone", "back"))
    t_gone, t_back = store.delete(gone), store.delete(back)
    assert [r.id for r in store.list()] == [keep]
    with pytest.raises(CaseNotFound):
        store.get(gone)
    assert store.undelete(t_back) == back
    with pytest.raises(CaseNotFound):
        store.undelete(t_back)  # one undo per deletion
    store.close()
    raw = sqlite3.connect(path)
    assert sorted(r[0] for r in raw.execute("SELECT id FROM cases")) == sorted([keep, back])
    raw.close()
    store = CaseStore.open(path)
    with pytest.raises(CaseNotFound):
        store.undelete(t_gone)  # undo ends when the app closes
    store.close()


def test_an_id_the_audit_log_names_is_never_given_to_another_case(tmp_path, renderer):
    """Red-team W4: the newest case exported, deleted, purged; the next case saved must
    not take its id, or the export's audit entry would name another patient's case."""
    path = tmp_path / "cases.sqlite"
    store = CaseStore.open(path)
    save(store, renderer, "Patient A")
    exported = save(store, renderer, "Patient B")
    stored = store.get(exported)
    store.record_export(None, [tmp_path / "b.pdf"], stored.case_sha256, "v",
                        case_id=exported, label="Patient B")
    store.delete(exported)
    store.close()  # the deletion is purged
    store = CaseStore.open(path)
    new = save(store, renderer, "Patient N")
    assert new > exported
    entries = [e for e in store.list_audit() if e.case_id == exported]
    assert [e.label for e in entries] == ["Patient B"]
    store.close()


def test_an_export_is_told_from_the_saved_case_it_no_longer_matches(store, renderer):
    """Exploratory test 18, finding 2: a saved case changed after its export gave no
    sign that the documents given out no longer matched it. The store tells, for each
    export of a saved case, whether that case still has the answers it carried."""
    from core.casestore.audit_log import CHANGED, DELETED, SAME

    kept = save(store, renderer, "P01")
    gone = save(store, renderer, "P02")
    first = store.get(kept)
    assert store.last_export(kept) is None
    assert store.outdated_export(kept, first.case_sha256) is None  # never exported
    store.record_export("2026-03-01T08:44:00.000000Z", ["/x/P01-summary.pdf"],
                        first.case_sha256, "v", case_id=kept, label="P01")
    store.record_export(None, ["/x/P02.pdf"], store.get(gone).case_sha256, "v",
                        case_id=gone)
    store.record_export(None, ["/x/unsaved.pdf"], "ee" * 32, "v")  # of no saved case
    assert store.outdated_export(kept, first.case_sha256) is None  # exported as it is
    changed = parse_case(case_data("P01", disease={"visceral": False, "symptomatic": True}))
    again = store.save(changed, renderer.result_for(changed), kept,
                       revision=first.revision)
    store.delete(gone)
    now = store.get(kept).case_sha256
    assert now != first.case_sha256 and again.written
    note = store.outdated_export(kept, now)
    assert note is not None and "other answers" in note and "2026-03-01" in note
    entries = store.list_audit()
    standing = store.export_standing(entries)
    by_file = {e.files[0]: standing.get(e.id) for e in entries}
    assert by_file == {"/x/P01-summary.pdf": CHANGED, "/x/P02.pdf": DELETED,
                       "/x/unsaved.pdf": None}
    # a case file exported from the case list gives out no documents: the PDFs given
    # out still carry the old answers (review 19, M2)
    store.record_export(None, ["/x/P01.json"], now, "v", kind="case-json", case_id=kept)
    assert store.outdated_export(kept, now) == note
    store.record_export(None, ["/x/P01-summary-2.pdf"], now, "v", case_id=kept)
    assert store.last_export(kept).files == ("/x/P01-summary-2.pdf",)
    assert store.outdated_export(kept, now) is None  # exported again: up to date
    standing = store.export_standing(store.list_audit())
    assert sorted(standing.values()) == sorted([SAME, SAME, CHANGED, DELETED])


def test_documents_exported_before_saving_count_for_the_case_they_match(store, renderer):
    """Explore19, finding 2: documents exported from a saved case's unsaved changes (or
    from its case file) name no saved case; once the case is saved with those answers,
    they are its documents, and the note no longer asks to export again. Only a later
    export counts, and only one carrying a label (the hash covers it): a case without a
    label cannot be told from another patient's with the same answers."""
    kept = save(store, renderer, "P01")
    first = store.get(kept)
    store.record_export(None, ["/x/P01-a.pdf"], first.case_sha256, "v", case_id=kept,
                        label="P01")
    changed = parse_case(case_data("P01", disease={"visceral": False, "symptomatic": True}))
    now = changed.sha256()
    store.record_export(None, ["/x/P01-b.pdf"], now, "v", label="P01")  # unsaved changes
    store.save(changed, renderer.result_for(changed), kept, revision=first.revision)
    assert store.get(kept).case_sha256 == now
    assert store.outdated_export(kept, now) is None
    # made before the documents that carry other answers: those are the newest
    store.record_export(None, ["/x/P01-c.pdf"], first.case_sha256, "v", case_id=kept,
                        label="P01")
    assert store.outdated_export(kept, now) is not None

    blank = save(store, renderer, None)
    old = store.get(blank)
    store.record_export(None, ["/x/a.pdf"], old.case_sha256, "v", case_id=blank, label=None)
    other = parse_case(case_data(None, disease={"visceral": False, "symptomatic": True}))
    store.record_export(None, ["/x/b.pdf"], other.sha256(), "v", label=None)
    store.save(other, renderer.result_for(other), blank, revision=old.revision)
    assert store.outdated_export(blank, other.sha256()) is not None


def test_the_last_export_is_the_last_written_whatever_the_clock_said(store, renderer):
    """Review 19, L3: another computer's clock an hour behind wrote the newest export;
    the log's own order (the chain's) says which is last, not the time stamps."""
    kept = save(store, renderer, "P01")
    old = store.get(kept).case_sha256
    store.record_export("2026-03-01T10:00:00.000000Z", ["/x/first.pdf"], old, "v",
                        case_id=kept)
    changed = parse_case(case_data("P01", disease={"visceral": True, "symptomatic": False}))
    store.save(changed, renderer.result_for(changed), kept, revision=store.get(kept).revision)
    now = store.get(kept).case_sha256
    store.record_export("2026-03-01T09:00:00.000000Z", ["/x/second.pdf"], now, "v",
                        case_id=kept)
    assert store.last_export(kept).files == ("/x/second.pdf",)
    assert store.outdated_export(kept, now) is None


def test_an_export_of_a_damaged_saved_case_is_not_called_up_to_date(store, renderer,
                                                                     tmp_path):
    """Review 19, L1: a row whose answers were changed outside the app (its hash column
    left alone) read "same answers"; what it holds now cannot be compared."""
    from core.casestore.audit_log import DAMAGED

    kept = save(store, renderer, "P01")
    stored = store.get(kept)
    store.record_export(None, ["/x/P01.pdf"], stored.case_sha256, "v", case_id=kept)
    raw = sqlite3.connect(tmp_path / "cases.sqlite")
    with raw:
        raw.execute("UPDATE cases SET answers = replace(answers, '\"first_line\"', "
                    "'\"progression\"') WHERE id = ?", (kept,))
    raw.close()
    assert store.get(kept).damaged
    assert list(store.export_standing(store.list_audit()).values()) == [DAMAGED]


def test_path_from_env_var_and_platformdirs(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    assert default_path() == tmp_path / "data" / "cases.sqlite"
    with CaseStore.open() as store:
        assert store.path == tmp_path / "data" / "cases.sqlite"
    assert (tmp_path / "data" / "cases.sqlite").exists()
    monkeypatch.delenv(DATA_DIR_ENV)
    assert default_path().parent.name == "hrher2-aid"


def test_store_is_in_wal_mode(store):
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_import_batch_reports_the_bad_file_and_imports_the_rest(store, renderer, tmp_path):
    good1, good2 = tmp_path / "g1.json", tmp_path / "g2.json"
    good1.write_text(json.dumps(case_data("one")))
    good2.write_text(json.dumps(case_data("two", setting="progression",
                                          endocrine_responsive="yes")))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(case_data("bad", receptors={"hr": "maybe", "her2": "positive"})))
    missing = tmp_path / "nope.json"
    reports = import_files(store, [good1, bad, missing, good2], renderer)
    assert [r.ok for r in reports] == [True, False, False, True]
    assert reports[1].error == (
        "receptors.hr: must be one of positive, negative, unknown (got 'maybe')")
    assert "cannot be read" in (reports[2].error or "")
    assert sorted(r.label or "" for r in store.list()) == ["one", "two"]
    stored = store.get(reports[3].case_id or 0)
    assert stored.result == renderer.result_for(stored.case()).to_dict(complete=True)


def test_import_does_not_save_a_case_the_list_already_holds(store, renderer, tmp_path):
    """The same file twice, or a file equal to a saved case: saved once; a case the list
    holds only as deleted, or with another answer, is saved."""
    one, changed = tmp_path / "one.json", tmp_path / "changed.json"
    one.write_text(json.dumps(case_data("one")))
    changed.write_text(json.dumps(case_data("one", setting="progression",
                                            endocrine_responsive="yes")))
    first, second, third = import_files(store, [one, one, changed], renderer)
    assert first.ok and not first.already
    assert second.ok and second.already and second.case_id == first.case_id
    assert third.ok and not third.already and third.case_id != first.case_id
    assert store.count() == 2
    store.delete(first.case_id or 0)
    [again] = import_files(store, [one], renderer)
    assert not again.already and again.case_id != first.case_id and store.count() == 2


def test_export_case_and_many_roundtrip_and_audit(store, renderer, tmp_path):
    a = save(store, renderer, "a/b: c")
    b = save(store, renderer, "a/b: c")
    out = export_case(store, a, tmp_path / "one.json")
    assert parse_case(json.loads(out.read_text())).sha256() == store.get(a).case_sha256
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / f"a-b-c-{a}.json").write_text("existing, must survive")
    paths = export_many(store, [a, b], folder)
    assert (folder / f"a-b-c-{a}.json").read_text() == "existing, must survive"
    assert len(set(paths)) == 2 and all(p.parent == folder for p in paths)
    assert [parse_case(json.loads(p.read_text())).label for p in paths] == ["a/b: c"] * 2
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    audit = store.list_audit()
    assert [e.kind for e in audit] == ["case-json"] * 3
    assert audit[-1].files == (str(out),) and audit[-1].case_id == a
    assert audit[-1].case_sha256 == store.get(a).case_sha256
    assert audit[-1].evidence_version == renderer.evidence.version


def test_exports_never_replace_the_store_or_what_is_not_theirs(store, renderer, tmp_path):
    """Hostile review H1: Saved cases ▸ Export… and Audit log ▸ Export CSV… replaced
    whatever was chosen, the open case store too (the next start set it aside as
    damaged: every saved case and audit entry gone). Save as already refused this."""
    from core.casestore import CaseFileError

    a = save(store, renderer, "kept")
    store.record_export(None, ["/x.pdf"], "ab" * 32, "v")
    store_bytes = lambda: store.path.read_bytes()  # noqa: E731
    before = store_bytes()
    other_db = tmp_path / "other.sqlite"
    CaseStore.open(other_db).close()
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    head = tmp_path / "cases.sqlite.audit-head.json"
    for target, writes in ((store.path, (export_case, export_audit_csv)),
                           (head, (export_case, export_audit_csv)),
                           (other_db, (export_case, export_audit_csv)),
                           (notes, (export_case,))):
        for write in writes:
            args = (store, a, target) if write is export_case else (store, target)
            with pytest.raises(CaseFileError, match="Nothing was written"):
                write(*args)
    assert store_bytes() == before and notes.read_text() == "my notes"
    assert other_db.read_bytes().startswith(b"SQLite format 3\x00")
    assert store.get(a).label == "kept" and len(store.list_audit()) == 1
    # a case file may be replaced by a case, and any plain file by the CSV
    case_file = export_case(store, a, tmp_path / "case.json")
    assert export_case(store, a, case_file) == case_file
    assert export_audit_csv(store, notes).read_text(encoding="utf-8-sig").startswith("when_utc")


def test_an_export_from_a_read_only_store_says_it_is_not_in_the_audit_log(renderer,
                                                                          tmp_path):
    """Hostile review H7: with a read-only store, Export… wrote the file and then said
    "nothing was changed"; exporting several stopped after the first."""
    from core.casestore import ExportNotRecorded

    path = tmp_path / "cases.sqlite"
    with CaseStore.open(path) as writable:
        ids = [save(writable, renderer, f"c{i}") for i in range(3)]
    with CaseStore.open(path, read_only=True) as store:
        with pytest.raises(ExportNotRecorded, match="The case file was written, but the "
                           "export is not recorded in the audit log: the case store .* is "
                           "read-only") as one:
            export_case(store, ids[0], tmp_path / "one.json")
        folder = tmp_path / "many"
        folder.mkdir()
        with pytest.raises(ExportNotRecorded, match="3 case files were written") as many:
            export_many(store, ids, folder)
        assert store.list_audit() == []
    assert one.value.written == [tmp_path / "one.json"] and (tmp_path / "one.json").exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in many.value.written)
    assert len(many.value.written) == 3


def test_an_export_from_a_locked_store_says_so_without_nothing_was_changed(renderer,
                                                                           tmp_path):
    """Diff review R2: the locked store's own message ("... nothing was changed") was
    pasted after "The case file was written"."""
    import sqlite3

    from core.casestore import ExportNotRecorded

    path = tmp_path / "cases.sqlite"
    with CaseStore.open(path) as writable:
        case_id = save(writable, renderer, "c")
    store = CaseStore.open(path, busy_timeout=0.05)
    blocker = sqlite3.connect(path)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ExportNotRecorded) as caught:
            export_case(store, case_id, tmp_path / "one.json")
    finally:
        blocker.rollback()
        blocker.close()
        store.close()
    message = str(caught.value)
    assert "is in use by another program" in message and "nothing was changed" not in message
    assert (tmp_path / "one.json").exists()


def test_audit_csv_export(store, tmp_path):
    store.record_export("2026-01-02T03:04:05Z", ["/x/report.pdf", "/x/handout.pdf"],
                        "ab" * 32, "2026.11.1", case_id=7)
    store.record_export(None, ["=cmd|calc.pdf"], "cd" * 32, "2026.11.1")
    path = export_audit_csv(store, tmp_path / "audit.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["when_utc", "kind", "files", "case_sha256", "evidence_version",
                       "case_id", "case_label"]
    assert rows[1] == ["2026-01-02T03:04:05Z", "report", "/x/report.pdf; /x/handout.pdf",
                       "ab" * 32, "2026.11.1", "7", ""]
    assert rows[2][2] == "'=cmd|calc.pdf"  # never a live spreadsheet formula
    assert len(rows) == 3


@pytest.fixture(scope="module")
def old_renderer(tmp_path_factory) -> Renderer:
    return build_older_evidence(tmp_path_factory.mktemp("old"), "2025.01.1-test")


def test_case_saved_under_older_evidence_shows_stored_and_current(store, renderer,
                                                                old_renderer):
    differing = save(store, old_renderer, "et option")  # first line, not aggressive
    same = save(store, old_renderer, "progression", setting="progression",
                endocrine_responsive="no")
    cmp = store.compare_with_current(differing, renderer)
    assert cmp.differs and cmp.evidence_changed
    assert cmp.stored == store.get(differing).result
    assert cmp.stored["evidence"]["version"] == "2025.01.1-test"
    assert cmp.current["evidence"]["version"] == renderer.evidence.version
    old_et = [o for o in cmp.stored["options"] if o["id"] == "et_her2"][0]
    new_et = [o for o in cmp.current["options"] if o["id"] == "et_her2"][0]
    assert old_et["text"].startswith("OLDER WORDING") and not new_et["text"].startswith("OLDER")
    assert cmp.differences() == [
        'Option "Endocrine therapy + HER2-targeted therapy": its wording or sources changed']
    unchanged = store.compare_with_current(same, renderer)
    assert unchanged.evidence_changed and not unchanged.differs
    assert unchanged.differences() == []
    # the result as saved reads back whole: titles and plain words as they were
    saved = Result.from_dict(cmp.stored)
    assert saved == old_renderer.result_for(store.get(differing).case())
    assert all(o.title for o in saved.options) and saved.plain_for("et_her2") is not None
    # a row saved before the words were kept (contract fields only) compares the same
    contract_only = {k: v for k, v in cmp.stored.items() if k != "display"}
    assert Result.from_dict(contract_only).options[0].title == ""


class _AfterANewQuestion(Renderer):
    """Today's evidence after a question was added: the same result for the same answers,
    but the case hash covers the new field's default (and, say, a new contract version);
    ``plan_matches`` set to ``matches`` when given."""

    def __init__(self, renderer: Renderer, matches: tuple[str, ...] | None = None) -> None:
        super().__init__(renderer.evidence)
        self.matches = matches

    def result_for(self, case: Any) -> Result:
        result = super().result_for(case)
        result = result._replace(case_sha256="0" * 64, contract="9.9")
        if self.matches is not None:
            result = result._replace(plan_matches=self.matches)
        return result


def test_a_new_question_does_not_make_every_saved_case_differ(store, renderer,
                                                              old_renderer):
    """Contributor review: after a question was added, every saved case opened under
    new evidence said "today's evidence gives a different result" with nothing listed
    (the case hash, which covers the new field, was compared as part of the result).
    What the result says decides, and every difference is named."""
    same = save(store, old_renderer, "progression", setting="progression",
                endocrine_responsive="no")
    cmp = store.compare_with_current(same, _AfterANewQuestion(renderer))
    assert cmp.evidence_changed and not cmp.differs and cmp.differences() == []
    planned = save(store, old_renderer, "planned", setting="progression",
                   endocrine_responsive="no", planned_regimen={
                       "chemotherapy": True, "endocrine": False, "her2_targeted": True})
    stored = store.get(planned).result["plan_matches"]
    today = ("another_option",)
    cmp = store.compare_with_current(planned, _AfterANewQuestion(renderer, matches=today))
    assert stored != list(today) and cmp.differs
    assert cmp.differences() == ["Which option the planned regimen matches"]


class _WithoutCautions(Renderer):
    """Evidence of before a warning was added: the same result without its cautions."""

    def result_for(self, case: Any) -> Result:
        return super().result_for(case)._replace(cautions=())


def test_a_part_new_today_is_named_by_its_title(store, renderer):
    """Review 21: today's result was compared without its display words, so a warning
    added since the case was saved was listed by its raw id."""
    case_id = save(store, _WithoutCautions(renderer.evidence), "new warning")
    today = renderer.result_for(store.get(case_id).case())
    assert today.cautions, "the case must have a warning today"
    cmp = store.compare_with_current(case_id, renderer)
    expected = sorted(f'Warning or note "{c.title}": only in today\'s result'
                      for c in today.cautions)
    assert cmp.differs and cmp.differences() == expected
    assert all(c.id not in line for c in today.cautions for line in cmp.differences())


@pytest.mark.parametrize("part", ["harms", "strengths", "plain", "answer_checks"])
def test_printed_words_that_changed_are_found_under_the_same_evidence_too(
        store, renderer, part):
    """Review B, M1: a pack that changed only an option's strength sentence and a
    cardiac harm figure (4.4% to 44%) reopened an old case with nothing found, although
    both PDFs print them; and a saved case was compared only when the evidence had
    changed, never after an app upgrade that changed the rules under the same pack."""
    case = parse_case(case_data("words", planned_regimen={
        "chemotherapy": True, "endocrine": False, "her2_targeted": False}))
    result = renderer.result_for(case)
    assert result.answer_checks == () and result.options[0].harms
    saved = result.to_dict(complete=True)
    option = result.options[0].id
    display = saved["display"]
    if part == "harms":
        display["harms"][option][0]["text"] += " (44%)"
    elif part == "strengths":
        display["strengths"][option] = "The source no longer prefers this."
    elif part == "plain":
        display["plain"][option]["text"] = "Other words for the patient."
    else:
        display["answer_checks"] = [{"id": "x", "text": "A check.", "plain": "A check."}]
    case_id = store.save(case, saved).id
    opened = store.opened(case_id, renderer)  # the same evidence as today's
    assert opened["result_differs"] and opened["current_result"] is not None
    title = result.options[0].title
    assert opened["differences"] == (
        ["Where the planned regimen goes against another answer"] if part == "answer_checks"
        else [f'Option "{title}": its words on the PDFs changed'])
    assert opened["words_only"]  # what the result decides is the same (review D, M1)
    # as saved today: nothing differs, and nothing is shown beside it
    same = store.opened(store.save(case, result).id, renderer)
    assert not same["result_differs"] and same["current_result"] is None
    # words kept since the case was saved (a field added to the plain words) are not a
    # change of the words it has
    older = result.to_dict(complete=True)
    for words in older["display"]["plain"].values():
        words.pop("harms_note")
    assert not store.opened(store.save(case, older).id, renderer)["result_differs"]
    # a result saved before these words were kept is not said to differ in them
    contract_only = {k: v for k, v in saved.items() if k != "display"}
    assert not store.opened(store.save(case, contract_only).id, renderer)["result_differs"]


def test_an_out_of_scope_case_names_what_changed_and_a_field_added_is_no_change(
        store, renderer):
    """Review D, M1 and L6: out of scope, a change in the scope entry's words gave a red
    "different result" with nothing under "What differs"; and an answer check compared
    whole would read as changed for a field a later app adds to it."""
    case = parse_case(case_data("out", receptors={"hr": "positive", "her2": "negative"}))
    result = renderer.result_for(case)
    assert not result.in_scope and result.scope_ids
    saved = result.to_dict(complete=True)
    scope_id = result.scope_ids[0]
    saved["display"]["plain"][scope_id]["text"] = "Older words for the patient."
    cmp = store.compare_with_current(store.save(case, saved).id, renderer)
    assert cmp.differs and cmp.words_only
    assert cmp.differences() == [
        "Why the aid does not apply to this case: its words on the PDFs changed"]
    checked = parse_case(case_data("check", chemotherapy={"contraindicated": True},
                                   planned_regimen={"chemotherapy": True, "endocrine": False,
                                                    "her2_targeted": True}))
    today = renderer.result_for(checked).to_dict(complete=True)
    assert today["display"]["answer_checks"]
    older = copy.deepcopy(today)
    for check in today["display"]["answer_checks"]:
        check["added_later"] = "a field this app did not have"
    assert reworded(older, today) == set()


def _v1_rows(renderer: Renderer) -> list[dict[str, Any]]:
    rows = []
    for i, setting in enumerate(("first_line", "progression", "first_line")):
        extra = {"endocrine_responsive": "yes"} if setting == "progression" else {}
        case = parse_case(case_data(f"v1 case {i}", setting=setting, **extra))
        rows.append({"label": case.label, "answers": case.canonical_json(),
                     "result": renderer.result_for(case).to_json(),
                     "evidence_version": renderer.evidence.version,
                     "created": f"2025-0{i + 1}-01T00:00:00.000000Z",
                     "changed": f"2025-0{i + 1}-02T00:00:00.000000Z"})
    return rows


def _version(path: Path) -> tuple[int, int]:
    raw = sqlite3.connect(path)
    try:
        return (raw.execute("PRAGMA user_version").fetchone()[0],
                raw.execute("PRAGMA application_id").fetchone()[0])
    finally:
        raw.close()


def test_version1_store_migrates_without_loss(tmp_path, renderer):
    """A store of the first release (version 1, sqlite-utils' migrations table) opens,
    upgrades to the current version and keeps every case and audit row."""
    path = tmp_path / "v1.sqlite"
    rows = _v1_rows(renderer)
    legacy.make_store(path, 1, rows, [{"at": "2025-01-03T00:00:00Z", "files": '["/r.pdf"]',
                                       "case_sha256": "ab" * 32, "evidence_version": "2025.1"}])
    assert _version(path) == (0, 0)

    with CaseStore.open(path) as store:
        listed = store.list(order="created_asc")
        assert [r.label for r in listed] == ["v1 case 0", "v1 case 1", "v1 case 2"]
        assert [r.setting for r in listed] == ["first_line", "progression", "first_line"]
        assert [r.damaged for r in listed] == [None, None, None]
        for row, original in zip(listed, rows, strict=True):
            got = store.get(row.id)
            assert got.answers == json.loads(original["answers"])
            assert got.result == json.loads(original["result"])
            assert got.case_sha256 == got.case().sha256()
            assert (got.created, got.changed) == (original["created"], original["changed"])
            assert got.revision == 1 and got.damaged is None
        [entry] = store.list_audit()
        assert (entry.kind, entry.files, entry.evidence_version) == ("report", ("/r.pdf",),
                                                                      "2025.1")
        assert store.verify_audit().ok and store.verify_audit().entries == 1
        store.delete(listed[0].id)  # the new columns work
        assert store.count() == 2
    assert _version(path) == (schema.CURRENT, schema.APPLICATION_ID)
    with CaseStore.open(path):  # and a second open applies nothing again (no new copy)
        pass
    [kept] = tmp_path.glob("v1.sqlite.before-upgrade-1-*")  # copy taken first
    old = sqlite3.connect(kept)
    assert old.execute("SELECT label FROM cases ORDER BY id").fetchall() == [
        ("v1 case 0",), ("v1 case 1",), ("v1 case 2",)]
    assert "setting" not in {c[1] for c in old.execute("PRAGMA table_info(cases)")}
    old.close()


def test_version2_store_upgrades_and_the_first_releases_then_refuse_it(tmp_path, renderer):
    """Version 2 (user_version 0, WAL) gains revisions, row hashes and the audit chain;
    the step is also named in the old migrations table, so an older release says
    "written by a newer version" instead of writing rows without hashes."""
    path = tmp_path / "cases.sqlite"
    rows = [{**r, "setting": json.loads(r["answers"])["setting"],
             "case_sha256": json.loads(r["result"])["case_sha256"]} for r in _v1_rows(renderer)]
    audit = [{"at": f"2025-01-0{i}T00:00:00Z", "files": f'["/r{i}.pdf"]', "kind": "report",
              "case_sha256": "ab" * 32, "evidence_version": "2025.1"} for i in (1, 2)]
    legacy.make_store(path, 2, rows, audit)
    with CaseStore.open(path) as store:
        assert [r.damaged for r in store.list()] == [None, None, None]
        check = store.verify_audit()
        assert check.ok and check.entries == 2
        store.record_export(None, ["/new.pdf"], "cd" * 32, "2026.1")
        assert store.verify_audit().entries == 3
    raw = sqlite3.connect(path)
    names = [r[0] for r in raw.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    raw.close()
    assert names == ["m001_initial", "m002_list_columns", "m003_integrity"]
    assert _version(path) == (schema.CURRENT, schema.APPLICATION_ID)


def test_store_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "cases.sqlite"
    CaseStore.open(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {schema.CURRENT + 1}")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(CaseStoreTooNew, match="newer version") as info:
        CaseStore.open(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == before


def test_schema_version_lives_in_user_version_not_a_migrations_table(tmp_path):
    """A new store has no sqlite-utils migrations table: its version is user_version."""
    path = tmp_path / "cases.sqlite"
    CaseStore.open(path).close()
    raw = sqlite3.connect(path)
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    raw.close()
    assert tables == {"cases", "audit"}
    assert _version(path) == (schema.CURRENT, schema.APPLICATION_ID)


def test_creating_or_opening_a_store_loads_neither_qt_nor_sqlite_utils(tmp_path):
    """core never imports Qt; the case store's schema is plain SQL (no sqlite-utils)."""
    code = ("import sys; sys.path.insert(0, sys.argv[2]); from core.casestore import CaseStore;"
            "s = CaseStore.open(sys.argv[1]); s.list(); s.close();"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'sqlite_utils'}))")
    for _ in ("create", "open"):
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "c.sqlite"),
                              str(ROOT)], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "[]"
