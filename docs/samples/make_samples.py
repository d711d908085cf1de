"""Regenerate the sample page images: ``python docs/samples/make_samples.py``.

For each case JSON here, writes the clinician summary and the patient handout with
a fixed clinician, institution and date (so the images change only when the
documents do), then renders every page to PNG with pdftoppm (Debian poppler-utils).
The PDFs are written to a temporary folder; only the PNGs are kept.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from core.case_json import loads_case  # noqa: E402
from core.evidence import EvidenceError, load_evidence  # noqa: E402
from core.report import (  # noqa: E402
    DocumentInfo,
    build_handout,
    build_summary,
    write_documents,
)
from core.result import Renderer  # noqa: E402

INFO = DocumentInfo(clinician="Dr. Amélie Lefèvre-Ørsted", institution="Hôpital Saint-Éloi",
                    when=datetime(2026, 11, 26, 9, 30, tzinfo=UTC))
DPI = "80"


def main() -> int:
    exe = shutil.which("pdftoppm")
    if exe is None:
        print("pdftoppm not found (apt-get install poppler-utils)", file=sys.stderr)
        return 1
    try:
        store = load_evidence()  # the signed pack, as the app opens it
    except EvidenceError as exc:  # an edited source, not yet signed: one line, no traceback
        print(f"the samples show the signed pack, and it is refused: {exc}\n"
              "after an evidence edit, the maintainers re-sign the pack first "
              "(python -m core.evidence.sign); until then, see the edit with "
              "python -m tests.preview_pack report CASE.json -o summary.pdf", file=sys.stderr)
        return 3
    renderer = Renderer(store)
    for old in HERE.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for case_file in sorted(HERE.glob("*.json")):
            case = loads_case(case_file.read_bytes())
            result = renderer.result_for(case)
            stem = case_file.stem
            summary, handout = Path(tmp, f"{stem}-summary.pdf"), Path(tmp, f"{stem}-handout.pdf")
            write_documents({summary: build_summary(case, result, INFO),
                             handout: build_handout(case, result, INFO)})
            for pdf in (summary, handout):
                subprocess.run([exe, "-r", DPI, "-png", str(pdf), str(HERE / pdf.stem)],
                               check=True)
    for png in sorted(HERE.glob("*.png")):
        print(png.relative_to(HERE.parents[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
