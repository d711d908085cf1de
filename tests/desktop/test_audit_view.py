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
    assert [m.data(m.index(r, 4)) for r in range(2)] == ["/x/new.pdf; /x/handout.pdf",
                                                         "/x/old.pdf"]
    assert m.data(m.index(0, 3)) == "Handout" and m.data(m.index(0, 6)) == "2026.11.1"
    store.record_export(None, ["/x/third.pdf"], "cc" * 32, "2026.11.1")
    d.audit.refresh_button.click()
    assert m.rowCount() == 3 and m.data(m.index(0, 4)) == "/x/third.pdf"
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
