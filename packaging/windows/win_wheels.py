"""Install the app's Windows wheels into a Windows CPython's site-packages, from Linux.

    python packaging/windows/win_wheels.py SITE_PACKAGES --python-version 3.13

pip cannot run under Wine 8 (it aborts in ``propsys.VariantToString``), so the wheels
are installed by the Linux pip with ``--platform win_amd64 --only-binary=:all:
--target``. The requirements are those of pyproject.toml (``[project] dependencies``
plus the ``package`` extra, i.e. PyInstaller): nothing is listed here by hand, so a
dependency added to pyproject.toml is bundled on the next build.

pip evaluates environment markers for the machine it runs on (Linux), so a dependency
marked ``sys_platform == "win32"`` (PyInstaller's ``pefile`` and ``pywin32-ctypes``)
would be missed. pip first resolves without installing (``--dry-run --report``); the
chosen distributions' ``Requires-Dist`` are then evaluated for Windows, and any
requirement pip left out is added by name (without its marker) and pip resolves again,
until none is missing; then pip installs once, so one resolution decides every
version. Downloads are cached by pip itself (``~/.cache/pip``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import distributions
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def windows_environment(python_version: str) -> dict[str, str]:
    """Marker values of 64-bit CPython ``python_version`` on Windows."""
    env = dict(default_environment())
    env.update(os_name="nt", sys_platform="win32", platform_system="Windows",
               platform_machine="AMD64", platform_release="10",
               implementation_name="cpython", platform_python_implementation="CPython",
               python_version=python_version, python_full_version=f"{python_version}.0")
    return env


def project_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"]) + list(project["optional-dependencies"]["package"])


def missing_for_windows(resolved: dict[str, list[str]], roots: list[str],
                        env: dict[str, str]) -> list[str]:
    """Requirements reachable from ``roots`` under Windows markers that pip left out.

    ``resolved`` maps each distribution pip chose (canonical name) to its Requires-Dist.
    Each missing one is returned without its marker (pip would evaluate it for Linux).
    """
    missing: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [Requirement(r) for r in roots]
    while todo:
        req = todo.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        if key[0] not in resolved:
            extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
            missing.append(f"{req.name}{extras}{req.specifier}")
            continue
        for line in resolved[key[0]]:
            sub = Requirement(line)
            extras = req.extras or {""}
            if sub.marker is None or any(
                    sub.marker.evaluate({**env, "extra": extra}) for extra in extras):
                todo.append(sub)
    return sorted(set(missing))


def pip_install(target: Path, requirements: list[str], python_version: str,
                dry_run: bool = False) -> dict[str, list[str]]:
    """Run pip for Windows; return what it chose: {canonical name: Requires-Dist}."""
    report = target.parent / f"{target.name}.pip-report.json"
    if target.exists() and not dry_run:
        shutil.rmtree(target)
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           "--target", str(target), "--platform", "win_amd64",
           "--python-version", python_version, "--implementation", "cp",
           "--only-binary=:all:", "--report", str(report), *requirements]
    if dry_run:
        cmd.insert(4, "--dry-run")
    subprocess.run(cmd, check=True)
    chosen = json.loads(report.read_text(encoding="utf-8"))["install"]
    report.unlink()
    return {canonicalize_name(item["metadata"]["name"]): item["metadata"].get("requires_dist", [])
            for item in chosen}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site_packages", type=Path)
    parser.add_argument("--python-version", default="3.13")
    args = parser.parse_args(argv)
    env = windows_environment(args.python_version)
    requirements = project_requirements()
    # Resolve without installing (pip --dry-run --report) until nothing is missing for
    # Windows, then install once.
    for _ in range(5):
        resolved = pip_install(args.site_packages, requirements, args.python_version,
                               dry_run=True)
        missing = missing_for_windows(resolved, requirements, env)
        if not missing:
            break
        print(f"win_wheels: Windows-only requirements added: {' '.join(missing)}",
              file=sys.stderr)
        requirements += missing
    else:
        raise SystemExit(f"win_wheels: still missing after 5 rounds: {missing}")
    pip_install(args.site_packages, requirements, args.python_version)
    # Scripts pip wrote for Linux (bin/) are of no use to the Windows interpreter.
    shutil.rmtree(args.site_packages / "bin", ignore_errors=True)
    names = sorted(f"{d.metadata['Name']}=={d.version}"
                   for d in distributions(path=[str(args.site_packages)]))
    print(f"win_wheels: {len(names)} distributions: {' '.join(names)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
