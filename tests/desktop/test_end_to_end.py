"""End to end: a case file opened in the window, stepped through with Next, exported,
gives the same summary as ``hrher2-aid report`` for the same file (apart from the
time it was made). Sixty generated cases: in scope and out of scope, every setting,
numbers with many digits, labels with spaces around them, planned regimens."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from core import cli
from core.fields import HER2_VALUES, HR_VALUES, MENOPAUSAL_VALUES, SETTINGS
from core.report.template import PRINTED_WHEN
from desktop import settings
from tests.core.report_support import pdf_text

CLINICIAN, INSTITUTION = "Dr. Ada Example", "Clinique du Parc"


def generated_cases(n: int = 60, seed: int = 11) -> list[dict[str, Any]]:
    """``n`` valid case files: each setting in and out of scope, with the awkward
    values the window once changed on the way through (5.999999999999995 months shown
    as 6, a label's surrounding spaces dropped)."""
    draw = random.Random(seed)
    cases = []
    for i in range(n):
        setting = SETTINGS[i % 3]
        in_scope = i % 4 != 3
        hr, her2 = ("positive", "positive") if in_scope else (
            draw.choice(HR_VALUES[1:]), draw.choice(HER2_VALUES))
        case: dict[str, Any] = {
            "format": "hrher2-aid.case/1",
            "receptors": {"hr": hr, "her2": her2},
            "setting": setting,
            "disease": {"visceral": draw.random() < 0.5, "symptomatic": draw.random() < 0.4,
                        "visceral_crisis": draw.random() < 0.2,
                        "rapidly_progressive": draw.random() < 0.2},
            "menopausal_status": draw.choice(MENOPAUSAL_VALUES),
        }
        if i % 5 == 0:
            case["label"] = f"  Case {i}  "
        elif i % 5 == 1:
            case["label"] = f"Bed {i}"
        if setting == "first_line":
            case["chemotherapy"] = {"contraindicated": draw.random() < 0.3,
                                    "declined": draw.random() < 0.3}
        elif setting == "after_induction":
            months = draw.choice([2, 3.5, 4, 5.999999999999995, 6, 12.25])
            case["chemotherapy"] = {"months_given": months,
                                    "maximal_response": draw.random() < 0.4,
                                    "unacceptable_toxicity": draw.random() < 0.2}
            case["her2_therapy"] = {"unacceptable_toxicity": draw.random() < 0.15}
        else:
            case["endocrine_responsive"] = draw.choice(["yes", "no", "unknown"])
            case["her2_therapy"] = {"unacceptable_toxicity": draw.random() < 0.15}
        if draw.random() < 0.4:
            case["planned_regimen"] = {"chemotherapy": draw.random() < 0.5,
                                       "endocrine": draw.random() < 0.6,
                                       "her2_targeted": draw.random() < 0.7}
        cases.append(case)
    return cases


def _text(pdf: Path) -> str:
    return PRINTED_WHEN.sub("<time>", "\n".join(pdf_text(pdf.read_bytes())))


def _step_to_the_end(qtbot: Any, window: Any) -> list[str]:
    """Press Next (the button, as a user would) until the questionnaire finishes."""
    finished: list[bool] = []
    window.questionnaire.finished.connect(lambda: finished.append(True))
    next_button = window.findChild(QPushButton, "next")
    visited = [window.questionnaire.current_id]
    for _ in range(len(visited) + 12):
        qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
        if finished:
            break
        assert window.questionnaire.current_id != visited[-1], (
            f"Next refused on {visited[-1]}: "
            f"{window.questionnaire.current_page.problem_label.text()}")
        visited.append(window.questionnaire.current_id)
    assert finished, visited
    return visited


def test_cases_cover_scope_and_every_setting() -> None:
    cases = generated_cases()
    assert len(cases) >= 50
    kinds = {(c["setting"], c["receptors"] == {"hr": "positive", "her2": "positive"})
             for c in cases}
    assert kinds == {(s, scope) for s in SETTINGS for scope in (True, False)}


@pytest.mark.slow
def test_window_export_equals_the_report_command(qtbot: Any, window: Any,
                                                 tmp_path: Path) -> None:
    settings.save({"report/clinician_name": CLINICIAN, "report/institution": INSTITUTION})
    for n, data in enumerate(generated_cases()):
        case_file = tmp_path / f"case-{n}.json"
        case_file.write_text(json.dumps(data), encoding="utf-8")
        assert window.open_case_file(case_file), n
        visited = _step_to_the_end(qtbot, window)
        assert visited == [s.id for s in window.session.steps()]
        summary, handout = tmp_path / f"w-{n}-s.pdf", tmp_path / f"w-{n}-h.pdf"
        with_handout = n % 6 == 0  # every document kind, not every case: time
        written = window.export_documents(summary, handout if with_handout else None)
        assert written == [summary, handout][:2 if with_handout else 1]

        cli_summary, cli_handout = tmp_path / f"c-{n}-s.pdf", tmp_path / f"c-{n}-h.pdf"
        args = ["report", str(case_file), "-o", str(cli_summary), "--clinician", CLINICIAN,
                "--institution", INSTITUTION]
        assert cli.main(args + (["--handout", str(cli_handout)] if with_handout else [])) == 0
        assert _text(summary) == _text(cli_summary), f"case {n}: {data}"
        if with_handout:
            assert _text(handout) == _text(cli_handout), f"case {n}: {data}"
        # the screen shows what was exported: the same case hash
        result = window.session.result()
        assert result is not None and result.case_sha256 in _text(summary)
        window.setWindowModified(False)
