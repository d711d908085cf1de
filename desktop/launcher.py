"""The ``hrher2-aid`` console command: subcommands go to :mod:`core.cli`, no Qt loaded;
no subcommand (or ``--self-test``) opens the desktop application.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

CLI_COMMANDS = frozenset({"recommend", "report", "evidence", "audit", "-h", "--help"})


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a in CLI_COMMANDS for a in args if not a.startswith("--evidence")):
        from core.cli import main as cli_main

        return cli_main(args)
    # Start-up allocates little but what lives as long as the app (modules, classes,
    # the window); collecting garbage among them is wasted work. desktop.app turns the
    # collector back on once the window is shown (see its start_collecting).
    gc.disable()
    from desktop.app import run

    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
