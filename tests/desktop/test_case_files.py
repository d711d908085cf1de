"""desktop.case_files: the name offered for a copy of a case file Save cannot replace
(the file actions themselves are driven through the window in test_main_window.py and
test_casestore_window.py)."""

from __future__ import annotations

import doctest
from pathlib import Path

import desktop.case_files
from desktop.case_files import copy_name


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(desktop.case_files).failed == 0


def test_a_copy_never_takes_the_name_of_a_file_that_exists(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text("{}")
    assert copy_name(case) == tmp_path / "case-copy.json"
    (tmp_path / "case-copy.json").write_text("{}")
    (tmp_path / "case-copy-2.json").write_text("{}")
    assert copy_name(case) == tmp_path / "case-copy-3.json"
