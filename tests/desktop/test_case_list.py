"""The case list driven with qtbot on a real store; dialogs are patched, never shown."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from core.case import parse_case
from core.casestore import DATA_DIR_ENV, CaseStore
from core.evidence import open_store
from core.result import Renderer
from desktop import dialogs
from desktop.case_list import CaseListDialog, CaseListWidget, open_case_store
from desktop.case_table import NUMBER, PAGE, RESULT
from tests.conftest import build_older_evidence

ROOT = Path(__file__).resolve().parents[2]


def case_data(label: str, **kw: Any) -> dict[str, Any]:
    return {"format": "hrher2-aid.case/1", "label": label,
            "receptors": {"hr": "positive", "her2": "positive"}, "setting": "first_line",
            "disease": {"visceral": False, "symptomatic": False}, **kw}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(open_store())


class Dialogs:
    """Records every dialog the widget asks for and answers as told."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.answer_confirm = True
        self.paths: list[str] = []
        self.path: str | None = None
        for name in ("error", "inform"):
            monkeypatch.setattr(dialogs, name, self._recorder(name))
        monkeypatch.setattr(dialogs, "confirm", self._confirm)
        monkeypatch.setattr(dialogs, "ask_open_paths", lambda *a, **k: self.paths)
        monkeypatch.setattr(dialogs, "ask_save_path", lambda *a, **k: self.path)
        monkeypatch.setattr(dialogs, "ask_folder", lambda *a, **k: self.path)

    def _recorder(self, name: str):
        def record(parent: object, title: str, text: str) -> None:
            self.calls.append((name, title, text))
        return record

    def _confirm(self, parent: object, title: str, text: str) -> bool:
        self.calls.append(("confirm", title, text))
        return self.answer_confirm

    def kinds(self) -> list[str]:
        return [c[0] for c in self.calls]


@pytest.fixture
def dlg(monkeypatch) -> Dialogs:
    return Dialogs(monkeypatch)


@pytest.fixture
def store(tmp_path, renderer):
    s = CaseStore.open(tmp_path / "cases.sqlite")
    for label in ("Alpha", "beta", "alpha two", "Gamma"):
        case = parse_case(case_data(label))
        s.save(case, renderer.result_for(case))
    yield s
    s.close()


def labels(widget: CaseListWidget) -> list[str]:
    m = widget.model
    return [m.data(m.index(r, 0)) for r in range(m.rowCount())]


def make(qtbot, store, renderer) -> CaseListWidget:
    w = CaseListWidget(store, renderer=renderer)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def select(widget: CaseListWidget, label: str) -> int:
    row = labels(widget).index(label)
    widget.view.selectRow(row)
    return widget.model.row(row).id


def test_newest_first_and_filter_by_label(qtbot, store, renderer, dlg):
    w = make(qtbot, store, renderer)
    assert labels(w) == ["Gamma", "alpha two", "beta", "Alpha"]
    qtbot.keyClicks(w.filter_edit, "ALPHA")
    assert labels(w) == ["alpha two", "Alpha"]
    w.filter_edit.clear()
    assert len(labels(w)) == 4
    assert dlg.calls == []


def test_sort_by_date_and_label_from_the_header(qtbot, store, renderer, dlg):
    w = make(qtbot, store, renderer)
    w.view.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    assert labels(w) == ["Alpha", "beta", "alpha two", "Gamma"]
    w.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert labels(w) == ["Gamma", "alpha two", "beta", "Alpha"]
    w.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert labels(w) == ["Alpha", "alpha two", "beta", "Gamma"]


def test_the_list_shows_the_number_messages_name_a_saved_case_by(qtbot, store, renderer,
                                                                  dlg):
    """"Saved as a copy (saved case 5)": the number is in the list, and sorts."""
    w = make(qtbot, store, renderer)
    m = w.model
    assert m.headerData(NUMBER, Qt.Orientation.Horizontal) == "Saved case"
    numbers = [m.data(m.index(r, NUMBER)) for r in range(m.rowCount())]
    assert numbers == [str(m.row(r).id) for r in range(m.rowCount())]
    w.view.sortByColumn(NUMBER, Qt.SortOrder.AscendingOrder)
    assert [m.data(m.index(r, NUMBER)) for r in range(m.rowCount())] == sorted(numbers, key=int)


def test_the_list_shows_each_result_as_saved(qtbot, tmp_path, renderer, dlg):
    """Review C, M3: two cases with the same label (a copy, a version kept after a
    conflict) could not be told apart, and a case saved out of scope read like any
    other. The list shows each result as saved, in one line: its options with their
    status and titles, its warnings and a plan that matches none; out of scope and no
    option say so; a damaged row shows none (it is not to be relied on)."""
    s = CaseStore.open(tmp_path / "cases.sqlite")
    cases = {
        "MDT-101": case_data("MDT-101"),
        "MDT-101 again": case_data("MDT-101", receptors={"hr": "positive", "her2": "negative"}),
        "ET alone": case_data("ET alone", planned_regimen={
            "chemotherapy": False, "endocrine": True, "her2_targeted": False}),
        "No chemo": case_data("No chemo", chemotherapy={"declined": True},
                              disease={"visceral": True, "symptomatic": True}),
    }
    ids = {}
    for key, data in cases.items():
        case = parse_case(data)
        ids[key] = s.save(case, renderer.result_for(case)).id
    w = make(qtbot, s, renderer)
    m = w.model
    assert m.headerData(RESULT, Qt.Orientation.Horizontal) == "Result as saved"
    shown = {m.row(r).id: m.data(m.index(r, RESULT)) for r in range(m.rowCount())}
    assert shown[ids["MDT-101"]] == ("Preferred: Chemotherapy + HER2-targeted therapy; also "
                                     "to consider: Endocrine therapy + HER2-targeted therapy")
    assert shown[ids["MDT-101 again"]] == "Out of scope"
    assert shown[ids["ET alone"]].endswith(" therapy · 1 warning · the plan matches none")
    assert shown[ids["No chemo"]] == "No option from the source · 1 warning"
    row = m.find(ids["ET alone"])
    assert m.data(m.index(row, RESULT), Qt.ItemDataRole.ToolTipRole) == shown[ids["ET alone"]]
    # the words are the result's as saved, not today's evidence's
    with sqlite3.connect(s.path) as conn:
        stored = json.loads(conn.execute("SELECT result FROM cases WHERE id = ?",
                                         (ids["MDT-101"],)).fetchone()[0])
    assert "Chemotherapy + HER2-targeted therapy" in json.dumps(stored["display"])
    # a damaged row shows no result
    with sqlite3.connect(s.path) as conn:
        conn.execute("UPDATE cases SET label = 'MDT-1O1' WHERE id = ?", (ids["MDT-101"],))
    m.reload()
    assert m.data(m.index(m.find(ids["MDT-101"]), RESULT)) == ""
    s.close()


def test_rows_are_fetched_a_page_at_a_time(qtbot, tmp_path, renderer, dlg):
    with CaseStore.open(tmp_path / "many.sqlite") as s:
        case = parse_case(case_data("same"))
        result = renderer.result_for(case)
        for _ in range(PAGE * 2 + 5):
            s.save(case, result)
        w = make(qtbot, s, renderer)
        assert w.model.rowCount() == PAGE and w.model.canFetchMore()
        while w.model.canFetchMore():
            w.model.fetchMore()
        assert w.model.rowCount() == PAGE * 2 + 5
        w.close()


def test_open_emits_the_saved_case_and_closes_the_dialog(qtbot, store, renderer, dlg):
    d = CaseListDialog(store, renderer=renderer)
    qtbot.addWidget(d)
    d.show()
    case_id = select(d.list, "beta")
    with qtbot.waitSignal(d.open_requested, timeout=2000) as sig:
        qtbot.mouseClick(d.list.buttons["open"], Qt.MouseButton.LeftButton)
    payload = sig.args[0]
    assert payload["id"] == case_id and payload["case"]["label"] == "beta"
    assert payload["result"] == store.get(case_id).result
    assert payload["current_result"] is None and payload["result_differs"] is False
    assert dlg.calls == []
    assert d.result() == d.DialogCode.Accepted and not d.isVisible()


def test_new_case_button(qtbot, store, renderer, dlg):
    d = CaseListDialog(store, renderer=renderer)
    qtbot.addWidget(d)
    d.show()
    with qtbot.waitSignal(d.new_case_requested, timeout=2000):
        qtbot.mouseClick(d.list.buttons["new"], Qt.MouseButton.LeftButton)


def test_duplicate(qtbot, store, renderer, dlg):
    w = make(qtbot, store, renderer)
    original = select(w, "beta")
    qtbot.mouseClick(w.buttons["duplicate"], Qt.MouseButton.LeftButton)
    assert labels(w).count("beta") == 2 and store.count() == 5
    [copy_id] = w.selected_ids()
    assert copy_id != original and store.get(copy_id).answers == store.get(original).answers


def test_delete_asks_first_and_can_be_undone(qtbot, store, renderer, dlg):
    w = make(qtbot, store, renderer)
    case_id = select(w, "beta")
    dlg.answer_confirm = False
    qtbot.mouseClick(w.buttons["delete"], Qt.MouseButton.LeftButton)
    assert "beta" in labels(w) and store.count() == 4  # "No" deletes nothing
    assert dlg.calls[-1][0] == "confirm" and "“beta”" in dlg.calls[-1][2]
    assert "undo" in dlg.calls[-1][2]
    assert not w.buttons["undo"].isEnabled()

    dlg.answer_confirm = True
    qtbot.mouseClick(w.buttons["delete"], Qt.MouseButton.LeftButton)
    assert "beta" not in labels(w) and store.count() == 3
    assert w.buttons["undo"].isEnabled()
    qtbot.mouseClick(w.buttons["undo"], Qt.MouseButton.LeftButton)
    assert "beta" in labels(w) and w.selected_ids() == [case_id]
    assert not w.buttons["undo"].isEnabled()
    assert store.get(case_id).label == "beta"


def test_a_locked_store_is_reported_not_raised(qtbot, tmp_path, renderer, dlg):
    path = tmp_path / "locked.sqlite"
    with CaseStore.open(path) as s:
        case = parse_case(case_data("held"))
        s.save(case, renderer.result_for(case))
    store = CaseStore.open(path, busy_timeout=0.1)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        w = make(qtbot, store, renderer)
        select(w, "held")
        qtbot.mouseClick(w.buttons["duplicate"], Qt.MouseButton.LeftButton)
        [(kind, _title, text)] = dlg.calls
        assert kind == "error" and "in use by another program" in text and str(path) in text
        assert labels(w) == ["held"]
    finally:
        other.execute("ROLLBACK")
        other.close()
        store.close()


def test_delete_and_undo_on_a_locked_store_say_so_and_can_be_done_again(
        qtbot, tmp_path, renderer, dlg):
    """Another program holds the store's lock: Delete and Undo each give one message
    and change nothing; the case stays selected and the undo stays to be done, so each
    works when asked again once the lock is gone (the selection was lost)."""
    path = tmp_path / "locked.sqlite"
    with CaseStore.open(path) as s:
        for label in ("kept", "gone"):
            case = parse_case(case_data(label))
            s.save(case, renderer.result_for(case))
    store = CaseStore.open(path, busy_timeout=0.1)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        w = make(qtbot, store, renderer)
        select(w, "gone")
        other.execute("BEGIN IMMEDIATE")
        qtbot.mouseClick(w.buttons["delete"], Qt.MouseButton.LeftButton)
        assert dlg.kinds() == ["confirm", "error"] and "in use by another program" in \
            dlg.calls[-1][2]
        assert sorted(labels(w)) == ["gone", "kept"] and not w.undo_tokens
        other.execute("ROLLBACK")
        qtbot.mouseClick(w.buttons["delete"], Qt.MouseButton.LeftButton)
        assert labels(w) == ["kept"] and len(w.undo_tokens) == 1
        other.execute("BEGIN IMMEDIATE")
        qtbot.mouseClick(w.buttons["undo"], Qt.MouseButton.LeftButton)
        assert dlg.kinds()[-1] == "error" and "in use by another program" in dlg.calls[-1][2]
        assert labels(w) == ["kept"] and len(w.undo_tokens) == 1  # still there to undo
        other.execute("ROLLBACK")
        qtbot.mouseClick(w.buttons["undo"], Qt.MouseButton.LeftButton)
        assert sorted(labels(w)) == ["gone", "kept"] and not w.undo_tokens
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()
        store.close()


def test_read_only_store_disables_changes(qtbot, store, renderer, dlg):
    path = store.path
    store.close()
    with CaseStore.open(path, read_only=True) as ro:
        w = make(qtbot, ro, renderer)
        select(w, "beta")
        assert w.buttons["open"].isEnabled() and w.buttons["export"].isEnabled()
        for key in ("duplicate", "delete", "import"):
            assert not w.buttons[key].isEnabled()
        assert "read-only" in w.status.text()


def test_import_reports_the_bad_file_and_imports_the_rest(qtbot, store, renderer, dlg,
                                                          tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(case_data("imported")))
    bad.write_text("{not json")
    dlg.paths = [str(good), str(bad)]
    w = make(qtbot, store, renderer)
    qtbot.mouseClick(w.buttons["import"], Qt.MouseButton.LeftButton)
    assert "imported" in labels(w)
    [(kind, _t, text)] = dlg.calls
    assert kind == "error" and text.startswith("1 of 2 case file(s) imported.")
    assert "bad.json: not valid JSON" in text


def test_importing_a_case_the_list_already_holds_does_not_add_it_again(
        qtbot, store, renderer, dlg, tmp_path):
    """A file holding exactly a saved case (day review 3, W3: importing the same folder
    twice doubled the list): not added again, and the message names the saved case."""
    again, new = tmp_path / "alpha.json", tmp_path / "new.json"
    again.write_text(json.dumps(case_data("Alpha")))
    new.write_text(json.dumps(case_data("new one")))
    alpha = next(c.id for c in store.list() if c.label == "Alpha")
    dlg.paths = [str(again), str(new)]
    w = make(qtbot, store, renderer)
    qtbot.mouseClick(w.buttons["import"], Qt.MouseButton.LeftButton)
    assert sorted(labels(w)) == ["Alpha", "Gamma", "alpha two", "beta", "new one"]
    [(kind, _t, text)] = dlg.calls
    assert kind == "inform" and text == (
        "1 of 2 case file(s) imported.\n"
        f"alpha.json: already in the list as case {alpha}, not added again")


def test_export_one_selected_case(qtbot, store, renderer, dlg, tmp_path):
    w = make(qtbot, store, renderer)
    case_id = select(w, "Gamma")
    dlg.path = str(tmp_path / "gamma.json")
    qtbot.mouseClick(w.buttons["export"], Qt.MouseButton.LeftButton)
    assert parse_case(json.loads(Path(dlg.path).read_text())).label == "Gamma"
    assert store.list_audit()[0].case_id == case_id and dlg.calls == []


def test_case_saved_under_older_evidence_opens_with_both_results(qtbot, store, renderer,
                                                                  dlg, tmp_path):
    old = build_older_evidence(tmp_path, "2025.1-t", prefix="OLD. ")
    case = parse_case(case_data("old evidence"))
    store.save(case, old.result_for(case))
    w = make(qtbot, store, renderer)
    select(w, "old evidence")
    with qtbot.waitSignal(w.open_requested, timeout=2000) as sig:
        w.open_selected()
    payload = sig.args[0]
    assert payload["result"]["evidence"]["version"] == "2025.1-t"
    assert payload["current_result"]["evidence"]["version"] == renderer.evidence.version
    assert payload["result_differs"] is True
    # named by the evidence's own title, not the contract id (day review W10)
    changed = 'Option "Endocrine therapy + HER2-targeted therapy": its wording or sources changed'
    assert payload["differences"] == [changed]
    [(kind, title, text)] = dlg.calls
    assert (kind, title) == ("inform", "Evidence has changed")
    assert "2025.1-t" in text and renderer.evidence.version in text
    assert changed in text and "et_her2" not in text


def test_open_case_store_keeps_a_corrupt_store_aside_and_starts_anew(tmp_path, monkeypatch,
                                                                    dlg):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    (tmp_path / "cases.sqlite").write_bytes(b"garbage" * 1000)
    store = open_case_store(None)
    assert store is not None
    try:
        [(kind, _t, text)] = dlg.calls
        [kept] = tmp_path.glob("cases.sqlite.corrupt-*")
        assert kind == "error" and str(kept) in text
        assert kept.read_bytes() == b"garbage" * 1000
        assert store.count() == 0
    finally:
        store.close()



def test_keyboard_enter_opens_and_delete_key_deletes(qtbot, store, renderer, dlg):
    w = make(qtbot, store, renderer)
    case_id = select(w, "Gamma")
    w.view.setFocus()
    with qtbot.waitSignal(w.open_requested, timeout=2000) as sig:
        qtbot.keyClick(w.view, Qt.Key.Key_Return)
    assert sig.args[0]["id"] == case_id
    qtbot.keyClick(w.view, Qt.Key.Key_Delete)
    assert dlg.kinds() == ["confirm"] and "Gamma" not in labels(w)
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Gamma" in labels(w)


def test_enter_in_the_filter_selects_the_first_match_then_opens_it(qtbot, store, renderer,
                                                                    dlg):
    """Issue 14 item 6: Enter never starts a new case over the open one."""
    d = CaseListDialog(store, renderer=renderer)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    new_cases: list[bool] = []
    d.new_case_requested.connect(lambda: new_cases.append(True))
    d.list.filter_edit.setFocus()
    qtbot.keyClicks(d.list.filter_edit, "alpha")
    qtbot.keyClick(d.list.filter_edit, Qt.Key.Key_Return)
    assert not new_cases and d.isVisible()
    assert d.list.selected_ids() == [d.list.model.row(0).id]
    assert labels(d.list)[0] == "alpha two"
    with qtbot.waitSignal(d.open_requested, timeout=2000) as sig:
        qtbot.keyClick(d.list.filter_edit, Qt.Key.Key_Enter)
    assert sig.args[0]["case"]["label"] == "alpha two"
    assert not new_cases and d.result() == d.DialogCode.Accepted


def test_enter_with_no_match_does_nothing(qtbot, store, renderer, dlg):
    d = CaseListDialog(store, renderer=renderer)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    new_cases: list[bool] = []
    d.new_case_requested.connect(lambda: new_cases.append(True))
    qtbot.keyClicks(d.list.filter_edit, "no such label")
    qtbot.keyClick(d.list.filter_edit, Qt.Key.Key_Return)
    assert not new_cases and d.isVisible() and d.list.selected_ids() == []
