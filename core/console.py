"""Messages for a terminal: one line each, whatever a file name holds (Qt-free).

A file name may hold a line break, or an escape sequence a terminal would obey (it
could recolour, hide or rewrite what was printed before). A message naming such a file
is still one line, with those characters shown as Python writes them in a string.

    >>> one_line("no\\nsuch.json: file not found")
    'no\\\\nsuch.json: file not found'
    >>> one_line("x\\x1b[2Jy, tab\\tkept, café")
    'x\\\\x1b[2Jy, tab\\tkept, café'

What the commands print on standard output for a person to read (paths, pack labels,
statement texts) goes through :func:`for_terminal`: its own lines are kept, and each says
what it holds in one line.

    >>> for_terminal("path: /tmp/a\\x1b]0;pwned\\x07.pdf\\nversion: 1\\n")
    'path: /tmp/a\\\\x1b]0;pwned\\\\x07.pdf\\nversion: 1\\n'
"""

from __future__ import annotations

import sys

#: Exit codes, the same for every command and the app: done; any other failure; invalid
#: input or usage (argparse's own code for a usage error); the evidence check failed.
EXIT_OK, EXIT_OTHER, EXIT_INVALID, EXIT_EVIDENCE = 0, 1, 2, 3

#: control characters, and the line and paragraph separators
_ESCAPED = frozenset({"Cc", "Zl", "Zp"})


def one_line(text: str) -> str:
    """``text`` with its line breaks and other control characters escaped (a tab is
    kept: it moves the cursor, nothing more)."""
    if text.isprintable():  # the usual case, in one pass
        return text
    import unicodedata  # (only here: the self-test says its line through this at start-up)

    return "".join(char.encode("unicode_escape").decode("ascii")
                   if char != "\t" and unicodedata.category(char) in _ESCAPED else char
                   for char in text)


def for_terminal(text: str) -> str:
    """``text``, a few lines for a terminal, each made :func:`one_line`: the line
    breaks the program wrote stay, the characters the data held are shown escaped."""
    return "\n".join(one_line(line) for line in text.split("\n"))


def say(text: str, *, escape: bool = True) -> None:
    """Write a command's output to standard output, :func:`for_terminal` unless
    ``escape`` is False (JSON is escaped already)."""
    sys.stdout.write(for_terminal(text) if escape else text)
    sys.stdout.flush()


def fail(message: str, code: int) -> int:
    """Say ``message`` on standard error as one line, naming the program; return
    ``code`` (a command's exit code)."""
    sys.stderr.write(f"hrher2-aid: {one_line(message)}\n")
    return code
