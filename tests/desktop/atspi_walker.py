"""Walk a running app's accessibility tree over AT-SPI, as a screen reader does.

Run by Debian's ``/usr/bin/python3`` (``python3-pyatspi``), not the project's Python;
it imports nothing from the project. Usage::

    /usr/bin/python3 tests/desktop/atspi_walker.py APP_NAME

Finds the application on the AT-SPI registry, then on every questionnaire step: takes
a snapshot of the tree and presses "Next" through its AT-SPI action (as a screen-reader
user does), until "Finish"; then one more snapshot. Prints one JSON document:
``{"snapshots": [{"step": "Step 1 of 7", "nodes": [...]}, ...]}``. (Keyboard focus is
not checked here: under Xvfb with no window manager the window is never active.)
"""

from __future__ import annotations

import json
import sys
import time

import pyatspi

TEXT_ROLES = {"label", "text", "paragraph", "document text", "document frame", "heading",
              "static", "entry", "password text"}


def find_app(name: str, timeout: float = 30.0):  # noqa: ANN201 - pyatspi has no types
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for app in pyatspi.Registry.getDesktop(0):
            if app is not None and app.name == name and app.childCount > 0:
                return app
        time.sleep(0.2)
    raise SystemExit(f"no application named {name!r} on the AT-SPI registry")


def describe(node, path: list[str]) -> dict:  # noqa: ANN001
    states = node.getState()
    entry = {
        "path": path,
        "role": node.getRoleName(),
        "name": node.name or "",
        "description": node.description or "",
        "showing": states.contains(pyatspi.STATE_SHOWING),
        "focusable": states.contains(pyatspi.STATE_FOCUSABLE),
        "focused": states.contains(pyatspi.STATE_FOCUSED),
        "enabled": states.contains(pyatspi.STATE_ENABLED),
        "checked": states.contains(pyatspi.STATE_CHECKED),
        "editable": states.contains(pyatspi.STATE_EDITABLE),
        "actions": [],
        "text": None,
    }
    try:
        action = node.queryAction()
        entry["actions"] = [action.getName(i) for i in range(action.nActions)]
    except NotImplementedError:
        pass
    if entry["role"] in TEXT_ROLES:
        try:
            text = node.queryText()
            entry["text"] = text.getText(0, min(text.characterCount, 50_000))
        except NotImplementedError:
            pass
    return entry


def snapshot(app) -> list[dict]:  # noqa: ANN001
    nodes: list[dict] = []

    def walk(node, path: list[str]) -> None:  # noqa: ANN001
        entry = describe(node, path)
        nodes.append(entry)
        here = [*path, f"{entry['role']}:{entry['name']}"]
        for child in node:
            if child is not None:
                walk(child, here)

    walk(app, [])
    return nodes


def showing(nodes: list[dict], role: str, names: set[str]) -> dict | None:
    return next((n for n in nodes if n["role"] == role and n["name"] in names
                 and n["showing"]), None)


def press(app, name: str) -> None:  # noqa: ANN001
    """Invoke the default action of the showing push button called ``name``."""
    def search(node):  # noqa: ANN001, ANN202
        if (node.getRoleName() == "push button" and node.name == name
                and node.getState().contains(pyatspi.STATE_SHOWING)):
            return node
        for child in node:
            found = search(child) if child is not None else None
            if found is not None:
                return found
        return None

    button = search(app)
    if button is None:
        raise SystemExit(f"no showing push button {name!r}")
    button.queryAction().doAction(0)


def step_label(nodes: list[dict]) -> str:
    return next((n["name"] for n in nodes if n["role"] == "label"
                 and n["name"].startswith("Step ") and " of " in n["name"]), "")


def main() -> None:
    app = find_app(sys.argv[1])
    snapshots = []
    nodes = snapshot(app)
    for _ in range(20):
        snapshots.append({"step": step_label(nodes), "nodes": nodes})
        button = showing(nodes, "push button", {"Next", "Finish"})
        if button is None:
            raise SystemExit("neither Next nor Finish is showing")
        before = step_label(nodes)
        press(app, button["name"])
        if button["name"] == "Finish":
            time.sleep(1.0)
            nodes = snapshot(app)
            snapshots.append({"step": "after Finish", "nodes": nodes})
            break
        end = time.monotonic() + 10
        while time.monotonic() < end:
            time.sleep(0.3)
            nodes = snapshot(app)
            if step_label(nodes) != before:
                break
        else:
            raise SystemExit(f"Next did not leave {before!r}")
    json.dump({"snapshots": snapshots}, sys.stdout)


if __name__ == "__main__":
    main()
