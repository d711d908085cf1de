"""CaseSession: the case being worked on, without Qt."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from core import questionnaire as q
from core.case import parse_case
from core.digest import sha256_hex
from core.evidence import EvidenceStore, open_store
from core.fields import FIELDS
from core.report import DocumentInfo
from core.result import Renderer, Result
from core.session import DRAFT_FORMAT, CaseSession, FileChanged, NotReady, SessionError
from tests.core.report_support import flat, pdf_text

FIRST_LINE: dict[str, Any] = {
    "receptors.hr": "positive", "receptors.her2": "positive", "setting": "first_line",
    "disease.visceral": True, "disease.symptomatic": False, "disease.visceral_crisis": False,
    "disease.rapidly_progressive": False, "chemotherapy.contraindicated": False,
    "chemotherapy.declined": False, "menopausal_status": "postmenopausal",
    "planned_regimen": False,
}


@pytest.fixture(scope="module")
def store() -> EvidenceStore:
    return open_store()


@pytest.fixture
def session(store: EvidenceStore) -> CaseSession:
    return CaseSession(Renderer(store))


def answer_all(session: CaseSession, answers: dict[str, Any]) -> None:
    for path, value in answers.items():
        session.set_answer(path, value)


def test_an_answer_change_recomputes_the_result(session: CaseSession) -> None:
    seen: list[Result | None] = []
    session.subscribe(lambda: seen.append(session.result()))
    answer_all(session, FIRST_LINE)
    before = session.result()
    assert before is not None and [o.id for o in before.options] == ["chemo_her2", "et_her2"]
    session.set_answer("disease.symptomatic", True)
    after = session.result()
    assert after is not None and [o.id for o in after.options] == ["chemo_her2"]
    assert after.case_sha256 == session.case().sha256() != before.case_sha256
    assert seen[-1] == after and session.modified
    # the result is cached on the answers: asking again builds nothing new
    assert session.result() is after


def test_a_draft_saves_and_reopens(session: CaseSession, store: EvidenceStore,
                                   tmp_path: Path) -> None:
    answer_all(session, {"receptors.hr": "positive", "receptors.her2": "positive",
                         "setting": "after_induction", "chemotherapy.months_given": 4.5,
                         "label": "Draft 1"})
    session.go_to("induction")
    assert not session.is_complete() and session.case() is None
    path = session.save_file(tmp_path / "draft.json")
    assert json.loads(path.read_text())["format"] == DRAFT_FORMAT
    assert not session.modified and session.path == path

    reopened = CaseSession(Renderer(store))
    reopened.open_file(path)
    assert reopened.answers == session.answers
    assert reopened.step == "induction" and not reopened.modified
    with pytest.raises(NotReady, match="not complete"):
        reopened.export_documents(tmp_path / "s.pdf", None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.json"]


def test_a_bad_draft_is_refused_with_the_field_named(session: CaseSession,
                                                     tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": DRAFT_FORMAT, "answers": {"setting": "second"}}))
    answer_all(session, FIRST_LINE)
    with pytest.raises(SessionError, match=r"answers\.setting: choose one"):
        session.open_file(bad)
    assert session.answer("setting") == "first_line"  # the current case is unchanged


def test_an_out_of_scope_case_saves_exports_and_has_a_case_hash(
        session: CaseSession, tmp_path: Path) -> None:
    answer_all(session, {"receptors.hr": "negative", "receptors.her2": "positive"})
    assert session.case() is None
    preview = session.scope_result()
    assert preview is not None and not preview.in_scope and preview.case_sha256 == ""
    answer_all(session, {"setting": "progression", "disease.visceral": False,
                         "disease.symptomatic": True})
    assert session.is_complete()
    result = session.result()
    assert result is not None and not result.in_scope
    assert result.case_sha256 == session.case().sha256() and len(result.case_sha256) == 64
    saved = session.save_file(tmp_path / "out.json")
    assert parse_case(json.loads(saved.read_text())).sha256() == result.case_sha256
    written = session.export_documents(tmp_path / "s.pdf", tmp_path / "h.pdf")
    assert [p.name for p in written] == ["s.pdf", "h.pdf"]
    summary = flat(" ".join(pdf_text(written[0].read_bytes())))
    assert f"Case SHA-256: {result.case_sha256}" in summary
    assert "Outside the scope of this aid" in summary


def test_a_regimen_begun_before_the_receptors_were_corrected_never_breaks_the_case(
        session: CaseSession, tmp_path: Path) -> None:
    """In scope, "Check a planned regimen: Yes" and one part; then HER2 corrected to
    negative. Out of scope the parts are not asked, so the answers are complete: they
    must make a valid case (no regimen: half a one is none), never an exception."""
    answer_all(session, {**FIRST_LINE, "planned_regimen": True,
                         "planned_regimen.chemotherapy": True})
    assert not session.is_complete()  # in scope: the other parts are still asked
    session.set_answer("receptors.her2", "negative")
    assert session.is_complete()
    case = session.case()
    assert case is not None and case.planned_regimen is None
    result = session.result()
    assert result is not None and not result.in_scope
    assert parse_case(json.loads(session.save_file(tmp_path / "c.json").read_text())) == case
    session.set_answer("receptors.her2", "positive")  # back in scope: asked again
    assert not session.is_complete() and session.case() is None


def test_a_case_file_keeps_answers_the_questionnaire_does_not_ask(
        session: CaseSession, tmp_path: Path) -> None:
    data = {"format": "hrher2-aid.case/1", "setting": "first_line",
            "receptors": {"hr": "positive", "her2": "positive"},
            "disease": {"visceral": True, "symptomatic": False},
            "endocrine_responsive": "no"}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data))
    session.open_file(path)
    assert session.answer("endocrine_responsive") == "no"
    assert session.case() == parse_case(data)


def _field_by_label() -> dict[str, Any]:
    return {f.label: f for f in FIELDS}


def printed_answers(summary_text: str) -> dict[str, Any]:
    """The answers printed under "Answers used" (with those a case file holds but the
    questionnaire does not ask, printed after them), read back into values, and the
    case label from the facts above them (printed there only)."""
    from core.report.summary import UNASKED_NOTE

    answers: dict[str, Any] = {}
    label = re.search(r"Case label (.*?) Date \d{4}-", summary_text)
    assert label is not None
    if label.group(1) != "(none)":
        assert label.group(1)[0] + label.group(1)[-1] == "“”", label.group(1)  # quoted
        answers["label"] = label.group(1)[1:-1]
    section = summary_text.split("Answers used", 1)[1]
    section = re.split(r" (Options|Outside the scope of this aid) ", section, maxsplit=1)[0]
    section = section.replace(UNASKED_NOTE, " ")
    by_label = _field_by_label()
    pattern = "|".join(re.escape(label) for label in sorted(by_label, key=len, reverse=True))
    parts = re.split(f"({pattern})", section)
    for label, text in zip(parts[1::2], parts[2::2], strict=True):
        field, text = by_label[label], text.strip()
        if text == "not given":
            continue
        if field.choices:
            value = next(c.value for c in field.choices if c.label == text)
        elif field.kind == "number":
            value = json.loads(text)
        else:
            value = text
        answers[field.path] = value
    return answers


@pytest.mark.parametrize(("path", "value", "kept"), [
    ("chemotherapy.months_given", 5.999999999999995, 5.999999999999995),
    ("label", "  Patient  7 ", "Patient 7"),
    ("label", "(none)", "(none)"),  # not taken for no label (diff review R13)
    ("label", "“Bed 4”", "“Bed 4”"),
])
def test_printed_answers_hash_to_the_printed_case_sha256(
        session: CaseSession, tmp_path: Path, path: str, value: Any, kept: Any) -> None:
    """The issue's two drifting cases: a number with many digits (the screen showed 6)
    and a label with spaces around it (the screen stripped them). The summary prints
    the answers decided on, and they hash to the case SHA-256 it prints."""
    answer_all(session, {**{k: v for k, v in FIRST_LINE.items()
                            if not k.startswith("chemotherapy.")},
                         "setting": "after_induction", "chemotherapy.months_given": 3,
                         "chemotherapy.maximal_response": False,
                         "chemotherapy.unacceptable_toxicity": False,
                         "her2_therapy.unacceptable_toxicity": False, "label": "P"})
    session.set_answer(path, value)
    assert session.answer(path) == kept
    written = session.export_documents(tmp_path / "s.pdf", None,
                                       DocumentInfo(clinician="Dr. A"))
    text = flat(" ".join(pdf_text(written[0].read_bytes())))
    printed_sha = re.search(r"Case SHA-256: ([0-9a-f]{64})", text)
    assert printed_sha is not None
    answers = printed_answers(text)
    assert answers[path] == kept
    case = parse_case(q.case_dict(answers))
    assert sha256_hex(case.canonical_json().encode()) == printed_sha.group(1)
    assert printed_sha.group(1) == session.result().case_sha256


def test_a_label_the_reports_cannot_print_leaves_the_result_but_is_never_printed(
        session: CaseSession, tmp_path: Path) -> None:
    """Acceptance review A1: a label in a script the reports cannot print replaced the
    whole recommendation with "Still needed: Case label". The result stays (the label
    never changes it); saving to the case list and export stay refused, saying why."""
    answer_all(session, FIRST_LINE)
    shown = session.result()
    session.set_answer("label", "\u05e9\u05dc\u05d5\u05dd")  # Hebrew
    assert not session.is_complete() and [f.path for f in session.missing()] == ["label"]
    result = session.result()
    assert result is not None and result.options == shown.options
    with pytest.raises(NotReady, match="Case label: Hebrew script cannot be printed"):
        session.export_documents(tmp_path / "s.pdf", None)
    assert list(tmp_path.iterdir()) == []
    # nor saved in a case file (diff review R5): a draft without it
    saved = json.loads(session.save_file(tmp_path / "c.json").read_text())
    assert saved["format"] == DRAFT_FORMAT and "label" not in saved["answers"]
    assert session.file_case_sha256 is None
    session.set_answer("label", "Bed 4")
    assert session.is_complete() and session.export_documents(tmp_path / "s.pdf", None)


def test_a_case_file_with_answers_not_asked_prints_them_apart_and_they_hash_too(
        tmp_path: Path) -> None:
    """Acceptance review A2: a first-line case file holding months of chemotherapy and
    an endocrine answer (never asked in first line) printed neither, yet both are in
    its hash: the printed answers did not give back the printed SHA-256."""
    from core.report.summary import UNASKED_NOTE

    data = {"format": "hrher2-aid.case/1", "label": "FL",
            "receptors": {"hr": "positive", "her2": "positive"}, "setting": "first_line",
            "menopausal_status": "postmenopausal",
            "disease": {"visceral": True, "symptomatic": False},
            "endocrine_responsive": "no", "chemotherapy": {"months_given": 3}}
    case_file = tmp_path / "fl.json"
    case_file.write_text(json.dumps(data))
    session = CaseSession(Renderer(open_store()))
    session.open_file(case_file)
    written = session.export_documents(tmp_path / "s.pdf", None)
    text = flat(" ".join(pdf_text(written[0].read_bytes())))
    unasked = text.split(UNASKED_NOTE, 1)[1].split("Options", 1)[0]
    assert "Months of chemotherapy given 3" in unasked
    assert "Endocrine-responsive disease No" in unasked
    answers = printed_answers(text)
    assert answers["chemotherapy.months_given"] == 3
    printed_sha = re.search(r"Case SHA-256: ([0-9a-f]{64})", text)
    assert printed_sha is not None
    case = parse_case(q.case_dict(answers))
    assert sha256_hex(case.canonical_json().encode()) == printed_sha.group(1)
    # an out-of-scope case file without a regimen: none either (diff review R1: it
    # printed "Check a planned regimen: No", which no file said)
    out = {"format": "hrher2-aid.case/1", "setting": "first_line",
           "receptors": {"hr": "negative", "her2": "positive"},
           "disease": {"visceral": False, "symptomatic": False}}
    case_file.write_text(json.dumps(out))
    session.open_file(case_file)
    out_pdf = session.export_documents(tmp_path / "o.pdf", None)[0]
    assert UNASKED_NOTE[:30] not in flat(" ".join(pdf_text(out_pdf.read_bytes())))
    # a case from the questionnaire holds no such answers: no such list
    fresh = CaseSession(Renderer(open_store()))
    answer_all(fresh, FIRST_LINE)
    fresh_pdf = fresh.export_documents(tmp_path / "f.pdf", None)[0]
    assert UNASKED_NOTE[:30] not in flat(" ".join(pdf_text(fresh_pdf.read_bytes())))


def test_summary_lists_only_the_answers_asked(session: CaseSession, tmp_path: Path) -> None:
    """A first-line case prints no induction or progression answers."""
    answer_all(session, FIRST_LINE)
    written = session.export_documents(tmp_path / "s.pdf", None)
    text = flat(" ".join(pdf_text(written[0].read_bytes())))
    answers = printed_answers(text)
    assert set(answers) | {"label"} == {f.path for f in q.asked(session.answers)}
    for absent in ("Chemotherapy toxicity", "Endocrine-responsive disease",
                   "HER2-targeted therapy ruled out by toxicity", "Includes chemotherapy"):
        assert absent not in text.split("Answers used", 1)[1].split("Options", 1)[0]


def test_navigation_follows_the_questionnaire(session: CaseSession) -> None:
    assert session.go_next() == "blocked"
    answer_all(session, {"receptors.hr": "positive", "receptors.her2": "positive"})
    assert session.go_next() == "moved" and session.step == "setting"
    assert session.go_back() and session.step == "receptors"
    answer_all(session, FIRST_LINE)
    steps = []
    while (outcome := session.go_next()) == "moved":
        steps.append(session.step)
    assert outcome == "finished" and steps == [s.id for s in session.steps()][1:]


def test_next_on_the_last_step_goes_back_to_a_question_still_open(
        session: CaseSession) -> None:
    """Endocrine therapy alone planned in first line makes HER2-targeted therapy
    tolerance a question, on a step before the regimen's: Next on the last step goes
    there (it used to finish, on an incomplete case with no result)."""
    answer_all(session, FIRST_LINE)
    while session.go_next() == "moved":
        pass
    assert session.step == "label" and session.is_complete()
    answer_all(session, {"planned_regimen": True, "planned_regimen.chemotherapy": False,
                         "planned_regimen.endocrine": True,
                         "planned_regimen.her2_targeted": False})
    assert not session.is_complete() and session.step == "label"
    assert session.go_next() == "back" and session.step == "her2_toxicity"
    assert session.result() is None
    session.set_answer("her2_therapy.unacceptable_toxicity", False)
    while (outcome := session.go_next()) == "moved":
        pass
    assert outcome == "finished" and session.step == "label"
    result = session.result()
    assert result is not None and "avoid_et_alone" in [c.id for c in result.cautions]


def test_a_case_file_changed_elsewhere_is_not_saved_over(session: CaseSession,
                                                          tmp_path: Path) -> None:
    """Two windows with the same case file: the second save finds the file changed
    since it was read and raises FileChanged (nothing written) instead of silently
    replacing the other window's change; replacing is an explicit choice."""
    answer_all(session, FIRST_LINE)
    path = session.save_file(tmp_path / "c.json")
    mine, theirs = CaseSession(session.renderer), CaseSession(session.renderer)
    mine.open_file(path)
    theirs.open_file(path)
    assert mine.file_case_sha256 == session.result().case_sha256
    theirs.set_answer("label", "theirs")
    theirs.save_file(path)
    mine.set_answer("label", "mine")
    with pytest.raises(FileChanged, match="changed by another window"):
        mine.save_file(path)
    assert json.loads(path.read_text())["label"] == "theirs" and mine.modified
    mine.save_file(tmp_path / "elsewhere.json")  # another file is no conflict
    mine.path = path
    with pytest.raises(FileChanged):
        mine.save_file(path)
    mine.save_file(path, replace_changed=True)
    assert json.loads(path.read_text())["label"] == "mine"
    mine.set_answer("label", "mine again")
    mine.save_file(path)  # what it wrote itself is no conflict
    path.unlink()
    mine.save_file(path)  # nor is a file removed meanwhile (nothing to lose)
    assert json.loads(path.read_text())["label"] == "mine again"


def test_a_draft_with_a_repeated_key_is_refused_like_a_case_file(session: CaseSession,
                                                                  tmp_path: Path) -> None:
    """Hostile review W7: a draft's repeated "label" opened with the last value, where
    a case file refuses it (a repeated key could change what is shown, unseen)."""
    path = tmp_path / "draft.json"
    path.write_text('{"format": "hrher2-aid.draft/1", "step": "label", "answers": '
                    '{"label": "a", "label": "b"}}', "utf-8")
    with pytest.raises(SessionError, match="label: appears twice"):
        session.open_file(path)
    assert session.answers == {}


def test_no_evidence_means_no_result_and_no_export(tmp_path: Path) -> None:
    session = CaseSession(None, "evidence store altered")
    answer_all(session, FIRST_LINE)
    assert session.case() is not None and session.result() is None
    with pytest.raises(NotReady, match="altered"):
        session.export_documents(tmp_path / "s.pdf", None)


def test_a_reopened_case_is_parsed_once(session: CaseSession, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The file's case is the session's case: opening does not parse the answers again
    (the old window parsed a reopened case twice)."""
    import core.session

    answer_all(session, FIRST_LINE)
    path = session.save_file(tmp_path / "c.json")
    reparsed: list[object] = []
    real = core.session.parse_case
    monkeypatch.setattr(core.session, "parse_case",
                        lambda data: reparsed.append(data) or real(data))
    reopened = CaseSession(session.renderer)
    reopened.open_file(path)
    assert reopened.case() == session.case() and reparsed == []
    assert reopened.result() == session.result()
    reopened.set_answer("disease.symptomatic", True)  # an edit: derived anew
    assert reopened.case().disease.symptomatic and len(reparsed) == 1


def test_saving_or_exporting_never_replaces_what_is_not_theirs(session: CaseSession,
                                                               tmp_path: Path) -> None:
    """Hostile review W6: "Save as file…" onto cases.sqlite replaced the case store (and
    the next start set it aside as damaged: every saved case and the audit log gone);
    the export hook wrote a PDF over the case file, cases.sqlite or the evidence."""
    from core.report import OutputError

    answer_all(session, FIRST_LINE)
    store = tmp_path / "cases.sqlite"
    store.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    pdf = tmp_path / "old.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    for other in (store, pdf):
        with pytest.raises(SessionError, match="exists and is not a case file"):
            session.save_file(other)
    assert store.read_bytes().startswith(b"SQLite") and pdf.read_bytes() == b"%PDF-1.4\n"
    case_file = session.save_file(tmp_path / "c.json")
    assert session.save_file(case_file) == case_file  # a case file may be replaced
    for summary in (store, case_file, tmp_path / "summary"):
        with pytest.raises(OutputError, match="nothing was written"):
            session.export_documents(summary, None)
    assert store.read_bytes().startswith(b"SQLite")
    assert json.loads(case_file.read_text())["format"] == "hrher2-aid.case/1"
    # Hostile review H10: one path for both documents wrote the handout alone (a dict
    # collapsed the two before the writer's check)
    same = tmp_path / "both.pdf"
    with pytest.raises(OutputError, match="different files"):
        session.export_documents(same, same)
    assert not same.exists()


def test_a_case_file_marked_read_only_is_not_replaced(session: CaseSession,
                                                      tmp_path: Path) -> None:
    """Left alone in the last review: Save replaced a read-only case file (a filed case,
    say). Now it says so, the file keeps its text and the case stays unsaved."""
    from core.report import OutputError

    answer_all(session, FIRST_LINE)
    case_file = session.save_file(tmp_path / "filed.json")
    filed = case_file.read_text()
    case_file.chmod(0o444)
    session.set_answer("label", "changed")
    with pytest.raises(SessionError, match="filed.json is read-only.*another name"):
        session.save_file(case_file)
    assert case_file.read_text() == filed and session.modified
    summary = tmp_path / "summary.pdf"
    summary.write_bytes(b"%PDF-1.4 filed\n")
    summary.chmod(0o444)
    with pytest.raises(OutputError, match="summary.pdf: the file is read-only"):
        session.export_documents(summary, tmp_path / "handout.pdf")
    assert summary.read_bytes() == b"%PDF-1.4 filed\n"
    assert not (tmp_path / "handout.pdf").exists()  # both documents, or neither


def test_a_case_file_opened_through_a_link_is_saved_to_the_file_linked_to(
        session: CaseSession, tmp_path: Path) -> None:
    """Review B, L5: a case file opened through a symbolic link (to a team's folder,
    say) was saved as a new file in place of the link, and the linked file kept the old
    answers, while the app said "Saved". Save writes the file linked to."""
    team = tmp_path / "team"
    team.mkdir()
    answer_all(session, FIRST_LINE)
    session.save_file(team / "case.json")
    link = tmp_path / "link.json"
    link.symlink_to(team / "case.json")
    session.new()
    session.open_file(link)
    assert session.path == (team / "case.json").resolve()
    session.set_answer("label", "Edited")
    session.save_file(session.path)
    assert link.is_symlink()
    assert json.loads((team / "case.json").read_text("utf-8"))["label"] == "Edited"
