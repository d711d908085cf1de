"""The ``hrher2-aid`` console command: subcommands, ``--help`` and ``--version`` go to
:mod:`core.cli`, no Qt loaded; otherwise the arguments are the desktop app's
(``[--self-test] [--evidence PATH] [CASE.json]``), checked here before Qt loads, so a
mistyped command or option is a usage error (exit 2) and never opens a window.

    >>> app_arguments(["--self-test", "--evidence=ev.sqlite"])
    AppArguments(self_test=True, evidence='ev.sqlite', case=None)
    >>> app_arguments(["recomend", "case.json"])
    Traceback (most recent call last):
    ...
    desktop.launcher.AppUsageError: unknown command 'recomend' (did you mean 'recommend'?)
"""

import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from core.console import EXIT_INVALID, EXIT_OTHER, fail
from core.regular_file import is_file

PROG = "hrher2-aid"
#: The subcommands of core.cli (a test keeps this in step with its parser).
SUBCOMMANDS = frozenset({"recommend", "report", "evidence", "audit"})
#: Options core.cli answers without a subcommand.
CLI_OPTIONS = frozenset({"-h", "--help", "-V", "--version"})


class AppUsageError(Exception):
    """Arguments the desktop app does not take (exit 2, before any window)."""


class AppArguments(NamedTuple):
    self_test: bool = False
    evidence: str | None = None
    case: str | None = None


def _first_command(args: list[str]) -> str | None:
    """The first argument that is not an option or the value of ``--evidence``."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--evidence":
            skip = True
        elif not arg.startswith("-") or arg == "-":
            return arg
    return None


def app_arguments(args: Sequence[str]) -> AppArguments:
    """The desktop app's arguments; anything else is an :class:`AppUsageError`."""
    self_test, evidence, case = False, None, None
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--self-test":
            self_test = True
        elif arg == "--evidence":
            if not rest:
                raise AppUsageError("--evidence needs a PATH")
            evidence = rest.pop(0)
        elif arg.startswith("--evidence="):
            evidence = arg.partition("=")[2]
        elif arg.startswith("-") and arg != "-":
            raise AppUsageError(f"unknown option '{arg}'")
        elif case is not None:
            raise AppUsageError(f"one case file at a time ('{case}', then '{arg}')")
        elif not arg.lower().endswith(".json") and not is_file(arg):
            import difflib

            close = difflib.get_close_matches(arg, sorted(SUBCOMMANDS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise AppUsageError(f"unknown command '{arg}'{hint}")
        else:
            case = arg
    if evidence is not None and not evidence.strip():
        raise AppUsageError("--evidence needs a PATH (it was empty)")
    if case is not None:
        path = Path(case)
        try:
            if path.is_dir():
                raise AppUsageError(f"{case}: is a folder, not a case file")
            if not path.exists():
                raise AppUsageError(f"{case}: file not found")
        except OSError as exc:  # no permission to look, a name too long (hostile H4)
            raise AppUsageError(f"{case}: cannot be read ({exc.strerror or exc})") from None
    return AppArguments(self_test, evidence, case)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if _first_command(args) in SUBCOMMANDS or CLI_OPTIONS.intersection(args):
        from core.cli import main as cli_main

        return cli_main(args)
    try:
        app_args = app_arguments(args)
    except AppUsageError as exc:
        return fail(f"{exc} (see '{PROG} --help')", EXIT_INVALID)
    from desktop.system_libraries import window_problem

    problem = window_problem()
    if problem is not None:
        return fail(problem, EXIT_OTHER)
    # The evidence check starts first, in a checker process where one helps (a second
    # CPU; from source on Linux and macOS, the installed bundle on Linux), and runs while
    # Qt loads; elsewhere, or when it cannot start, the app checks in-process
    # (core.evidence.early).
    from core.evidence.early import EarlyCheck

    early = EarlyCheck.start(app_args.evidence)
    if early is None:
        _load_check_before_qt()
    # Start-up allocates little but what lives as long as the app (modules, classes,
    # the window); collecting garbage among them is wasted work. desktop.app turns the
    # collector back on once the window is shown (see its start_collecting).
    gc.disable()
    from desktop.app import run

    return run(app_args, early)


def _load_check_before_qt() -> None:
    """Load what the in-process evidence check needs before PySide6 loads: once loaded,
    PySide6 reads the source of every module imported after it (its ``__feature__``
    check), start-up time spent on modules that never use Qt."""
    import contextlib

    import core.evidence.install
    import core.evidence.keys
    import core.evidence.pack  # noqa: F401 - loaded here for the reason above

    # (a broken installation without it: the check refuses the pack and says why)
    with contextlib.suppress(ImportError):
        import nacl.signing  # noqa: F401 - loaded here for the reason above


if __name__ == "__main__":
    raise SystemExit(main())
