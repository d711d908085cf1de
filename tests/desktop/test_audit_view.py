"""The audit log view on a real store: entries shown newest first, Export CSV…"""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt

from core.casestore import CaseStore
from desktop import dialogs
from desktop.audit_view import AuditDialog


@pytest.fixture
def store(tmp_path):
    s = CaseStore.open(tmp_path / "cases.sqlite")
    s.record_export("2026-01-01T10:00:00.000000Z", ["/x/old.pdf"], "aa" * 32, "2025.1")
    s.record_export("2026-02-01T10:00:00.000000Z", ["/x/new.pdf", "/x/handout.pdf"],
                    "bb" * 32, "2026.11.1", kind="handout")
    yield s
    s.close()


@pytest.fixture
def calls(monkeypatch):
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "error", lambda p, t, text: seen.append(("error", text)))
    monkeypatch.setattr(dialogs, "inform", lambda p, t, text: seen.append(("inform", text)))
    return seen


def test_shows_entries_newest_first(qtbot, store, calls):
    d = AuditDialog(store)
    qtbot.addWidget(d)
    d.show()
    m = d.audit.model
    assert m.rowCount() == 2
    assert [m.data(m.index(r, 5)) for r in range(2)] == ["new.pdf; handout.pdf", "old.pdf"]
    assert m.data(m.index(0, 4)) == "Handout" and m.data(m.index(0, 7)) == "2026.11.1"
    store.record_export(None, ["/x/third.pdf"], "cc" * 32, "2026.11.1")
    d.audit.refresh_button.click()
    assert m.rowCount() == 3 and m.data(m.index(0, 5)) == "third.pdf"
    assert calls == []


def test_the_files_column_shows_the_names_and_its_tool_tip_the_full_paths(qtbot, tmp_path,
                                                                          calls):
    """explore19, finding 11: at 1024x700 every row read "/tmp/explore1…"; the names,
    which tell exports apart, were cut off. The full paths stay in the tool tip."""
    folder = tmp_path / "exports from the clinic on a long folder name" / "2026-12"
    summary, handout = folder / "E1a-summary.pdf", folder / "E1a-handout.pdf"
    with CaseStore.open(tmp_path / "cases.sqlite") as store:
        store.record_export(None, [summary, handout], "aa" * 32, "2026.1")
        d = AuditDialog(store)
        qtbot.addWidget(d)
        d.resize(1024, 700)
        d.show()
        m = d.audit.model
        assert m.data(m.index(0, 5)) == "E1a-summary.pdf; E1a-handout.pdf"
        tip = m.data(m.index(0, 5), Qt.ItemDataRole.ToolTipRole)
        assert tip == f"<p>{summary}<br>{handout}</p>"
        d.close()
    assert calls == []


def test_export_csv(qtbot, store, calls, tmp_path, monkeypatch):
    target = tmp_path / "audit.csv"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a, **k: str(target))
    d = AuditDialog(store)
    qtbot.addWidget(d)
    d.audit.export_button.click()
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[2] for r in rows[1:]] == ["/x/old.pdf", "/x/new.pdf; /x/handout.pdf"]
    assert calls == [("inform", f"2 audit entries written to {target}.")]


def test_export_csv_to_an_unwritable_place_says_so(qtbot, store, calls, tmp_path,
                                                  monkeypatch):
    target = tmp_path / "no such folder" / "audit.csv"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a, **k: str(target))
    d = AuditDialog(store)
    qtbot.addWidget(d)
    d.audit.export_button.click()
    [(kind, text)] = calls
    assert kind == "error" and str(target) in text and not target.exists()


def test_cancelled_export_does_nothing(qtbot, store, calls, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a, **k: None)
    d = AuditDialog(store)
    qtbot.addWidget(d)
    d.audit.export_button.click()
    assert calls == []


def test_the_case_label_is_shown_and_exported(qtbot, store, calls, tmp_path, monkeypatch):
    """Issue 14 item 9: an entry names its case by label, not only by hash."""
    store.record_export(None, ["/x/c.pdf"], "cc" * 32, "2026.11.1", label="Clinic 12 / A")
    d = AuditDialog(store)
    qtbot.addWidget(d)
    m = d.audit.model
    assert m.headerData(1, Qt.Orientation.Horizontal) == "Case"
    assert m.data(m.index(0, 1)) == "Clinic 12 / A"
    assert m.data(m.index(1, 1)) == "(no label)"
    target = tmp_path / "audit.csv"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a, **k: str(target))
    d.audit.export_button.click()
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["case_label"] for r in rows] == ["", "", "Clinic 12 / A"]


def test_each_export_says_its_saved_case_and_how_that_case_stands_now(qtbot, tmp_path,
                                                                       calls, monkeypatch):
    """Exploratory test 18, finding 2, and review 19 (L4, L5, L12): the log names each
    export's saved case ("not saved" for none) and, beside it, whether that case still
    has the answers the documents carry, in red where they no longer match; a case list
    that cannot be read leaves the log shown, with "cannot tell"."""
    from PySide6.QtGui import QColor

    from core.case import parse_case
    from core.casestore import CaseStoreError
    from core.casestore.audit_log import CHANGED, SAME
    from core.evidence import open_store
    from core.result import Renderer

    renderer = Renderer(open_store())
    data = {"format": "hrher2-aid.case/1", "receptors": {"hr": "positive", "her2": "positive"},
            "setting": "first_line", "disease": {"visceral": False, "symptomatic": False}}
    with CaseStore.open(tmp_path / "cases.sqlite") as s:
        first = parse_case(data)
        kept = s.save(first, renderer.result_for(first))
        s.record_export("2026-01-01T10:00:00Z", ["/x/a.pdf"], first.sha256(), "v",
                        case_id=kept.id)
        other = parse_case({**data, "label": "B"})
        b = s.save(other, renderer.result_for(other))
        s.record_export("2026-01-02T10:00:00Z", ["/x/b.pdf"], other.sha256(), "v",
                        case_id=b.id)
        s.record_export("2026-01-03T10:00:00Z", ["/x/c.pdf"], "cc" * 32, "v")
        changed = parse_case({**data, "label": "B", "setting": "progression",
                              "endocrine_responsive": "yes"})
        s.save(changed, renderer.result_for(changed), b.id, revision=b.revision)
        d = AuditDialog(s)
        qtbot.addWidget(d)
        m = d.audit.model
        rows = [[m.data(m.index(r, c)) for c in (2, 3, 5)] for r in range(3)]
        assert rows == [["not saved", "", "c.pdf"], [str(b.id), CHANGED, "b.pdf"],
                        [str(kept.id), SAME, "a.pdf"]]
        red = m.data(m.index(1, 3), Qt.ItemDataRole.ForegroundRole)
        assert isinstance(red, QColor) and red.name() == "#8b0000"
        assert m.data(m.index(2, 3), Qt.ItemDataRole.ForegroundRole) is None
        assert "no longer match" in m.data(m.index(1, 3), Qt.ItemDataRole.ToolTipRole)
        assert "No saved case is recorded" in m.data(m.index(0, 2), Qt.ItemDataRole.ToolTipRole)

        def unreadable(entries):
            raise CaseStoreError(s.path, "the case list cannot be read (test)")

        monkeypatch.setattr(s, "export_standing", unreadable)
        d.audit.refresh()
        assert m.rowCount() == 3  # the log itself is still shown
        assert [m.data(m.index(r, 3)) for r in range(3)] == ["", "cannot tell", "cannot tell"]
        [(kind, text)] = calls
        assert kind == "error" and "cannot be read (test)" in text
