"""Style and types stay checked with every test run (CI too): ruff everywhere, mypy strict
on core/ and desktop/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)


def test_ruff() -> None:
    run = _run("ruff", "check", ".")
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.slow
def test_mypy_strict_on_core_and_desktop() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True and set(config["files"]) >= {"core", "desktop"}
    run = _run("mypy")
    assert run.returncode == 0, run.stdout + run.stderr


def test_core_never_imports_qt() -> None:
    """Qt-free zone: no module under core/ imports Qt, directly or through another module."""
    code = ("import pkgutil, importlib, sys, core\n"
            "for m in pkgutil.walk_packages(core.__path__, 'core.'):\n"
            "    importlib.import_module(m.name)\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'shiboken6', 'PyQt5', 'PyQt6')]\n"
            "assert not bad, bad\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr


def _module_imports(path: Path) -> set[str]:
    """The first-party modules a module imports at its top level, TYPE_CHECKING blocks
    included (an import inside a function, loaded when used, is no circle)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    nodes = list(tree.body)
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.If):
            nodes += node.body + node.orelse
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if m.split(".")[0] in ("core", "desktop")}


def test_no_import_circles_between_modules() -> None:
    """No two modules import each other, not even for type checking only (the main
    window and its records once did; menu actions now import on trigger)."""
    modules = {}
    for folder in ("core", "desktop"):
        for path in (ROOT / folder).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    graph = {name: {m for m in _module_imports(path) if m in modules and m != name}
             for name, path in modules.items()}
    circles = sorted({tuple(sorted((a, b))) for a, deps in graph.items() for b in deps
                      if a in graph.get(b, set()) and not (a.startswith(b + ".")
                                                           or b.startswith(a + "."))})
    assert circles == []
