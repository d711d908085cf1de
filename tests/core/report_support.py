"""Shared helpers for the report tests: cases, PDF reading, page rendering."""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from core.case import Case, parse_case

BASE: dict[str, Any] = {
    "format": "hrher2-aid.case/1",
    "receptors": {"hr": "positive", "her2": "positive"},
    "setting": "first_line",
    "disease": {"visceral": True, "symptomatic": False},
}

# Two contrasting cases (the same ones as docs/samples/).
FIRST_LINE_ET_ALONE: dict[str, Any] = {
    **BASE, "label": "Sample A – Zoë, ≥ 2 sites ± bone",
    "menopausal_status": "premenopausal",
    "planned_regimen": {"chemotherapy": False, "endocrine": True, "her2_targeted": False},
}
PROGRESSION_NOT_RESPONSIVE: dict[str, Any] = {
    **BASE, "label": "Sample B", "setting": "progression", "endocrine_responsive": "no",
    "menopausal_status": "postmenopausal",
    "disease": {"visceral": False, "symptomatic": True},
}
OUT_OF_SCOPE: dict[str, Any] = {**BASE, "receptors": {"hr": "negative", "her2": "equivocal"}}


def case_of(data: dict[str, Any]) -> Case:
    return parse_case(json.loads(json.dumps(data)))


def all_cases() -> Iterator[Case]:
    """Cases over every value of the main fields (a product; a few thousand cases)."""
    receptors = [("positive", "positive"), ("negative", "positive"), ("positive", "negative"),
                 ("unknown", "positive"), ("positive", "equivocal"), ("positive", "unknown")]
    regimens: list[dict[str, bool] | None] = [None] + [
        {"chemotherapy": c, "endocrine": e, "her2_targeted": h}
        for c, e, h in itertools.product((False, True), repeat=3)
    ]
    for (hr, her2), setting, meno, visceral, aggressive, chemo_ok, regimen in itertools.product(
        receptors, ("first_line", "after_induction", "progression"),
        ("postmenopausal", "premenopausal", "unknown"), (False, True),
        ("none", "symptomatic", "crisis", "rapid"), ("yes", "contraindicated", "declined"),
        regimens,
    ):
        chemo: dict[str, Any] = {}
        if chemo_ok != "yes":
            chemo[chemo_ok] = True
        variants: list[dict[str, Any]] = [{}]
        if setting == "after_induction":
            variants = [{"months_given": m, "maximal_response": r, "unacceptable_toxicity": t}
                        for m in (2, 4.5, 6) for r in (False, True) for t in (False, True)]
        if setting == "progression":
            variants = [{"endocrine_responsive": e} for e in ("yes", "no", "unknown")]
        # HER2-targeted toxicity, alone and (after induction, at progression) with the
        # answer that makes a second answer check possible (review 22, L2)
        her2_tox: list[dict[str, Any]] = [{"her2_tox": True}]
        if setting == "after_induction":
            her2_tox.append({"her2_tox": True, "unacceptable_toxicity": True})
        if setting == "progression":
            her2_tox.append({"her2_tox": True, "endocrine_responsive": "no"})
        for extra in variants + her2_tox:
            data: dict[str, Any] = {
                "format": "hrher2-aid.case/1",
                "receptors": {"hr": hr, "her2": her2}, "setting": setting,
                "menopausal_status": meno,
                "disease": {"visceral": visceral, "symptomatic": aggressive == "symptomatic",
                            "visceral_crisis": aggressive == "crisis",
                            "rapidly_progressive": aggressive == "rapid"},
                "chemotherapy": dict(chemo), "planned_regimen": regimen,
            }
            extra = dict(extra)
            if extra.pop("her2_tox", False):
                data["her2_therapy"] = {"unacceptable_toxicity": True}
                if setting == "after_induction":
                    data["chemotherapy"].update(months_given=3, maximal_response=False)
            if "endocrine_responsive" in extra:
                data["endocrine_responsive"] = extra.pop("endocrine_responsive")
            data["chemotherapy"].update(extra)
            yield parse_case(data)


def pdf_text(data: bytes) -> list[str]:
    """Each page's extracted text."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Whitespace collapsed, so wrapped lines compare equal to the source sentence."""
    return re.sub(r"\s+", " ", text).strip()


def render_page_png(pdf: Path, page: int, out_prefix: Path, dpi: int = 150) -> Path:
    """Render one page (1-based) to PNG with PDFium (a PyPI wheel: no system package)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[page - 1].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    out = out_prefix.with_suffix(".png")
    image.save(out)
    return out
