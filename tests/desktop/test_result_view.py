"""The result view shows every part of every result, in the contract's order."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import QUrl

from core.case import parse_case
from core.evidence import open_store
from core.questionnaire import FIELDS_BY_PATH
from core.result import Renderer
from desktop.result_view import ResultView

STORE = open_store()
RENDERER = Renderer(STORE)


def cases() -> list[dict[str, Any]]:
    """A spread of cases touching every branch of the rules."""
    out = []
    flags = itertools.product([False, True], repeat=3)
    for (symptomatic, contraindicated, visceral), setting, regimen, meno in itertools.product(
            flags, ["first_line", "after_induction", "progression"],
            [None, (False, True, False), (True, True, True), (False, False, False),
             (False, False, True)],
            ["postmenopausal", "unknown"]):
        case: dict[str, Any] = {
            "format": "hrher2-aid.case/1", "setting": setting, "menopausal_status": meno,
            "receptors": {"hr": "positive", "her2": "positive"},
            "disease": {"visceral": visceral, "symptomatic": symptomatic},
            "chemotherapy": {"contraindicated": contraindicated},
            "endocrine_responsive": "yes" if visceral else "unknown",
        }
        if setting == "after_induction":
            case["chemotherapy"].update(months_given=3 if symptomatic else 5,
                                        maximal_response=False)
        if regimen is not None:
            case["planned_regimen"] = dict(zip(("chemotherapy", "endocrine", "her2_targeted"),
                                               regimen, strict=True))
        out.append(case)
    return out


def test_every_result_is_shown_whole_and_in_order(qtbot: Any) -> None:
    view = ResultView(STORE)
    qtbot.addWidget(view)
    seen_ids: set[str] = set()
    departs_seen = warned_too = False
    checks_seen = 0
    for data in cases():
        result = RENDERER.result_for(parse_case(data))
        view.show_result(result)
        text = view.browser.toPlainText()
        positions = []
        for item in result.options + result.plan + result.cautions:
            assert item.text in text, item.id
            positions.append(text.index(item.text))
            seen_ids.add(item.id)
        for outside in result.outside_source:
            positions.append(text.index(outside))
        assert positions == sorted(positions)  # options, plan, cautions, outside: in order
        for n, citation in result.references:
            assert f"[{n}] {citation}" in text
        warnings = sum(c.severity == "warning" for c in result.cautions)
        assert text.count("WARNING  ") == warnings
        assert (f"{warnings} warning" in view.header.text()) == bool(warnings)
        # each option says how strongly the source backs it, and lists its harms
        for option in result.options:
            assert option.strength and option.strength in text, option.id
            assert option.harms and all(h.text in text for h in option.harms), option.id
        # the plan-check line, from plan_matches, only when a plan was given
        check = result.plan_check()
        assert (check is not None) == (result.plan_matches is not None)
        if check:
            assert f"Plan check: {check}" in text
        # what the evidence rests on, and up to when
        assert "citing publications up to 2022; later trials are not included" in text
        # "Preferred option" only where an option is listed as preferred (never
        # "Recommendation": review A, M3); no option: never a (green) "Preferred option"
        header = view.header.text().removeprefix("<span>")
        preferred = any(o.status == "preferred" for o in result.options)
        assert header.startswith("Preferred option") == preferred
        assert "Recommendation" not in header
        if result.options and not preferred:
            assert header.startswith("Option") and "to consider" in header
            assert "#1b5e20" not in view.header.styleSheet()
        if not result.options:
            assert header.startswith("No option from the source")
            assert "#1b5e20" not in view.header.styleSheet()
        # a plan that matches none of the options is flagged in the header, never
        # green, caution or not (exploratory test 18, finding 4: HER2-targeted alone)
        if result.plan_departs():
            departs_seen = True
            assert "#1b5e20" not in view.header.styleSheet()
            assert "the planned regimen matches none of the options" in header
            warned_too = warned_too or bool(warnings)
        elif check:
            assert "matches none" not in header
        # the plan against another answer of the case (texts21, M1-M4): in the header
        # (never green) and beside the plan check
        assert text.count("CHECK THE ANSWERS") == len(result.answer_checks)
        assert ("goes against another answer" in header) == bool(result.answer_checks)
        for answer_check in result.answer_checks:
            checks_seen += 1
            assert text.index(f"Plan check: {check}") < text.index(answer_check.text)
            assert "#1b5e20" not in view.header.styleSheet()
    assert departs_seen and warned_too and checks_seen
    # The spread reaches most of the contract's ids.
    assert len(seen_ids) >= 18


def test_out_of_scope_and_incomplete(qtbot: Any) -> None:
    view = ResultView(STORE)
    qtbot.addWidget(view)
    result = RENDERER.result_for(parse_case({
        "format": "hrher2-aid.case/1", "setting": "first_line",
        "receptors": {"hr": "positive", "her2": "negative"},
        "disease": {"visceral": True, "symptomatic": False}}))
    view.show_result(result)
    assert STORE.statements["scope.her2_negative"].text in view.browser.toPlainText()
    assert view.header.text() == "Out of scope"
    view.show_incomplete([FIELDS_BY_PATH[p].label for p in ("setting", "disease.visceral")])
    text = view.browser.toPlainText()
    assert "Incomplete" in text and "Treatment setting" in text and "Visceral metastases" in text
    assert view.result is None


def test_a_marker_link_shows_reference_and_statement(qtbot: Any) -> None:
    view = ResultView(STORE)
    qtbot.addWidget(view)
    view.browser.anchorClicked.emit(QUrl("cite:electra_result:2"))
    detail = view.citation.toPlainText()
    assert STORE.references[2].citation in detail
    assert STORE.statements["electra_result"].text in detail


def test_a_stored_version_that_looks_like_markup_is_shown_as_typed(qtbot: Any) -> None:
    """The saved result is read back (Result.from_dict) and compared with today's: its
    evidence version reaches the header as text, never as markup."""
    from core.result import Result

    store = open_store()
    view = ResultView(store)
    qtbot.addWidget(view)
    case = parse_case({"format": "hrher2-aid.case/1", "setting": "first_line",
                       "receptors": {"hr": "positive", "her2": "positive"},
                       "disease": {"visceral": True, "symptomatic": False}})
    today = Renderer(store).result_for(case)
    view.show_result(today)
    saved = Result.from_dict({**today.to_dict(), "evidence": {
        "version": "<b>2020</b>", "sha256": "0"}})
    view.show_comparison(saved, ["an option changed"])
    assert "&lt;b&gt;2020&lt;/b&gt;" in view.header.text()
    assert "<b>2020" not in view.browser.toHtml()
