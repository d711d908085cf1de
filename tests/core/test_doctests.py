"""The examples in the docstrings are part of the documentation: they must hold.

Every module of core/ (and the Qt-free launcher) is run through doctest here, so an
example that drifts from the code fails a test instead of misleading a reader.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in (ROOT / "core").rglob("*.py")
) + ["desktop.launcher"]


def test_every_core_module_is_listed() -> None:
    assert {"core", "core.rules", "core.evidence", "core.evidence.pack"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    module = importlib.import_module(name)
    outcome = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert outcome.failed == 0, f"{name}: {outcome.failed} of {outcome.attempted} examples fail"
