"""The app as a screen reader meets it: walked over AT-SPI on a real X server.

Xvfb, a D-Bus session bus and the AT-SPI bus (Debian's ``at-spi2-core``) are started
for the test; the app runs on them with ``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1`` and
opens a complete case; ``atspi_walker.py`` (Debian's ``python3-pyatspi``, run by the
system Python) walks the tree on every questionnaire step, pressing Next through its
AT-SPI action, then Finish. The tree it walked is printed in the test log.
``.ci/run`` installs the packages; without them the test skips and says which is
missing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core import questionnaire as q
from core.case import parse_case
from core.evidence import open_store
from core.result import Renderer
from tests.conftest import ROOT

SYSTEM_PYTHON = "/usr/bin/python3"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
WALKER = Path(__file__).with_name("atspi_walker.py")
ANSWERS: dict[str, Any] = {
    "receptors.hr": "positive", "receptors.her2": "positive", "setting": "after_induction",
    "disease.visceral": True, "disease.symptomatic": False, "disease.visceral_crisis": False,
    "disease.rapidly_progressive": False, "chemotherapy.months_given": 5,
    "chemotherapy.maximal_response": True, "chemotherapy.unacceptable_toxicity": False,
    "her2_therapy.unacceptable_toxicity": False, "menopausal_status": "postmenopausal",
    "planned_regimen": True, "planned_regimen.chemotherapy": False,
    "planned_regimen.endocrine": True, "planned_regimen.her2_targeted": False,
    "label": "Walked by AT-SPI"}
# Roles a screen reader operates; every one showing must have a name.
INTERACTIVE_ROLES = {"push button", "radio button", "check box", "text", "entry",
                     "combo box", "menu item", "page tab", "link", "spin button",
                     "toggle button", "list item", "table cell"}
# Parts with a role Qt gives no name: scroll bars are announced by role, position
# and value; splitter handles and frames are not operated by keyboard.
UNNAMED_BY_NATURE = {"scroll bar", "filler", "layered pane", "split pane", "separator",
                     "popup menu", "menu bar", "application", "unknown"}


def _missing_tools() -> str | None:
    for tool in ("Xvfb", "dbus-daemon"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install xvfb dbus)"
    if not Path(BUS_LAUNCHER).exists():
        return "at-spi-bus-launcher is not installed (apt-get install at-spi2-core)"
    check = subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True,
                           check=False) if Path(SYSTEM_PYTHON).exists() else None
    if check is None or check.returncode != 0:
        return "Debian's python3-pyatspi is not installed (apt-get install python3-pyatspi)"
    from desktop.system_libraries import window_problem

    problem = window_problem({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"})
    return f"Qt's xcb plugin cannot load: {problem}" if problem else None


def _stop(process: subprocess.Popen[Any]) -> None:
    """Stop a process this test started, and what it started in its own session."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    reason = _missing_tools()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("atspi")
    case_path = folder / "walked.json"
    case_path.write_text(json.dumps(q.case_dict(ANSWERS)), encoding="utf-8")
    started: list[subprocess.Popen[Any]] = []

    def start(cmd: list[str], env: dict[str, str], **kw: Any) -> subprocess.Popen[Any]:
        process = subprocess.Popen(cmd, env=env, start_new_session=True, **kw)
        started.append(process)
        return process

    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS",
                        "AT_SPI_BUS_ADDRESS")}
    try:
        read_fd, write_fd = os.pipe()
        start(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x900x24",
               "-nolisten", "tcp"], env, pass_fds=(write_fd,), stderr=subprocess.DEVNULL)
        os.close(write_fd)
        with os.fdopen(read_fd) as display_pipe:
            env["DISPLAY"] = f":{display_pipe.readline().strip()}"
        bus = start(["dbus-daemon", "--session", "--nofork", "--print-address=1"], env,
                    stdout=subprocess.PIPE, text=True)
        assert bus.stdout is not None
        env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()
        start([BUS_LAUNCHER, "--launch-immediately"], env, stderr=subprocess.DEVNULL)
        app_env = {**env, "QT_QPA_PLATFORM": "xcb", "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
                   "HRHER2_AID_DATA_DIR": str(folder), "XDG_CONFIG_HOME": str(folder),
                   "PYTHONPATH": str(ROOT)}
        app = start([sys.executable, "-m", "desktop", str(case_path)], app_env, cwd=ROOT,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        done = subprocess.run([SYSTEM_PYTHON, str(WALKER), "hrher2-aid"], env=env,
                              capture_output=True, text=True, timeout=180, check=False)
        if done.returncode != 0:
            app.terminate()
            said = app.communicate(timeout=10)[1].decode(errors="replace")
            raise AssertionError(f"walker failed: {done.stderr}\napp said: {said}")
        yield json.loads(done.stdout)
    finally:
        for process in reversed(started):
            _stop(process)


def _tree(nodes: list[dict[str, Any]]) -> str:
    """The tree as a screen reader lists it: showing nodes, role and name, indented."""
    lines = []
    for n in nodes:
        if not n["showing"] and n["path"]:
            continue
        flags = "".join(f" [{f}]" for f in ("focusable", "checked")
                        if n[f])
        text = ""
        if n["text"] and n["text"] != n["name"]:
            first = n["text"].strip().splitlines()[0] if n["text"].strip() else ""
            text = f"  text: {first[:70]!r}…"
        lines.append(f"{'  ' * len(n['path'])}{n['role']} {n['name']!r}{flags}{text}")
    return "\n".join(lines)


def test_walked_tree_is_printed(walk: dict[str, Any],
                                capsys: pytest.CaptureFixture[str]) -> None:
    lines = []
    for snap in walk["snapshots"]:
        lines += [f"--- AT-SPI tree, {snap['step'] or 'start'} ---", _tree(snap["nodes"])]
    text = "\n".join(lines)
    with capsys.disabled():  # into the test log whether the test passes or fails
        print(f"\n{text}")
    assert len(walk["snapshots"]) == len(q.steps_for(ANSWERS)) + 1


def test_every_interactive_element_has_a_role_and_a_name(walk: dict[str, Any]) -> None:
    unnamed = []
    for snap in walk["snapshots"]:
        for n in snap["nodes"]:
            # menu items count even in a closed menu: a screen reader lists them
            if not n["showing"] and n["role"] != "menu item":
                continue
            operated = n["role"] in INTERACTIVE_ROLES or n["focusable"] or n["actions"]
            if operated and n["role"] in UNNAMED_BY_NATURE and not n["focusable"]:
                continue
            if operated and (not n["role"] or n["role"] == "unknown" or not n["name"]):
                unnamed.append(f"{snap['step']}: {n['role']} {n['name']!r} under "
                               f"{' > '.join(n['path'][-2:])}")
    assert not unnamed, "\n".join(unnamed)


def test_every_question_and_its_choices_are_reachable_and_announced(
        walk: dict[str, Any]) -> None:
    steps = q.steps_for(ANSWERS)
    pages = walk["snapshots"][:len(steps)]
    for index, (step, snap) in enumerate(zip(steps, pages, strict=True)):
        assert snap["step"] == f"Step {index + 1} of {len(steps)}"
        nodes = [n for n in snap["nodes"] if n["showing"]]
        for field in step.fields:
            if field not in step.needed_fields(ANSWERS):
                continue
            assert any(n["role"] == "label" and n["name"] == field.label for n in nodes), (
                f"{step.id}: the question {field.label!r} is not shown as text")
            if field.choices:
                for choice in field.choices:
                    name = f"{field.label}: {choice.label}"
                    button = next((n for n in nodes if n["role"] == "radio button"
                                   and n["name"] == name), None)
                    assert button is not None, f"{step.id}: no radio button {name!r}"
                    assert button["focusable"] and button["enabled"], name
                    assert button["path"][-1] == f"filler:{field.label}", (
                        f"{name!r} is not inside its question's group: {button['path'][-1]}")
                    assert button["description"] == field.help
            else:
                box = next((n for n in nodes if n["role"] in ("text", "entry")
                            and n["name"] == field.label), None)
                assert box is not None, f"{step.id}: no text box {field.label!r}"
                assert box["focusable"] and box["editable"] and box["enabled"]
                assert box["text"] == str(ANSWERS[field.path])


def test_the_results_are_readable_as_text(walk: dict[str, Any]) -> None:
    result = Renderer(open_store()).result_for(parse_case(q.case_dict(ANSWERS)))
    final = walk["snapshots"][-1]["nodes"]
    (view,) = [n for n in final if n["name"] == "Result" and n["text"]]
    text = view["text"]
    for item in (*result.options, *result.cautions, *result.plan):
        assert item.title in text and item.text in text
    for n, citation in result.references:
        assert f"[{n}] {citation}" in text
    warnings = sum(1 for c in result.cautions if c.severity == "warning")
    assert warnings and "WARNING" in text
    assert any(n["role"] == "label" and f"{warnings} warning" in n["name"] for n in final)
    (banner,) = [n for n in final if n["name"] == "Warnings" and n["showing"]]
    assert any(n["role"] == "push button" and n["name"] == "Show the warnings"
               and n["path"][-1] == f"{banner['role']}:Warnings" for n in final)
