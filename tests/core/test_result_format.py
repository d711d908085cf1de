"""Result.from_dict on a saved result edited by hand (row hash recomputed, so the store
cannot tell): what it accepts, every renderer can show; the rest is a ResultFormatError,
which the window reports as "The saved result cannot be shown" (explore19, finding 9)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from core.case import parse_case
from core.evidence import open_store
from core.result import Renderer, Result, ResultFormatError

RENDERER = Renderer(open_store())
# progression, HER2-targeted therapy alone planned: options, a plan that matches none of
# them, and three outside-source entries, each with its id, title and plain words
TODAY = RENDERER.result_for(parse_case({
    "format": "hrher2-aid.case/1", "setting": "progression", "menopausal_status": "unknown",
    "receptors": {"hr": "positive", "her2": "positive"},
    "disease": {"visceral": True, "symptomatic": True},
    "chemotherapy": {"contraindicated": False}, "endocrine_responsive": "yes",
    "planned_regimen": {"chemotherapy": False, "endocrine": False, "her2_targeted": True}}))
SAVED = json.loads(json.dumps(TODAY.to_dict(complete=True)))  # as the case store keeps it


def _edited(edit: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = copy.deepcopy(SAVED)
    edit(data)
    return data


def test_the_saved_result_has_what_the_edits_below_need() -> None:
    assert len(TODAY.outside_source) >= 2 and TODAY.options and TODAY.plan_departs()
    assert len(TODAY.outside_titles) == len(TODAY.outside_ids) == len(TODAY.outside_source)
    assert Result.from_dict(SAVED) == TODAY


@pytest.mark.parametrize(("name", "edit"), [
    # explore19, finding 9: one outside-source text removed, its id and title left (the
    # first is named)
    ("display.outside_ids", lambda d: d["outside_source"].pop()),
    ("display.outside_titles", lambda d: d["display"]["outside_titles"].pop()),
    ("display.outside_titles", lambda d: d["display"]["outside_titles"].append("More")),
    ("display.outside_ids", lambda d: d["display"]["outside_ids"].pop()),
    ("display.outside_ids", lambda d: d["display"].update(outside_titles=[])
     or d["display"]["outside_ids"].append("outside.more")),
])
def test_outside_source_entries_without_their_ids_or_titles_are_not_a_result(
        name: str, edit: Callable[[dict[str, Any]], object]) -> None:
    with pytest.raises(ResultFormatError) as err:
        Result.from_dict(_edited(edit))
    message = str(err.value)
    assert name in message and "outside_source entries" in message


def test_a_result_saved_without_ids_or_titles_still_reads() -> None:
    """A row saved before the display object (contract fields only), or before the
    titles were kept, has none of them: its outside-source entries show untitled."""
    contract_only = {k: v for k, v in SAVED.items() if k != "display"}
    assert Result.from_dict(contract_only).outside_source == TODAY.outside_source
    untitled = Result.from_dict(_edited(lambda d: d["display"].pop("outside_titles")))
    assert untitled.outside_titles == () and untitled.outside_ids == TODAY.outside_ids


@pytest.mark.parametrize(("name", "edit"), [
    # a text where a list of texts belongs was read letter by letter
    ("display.outside_titles",
     lambda d: d["display"].update(outside_titles="ab" * len(d["outside_source"]))),
    ("outside_source", lambda d: d.update(outside_source="A note.")),
    ("plan_matches", lambda d: d.update(plan_matches="abc")),
    ("display.scope_ids", lambda d: d["display"].update(scope_ids={"scope.x": 1})),
    ("rationale", lambda d: d["options"][0].update(rationale="A reason.")),
    ("benefits", lambda d: next(iter(d["display"]["plain"].values())).update(benefits="Yes")),
    ("display.answer_checks", lambda d: d["display"].update(answer_checks="x")),
])
def test_a_text_or_an_object_in_place_of_a_list_is_not_a_result(
        name: str, edit: Callable[[dict[str, Any]], object]) -> None:
    with pytest.raises(ResultFormatError, match=f"{name} is not a list"):
        Result.from_dict(_edited(edit))


@pytest.mark.parametrize("checks", [
    ["A check."],  # an entry that is not an object
    [{"id": "chemo_planned_not_possible", "text": "Chemo is planned."}],  # no plain words
    [None],
])
def test_an_answer_check_that_is_not_a_whole_check_is_not_a_result(checks: list[Any]) -> None:
    """Review 21, L4: the answer checks are shown on the screen and in both PDFs, so an
    entry without its three texts cannot be shown."""
    with pytest.raises(ResultFormatError, match="not a hrher2-aid.result/1 object"):
        Result.from_dict(_edited(lambda d: d["display"].update(answer_checks=checks)))


def test_an_answer_check_reads_back_whole_and_its_texts_as_texts() -> None:
    check = {"id": "chemo_planned_not_possible", "text": "Planned, but ruled out.", "plain": 5}
    result = Result.from_dict(_edited(lambda d: d["display"].update(answer_checks=[check])))
    assert [c._asdict() for c in result.answer_checks] == [{**check, "plain": "5"}]
    assert Result.from_dict(result.to_dict(complete=True)) == result


def test_stored_entries_that_are_not_texts_are_read_as_texts() -> None:
    """What the renderers escape, join or look up is text, whatever the file held: a
    number as a title (escaped on screen) or a list among the plan's matches (looked up
    by the plan check) no longer raises as the case is shown."""
    data = _edited(lambda d: (d["display"].update(outside_titles=[5] * len(d["outside_source"])),
                              d.update(plan_matches=[["et_her2"]])))
    result = Result.from_dict(data)
    assert result.outside_titles == ("5",) * len(TODAY.outside_source)
    assert result.plan_matches == ("['et_her2']",)
    assert result.plan_check() == "The planned regimen matches none of the options."
    assert result.plan_departs()


def _deep(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(("name", "edit"), [
    # review B, L6: each came through as a traceback, or as a wrong reading
    ("OverflowError", lambda d: d["options"][0].update(citations=[float("inf")])),
    ("OverflowError", lambda d: d["evidence"].update(sources_through=float("inf"))),
    ("RecursionError", lambda d: d["options"][0].update(rationale=_deep(100_000))),
    ("in_scope must be true or false, not 'false'", lambda d: d.update(in_scope="false")),
    ("in_scope must be true or false, not 0", lambda d: d.update(in_scope=0)),
])
def test_an_infinite_number_deep_nesting_or_a_text_for_true_is_not_a_result(
        name: str, edit: Callable[[dict[str, Any]], object]) -> None:
    with pytest.raises(ResultFormatError) as err:
        Result.from_dict(_edited(edit))
    assert name in str(err.value)
