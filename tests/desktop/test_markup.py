"""desktop.markup: the start-up-cheap escape must match the standard library's."""

from __future__ import annotations

import doctest
import html

from hypothesis import given
from hypothesis import strategies as st

import desktop.markup
from desktop.markup import escape


@given(st.text())
def test_escape_matches_html_escape(text: str) -> None:
    """'The same result as html.escape'."""
    assert escape(text) == html.escape(text)


def test_escape_leaves_no_markup_for_qt_to_interpret() -> None:
    escaped = escape("<a href='x'>\"T-DXd\" & ≥ 3</a>")
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped
    assert "'" not in escaped and "≥ 3" in escaped


def test_docstring_example() -> None:
    outcome = doctest.testmod(desktop.markup)
    assert outcome.attempted == 2 and outcome.failed == 0  # escape, tooltip
