"""``hrher2-aid report``: exit codes, messages, files, and no reportlab for ``recommend``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from core.cli import main
from tests.core.report_support import FIRST_LINE_ET_ALONE, case_of

ROOT = Path(__file__).resolve().parents[2]


def _case_file(tmp_path: Path, data=FIRST_LINE_ET_ALONE) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_report_writes_summary_and_handout(tmp_path, capsys):
    case = _case_file(tmp_path)
    out, handout = tmp_path / "s.pdf", tmp_path / "h.pdf"
    code = main(["report", str(case), "-o", str(out), "--handout", str(handout),
                 "--clinician", "Dr. Zoë Ñúñez", "--institution", "Clinique – Nord"])
    assert code == 0
    assert capsys.readouterr().out.split() == [str(out), str(handout)]
    summary = PdfReader(out)
    assert summary.metadata.author == "Dr. Zoë Ñúñez"
    text = " ".join(p.extract_text() for p in summary.pages)
    assert "Clinique – Nord" in text and case_of(FIRST_LINE_ET_ALONE).sha256() in text
    assert "Patient handout" in PdfReader(handout).metadata.title


def test_the_handout_prints_the_label_only_when_asked(tmp_path):
    """No internal case label on the handout unless the clinician chooses to print it."""
    case = _case_file(tmp_path, {**FIRST_LINE_ET_ALONE, "label": "Bed 12 review"})
    for flag, shown in (([], False), (["--handout-label"], True)):
        out, handout = tmp_path / "s.pdf", tmp_path / "h.pdf"
        assert main(["report", str(case), "-o", str(out), "--handout", str(handout),
                     *flag]) == 0
        text = " ".join(p.extract_text() for p in PdfReader(handout).pages)
        assert ("Bed 12 review" in text) is shown
        assert "Bed 12 review" in " ".join(p.extract_text() for p in PdfReader(out).pages)


def test_summary_only_without_handout(tmp_path):
    out = tmp_path / "s.pdf"
    assert main(["report", str(_case_file(tmp_path)), "-o", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json", "s.pdf"]


def test_missing_folder_exits_2_with_one_line_and_nothing_left(tmp_path, capsys):
    case = _case_file(tmp_path)
    code = main(["report", str(case), "-o", str(tmp_path / "no" / "s.pdf"),
                 "--handout", str(tmp_path / "h.pdf")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "does not exist" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json"]


def test_invalid_case_exits_2(tmp_path, capsys):
    case = _case_file(tmp_path, {**FIRST_LINE_ET_ALONE, "setting": "later"})
    assert main(["report", str(case), "-o", str(tmp_path / "s.pdf")]) == 2
    assert "setting" in capsys.readouterr().err
    assert not (tmp_path / "s.pdf").exists()


def test_output_is_required(tmp_path, capsys):
    assert main(["report", str(_case_file(tmp_path))]) == 2
    assert "-o" in capsys.readouterr().err


def test_same_file_for_both_is_refused(tmp_path, capsys):
    out = tmp_path / "s.pdf"
    assert main(["report", str(_case_file(tmp_path)), "-o", str(out),
                 "--handout", str(out)]) == 2
    assert not out.exists()


def test_broken_evidence_store_exits_3(tmp_path, capsys):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database")
    code = main(["report", str(_case_file(tmp_path)), "-o", str(tmp_path / "s.pdf"),
                 "--evidence", str(bad)])
    assert code == 3
    assert not (tmp_path / "s.pdf").exists()


def test_recommend_never_loads_reportlab(tmp_path):
    case = _case_file(tmp_path)
    code = (
        "import sys; from core.cli import main; rc = main(['recommend', sys.argv[1]]); "
        "sys.stderr.write(str(sorted(m for m in sys.modules if m.startswith('reportlab'))))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(case)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert done.stderr.endswith("[]")


def test_unprintable_clinician_name_exits_2_naming_the_option(tmp_path, capsys):
    out = tmp_path / "s.pdf"
    code = main(["report", str(_case_file(tmp_path)), "-o", str(out),
                 "--clinician", "Dr. \u6f22"])
    err = capsys.readouterr().err
    assert code == 2  # invalid input, refused before anything is drawn (issue 13, item 10)
    assert err.count("\n") == 1 and "U+6F22" in err and "unexpected" not in err
    assert "--clinician" in err
    assert not out.exists()


def test_a_written_file_name_is_one_line_with_its_escapes_shown(tmp_path, capsys):
    """``report`` prints the files it wrote, one line each: a name holding a line break
    or an escape sequence is shown escaped, so a script reading the lines and a person
    reading the terminal both see one file per line, and the terminal obeys nothing."""
    case = _case_file(tmp_path)
    out = tmp_path / "sum\x1b[2J\nmary.pdf"
    assert main(["report", str(case), "-o", str(out)]) == 0
    assert out.is_file()
    printed = capsys.readouterr().out
    assert printed == str(out).replace("\x1b", "\\x1b").replace("\n", "\\n") + "\n"


def test_a_full_disk_exits_1_not_2_and_leaves_the_old_file(tmp_path, capsys, monkeypatch):
    """Review B, L3: a full disk exited 2 ("invalid input"); install.md's exit codes give
    1 for an output that cannot be written (a full disk, a closed pipe). A name or place
    the user gave that cannot work stays 2 (see above)."""
    import errno

    from core import atomic

    out = tmp_path / "summary.pdf"
    out.write_bytes(b"%PDF- the one filed before")

    def full(path, _data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(atomic, "stage", full)
    assert main(["report", str(_case_file(tmp_path)), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err and str(out) in err
    assert out.read_bytes() == b"%PDF- the one filed before"
