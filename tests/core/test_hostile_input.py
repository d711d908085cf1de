"""Hostile and unusual input at the command line (issue 13): one clear message and the
right exit code, nothing the user had is lost, nothing printed garbled.

Each test names the item of the issue it checks. The command runs as a user runs it
(a real process) where memory or the real stdout matters, in process otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from core.case import CaseError
from core.case_json import MAX_CASE_BYTES, loads_case
from core.cli import main
from core.evidence import default_store_path
from tests.core.test_case import BASE
from tests.core.test_cli import cli

HUGE = "9" * 5000  # Python refuses to convert an integer of more than 4,300 digits


def _case_text(label_json: str = '"x"', months: str = "null") -> str:
    """A valid case as JSON text, with the label and months given as raw JSON."""
    return ('{"format": "hrher2-aid.case/1", "label": ' + label_json
            + ', "receptors": {"hr": "positive", "her2": "positive"}, '
            '"setting": "first_line", "disease": {"visceral": true, "symptomatic": false}, '
            '"chemotherapy": {"months_given": ' + months + '}}')


def _file(tmp_path: Path, text: str | bytes, name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


# --- item 1: huge integers and lone surrogates ---------------------------------------

@pytest.mark.parametrize("text", [_case_text(months=HUGE), _case_text(label_json='"\\ud800"'),
                                  '{"\\udfff": 1}', '[' + HUGE + ']'])
def test_item1_huge_integer_or_lone_surrogate_is_invalid_input_exit_2(tmp_path: Path,
                                                                     text: str) -> None:
    run = cli("recommend", str(_file(tmp_path, text)))
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith(b"hrher2-aid: invalid case: ")
    assert b"unexpected" not in run.stderr and run.stderr.count(b"\n") == 1


BEYOND_FLOAT = "1" + "0" * 309  # an integer Python reads, but no float can hold


@pytest.mark.parametrize("digits", [310, 1000, 4300])
def test_an_integer_beyond_any_float_is_out_of_range_not_a_crash(tmp_path: Path,
                                                                 digits: int) -> None:
    """Hostile review D1: months of 309 to 4,300 digits crashed every reader
    (math.isfinite overflows converting it): "unexpected error: OverflowError", a
    whole batch lost, a traceback in the window."""
    months = "1" + "0" * (digits - 1)
    run = cli("recommend", str(_file(tmp_path, _case_text(months=months))))
    assert run.returncode == 2, run.stderr
    assert b"chemotherapy.months_given: must be between 0 and 60" in run.stderr
    good = json.dumps(BASE)
    batch = _file(tmp_path, "\n".join([good, _case_text(months=months), good]) + "\n",
                  "batch.jsonl")
    out = cli("recommend", "--batch", str(batch)).stdout.decode().splitlines()
    assert [json.loads(line)["format"] for line in out] == [
        "hrher2-aid.result/1", "hrher2-aid.error/1", "hrher2-aid.result/1"]
    from core.fields import FIELDS_BY_PATH  # a draft's answers are checked here

    assert FIELDS_BY_PATH["chemotherapy.months_given"].problem(int(months)) == \
        "enter a number from 0 to 60"


def test_a_field_name_900_000_characters_long_is_cut_in_the_message() -> None:
    """Hostile review W1: the whole name was quoted (a 900 kB line, a message box
    taller than any screen)."""
    with pytest.raises(CaseError) as caught:
        loads_case(json.dumps({**BASE, "x" * 900_000: 1}).encode())
    assert len(str(caught.value)) < 200 and "unknown field" in str(caught.value)


def test_item1_batch_answers_every_line_around_huge_integers_and_surrogates(
        tmp_path: Path) -> None:
    good = json.dumps(BASE)
    lines = [good] * 5011
    lines[10] = _case_text(months=HUGE)
    lines[4500] = _case_text(label_json='"\\ud800"')
    run = cli("recommend", "--batch", str(_file(tmp_path, "\n".join(lines) + "\n")))
    assert run.returncode == 2
    out = run.stdout.decode("utf-8").splitlines()
    assert len(out) == 5011  # every line answered, in order
    errors = {i + 1: json.loads(line) for i, line in enumerate(out)
              if json.loads(line)["format"] == "hrher2-aid.error/1"}
    assert sorted(errors) == [11, 4501]
    assert "4,300 digits" in errors[11]["error"] and "surrogate" in errors[4501]["error"]


# --- item 2: every batch line bounded ---------------------------------------------------

def test_item2_batch_line_longer_than_a_case_stops_with_a_message(tmp_path: Path) -> None:
    good = json.dumps(BASE)
    long_line = b"x" * (MAX_CASE_BYTES + 10)
    source = _file(tmp_path, f"{good}\n".encode() + long_line + f"\n{good}\n".encode())
    run = cli("recommend", "--batch", str(source))
    assert run.returncode == 2
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert out[0]["format"] == "hrher2-aid.result/1"
    assert out[1]["format"] == "hrher2-aid.error/1" and out[1]["line"] == 2
    assert b"line 2 is longer than a case can be" in run.stderr
    assert b"Traceback" not in run.stderr


def test_item2_batch_of_a_line_just_at_the_limit_is_read(tmp_path: Path, capsys) -> None:
    """A line of exactly the case limit (plus CR LF) is a line like any other."""
    case = json.dumps(BASE).encode()
    padded = case + b" " * (MAX_CASE_BYTES - len(case))
    source = _file(tmp_path, padded + b"\r\n" + case + b"\n")
    assert main(["recommend", "--batch", str(source)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_item2_batch_over_dev_zero_under_a_memory_limit_exits_2() -> None:
    """``ulimit -v 1500000``: the old reader grew to MemoryError; a bounded one stops."""
    code = ("import sys; from desktop.launcher import main; "
            "sys.exit(main(['recommend', '--batch', '/dev/zero']))")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    run = subprocess.run(["bash", "-c", f'ulimit -v 1500000; exec "$0" -c "{code}"',
                          sys.executable], capture_output=True, env=env, timeout=120,
                         check=False)
    assert run.returncode == 2, run.stderr
    assert b"line 1 is longer than a case can be" in run.stderr
    assert b"MemoryError" not in run.stderr


# --- fuzz: the case reader, single and batch ---------------------------------------------

_HOSTILE_VALUES = st.one_of(
    st.integers(min_value=300, max_value=7000).map(lambda n: "1" * n),   # huge integer
    st.integers(min_value=0xD800, max_value=0xDFFF).map(lambda c: f'"\\u{c:04x}"'),
    st.integers(min_value=0xD800, max_value=0xDFFF).map(lambda c: f'"a\\u{c:04x}b"'),
    st.sampled_from(["1e999999", "-" + "0" * 5000 + "1", '"\\u0000"', '"' + "é" * 90 + '"']),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["label", "months"]), _HOSTILE_VALUES)
def test_fuzz_single_reader_huge_integers_and_surrogates(where: str, value: str) -> None:
    """Nothing escapes the reader but CaseError, and its message can always be printed."""
    text = _case_text(label_json=value) if where == "label" else _case_text(months=value)
    try:
        loads_case(text.encode("utf-8"))
    except CaseError as exc:
        str(exc).encode("utf-8")  # no lone surrogate in the message


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["label", "months"]), _HOSTILE_VALUES)
def test_fuzz_single_command_huge_integers_and_surrogates(tmp_path_factory, capsys,
                                                          where: str, value: str) -> None:
    """``recommend CASE.json``: a result (exit 0) or one printable line (exit 2)."""
    text = _case_text(label_json=value) if where == "label" else _case_text(months=value)
    path = tmp_path_factory.mktemp("single") / "case.json"
    path.write_text(text, encoding="utf-8")
    code = main(["recommend", str(path)])
    captured = capsys.readouterr()
    if code == 0:
        assert json.loads(captured.out)["format"] == "hrher2-aid.result/1"
    else:
        assert code == 2 and captured.out == ""
        assert captured.err.startswith("hrher2-aid: invalid case: ")
        assert captured.err.count("\n") == 1 and "unexpected" not in captured.err


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=3 * MAX_CASE_BYTES))
def test_fuzz_single_reader_over_long_input(size: int) -> None:
    """Any input over the limit is refused by size, whatever its content."""
    try:
        loads_case(b" " * size + json.dumps(BASE).encode())
    except CaseError as exc:
        assert (size + len(json.dumps(BASE)) > MAX_CASE_BYTES) == ("too large" in str(exc))
    else:
        assert size + len(json.dumps(BASE)) <= MAX_CASE_BYTES


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.just(("good", "")), st.tuples(st.just("label"), _HOSTILE_VALUES),
                          st.tuples(st.just("months"), _HOSTILE_VALUES),
                          st.integers(MAX_CASE_BYTES - 5, MAX_CASE_BYTES + 5).map(
                              lambda n: ("long", n))),
                min_size=1, max_size=6))
def test_fuzz_batch_huge_integers_surrogates_and_long_lines(tmp_path_factory, capsys,
                                                            lines) -> None:
    """Every line before the first over-long one gets exactly one output line, in
    order; an over-long line stops the batch with exit 2 and a message."""
    texts: list[bytes] = []
    for kind, value in lines:
        if kind == "good":
            texts.append(json.dumps(BASE).encode())
        elif kind == "long":
            texts.append(b"a" * value)
        else:
            raw = _case_text(label_json=value) if kind == "label" else _case_text(months=value)
            texts.append(raw.encode())
    source = tmp_path_factory.mktemp("batch") / "cases.jsonl"
    source.write_bytes(b"\n".join(texts) + b"\n")
    code = main(["recommend", "--batch", str(source)])
    captured = capsys.readouterr()
    out = [json.loads(line) for line in captured.out.splitlines()]
    stop = next((i for i, t in enumerate(texts) if len(t) > MAX_CASE_BYTES + 1), None)
    answered = len(texts) if stop is None else stop + 1
    assert len(out) == answered
    assert [o.get("line", i + 1) for i, o in enumerate(out)] == list(range(1, answered + 1))
    failed = any(o["format"] == "hrher2-aid.error/1" for o in out)
    assert code == (2 if failed else 0)
    if stop is not None:
        assert "longer than a case can be" in captured.err
    assert "unexpected" not in captured.err


# --- item 3: a clinician name too long for a page ---------------------------------------

@pytest.mark.parametrize("option", ["--clinician", "--institution"])
def test_item3_report_with_5000_character_name_is_refused_naming_it(tmp_path: Path, capsys,
                                                                    option: str) -> None:
    out = tmp_path / "s.pdf"
    code = main(["report", str(_file(tmp_path, json.dumps(BASE))), "-o", str(out),
                 option, "Dr. " + "N" * 5000])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{option}: at most 100 characters" in err and "LayoutError" not in err
    assert not out.exists()


def test_item3_report_with_the_longest_allowed_names_prints(tmp_path: Path) -> None:
    out, handout = tmp_path / "s.pdf", tmp_path / "h.pdf"
    name = "W" * 100  # one unbreakable word, as long as allowed
    assert main(["report", str(_file(tmp_path, json.dumps(BASE))), "-o", str(out),
                 "--handout", str(handout), "--clinician", name, "--institution", name]) == 0
    assert "W" * 40 in _pdf_text(out).replace("\n", "")


# --- item 5: an output that is an input ----------------------------------------------------

@pytest.mark.parametrize("option", ["-o", "--handout"])
def test_item5_report_refuses_to_write_over_its_input_case(tmp_path: Path, capsys,
                                                           option: str) -> None:
    case = _file(tmp_path, json.dumps(BASE))
    before = case.read_bytes()
    other = str(tmp_path / "other.pdf")
    args = (["-o", str(case)] if option == "-o"
            else ["-o", other, "--handout", str(tmp_path / "." / "case.json")])
    code = main(["report", str(case), *args])
    assert code == 2
    assert "is the input case file" in capsys.readouterr().err
    assert case.read_bytes() == before
    os.link(case, tmp_path / "hard.pdf")  # the same file under another name
    assert main(["report", str(case), "-o", str(tmp_path / "hard.pdf")]) == 2
    assert case.read_bytes() == before


def test_item5_report_refuses_to_write_over_the_evidence_store(tmp_path: Path, capsys) -> None:
    store = tmp_path / "evidence.pdf"
    store.write_bytes(default_store_path().read_bytes())
    before = store.read_bytes()
    code = main(["report", str(_file(tmp_path, json.dumps(BASE))), "-o", str(store),
                 "--evidence", str(store)])
    assert code == 2 and "is the evidence store" in capsys.readouterr().err
    assert store.read_bytes() == before
    shipped = default_store_path()  # the default store is an input too
    code = main(["report", str(_file(tmp_path, json.dumps(BASE))), "-o", str(shipped)])
    assert code == 2 and "is the evidence store" in capsys.readouterr().err


# --- items 9 and 10: scripts the reports cannot print are refused, naming the field ---------

SCRIPTS = {
    "Hebrew": "\u05e9\u05dc\u05d5\u05dd",
    "Arabic": "\u0645\u0631\u062d\u0628\u0627",
    "Chinese, Japanese or Korean": "\u4e2d\u6587",
    "Thai": "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35",
    "Devanagari": "\u0928\u092e\u0938\u094d\u0924\u0947",
}


@pytest.mark.parametrize("script", ["Hebrew", "Arabic"])
@pytest.mark.parametrize("where", ["label", "--clinician", "--institution"])
def test_item9_right_to_left_text_is_refused_never_printed_reversed(
        tmp_path: Path, capsys, script: str, where: str) -> None:
    text = f"Dr {SCRIPTS[script]}"
    case = dict(BASE, label=text) if where == "label" else BASE
    out = tmp_path / "s.pdf"
    args = [] if where == "label" else [where, text]
    code = main(["report", str(_file(tmp_path, json.dumps(case))), "-o", str(out), *args])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err.startswith(f"hrher2-aid: {where}: {script} script cannot be printed")


@pytest.mark.parametrize("script", ["Chinese, Japanese or Korean", "Thai", "Devanagari"])
def test_item10_label_in_a_script_without_font_is_refused_naming_the_field(
        tmp_path: Path, capsys, script: str) -> None:
    out = tmp_path / "s.pdf"
    case = dict(BASE, label=f"Case {SCRIPTS[script]}")
    code = main(["report", str(_file(tmp_path, json.dumps(case))), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err.startswith(f"hrher2-aid: label: {script} script cannot be printed")


@pytest.mark.parametrize(("label", "says"), [
    ("\U0001F600 smile", "characters such as emoji cannot be printed in the reports (U+1F600)"),
    ("\ufeffBed 4", "contains an invisible byte-order mark (U+FEFF)"),
    # PDF layout review 7: a soft hyphen printed as "Bed-4ward" in the facts table and
    # "Bed4ward" in the answers; zero-width characters printed as nothing but stayed in
    # the text layer, so a search for the label as printed failed
    ("Bed\u00ad4ward", "contains an invisible formatting character (U+00AD)"),
    ("Bed\u200b4", "contains an invisible formatting character (U+200B)"),
    ("Bed\u20604", "contains an invisible formatting character (U+2060)"),
])
def test_item10_emoji_and_a_byte_order_mark_are_refused_for_what_they_are(
        tmp_path: Path, capsys, label: str, says: str) -> None:
    """An emoji the font draws would read back as another character from the PDF's text
    layer (copy, search, screen readers); a byte-order mark is no Arabic letter."""
    out = tmp_path / "s.pdf"
    case = dict(BASE, label=label)
    assert main(["report", str(_file(tmp_path, json.dumps(case))), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hrher2-aid: label: {says}") and "Arabic" not in err
    assert not out.exists()


def test_item10_recommend_still_reads_such_a_case(tmp_path: Path) -> None:
    """The case format is unchanged: only printing refuses the script."""
    case = dict(BASE, label=SCRIPTS["Chinese, Japanese or Korean"])
    assert cli("recommend", str(_file(tmp_path, json.dumps(case)))).returncode == 0


# --- item 11: whitespace that is not a space -------------------------------------------------

def test_item11_tabs_and_separators_print_as_spaces_not_boxes(tmp_path: Path) -> None:
    label = "A\tB\rC\x1cD\x1fE\x85F\u3000G\u2028H"
    out, handout = tmp_path / "s.pdf", tmp_path / "h.pdf"
    case = dict(BASE, label=label)
    assert main(["report", str(_file(tmp_path, json.dumps(case))), "-o", str(out),
                 "--handout", str(handout), "--clinician", "Dr\tTab",
                 "--handout-label"]) == 0  # the handout prints a label only when asked
    for pdf in (out, handout):
        text = _pdf_text(pdf)
        assert "A B C D E F G H" in text, pdf
        assert not set(text) & set("\t\r\x1c\x1d\x1e\x1f\x85\u3000\u2028"), pdf


# --- item 14: output names ---------------------------------------------------------------

@pytest.mark.parametrize("length", [241, 250, 255])
def test_item14_output_names_up_to_255_bytes_are_written(tmp_path: Path, length: int) -> None:
    out = tmp_path / ("n" * (length - 4) + ".pdf")
    assert main(["report", str(_file(tmp_path, json.dumps(BASE))), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.parametrize(("name", "message"), [
    ("n" * 300 + ".pdf", "file name too long (304 bytes"),
    ("newname/", "names a folder"),
    ("x.txt", "give a name ending in .pdf"),
])
def test_item14_bad_output_names_are_refused_with_exit_2(tmp_path: Path, capsys, name: str,
                                                         message: str) -> None:
    code = main(["report", str(_file(tmp_path, json.dumps(BASE))),
                 "-o", str(tmp_path) + "/" + name])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "unexpected" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json"]


# --- item 15 -------------------------------------------------------------------------------

def test_item15_evidence_verify_of_a_bad_store_does_not_speak_of_recommending(
        tmp_path: Path) -> None:
    bad = _file(tmp_path, b"not a database", "evidence.sqlite")
    run = cli("evidence", "verify", "--evidence", str(bad))
    assert run.returncode == 3
    assert b"nothing was recommended" not in run.stderr and run.stderr.count(b"\n") == 1
    report = cli("report", str(_file(tmp_path, json.dumps(BASE))), "-o",
                 str(tmp_path / "s.pdf"), "--evidence", str(bad))
    assert report.returncode == 3 and b"nothing was written" in report.stderr
