"""A case saved under other evidence, whose result differs today: the comparison's heading
still says what the result's heading says about today's result (explore19, finding 8)."""

from __future__ import annotations

from typing import Any

import pytest

from core.case import parse_case
from core.evidence import open_store
from core.result import Renderer, Result
from desktop.result_view import ResultView

STORE = open_store()
RENDERER = Renderer(STORE)
WARNED = "1 warning (see Cautions)"
DEPARTS = "the planned regimen matches none of the options (see Plan check)"
GREEN = "#1b5e20"


def _case(setting: str = "first_line", **more: Any) -> dict[str, Any]:
    return {"format": "hrher2-aid.case/1", "setting": setting,
            "menopausal_status": "postmenopausal",
            "receptors": {"hr": "positive", "her2": "positive"},
            "disease": {"visceral": False, "symptomatic": False},
            "chemotherapy": {"contraindicated": False}, "endocrine_responsive": "unknown",
            **more}


def _plan(chemotherapy: bool, endocrine: bool, her2_targeted: bool) -> dict[str, bool]:
    return {"chemotherapy": chemotherapy, "endocrine": endocrine,
            "her2_targeted": her2_targeted}


def _as_saved_earlier(today: Result, *, warnings: bool, departs: bool) -> Result:
    """Today's result as an older evidence version gave it, read back from its JSON as the
    app reads a saved case (Result.from_dict), with or without a warning and a plan that
    matches none of its options: the comparison must speak of today's, not of this."""
    data = today.to_dict(complete=True)
    data["evidence"] = {**data["evidence"], "version": "2020.1.1"}
    warning = {"id": "saved_warning", "severity": "warning", "text": "A warning then.",
               "citations": [1]}
    notes = [c for c in data["cautions"] if c["severity"] != "warning"]
    data["cautions"] = [warning, *notes] if warnings else notes
    options = [o["id"] for o in data["options"]]
    data["plan_matches"] = [] if departs else options[:1]
    saved = Result.from_dict(data)
    assert saved.plan_departs() == departs and saved.evidence_version == "2020.1.1"
    assert any(c.severity == "warning" for c in saved.cautions) == warnings
    return saved


@pytest.mark.parametrize(("case", "warned", "departs"), [
    # an endocrine-only plan: a warning, and it matches none of the options
    (_case(planned_regimen=_plan(False, True, False)), True, True),
    # HER2-targeted therapy alone: no caution says so, only the plan check (T11)
    (_case("after_induction", chemotherapy={"contraindicated": False, "months_given": 5,
                                            "maximal_response": False},
           planned_regimen=_plan(False, False, True)), False, True),
    # no option at progression, and the endocrine-only plan's warning
    (_case("progression", planned_regimen=_plan(False, True, False)), True, False),
    # nothing to flag
    (_case(), False, False),
])
def test_the_comparison_heading_keeps_todays_warnings_and_plan_flag(
        qtbot: Any, case: dict[str, Any], warned: bool, departs: bool) -> None:
    view = ResultView(STORE)
    qtbot.addWidget(view)
    today = RENDERER.result_for(parse_case(case))
    view.show_result(today)
    shown = view.header.text()
    assert (WARNED in shown, DEPARTS in shown) == (warned, departs)  # the case is as named
    # the saved result says the opposite of today's (of the plan, where it has options):
    # the heading follows today's
    saved = _as_saved_earlier(today, warnings=not warned,
                              departs=not departs and bool(today.options))
    view.show_comparison(saved, ["an option changed"])
    heading = view.header.text()
    assert heading.startswith("Saved under evidence 2020.1.1: today's evidence gives a "
                              "different result. Both are shown.")
    assert (WARNED in heading, DEPARTS in heading) == (warned, departs)
    if warned and departs:
        assert f"{WARNED}; {DEPARTS}" in heading  # as show_result puts them
    assert GREEN not in view.header.styleSheet()  # never green beside the flag
    # both results are shown below it; the banner still names today's warnings
    text = view.browser.toPlainText()
    assert "Today's result (evidence" in text and "Result as saved (evidence 2020.1.1)" in text
    assert view.banner.isVisibleTo(view) == warned


def test_a_saved_result_whose_outside_titles_lost_their_entry_says_it_cannot_be_read(
        qtbot: Any) -> None:
    """explore19, finding 9: an outside-source text removed from the stored result, its
    title left, raised from the renderer's zip as the case was opened."""
    from desktop.result_view import saved_result_html

    # at progression, menopausal status unknown: outside-source entries (the finding's T10)
    today = RENDERER.result_for(parse_case(_case(
        "progression", menopausal_status="unknown", endocrine_responsive="yes",
        disease={"visceral": True, "symptomatic": True},
        planned_regimen=_plan(False, False, True))))
    data = today.to_dict(complete=True)
    assert len(data["outside_source"]) == len(data["display"]["outside_titles"]) >= 2
    data["outside_source"] = data["outside_source"][:-1]
    html = saved_result_html(data)
    assert "The result as saved cannot be read" in html
    assert "outside_source entries" in html  # the message names the problem


def test_a_marker_in_the_result_as_saved_shows_what_was_saved(qtbot: Any) -> None:
    """Review B, L1: a marker in "Result as saved" showed today's statement (looked up in
    today's evidence) under the saved result. It shows the saved item and reference."""
    from PySide6.QtCore import QUrl

    view = ResultView(STORE)
    qtbot.addWidget(view)
    today = RENDERER.result_for(parse_case(_case()))
    data = today.to_dict(complete=True)
    data["evidence"] = {**data["evidence"], "version": "2020.1.1"}
    first = data["options"][0]
    first["text"] = "OLDER WORDING of the option."
    n = first["citations"][0]
    data["references"] = [{"n": r["n"], "citation": f"Older citation {r['n']}."}
                          for r in data["references"]]
    saved = Result.from_dict(data)
    view.show_result(today)
    view.show_comparison(saved, ["an option changed"])
    html = view.browser.toHtml()
    assert f'href="saved:{first["id"]}:{n}"' in html  # the saved section's own markers
    assert f'href="cite:{first["id"]}:{n}"' in html  # today's, as before
    view._anchor(QUrl(f"saved:{first['id']}:{n}"))
    shown = view.citation.toPlainText()
    assert f"Older citation {n}." in shown and "OLDER WORDING of the option." in shown
    assert "As saved (evidence 2020.1.1)" in shown
    view._anchor(QUrl(f"cite:{first['id']}:{n}"))
    today_text = view.citation.toPlainText()
    assert "OLDER WORDING" not in today_text and STORE.statements[first["id"]].text in today_text
    # a new result shown: the saved one's markers mean nothing any more
    view.show_result(today)
    view.citation.clear()
    view._anchor(QUrl(f"saved:{first['id']}:{n}"))
    assert view.citation.toPlainText() == ""
